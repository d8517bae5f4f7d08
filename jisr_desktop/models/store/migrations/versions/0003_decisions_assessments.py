"""Decisions (agent confirmation, committee), skills assessments, services delivered,
and the indexes that keep the beneficiaries list fast at 100,000 records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Keep in step with the Index objects at the end of models/schema.py.
LIVE = sa.text("deleted = 0")


# The list (Repository.page): one partial index per sort key over live rows, holding the
# sort column, then `seq` (the tie-breaker of every sort), then every filter column. A page
# is then a walk along one index that never touches the wide rows with their JSON bodies,
# whatever the filters, and a count is a walk along the narrowest one.
LIST_FILTER_COLUMNS = ("province_code", "status", "category", "eligible", "created_at")
LIST_SORT_INDEXES = {
    "ix_records_list_name_lat": "name_lat",
    "ix_records_list_name_ar": "name_ar",
    "ix_records_list_cin": "cin",
    "ix_records_list_province": "province_code",
    "ix_records_list_category": "category",
    "ix_records_list_score": "score_total",
    "ix_records_list_updated": "updated_at",
}


def list_index_columns(sort_column: str) -> list[str]:
    return [sort_column, "seq", *(c for c in LIST_FILTER_COLUMNS if c != sort_column)]


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(), nullable=True),
        sa.Column("destination", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("decided_on", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_decisions_record_id", "decisions", ["record_id"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("record_id", sa.String(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("def_id", sa.String(), nullable=False),
        sa.Column("def_version", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("recommended", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    op.create_index("ix_assessments_record_id", "assessments", ["record_id"])
    op.create_table(
        "service_deliveries",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(), nullable=False, unique=True),
        sa.Column("assessment_id", sa.String(), sa.ForeignKey("assessments.id"), nullable=False),
        sa.Column("record_id", sa.String(), nullable=False),
        sa.Column("service_id", sa.String(), nullable=False),
        sa.Column("delivered_on", sa.String(), nullable=False),
        sa.Column("delivered_by", sa.String(), nullable=False),
        sa.Column("at", sa.String(), nullable=False),
    )
    op.create_index("ix_service_deliveries_assessment_id", "service_deliveries", ["assessment_id"])
    op.create_index("ix_service_deliveries_record_id", "service_deliveries", ["record_id"])
    for name, column in LIST_SORT_INDEXES.items():
        op.create_index(name, "records", list_index_columns(column), sqlite_where=LIVE)
    # Entries of a few bytes (the rowid): counting every live row, or every search hit,
    # reads a tenth of what walking a covering index would.
    op.create_index("ix_records_live", "records", ["deleted"], sqlite_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_records_live", "records")
    for name in LIST_SORT_INDEXES:
        op.drop_index(name, "records")
    op.drop_table("service_deliveries")
    op.drop_table("decisions")
    op.drop_table("assessments")
