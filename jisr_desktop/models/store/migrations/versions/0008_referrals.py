"""Referrals: the named place a woman is oriented to (with the appointment and the person
to contact), the incubator's confirmation or change of her path, and the incubator staff's
edits of the service card, incubations (selection, funding, contract) post-incubation follow-up visits and committee sessions (issue 12).

Revision ID: 0008
Revises: 0004 (the lead rechains it after the other branches' migrations)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("place_id", sa.String(), nullable=True),
        sa.Column("places_version", sa.Integer(), nullable=True),
        sa.Column("appointment", sa.String(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("path", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_referrals_record_id", "referrals", ["record_id"])
    op.create_table(
        "service_card_edits",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("assessment_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("scheduled_on", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_service_card_edits_record_id", "service_card_edits", ["record_id"])
    op.create_table(
        "incubations",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("selected_on", sa.String(), nullable=False),
        sa.Column("funding_amount", sa.Integer(), nullable=True),
        sa.Column("funding_source", sa.String(), nullable=True),
        sa.Column("funded_on", sa.String(), nullable=True),
        sa.Column("contract_start", sa.String(), nullable=False),
        sa.Column("contract_end", sa.String(), nullable=False),
        sa.Column("logistics", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_incubations_record_id", "incubations", ["record_id"])
    op.create_table(
        "follow_up_visits",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("visited_on", sa.String(), nullable=False),
        sa.Column("visitor", sa.String(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_on", sa.String(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_follow_up_visits_record_id", "follow_up_visits", ["record_id"])
    op.create_table(
        "committee_sessions",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("province_code", sa.String(), nullable=False),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.String(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_committee_sessions_province_code", "committee_sessions",
                    ["province_code"])


def downgrade() -> None:
    op.drop_index("ix_committee_sessions_province_code", "committee_sessions")
    op.drop_table("committee_sessions")
    op.drop_index("ix_follow_up_visits_record_id", "follow_up_visits")
    op.drop_table("follow_up_visits")
    op.drop_index("ix_incubations_record_id", "incubations")
    op.drop_table("incubations")
    op.drop_index("ix_service_card_edits_record_id", "service_card_edits")
    op.drop_table("service_card_edits")
    op.drop_index("ix_referrals_record_id", "referrals")
    op.drop_table("referrals")
