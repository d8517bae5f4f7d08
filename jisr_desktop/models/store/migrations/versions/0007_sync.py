"""Sync: who made each outbox op and what the server answered; the engine's state, each
agent's sealed device token, and what the device knows of each record on the server.

Earlier stores called an op sent "sent" and a failure "error"; no release sent anything,
so both become "pending" and go up again (the server answers "duplicate" to any op it
already has).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite adds a nullable column without copying the table.
    op.add_column("outbox", sa.Column("author", sa.String(), nullable=True))
    op.add_column("outbox", sa.Column("result", sa.Text(), nullable=True))
    op.execute("UPDATE outbox SET state = 'pending' WHERE state IN ('sent', 'error')")
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "sync_tokens",
        sa.Column("agent", sa.String(), primary_key=True),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("server_url", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("scope", sa.String(), nullable=True),
        sa.Column("expires_at", sa.String(), nullable=True),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("signed_in_at", sa.String(), nullable=False),
        sa.Column("refused", sa.String(), nullable=True),
    )
    op.create_table(
        "sync_records",
        sa.Column("record_id", sa.String(), primary_key=True),
        sa.Column("server_version", sa.Integer(), nullable=True),
        sa.Column("held", sa.Text(), nullable=True),
        sa.Column("pulled_gen", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sync_records")
    op.drop_table("sync_tokens")
    op.drop_table("sync_state")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("result")
        batch.drop_column("author")
