"""The list's narrow "live rows" index keyed on `seq`, not on `deleted`; the outbox's state;
prefix indexes in the search index.

0003's `ix_records_live` was `(deleted) WHERE deleted = 0`. Every query of live records
says `deleted = 0`, and without statistics SQLite takes an equality on an indexed column
for a selective one: it chose that index over the real ones and walked every live row —
the duplicate check (CIN or phone or date of birth) took ~0.6 s at 100,000 records
instead of a fraction of a millisecond, which made imports quadratic; the committee's
province list and the statistics did the same. Keyed on `seq`, the index offers no
equality on `deleted`, so the planner uses it only where it is the right one (counting
live rows, or the hits of a search: `seq IN (…)`), and Repository names it there.

The status bar counts the outbox's pending entries at start and every 30 s. Without an
index on `state` that read every payload (a whole record each): ~0.6 s at 100,000
unsent records, on the one db lane, so the list's count or a search queued behind it.

Search as you type starts with one or two letters: "ا" alone matches ~87 % of the names,
and FTS5 merged the postings of every term starting with it (~12 ms, twice per keystroke:
the count that picks the plan, then the page). With `prefix='1 2 3'` FTS5 keeps the
postings of each 1-, 2- and 3-letter prefix ready (~3 ms). The table is rebuilt from its
own terms (about a second for 100,000 records).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Keep in step with LIVE_INDEX at the end of models/schema.py.
LIVE = sa.text("deleted = 0")
# As in 0002, plus the prefix indexes.
TOKENIZE = "tokenize = \"unicode61 remove_diacritics 2 tokenchars '+'\""


def _rebuild_search(options: str) -> None:
    op.execute(f"CREATE VIRTUAL TABLE records_fts_new USING fts5(terms, {options})")
    op.execute("INSERT INTO records_fts_new(rowid, terms) SELECT rowid, terms FROM records_fts")
    op.execute("DROP TABLE records_fts")
    op.execute("ALTER TABLE records_fts_new RENAME TO records_fts")


def upgrade() -> None:
    op.drop_index("ix_records_live", "records")
    op.create_index("ix_records_live_seq", "records", ["seq"], sqlite_where=LIVE)
    op.create_index("ix_outbox_state", "outbox", ["state"])
    _rebuild_search(f"{TOKENIZE}, prefix = '1 2 3'")


def downgrade() -> None:
    _rebuild_search(TOKENIZE)
    op.drop_index("ix_outbox_state", "outbox")
    op.drop_index("ix_records_live_seq", "records")
    op.create_index("ix_records_live", "records", ["deleted"], sqlite_where=LIVE)
