"""Incubations: the selection committee that chose her (issue 12: "the selection
(committee, date, decision)"); the date was there, the decision is the row itself (only a
project the committee selected is incubated, document line 425).

Revision ID: 0009
Revises: 0008 (the lead rechains it after the other branches' migrations)
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incubations") as batch:
        batch.add_column(sa.Column("committee", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incubations") as batch:
        batch.drop_column("committee")
