"""duplicate pairs: identity keys of records, and flagged pairs

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 18:45:00

Follows the server hardening's 0002.
Existing records get their keys here, so the first push after the upgrade already finds a
woman registered before it (no pairs are flagged for records already on the server: that
would be a batch job, run by hand with `jisr-server`, not a migration).
"""

import json

import sqlalchemy as sa
from alembic import op

from jisr_server.pairs import identity_keys

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    keys = op.create_table(
        "record_keys",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("programme", sa.String(length=100), nullable=False),
        sa.Column("cin", sa.String(length=64), nullable=True),
        sa.Column("dob", sa.String(length=10), nullable=True),
        sa.Column("names", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_keys")),
    )
    op.create_index("ix_record_keys_cin", "record_keys", ["programme", "cin"])
    op.create_index("ix_record_keys_dob", "record_keys", ["programme", "dob"])
    op.create_table(
        "pairs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("record_a", sa.String(length=36), nullable=False),
        sa.Column("record_b", sa.String(length=36), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kept", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by", sa.String(length=150), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
    )
    op.create_index("ix_pairs_record_a", "pairs", ["record_a"])
    op.create_index("ix_pairs_record_b", "pairs", ["record_b"])
    _backfill(keys)


def _backfill(keys: sa.Table) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, def_id, data FROM records WHERE deleted = :no AND def_id IS NOT NULL"),
        {"no": False},
    ).fetchall()  # read fully first: inserting while a cursor is open is not portable
    batch = []
    for record_id, def_id, data in rows:
        answers = (json.loads(data) if data else {}).get("answers") or {}
        batch.append({"record_id": record_id, "programme": def_id, **identity_keys(answers)})
        if len(batch) >= 1000:
            op.bulk_insert(keys, batch)
            batch = []
    if batch:
        op.bulk_insert(keys, batch)


def downgrade() -> None:
    op.drop_index("ix_pairs_record_b", table_name="pairs")
    op.drop_index("ix_pairs_record_a", table_name="pairs")
    op.drop_table("pairs")
    op.drop_index("ix_record_keys_dob", table_name="record_keys")
    op.drop_index("ix_record_keys_cin", table_name="record_keys")
    op.drop_table("record_keys")
