"""item tombstones: a deleted record's decisions, assessments and deliveries are erased

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 19:00:00

Adds `items.deleted`, and erases the items that records deleted before this revision left
behind (with their reasons): each becomes a tombstone with no data and a fresh change
number, so devices that pulled it learn on their next pull that it is gone.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    conn = op.get_bind()
    leftovers = conn.execute(
        sa.text(
            "SELECT i.kind, i.id FROM items i JOIN records r ON r.id = i.record_id "
            "WHERE r.deleted ORDER BY i.change_no"
        )
    ).all()
    if not leftovers:
        return
    last = conn.execute(
        sa.text("UPDATE counters SET value = value + :n WHERE name = 'change' RETURNING value"),
        {"n": len(leftovers)},
    ).scalar_one()
    first = int(last) - len(leftovers) + 1
    for offset, (kind, item_id) in enumerate(leftovers):
        conn.execute(
            sa.text(
                "UPDATE items SET deleted = :yes, data = '{}', content_hash = '', "
                "change_no = :change WHERE kind = :kind AND id = :id"
            ),
            {"yes": True, "change": first + offset, "kind": kind, "id": item_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("deleted")
