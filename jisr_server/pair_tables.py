"""The tables of "the same woman twice" (migration 0003): identity keys and flagged pairs.

Kept apart from schema.py so the push path's tables stay as they are; both share one
`metadata`, so Alembic sees the whole schema.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text

from jisr_server.schema import TS, metadata

# The normalised keys duplicate detection compares, one row per live or deleted record,
# rewritten by each applied upsert: the record's JSON is never parsed to find candidates.
record_keys = Table(
    "record_keys",
    metadata,
    Column("record_id", String(36), primary_key=True),
    Column("programme", String(100), nullable=False),  # the form's id: one programme each
    Column("cin", String(64)),  # normalize_cin, or NULL
    Column("dob", String(10)),  # ISO date, or NULL
    Column("names", Text, nullable=False),  # JSON list of full names as typed (ar, lat)
    Index("ix_record_keys_cin", "programme", "cin"),
    Index("ix_record_keys_dob", "programme", "dob"),
)

# One row per pair of records that may be one woman; both records stay until a supervisor
# settles it. The id is derived from the two record ids, so a pair is flagged once however
# often either record is edited, and a dismissed pair is never flagged again.
pairs = Table(
    "pairs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("record_a", String(36), nullable=False),  # the smaller id of the two
    Column("record_b", String(36), nullable=False),
    Column("reasons", Text, nullable=False),  # JSON list: same_cin, similar_name_same_dob
    Column("status", String(16), nullable=False),  # open | merged | dismissed | closed
    Column("kept", String(36)),  # after a merge: the record that stayed
    Column("created_at", TS, nullable=False),
    Column("settled_at", TS),
    Column("settled_by", String(150)),
    Index("ix_pairs_record_a", "record_a"),
    Index("ix_pairs_record_b", "record_b"),
)
