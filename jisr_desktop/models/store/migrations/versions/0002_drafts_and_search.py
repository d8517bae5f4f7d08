"""Drafts that survive a crash, and the full-text index over normalised names, CIN and phone.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(), nullable=True),
        sa.Column("agent", sa.String(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    # Names arrive already folded (hamza, ta marbuta, case, accents) by models/normalize.py,
    # since unicode61 alone does not fold Arabic; `terms` also holds CIN and phone forms.
    op.execute(
        "CREATE VIRTUAL TABLE records_fts USING fts5("
        "terms, tokenize = \"unicode61 remove_diacritics 2 tokenchars '+'\")"
    )
    # Stores made at 0001 already hold records: index them so search finds every one.
    op.execute(
        "INSERT INTO records_fts(rowid, terms) SELECT seq, "
        "trim(coalesce(name_ar, '') || ' ' || coalesce(name_lat, '') || ' ' || "
        "lower(coalesce(cin, '')) || ' ' || replace(coalesce(phone, ''), '+', '') || ' ' || "
        "CASE WHEN phone LIKE '+212%' THEN '0' || substr(phone, 5) ELSE '' END) "
        "FROM records WHERE deleted = 0"
    )


def downgrade() -> None:
    op.execute("DROP TABLE records_fts")
    op.drop_table("drafts")
