"""The selection committee's refusal or waiting list of a project for incubation (issue
12: "the selection (committee, date, decision)"): a selection is the incubation row
itself (0008); a project not selected is a row here, with its day, committee and reason.

Revision ID: 0012_incubation_decisions
Revises: 0011_programme_paths
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_incubation_decisions"
down_revision = "0011_programme_paths"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incubation_decisions",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("decided_on", sa.String(), nullable=False),
        sa.Column("committee", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_incubation_decisions_record_id", "incubation_decisions", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_incubation_decisions_record_id", "incubation_decisions")
    op.drop_table("incubation_decisions")
