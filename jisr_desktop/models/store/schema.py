"""The local store's tables. Only the modules of `models/store/` and the migrations use them.

The whole file is encrypted by SQLCipher, so the JSON bodies may hold names and CINs;
the normalised columns exist for search and duplicate checks, not for display.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Facts about this store: its id, the device id the server sees, the home province."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Account(Base):
    """An agent who may unlock the store. Her wrapped key is in keyring.json; her role is here,
    inside the encryption, so editing the plain keyring cannot promote anyone."""

    __tablename__ = "accounts"
    name: Mapped[str] = mapped_column(String, primary_key=True)
    role: Mapped[str] = mapped_column(String)  # field_agent | incubator_staff | supervisor | admin
    province_code: Mapped[str | None] = mapped_column(String, nullable=True)
    created_at: Mapped[str] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StoredDefinition(Base):
    """Every version of every definition ever loaded: old records refer to old versions."""

    __tablename__ = "definitions"
    def_id: Mapped[str] = mapped_column(String, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String, index=True)
    content_hash: Mapped[str] = mapped_column(String)
    body: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[str] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class Record(Base):
    """One registration. `seq` is the FTS rowid; `id` the client-made UUID the server knows."""

    __tablename__ = "records"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    status: Mapped[str] = mapped_column(String)  # registered | refused_consent
    form_id: Mapped[str] = mapped_column(String)
    form_version: Mapped[int] = mapped_column(Integer)
    # The scoring (definition versions, scorings.py) the record was saved or re-scored under.
    scoring_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answers: Mapped[str] = mapped_column(Text)
    evaluation: Mapped[str | None] = mapped_column(Text, nullable=True)
    eligible: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    vulnerability: Mapped[float | None] = mapped_column(Float, nullable=True)
    readiness: Mapped[float | None] = mapped_column(Float, nullable=True)
    proposed_path: Mapped[str | None] = mapped_column(String, nullable=True)
    proposed_destination: Mapped[str | None] = mapped_column(String, nullable=True)
    region_code: Mapped[str | None] = mapped_column(String, nullable=True)
    province_code: Mapped[str | None] = mapped_column(String, nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String, nullable=True)
    cin: Mapped[str | None] = mapped_column(String, nullable=True)
    phone: Mapped[str | None] = mapped_column(String, nullable=True)
    date_of_birth: Mapped[str | None] = mapped_column(String, nullable=True)
    name_ar: Mapped[str | None] = mapped_column(String, nullable=True)  # normalised
    name_lat: Mapped[str | None] = mapped_column(String, nullable=True)  # normalised
    agent: Mapped[str] = mapped_column(String)
    created_at: Mapped[str] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_records_cin", "cin"),
        Index("ix_records_phone", "phone"),
        Index("ix_records_dob", "date_of_birth"),
        Index("ix_records_province_score", "province_code", "score_total"),
        Index("ix_records_updated", "updated_at"),
    )


class Scoring(Base):
    """A set of definition versions (form, grid, orientation) records were scored with,
    kept once instead of inside every record's evaluation. `is_pass`: a re-scoring pass,
    which covers every registration it saw once `complete` (see scorings.py)."""

    __tablename__ = "scorings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    versions: Mapped[str] = mapped_column(Text)  # canonical JSON
    is_pass: Mapped[bool] = mapped_column(Boolean)
    complete: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[str] = mapped_column(String)


class ScoringInput(Base):
    """What a re-scoring pass reads of a live registration (migration 0013): its scoring
    answers as one JSON array and its derived values as stored, the evaluation by its
    digest. Kept by the triggers of 0013: any write to the record drops it."""

    __tablename__ = "scoring_inputs"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    inputs: Mapped[str] = mapped_column(Text)
    eligible: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    vulnerability: Mapped[float | None] = mapped_column(Float, nullable=True)
    readiness: Mapped[float | None] = mapped_column(Float, nullable=True)
    proposed_path: Mapped[str | None] = mapped_column(String, nullable=True)
    proposed_destination: Mapped[str | None] = mapped_column(String, nullable=True)
    evaluation_digest: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ScoringDirty(Base):
    """A record written since its `scoring_inputs` copy was made (or never copied)."""

    __tablename__ = "scoring_dirty"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class OutboxEntry(Base):
    """An operation waiting to be pushed to the server (the sync issue drains it)."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    op: Mapped[str] = mapped_column(String)  # upsert | delete
    base_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String)
    # pending | in_flight | acked | conflict | rejected | resolved (sync_state.py says how
    # one moves to the next). Indexed (migration 0004): the status bar counts the pending
    # ones every 30 s, and a scan of 100,000 payloads held the db lane for ~0.6 s.
    state: Mapped[str] = mapped_column(String, default="pending", index=True)
    batch_id: Mapped[str | None] = mapped_column(String, nullable=True)
    # Migration 0007. The agent who made the op: it goes up under her token only.
    author: Mapped[str | None] = mapped_column(String, nullable=True)
    # The server's answer (protocol.OpResult JSON) once it is a conflict or a rejection.
    result: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditEntry(Base):
    """Who did what, when: one row per write, in the same transaction as the write."""

    __tablename__ = "audit"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String)
    agent: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    record_id: Mapped[str | None] = mapped_column(String, nullable=True, index=True)
    changes: Mapped[str | None] = mapped_column(Text, nullable=True)


