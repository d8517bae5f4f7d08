"""The server's tables (SQLAlchemy Core: the push path writes in bulk, with no ORM cost).

The change log is compacted, as in Kinto: each record (and each attached item) carries the
change number of its latest change, so a pull returns every entity once, at its newest
state, tombstones included. The full history of who changed what lives in `audit`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

# Named constraints: Alembic can then alter them on SQLite (batch mode) and PostgreSQL alike.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = DateTime(timezone=True)

server_state = Table(
    "server_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per counter. Change numbers come from `UPDATE counters ... RETURNING`: the row
# stays locked until the push commits, so change numbers become visible in commit order
# (a sequence would let number 6 commit before 5, and a pull in between would skip 5).
counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("scope_kind", String(16), nullable=False),  # province | region | national
    Column("scope_code", String(32)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", TS, nullable=False),
)

# Keyed by the username as typed, known or not: throttling only known names would tell an
# attacker which names exist.
login_failures = Table(
    "login_failures",
    metadata,
    Column("username", String(150), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", TS),
    Column("last_at", TS, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # SHA-256 of the token: a stolen database yields no usable token. A fast hash is
    # enough here because the token has 256 random bits, unlike a password.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("device_name", String(200)),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("revoked_at", TS),
)

records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),  # the client's UUID
    Column("province", String(32), nullable=False),
    Column("region", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("def_id", String(100)),
    Column("def_version", Integer),
    Column("data", Text, nullable=False),  # JSON: {"form", "answers", "evaluation"}
    Column("content_hash", String(64), nullable=False),
    Column("change_no", BigInteger, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("device_id", String(64), nullable=False),
    Index("ix_records_change", "change_no", unique=True),
    Index("ix_records_province_change", "province", "change_no"),
    Index("ix_records_region_change", "region", "change_no"),
)

# Decisions, skills assessments and service deliveries: attached to a record, keyed by
# their own client UUID, synced like records through the same change numbers.
items = Table(
    "items",
    metadata,
    Column("kind", String(16), primary_key=True),  # decision | assessment | delivery
    Column("id", String(36), primary_key=True),
    Column("record_id", String(36), ForeignKey("records.id"), nullable=False),
    Column("province", String(32), nullable=False),
    Column("region", String(16), nullable=False),
    Column("record_version", Integer, nullable=False),
    # A tombstone: its record was deleted, and it keeps no data (migration 0002).
    Column("deleted", Boolean, nullable=False, server_default=false()),
    Column("data", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("change_no", BigInteger, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("updated_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("device_id", String(64), nullable=False),
    Index("ix_items_change", "change_no", unique=True),
    Index("ix_items_province_change", "province", "change_no"),
    Index("ix_items_region_change", "region", "change_no"),
    Index("ix_items_record", "record_id"),
)

# The result of every applied op, written in the transaction that applied it: a replay of
# the op id gets this stored answer back instead of a second application.
op_results = Table(
    "op_results",
    metadata,
    Column("op_id", String(64), primary_key=True),
    Column("record_id", String(36), nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("result", Text, nullable=False),
    Column("at", TS, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False),
    Column("user_id", Integer),
    Column("username", String(150)),
    Column("device_id", String(64)),
    Column("action", String(32), nullable=False),
    Column("entity", String(16)),
    Column("entity_id", String(64)),
    Column("record_id", String(36)),
    Column("version", Integer),
    Column("change_no", BigInteger),
    Column("op_id", String(64)),
    Column("province", String(32)),
    Column("region", String(16)),
    # Names of changed answers, never their values: the audit outlives deletions (law 09-08).
    Column("details", Text),
    Index("ix_audit_record", "record_id"),
)

# Every published version of every definition and reference list: records keep naming the
# version they were validated with, so old versions are never replaced.
published = Table(
    "published",
    metadata,
    Column("kind", String(32), nullable=False),  # form, grid, …, card, reference
    Column("def_id", String(100), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("published_at", TS, nullable=False),
    Column("published_by", String(150)),
)
