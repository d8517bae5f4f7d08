"""A narrow copy of what a re-scoring pass reads of each record, kept beside `records`.

A pass read every live record's row (about 49,000 pages of 100,000 registrations, each
decrypted by SQLCipher) and extracted the ~17 answers a score depends on from its JSON:
~1.3 s of the main process's CPU on a 2-core machine, the part of a pass the worker
process cannot share. `scoring_inputs` holds, per live registration, those answers as
one JSON array (in the order `fields` names) and its derived values as stored, with a
digest for the long evaluation text: ~2,500 pages, no JSON to extract.

Kept right by triggers, not by the writers: any write to a record's answers, status or
derived values (the app's saves, the sync's pulled changes, an import, a hand-made
UPDATE) drops its copy and marks it in `scoring_dirty`; the next pass reads marked
records from `records` itself and makes their copies again. A copy is never trusted
after a write it did not see.

Revision ID: 0013_scoring_inputs
Revises: 0012_incubation_decisions
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_scoring_inputs"
down_revision = "0012_incubation_decisions"
branch_labels = None
depends_on = None

# The columns whose change makes a record's copy stale (derived.DERIVED_COLUMNS, and what
# decides whether it is in a pass at all).
WATCHED = (
    "answers, status, deleted, eligible, category, score_total, vulnerability, readiness, "
    "proposed_path, proposed_destination, evaluation"
)
TRIGGERS = (
    "CREATE TRIGGER scoring_inputs_on_insert AFTER INSERT ON records BEGIN "
    "INSERT OR IGNORE INTO scoring_dirty (seq) VALUES (new.seq); END",
    f"CREATE TRIGGER scoring_inputs_on_update AFTER UPDATE OF {WATCHED} ON records BEGIN "
    "DELETE FROM scoring_inputs WHERE seq = old.seq; "
    "INSERT OR IGNORE INTO scoring_dirty (seq) VALUES (new.seq); END",
    "CREATE TRIGGER scoring_inputs_on_delete AFTER DELETE ON records BEGIN "
    "DELETE FROM scoring_inputs WHERE seq = old.seq; "
    "DELETE FROM scoring_dirty WHERE seq = old.seq; END",
)


def upgrade() -> None:
    op.create_table(
        "scoring_inputs",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("category", sa.Integer(), nullable=True),
        sa.Column("score_total", sa.Float(), nullable=True),
        sa.Column("vulnerability", sa.Float(), nullable=True),
        sa.Column("readiness", sa.Float(), nullable=True),
        sa.Column("proposed_path", sa.String(), nullable=True),
        sa.Column("proposed_destination", sa.String(), nullable=True),
        sa.Column("evaluation_digest", sa.Integer(), nullable=True),
    )
    op.create_table(
        "scoring_dirty",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
    )
    for trigger in TRIGGERS:
        op.execute(trigger)
    # No copy yet: the first pass reads every record from `records`, as before, and
    # makes them.
    op.execute("INSERT INTO scoring_dirty (seq) SELECT seq FROM records")


def downgrade() -> None:
    for name in ("scoring_inputs_on_insert", "scoring_inputs_on_update",
                 "scoring_inputs_on_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("scoring_dirty")
    op.drop_table("scoring_inputs")