class Draft(Base):
    """A half-filled form, saved on every change so a crash or power cut loses nothing."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    form_id: Mapped[str] = mapped_column(String)
    form_version: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str | None] = mapped_column(String, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    answers: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String)


FTS_TABLE = "records_fts"


# -- sync (migration 0007; the SQL on them is in sync_state.py and tokens.py) --------------


class SyncValue(Base):
    """The sync engine's facts: server URL and id, pull cursor, batch size, goodput."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncToken(Base):
    """An agent's device token, sealed under a key only her passphrase opens (tokens.py)."""

    __tablename__ = "sync_tokens"
    agent: Mapped[str] = mapped_column(String, primary_key=True)
    username: Mapped[str] = mapped_column(String)
    server_url: Mapped[str] = mapped_column(String)
    role: Mapped[str | None] = mapped_column(String, nullable=True)
    scope: Mapped[str | None] = mapped_column(String, nullable=True)
    expires_at: Mapped[str | None] = mapped_column(String, nullable=True)
    sealed: Mapped[str] = mapped_column(Text)  # keyring.WrappedKey as JSON
    signed_in_at: Mapped[str] = mapped_column(String)
    # Set when the server said expired or revoked: her ops wait until she signs in again.
    refused: Mapped[str | None] = mapped_column(String, nullable=True)


class SyncRecord(Base):
    """What this device knows of a record on the server: the version last acknowledged or
    pulled, and a pulled change held back because local ops on it were not yet answered."""

    __tablename__ = "sync_records"
    record_id: Mapped[str] = mapped_column(String, primary_key=True)
    server_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    held: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The full pull (start over) that last listed it: what a full pull does not list was
    # deleted on the server or left this device's scope.
    pulled_gen: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Decision(Base):
    """A human decision about a record, never overwritten: the agent's confirmation (or
    change) of the proposed category and orientation, and the committee's outcome.
    The latest row of a kind is the one in force; the earlier ones are its history."""

    __tablename__ = "decisions"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    kind: Mapped[str] = mapped_column(String)  # agent_confirmation | committee
    category: Mapped[int | None] = mapped_column(Integer, nullable=True)
    path: Mapped[str | None] = mapped_column(String, nullable=True)
    destination: Mapped[str | None] = mapped_column(String, nullable=True)
    # accepted | waiting_list | refused (committee only)
    outcome: Mapped[str | None] = mapped_column(String, nullable=True)
    decided_on: Mapped[str | None] = mapped_column(String, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    agent: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)
    # The committee accepted a woman the grid found not eligible, as an explicit exception
    # with its reason (migration 0009).
    override: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Assessment(Base):
    """A skills assessment (bilan de compétences) and the services it recommended."""

    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    record_id: Mapped[str] = mapped_column(String, ForeignKey("records.id"), index=True)
    def_id: Mapped[str] = mapped_column(String)
    def_version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[str] = mapped_column(Text)
    recommended: Mapped[str] = mapped_column(Text)  # JSON list of service ids
    agent: Mapped[str] = mapped_column(String)
    created_at: Mapped[str] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String)


class ServiceDelivery(Base):
    """A service of the card actually given to the woman: when, and by whom."""

    __tablename__ = "service_deliveries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String, unique=True)
    assessment_id: Mapped[str] = mapped_column(String, ForeignKey("assessments.id"), index=True)
    record_id: Mapped[str] = mapped_column(String, index=True)
    service_id: Mapped[str] = mapped_column(String)
    delivered_on: Mapped[str] = mapped_column(String)
    delivered_by: Mapped[str] = mapped_column(String)
    at: Mapped[str] = mapped_column(String)


# The list's indexes (migration 0003): one partial index per sort key over live rows,
# holding the sort column, `seq` (every sort's tie-breaker) and every filter column, so a
# page or a count walks one index and never reads the wide rows with their JSON bodies.
LIST_FILTER_COLUMNS = ("province_code", "status", "category", "eligible", "created_at")
LIST_SORT_INDEXES = {
    "name_lat": "ix_records_list_name_lat",
    "name_ar": "ix_records_list_name_ar",
    "cin": "ix_records_list_cin",
    "province_code": "ix_records_list_province",
    "category": "ix_records_list_category",
    "score_total": "ix_records_list_score",
    "updated_at": "ix_records_list_updated",
}
for _column, _name in LIST_SORT_INDEXES.items():
    Index(
        _name,
        *(
            Record.__table__.c[c]
            for c in (_column, "seq", *(f for f in LIST_FILTER_COLUMNS if f != _column))
        ),
        sqlite_where=text("deleted = 0"),
    )
# Counting every live row (or every search hit) reads this one: a few bytes an entry.
# Keyed on `seq`, not `deleted` (migration 0004): an index on `deleted` matches the
# `deleted = 0` of every query, and SQLite then walked all live rows instead of using the
# CIN, phone or province index.
LIVE_INDEX = "ix_records_live_seq"
Index(LIVE_INDEX, Record.seq, sqlite_where=text("deleted = 0"))


# The programme's later steps (issue 12) keep their tables in their own module.
from jisr_desktop.models.store import programme_tables as programme_tables  # noqa: E402
