"""The first store: meta, accounts, definitions, records, outbox, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("province_code", sa.String(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "definitions",
        sa.Column("def_id", sa.String(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_definitions_kind", "definitions", ["kind"])
    op.create_table(
        "records",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("grid_version", sa.Integer(), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("evaluation", sa.Text(), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("score_total", sa.Float(), nullable=True),
        sa.Column("vulnerability", sa.Float(), nullable=True),
        sa.Column("readiness", sa.Float(), nullable=True),
        sa.Column("proposed_path", sa.String(), nullable=True),
        sa.Column("proposed_destination", sa.String(), nullable=True),
        sa.Column("region_code", sa.String(), nullable=True),
        sa.Column("province_code", sa.String(), nullable=True),
        sa.Column("commune_code", sa.String(), nullable=True),
        sa.Column("cin", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("date_of_birth", sa.String(), nullable=True),
        sa.Column("name_ar", sa.String(), nullable=True),
        sa.Column("name_lat", sa.String(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_records_cin", "records", ["cin"])
    op.create_index("ix_records_phone", "records", ["phone"])
    op.create_index("ix_records_dob", "records", ["date_of_birth"])
    op.create_index("ix_records_province_score", "records", ["province_code", "score_total"])
    op.create_index("ix_records_updated", "records", ["updated_at"])
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("op_id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("op", sa.String(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=True),
    )
    op.create_index("ix_outbox_record_id", "outbox", ["record_id"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_record_id", "audit", ["record_id"])


def downgrade() -> None:
    for table in ("audit", "outbox", "records", "definitions", "accounts", "meta"):
        op.drop_table(table)
