"""Incubations: the selection committee that chose her (issue 12: "the selection
(committee, date, decision)"); the date was there, the decision is the row itself (only a
project the committee selected is incubated, document line 425).

Revision ID: 0010
Revises: 0009_decision_override
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009_decision_override"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incubations") as batch:
        batch.add_column(sa.Column("committee", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incubations") as batch:
        batch.drop_column("committee")
