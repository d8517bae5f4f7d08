"""Decisions: the committee's override (issue 12). Accepting a woman the grid found not
eligible is an explicit, reasoned exception: the decision row keeps that it was one, so the
minutes, the audit and the server (which refuses an acceptance of a not-eligible woman
without it) all see it. Earlier decisions were no overrides: false.

Revision ID: 0009_decision_override
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_decision_override"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("override", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("override")
