"""Every query on the local store. Returns plain dataclasses, never live ORM objects,
so the UI and the CLI can hold results across threads and after the session closes.

Every write of a record appends, in the same transaction, an outbox entry (for sync) and
an audit entry (who, when, what changed).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from jisr_desktop.models.programme.clock import local_day_start
from jisr_desktop.models.programme.definitions import Definition, DefinitionSet, parse_definition
from jisr_desktop.models.programme.duplicates import DuplicateMatch, Person, find_duplicates
from jisr_desktop.models.programme.identity import normalize_cin, normalize_phone
from jisr_desktop.models.programme.normalize import normalize_name, search_tokens
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.schema import (
    FTS_TABLE,
    LIST_SORT_INDEXES,
    LIVE_INDEX,
    AuditEntry,
    Draft,
    OutboxEntry,
    Record,
    StoredDefinition,
)

DEFINITION_KINDS = ("form", "grid", "orientation", "assessment", "services")


@dataclass(frozen=True)
class Derived:
    """What a record's columns hold besides its answers: computed once, at save time."""

    status: str
    eligible: bool | None = None
    category: int | None = None
    score_total: float | None = None
    vulnerability: float | None = None
    readiness: float | None = None
    proposed_path: str | None = None
    proposed_destination: str | None = None
    grid_version: int | None = None
    evaluation: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class RecordSummary:
    id: str
    name_ar: str
    name_lat: str
    cin: str
    province_code: str
    status: str
    eligible: bool | None
    category: int | None
    score_total: float | None
    updated_at: str


@dataclass(frozen=True)
class RecordFilter:
    """What the beneficiaries list shows. `category` 0 means "not eligible"; the dates bound
    the registration day (`created_at`), both ends included, as ISO `YYYY-MM-DD`."""

    text: str = ""
    province_code: str | None = None
    category: int | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None


NOT_ELIGIBLE = 0  # RecordFilter.category for "not eligible"

# Sort keys the list offers, mapped to their columns; each has a partial index over live
# rows (migration 0003), so the first page of 100,000 rows is an index walk.
SORT_COLUMNS = {
    "name_lat": "name_lat",
    "name_ar": "name_ar",
    "cin": "cin",
    "province_code": "province_code",
    "category": "category",
    "score_total": "score_total",
    "updated_at": "updated_at",
}


@dataclass(frozen=True)
class RecordDetail:
    id: str
    version: int
    status: str
    form_id: str
    form_version: int
    grid_version: int | None
    answers: dict[str, Any]
    evaluation: dict[str, Any] | None
    eligible: bool | None
    category: int | None
    score_total: float | None
    agent: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ScoredRecord:
    """A scored registration as a ranked list needs it: names, points per group, the day."""

    id: str
    name_ar: str
    name_lat: str
    cin: str
    province_code: str
    eligible: bool | None
    category: int | None
    total: float
    subtotals: dict[str, float]
    created_at: str


@dataclass(frozen=True)
class DraftInfo:
    id: str
    form_id: str
    form_version: int
    record_id: str | None
    agent: str
    answers: dict[str, Any]
    updated_at: str


@dataclass(frozen=True)
class AuditInfo:
    at: str
    agent: str
    action: str
    record_id: str | None
    changes: dict[str, Any] = field(default_factory=dict)


def full_name(answers: Mapping[str, Any], script: str) -> str:
    """First and last name in one script ("ar" or "lat"), as the list and cards show it."""
    parts = (answers.get(f"first_name_{script}"), answers.get(f"last_name_{script}"))
    return " ".join(str(p) for p in parts if p).strip()


def _national_phone(e164: str) -> str:
    return "0" + e164[4:] if e164.startswith("+212") else ""


def search_terms(name_ar: str, name_lat: str, cin: str, phone: str) -> str:
    """The FTS row for a record. Keep in step with the backfill in migration 0002."""
    parts = [name_ar, name_lat, cin.lower(), phone.replace("+", ""), _national_phone(phone)]
    return " ".join(p for p in parts if p)


_PHONE_LIKE = re.compile(r"^[+0-9][0-9 .\-]{3,}$")


def fts_query(text_: str) -> str | None:
    """Turn what the agent typed into an FTS5 prefix query over the normalised terms."""
    stripped = text_.strip()
    if _PHONE_LIKE.match(stripped) and sum(c.isdigit() for c in stripped) >= 4:
        digits = re.sub(r"[^0-9]", "", stripped)
        if digits.startswith("00"):
            digits = digits[2:]
        return f'"{digits}"*'
    tokens = search_tokens(stripped)
    if not tokens:
        return None
    # Quoting each token keeps FTS5 operators (AND, NEAR, -) typed by a user literal.
    return " AND ".join('"' + t.replace('"', "") + '"*' for t in tokens)


def append_audit(
    s: Session, agent: str, action: str, record_id: str | None, changes: Mapping[str, Any]
) -> None:
    """One audit row in the caller's transaction. Shared by every repository of the store
    (records, decisions, assessments) so the audit trail has one shape."""
    s.add(
        AuditEntry(
            at=utcnow(),
            agent=agent,
            action=action,
            record_id=record_id,
            changes=json.dumps(changes, ensure_ascii=False) if changes else None,
        )
    )


def live_record(s: Session, record_id: str) -> Record:
    """The record, not deleted, in the caller's session; LookupError otherwise."""
    row = s.scalar(select(Record).where(Record.id == record_id, ~Record.deleted))
    if row is None:
        raise LookupError(f"no record {record_id}")
    return row


def append_outbox(
    s: Session, record_id: str, op: str, base_version: int, payload: Mapping[str, Any]
) -> str:
    """One pending outbox row in the caller's transaction; returns its op id. Decisions and
    assessments ride the record's outbox with their own `op`, so sync drains one queue."""
    op_id = str(uuid.uuid4())
    s.add(
        OutboxEntry(
            op_id=op_id,
            record_id=record_id,
            op=op,
            base_version=base_version,
            payload=json.dumps(payload, ensure_ascii=False),
            created_at=utcnow(),
            state="pending",
        )
    )
    return op_id


class Repository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- definitions --------------------------------------------------------------------------

    def install_definitions(self, definitions: Iterable[Definition]) -> list[Definition]:
        """Add versions the store lacks; the newest version of each kind becomes active.

        Old versions stay: records saved under them must still be explained and printed.
        """
        installed: list[Definition] = []
        now = utcnow()
        with self.store.session() as s:
            for d in definitions:
                existing = s.get(StoredDefinition, (d.id, d.version))
                if existing is not None:
                    if existing.content_hash != d.content_hash:
                        raise ValueError(
                            f"{d.source}: {d.id} version {d.version} differs from the stored one"
                        )
                    continue
                s.add(
                    StoredDefinition(
                        def_id=d.id,
                        version=d.version,
                        kind=d.kind,
                        content_hash=d.content_hash,
                        body=json.dumps(d.data, ensure_ascii=False),
                        loaded_at=now,
                        active=False,
                    )
                )
                installed.append(d)
                self._audit(
                    s,
                    "definitions",
                    None,
                    {"id": d.id, "version": d.version, "hash": d.content_hash},
                )
            s.flush()
            for kind in DEFINITION_KINDS:
                newest = s.scalar(
                    select(func.max(StoredDefinition.version)).where(StoredDefinition.kind == kind)
                )
                if newest is None:
                    continue
                s.execute(
                    update(StoredDefinition)
                    .where(StoredDefinition.kind == kind)
                    .values(active=StoredDefinition.version == newest)
                )
        return installed

    def active_definitions(self) -> DefinitionSet:
        with self.store.session() as s:
            rows = s.scalars(select(StoredDefinition).where(StoredDefinition.active)).all()
            by_kind = {r.kind: self._to_definition(r) for r in rows}
        missing = [k for k in DEFINITION_KINDS if k not in by_kind]
        if missing:
            raise LookupError(f"no active definition of kind {', '.join(missing)}")
        return DefinitionSet(**{k: by_kind[k] for k in DEFINITION_KINDS})

    def definition(self, def_id: str, version: int) -> Definition | None:
        with self.store.session() as s:
            row = s.get(StoredDefinition, (def_id, version))
            return self._to_definition(row) if row else None

    def definition_versions(self, kind: str) -> list[tuple[str, int, str, bool]]:
        with self.store.session() as s:
            rows = s.scalars(
                select(StoredDefinition)
                .where(StoredDefinition.kind == kind)
                .order_by(StoredDefinition.version)
            ).all()
            return [(r.def_id, r.version, r.content_hash, r.active) for r in rows]

    @staticmethod
    def _to_definition(row: StoredDefinition) -> Definition:
        return parse_definition(row.body, f"store:{row.def_id}@{row.version}")

    # -- records ------------------------------------------------------------------------------

    def save_registration(
        self,
        answers: Mapping[str, Any],
        derived: Derived,
        *,
        form: Definition,
        record_id: str | None = None,
        action: str | None = None,
    ) -> RecordDetail:
        with self.store.session() as s:
            row = self._write_record(s, dict(answers), derived, form, record_id, action)
            return self._detail(row)

    def bulk_save(
        self,
        items: Iterable[tuple[Mapping[str, Any], Derived, str | None]],
        *,
        form: Definition,
        action: str = "import",
        chunk: int = 1000,
    ) -> int:
        """Save many records, `chunk` per transaction: an import of 100,000 rows neither holds
        one giant transaction nor pays a full fsync per row."""
        saved = 0
        batch: list[tuple[Mapping[str, Any], Derived, str | None]] = []

        def flush() -> None:
            nonlocal saved
            with self.store.session() as s:
                for answers, derived, rid in batch:
                    self._write_record(s, dict(answers), derived, form, rid, action)
            saved += len(batch)
            batch.clear()

        for item in items:
            batch.append(item)
            if len(batch) >= chunk:
                flush()
        if batch:
            flush()
        return saved

    def _write_record(
        self,
        s: Session,
        answers: dict[str, Any],
        derived: Derived,
        form: Definition,
        record_id: str | None,
        action: str | None,
    ) -> Record:
        now = utcnow()
        row = s.scalar(select(Record).where(Record.id == record_id)) if record_id else None
        name_ar = normalize_name(full_name(answers, "ar"))
        name_lat = normalize_name(full_name(answers, "lat"))
        cin = normalize_cin(answers.get("cin") or "") or None
        phone = answers.get("phone") or None
        columns = {
            "status": derived.status,
            "form_id": form.id,
            "form_version": form.version,
            "grid_version": derived.grid_version,
            "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
            "evaluation": (
                json.dumps(derived.evaluation, ensure_ascii=False)
                if derived.evaluation is not None
                else None
            ),
            "eligible": derived.eligible,
            "category": derived.category,
            "score_total": derived.score_total,
            "vulnerability": derived.vulnerability,
            "readiness": derived.readiness,
            "proposed_path": derived.proposed_path,
            "proposed_destination": derived.proposed_destination,
            "region_code": answers.get("region"),
            "province_code": answers.get("province"),
            "commune_code": answers.get("commune"),
            "cin": cin,
            "phone": phone,
            "date_of_birth": answers.get("date_of_birth"),
            "name_ar": name_ar or None,
            "name_lat": name_lat or None,
            "updated_at": now,
        }
        if row is None:
            old_answers: dict[str, Any] = {}
            row = Record(
                id=record_id or str(uuid.uuid4()),
                agent=self.store.agent,
                created_at=now,
                version=1,
                deleted=False,
                **columns,
            )
            s.add(row)
            s.flush()
            base_version = 0
            verb = action or "create"
        else:
            old_answers = json.loads(row.answers)
            base_version = row.version
            for key, value in columns.items():
                setattr(row, key, value)
            row.version += 1
            s.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": row.seq})
            verb = action or "update"
        s.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:r, :t)"),
            {"r": row.seq, "t": search_terms(name_ar, name_lat, cin or "", phone or "")},
        )
        payload = {
            "id": row.id,
            "version": row.version,
            "form": {"id": form.id, "version": form.version},
            "answers": answers,
            "evaluation": derived.evaluation,
        }
        s.add(
            OutboxEntry(
                op_id=str(uuid.uuid4()),
                record_id=row.id,
                op="upsert",
                base_version=base_version,
                payload=json.dumps(payload, ensure_ascii=False),
                created_at=now,
                state="pending",
                author=self.store.agent,
            )
        )
        self._audit(s, verb, row.id, _diff(old_answers, answers))
        return row

    DERIVED_COLUMNS = (
        "eligible",
        "category",
        "score_total",
        "vulnerability",
        "readiness",
        "proposed_path",
        "proposed_destination",
        "grid_version",
        "evaluation",
    )

    @staticmethod
    def derived_row(record_id: str, d: Derived) -> tuple[Any, ...]:
        """A record's derived values in DERIVED_COLUMNS order, then its id."""
        return (
            d.eligible,
            d.category,
            d.score_total,
            d.vulnerability,
            d.readiness,
            d.proposed_path,
            d.proposed_destination,
            d.grid_version,
            _compact_json(d.evaluation),
            record_id,
        )

    def derived_rewrite(
        self,
        fields: Iterable[str],
        *,
        status: str = "registered",
        chunk: int = 4000,
        grid_version: int | None = None,
    ) -> DerivedRewrite:
        """The re-scoring pass over the store: see `DerivedRewrite`."""
        return DerivedRewrite(
            self, tuple(fields), status=status, chunk=chunk, grid_version=grid_version
        )

    def delete(self, record_id: str) -> bool:
        """A tombstone, not a DELETE: the server must learn of it and other devices too."""
        with self.store.session() as s:
            row = s.scalar(select(Record).where(Record.id == record_id, ~Record.deleted))
            if row is None:
                return False
            row.deleted = True
            row.version += 1
            row.updated_at = utcnow()
            s.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": row.seq})
            s.add(
                OutboxEntry(
                    op_id=str(uuid.uuid4()),
                    record_id=row.id,
                    op="delete",
                    base_version=row.version - 1,
                    payload=json.dumps({"id": row.id, "version": row.version}),
                    created_at=row.updated_at,
                    state="pending",
                    author=self.store.agent,
                )
            )
            self._audit(s, "delete", row.id, {})
            return True

    def get(self, record_id: str) -> RecordDetail | None:
        with self.store.session() as s:
            row = s.scalar(select(Record).where(Record.id == record_id, ~Record.deleted))
            return self._detail(row) if row else None

    def find_by_prefix(self, prefix: str) -> list[str]:
        """Ids starting with `prefix`: agents type the short id printed on a card.

        A range on the unique id index (`prefix <= id < next`), a look-up rather than the
        full scan of `LIKE 'abcd%'` (LIKE is case-insensitive, so SQLite cannot use the
        index for it: ~0.76 s at 100,000 records). The app's ids are lower-case UUIDs, but
        an imported id may not be: the prefix is looked up as typed, in lower case and in
        upper case (LIKE folded the case too)."""
        prefix = prefix.strip()
        if len(prefix) < 4:
            return []
        ranges = [and_(*_prefix_range(Record.id, p)) for p in dict.fromkeys(
            (prefix, prefix.lower(), prefix.upper()))]
        with self.store.session() as s:
            return list(
                s.scalars(
                    select(Record.id)
                    .where(or_(*ranges), ~Record.deleted)
                    .order_by(Record.id)
                    .limit(5)
                )
            )

    def count(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count()).select_from(Record).where(~Record.deleted)) or 0

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[RecordSummary]:
        match = fts_query(query)
        if match is None:
            return []
        with self.store.session() as s:
            seqs = [
                r[0]
                for r in s.execute(
                    text(
                        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
                        "ORDER BY rank LIMIT :l OFFSET :o"
                    ),
                    {"q": match, "l": limit, "o": offset},
                )
            ]
            if not seqs:
                return []
            rows = {r.seq: r for r in s.scalars(select(Record).where(Record.seq.in_(seqs)))}
            return [self._summary(rows[q]) for q in seqs if q in rows]

    # -- the list -----------------------------------------------------------------------------

    def page(
        self,
        filter: RecordFilter,
        *,
        sort: str = "updated_at",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[RecordSummary]:
        """One page of the beneficiaries list, for a filter and a sort key.

        Two steps: the sequence numbers first (the WHERE and ORDER BY are answered from
        indexes alone, so a deep offset skips index entries rather than wide rows), then
        the rows of that page only. Equal sort values fall back to `seq`, so paging is
        stable and no row appears on two pages.
        """
        if sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort key {sort!r}")
        where, params = _list_where(filter)
        if where is None:
            return []
        direction = "DESC" if descending else "ASC"
        column = SORT_COLUMNS[sort]
        params = {**params, "limit": max(0, int(limit)), "offset": max(0, int(offset))}
        with self.store.engine.connect() as conn:
            matches = _fts_matches(conn, params)
            if matches == 0:
                return []
            # A search matching few rows is read from the FTS hits (a row look-up each);
            # anything else walks the sort key's covering index, which reads index entries
            # only, stops after offset + limit matches and needs no sort. INDEXED BY: with
            # no statistics, SQLite may otherwise sort 100,000 wide rows (about a second).
            hint = (
                ""
                if matches is not None and matches <= FTS_DRIVE_LIMIT
                else (f"INDEXED BY {LIST_SORT_INDEXES[column]}")
            )
            sql = (
                f"SELECT seq FROM records {hint} WHERE {where} "
                f"ORDER BY {column} {direction}, seq {direction} LIMIT :limit OFFSET :offset"
            )
            seqs = [r[0] for r in conn.execute(text(sql), params)]
            if not seqs:
                return []
            rows = conn.execute(
                select(
                    Record.seq,
                    Record.id,
                    Record.answers,
                    Record.cin,
                    Record.province_code,
                    Record.status,
                    Record.eligible,
                    Record.category,
                    Record.score_total,
                    Record.updated_at,
                ).where(Record.seq.in_(seqs))
            ).all()
        by_seq = {r.seq: r for r in rows}
        out = []
        for seq in seqs:
            r = by_seq[seq]
            answers = json.loads(r.answers)
            out.append(
                RecordSummary(
                    r.id,
                    full_name(answers, "ar"),
                    full_name(answers, "lat"),
                    r.cin or "",
                    r.province_code or "",
                    r.status,
                    r.eligible,
                    r.category,
                    r.score_total,
                    r.updated_at,
                )
            )
        return out

    def count_matching(self, filter: RecordFilter) -> int:
        """How many live records the filter matches (the list's row count)."""
        where, params = _list_where(filter)
        if where is None:
            return 0
        with self.store.engine.connect() as conn:
            matches = _fts_matches(conn, params)
            if matches == 0:
                return 0
            if matches is not None and matches <= FTS_DRIVE_LIMIT:
                hint = ""  # few hits: look each one up
            elif filter.province_code:
                hint = f"INDEXED BY {LIST_SORT_INDEXES['province_code']}"  # a range of it
            elif filter.category is not None and filter.category != NOT_ELIGIBLE:
                hint = f"INDEXED BY {LIST_SORT_INDEXES['category']}"
            elif filter != RecordFilter(text=filter.text):
                # Any covering index holds every filter column: walk it, not the table.
                hint = f"INDEXED BY {LIST_SORT_INDEXES['updated_at']}"
            else:
                hint = f"INDEXED BY {LIVE_INDEX}"  # only seq is needed: the narrowest
            return conn.execute(
                text(f"SELECT count(*) FROM records {hint} WHERE {where}"), params
            ).scalar_one()

    def scored_in_province(self, province_code: str) -> list[ScoredRecord]:
        """Every live, scored registration of a province (eligible or not), unordered: the
        committee's list ranks them. Subtotals come from the stored evaluation, so a grid
        with groups other than vulnerability and readiness still ranks by its own."""
        query = (
            select(
                Record.id,
                Record.answers,
                Record.cin,
                Record.eligible,
                Record.category,
                Record.score_total,
                Record.vulnerability,
                Record.readiness,
                Record.evaluation,
                Record.created_at,
            )
            .where(
                Record.province_code == province_code,
                ~Record.deleted,
                Record.status == "registered",
                Record.score_total.is_not(None),
            )
            .order_by(Record.seq)
        )
        out: list[ScoredRecord] = []
        with self.store.engine.connect() as conn:
            for r in conn.execute(query):
                answers = json.loads(r.answers)
                evaluation = json.loads(r.evaluation) if r.evaluation else {}
                subtotals = dict(evaluation.get("subtotals") or {})
                subtotals.setdefault("vulnerability", r.vulnerability or 0)
                subtotals.setdefault("readiness", r.readiness or 0)
                out.append(
                    ScoredRecord(
                        r.id,
                        full_name(answers, "ar"),
                        full_name(answers, "lat"),
                        r.cin or "",
                        province_code,
                        r.eligible,
                        r.category,
                        r.score_total,
                        subtotals,
                        r.created_at,
                    )
                )
        return out

    def iter_records(
        self, *, chunk: int = 1000, province_code: str | None = None
    ) -> Iterator[RecordDetail]:
        """Live records in store order, read `chunk` at a time; one province's only when
        `province_code` is given (an indexed column, not a filter on the answers)."""
        last = 0
        while True:
            query = select(Record).where(Record.seq > last, ~Record.deleted)
            if province_code is not None:
                query = query.where(Record.province_code == province_code)
            with self.store.session() as s:
                rows = s.scalars(query.order_by(Record.seq).limit(chunk)).all()
                details = [self._detail(r) for r in rows]
                if rows:
                    last = rows[-1].seq
            if not details:
                return
            yield from details

    def duplicate_candidates(
        self, answers: Mapping[str, Any], *, exclude_id: str | None = None
    ) -> list[DuplicateMatch]:
        """Records that may be the same woman: same CIN, same phone, or same date of birth
        (whose names the fuzzy matcher then compares). The SQL narrows, Python decides."""
        cin = normalize_cin(answers.get("cin") or "")
        phone_check = normalize_phone(str(answers.get("phone") or ""))
        phone = phone_check.e164 if phone_check.valid else ""
        dob = answers.get("date_of_birth") or ""
        clauses = []
        if cin:
            clauses.append(Record.cin == cin)
        if phone:
            clauses.append(Record.phone == phone)
        if dob:
            clauses.append(Record.date_of_birth == dob)
        if not clauses:
            return []
        # The normalised columns are enough to compare: no ORM objects, no JSON decoding.
        query = (
            select(
                Record.id,
                Record.cin,
                Record.phone,
                Record.date_of_birth,
                Record.name_ar,
                Record.name_lat,
            )
            .where(or_(*clauses), ~Record.deleted)
            .limit(500)
        )
        with self.store.engine.connect() as conn:
            people = [
                Person(
                    record_id=rid,
                    cin=c or "",
                    phone=p or "",
                    date_of_birth=d or "",
                    names=tuple(n for n in (n_ar, n_lat) if n),
                )
                for rid, c, p, d, n_ar, n_lat in conn.execute(query)
            ]
        return find_duplicates(_person(exclude_id, answers), people)

    # -- drafts -------------------------------------------------------------------------------

    def save_draft(
        self,
        draft_id: str | None,
        form: Definition,
        answers: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> str:
        draft_id = draft_id or str(uuid.uuid4())
        with self.store.session() as s:
            row = s.get(Draft, draft_id)
            body = json.dumps(dict(answers), ensure_ascii=False)
            if row is None:
                s.add(
                    Draft(
                        id=draft_id,
                        form_id=form.id,
                        form_version=form.version,
                        record_id=record_id,
                        agent=self.store.agent,
                        answers=body,
                        updated_at=utcnow(),
                    )
                )
            else:
                row.answers = body
                row.updated_at = utcnow()
        return draft_id

    def drafts(self, agent: str | None = None) -> list[DraftInfo]:
        with self.store.session() as s:
            stmt = select(Draft).order_by(Draft.updated_at.desc())
            if agent:
                stmt = stmt.where(Draft.agent == agent)
            return [
                DraftInfo(
                    d.id,
                    d.form_id,
                    d.form_version,
                    d.record_id,
                    d.agent,
                    json.loads(d.answers),
                    d.updated_at,
                )
                for d in s.scalars(stmt)
            ]

    def delete_draft(self, draft_id: str) -> None:
        with self.store.session() as s:
            row = s.get(Draft, draft_id)
            if row is not None:
                s.delete(row)

    # -- outbox and audit ---------------------------------------------------------------------

    def pending_outbox_count(self) -> int:
        with self.store.session() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxEntry)
                    .where(OutboxEntry.state == "pending")
                )
                or 0
            )

    def audit_trail(self, record_id: str | None = None, limit: int = 100) -> list[AuditInfo]:
        with self.store.session() as s:
            stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
            if record_id:
                stmt = stmt.where(AuditEntry.record_id == record_id)
            return [
                AuditInfo(
                    a.at, a.agent, a.action, a.record_id, json.loads(a.changes) if a.changes else {}
                )
                for a in s.scalars(stmt)
            ]

    def _audit(
        self, s: Session, action: str, record_id: str | None, changes: Mapping[str, Any]
    ) -> None:
        append_audit(s, self.store.agent, action, record_id, changes)

    # -- statistics ---------------------------------------------------------------------------

    STAT_FIELDS = (
        "social_status",
        "disability",
        "head_of_household",
        "health_coverage",
        "legal_status",
        "education",
        "experience",
        "area_type",
    )

    def stats(self) -> dict[str, Any]:
        """The counts behind the programme's published charts."""
        with self.store.session() as s:
            live = ~Record.deleted
            out: dict[str, Any] = {
                "total": s.scalar(select(func.count()).select_from(Record).where(live)) or 0,
            }
            out["by_status"] = dict(
                s.execute(
                    select(Record.status, func.count()).where(live).group_by(Record.status)
                ).all()
            )
            out["by_region"] = dict(
                s.execute(
                    select(Record.region_code, func.count())
                    .where(live, Record.region_code.is_not(None))
                    .group_by(Record.region_code)
                ).all()
            )
            out["by_category"] = {
                ("not_eligible" if cat is None else str(cat)): n
                for cat, n in s.execute(
                    select(Record.category, func.count())
                    .where(live, Record.status == "registered")
                    .group_by(Record.category)
                ).all()
            }
            for name in self.STAT_FIELDS:
                value = func.json_extract(Record.answers, f"$.{name}")
                out[name] = dict(
                    s.execute(
                        select(value, func.count()).where(live, value.is_not(None)).group_by(value)
                    ).all()
                )
            each = text(
                "SELECT j.value, count(*) FROM records, json_each(records.answers, "
                "'$.support_requested') AS j WHERE records.deleted = 0 GROUP BY j.value"
            )
            out["support_requested"] = dict(s.execute(each).all())
        return out

    # -- conversion ---------------------------------------------------------------------------

    @staticmethod
    def _summary(row: Record) -> RecordSummary:
        answers = json.loads(row.answers)
        return RecordSummary(
            row.id,
            full_name(answers, "ar"),
            full_name(answers, "lat"),
            row.cin or "",
            row.province_code or "",
            row.status,
            row.eligible,
            row.category,
            row.score_total,
            row.updated_at,
        )

    @staticmethod
    def _detail(row: Record) -> RecordDetail:
        return RecordDetail(
            row.id,
            row.version,
            row.status,
            row.form_id,
            row.form_version,
            row.grid_version,
            json.loads(row.answers),
            json.loads(row.evaluation) if row.evaluation else None,
            row.eligible,
            row.category,
            row.score_total,
            row.agent,
            row.created_at,
            row.updated_at,
        )


# Below this many search hits, reading the hits one by one beats walking an index of
# 100,000 entries (measured: about 10 µs a hit against about 25 ms a walk).
FTS_DRIVE_LIMIT = 1000


def _fts_matches(conn: Any, params: Mapping[str, Any]) -> int | None:
    """How many rows the search text matches (None without search text): cheap, since FTS5
    answers from its own index."""
    if "q" not in params:
        return None
    return conn.execute(
        text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"), {"q": params["q"]}
    ).scalar_one()


def _list_where(f: RecordFilter) -> tuple[str | None, dict[str, Any]]:
    """The list's WHERE clause (plain SQL over indexed columns) and its parameters;
    None when the filter cannot match anything. `deleted = 0` is written exactly so, as
    the partial indexes of migration 0003 require."""
    clauses = ["deleted = 0"]
    params: dict[str, Any] = {}
    if f.province_code:
        clauses.append("province_code = :province")
        params["province"] = f.province_code
    if f.category == NOT_ELIGIBLE:
        clauses.append("eligible = 0")
    elif f.category is not None:
        clauses.append("category = :category")
        params["category"] = int(f.category)
    if f.status:
        clauses.append("status = :status")
        params["status"] = f.status
    # created_at is a UTC timestamp; the days she picks are the centre's local days.
    try:
        first = date.fromisoformat(str(f.date_from)[:10]) if f.date_from else None
        last = date.fromisoformat(str(f.date_to)[:10]) if f.date_to else None
    except ValueError:
        return None, {}
    if first is not None:
        clauses.append("created_at >= :date_from")
        params["date_from"] = local_day_start(first)
    if last is not None:
        # Everything before the next local day began is on the last day.
        clauses.append("created_at < :date_to")
        params["date_to"] = local_day_start(last + timedelta(days=1))
    if f.text.strip():
        match = fts_query(f.text)
        if match is None:
            return None, {}  # only punctuation: nothing can match what was typed
        clauses.append(f"seq IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q)")
        params["q"] = match
    return " AND ".join(clauses), params


def _prefix_range(column: Any, prefix: str) -> tuple[Any, ...]:
    """`column` starts with `prefix`, as a range the column's index answers. The upper
    bound is the prefix with its last character bumped ("abcd" -> "abce"); a last
    character at the top of Unicode has no successor, so the bound moves one further up."""
    head = prefix.rstrip(chr(0x10FFFF))
    if not head:
        return (column >= prefix,)
    upper = head[:-1] + chr(ord(head[-1]) + 1)
    return (column >= prefix, column < upper)


class DerivedRewrite:
    """One re-scoring pass: reads what the scoring needs of each live record and writes
    back only what changed, on one connection held for the whole pass.

    Why one connection with a large page cache: each record's pages are decrypted once
    (SQLCipher) when its chunk is read, and the UPDATE of that chunk, moments later, finds
    them still in the cache instead of decrypting them again (the pool's other connections
    have caches of their own).

    Why only the changed columns: SQLite rewrites an index entry whenever the SET names one
    of its columns, even with an equal value. `eligible`, `category` and `score_total` are
    in the list's seven covering indexes and in the province index, so an UPDATE naming
    them costs eight index rewrites a row (23 s for 98,000 rows, against 3 s for the row
    alone). A new grid version changes `grid_version` and `evaluation` of every record
    (the evaluation names the versions) but moves the score of few; a row whose values
    are all equal (a pass run again, or resumed) is not written at all.

    Use: `with repo.derived_rewrite(fields) as rw:` then `rw.chunks()` yields lists of
    `(seq, answers, old)` — `answers` the JSON array of `fields` (SQLite's json_extract,
    so the JSON of the whole registration is neither copied nor decoded in Python), `old`
    the DERIVED_COLUMNS values — and `rw.write(changes)` takes `(mask, seq, values)`
    triples (bit i of `mask` for DERIVED_COLUMNS[i], `values` in that order), one
    transaction per call. `rw.finish(reason)` appends the audit entry of the pass.
    Given the pass's `grid_version`, `old` holds the evaluation only for records already
    at that version, None for the others (their evaluation names another version, so it
    differs from the new one anyway).
    """

    # For the pass only: ~8,000 pages, the chunks in flight (2,000 records fill ~1,000 pages;
    # at most two per worker wait, plus the one being scored here) stay in the cache.
    CACHE_KIB = 32_768

    def __init__(
        self,
        repo: Repository,
        fields: tuple[str, ...],
        *,
        status: str,
        chunk: int,
        grid_version: int | None = None,
    ) -> None:
        if not fields:
            raise ValueError("no fields to read")
        self.repo = repo
        self.fields = fields
        self.status = status
        self.chunk = max(1, int(chunk))
        self.seen = 0
        self.rewritten = 0
        self._raw: Any = None
        self._cache_size: Any = None
        self._sql: dict[int, str] = {}
        # One path alone would make json_extract return the bare value, not an array.
        paths = [f'$."{f}"' for f in fields] * (2 if len(fields) == 1 else 1)
        self._paths = paths
        # With the pass's grid version: a record scored under another version has an
        # evaluation that names that version, so it differs from the new one whatever
        # else it holds; its old text (~600 bytes) is then not read, copied to the
        # workers and compared, and comes back as NULL (which differs from any new text).
        old = [
            "CASE WHEN grid_version IS ? THEN evaluation END"
            if c == "evaluation" and grid_version is not None
            else c
            for c in Repository.DERIVED_COLUMNS
        ]
        self._version = () if grid_version is None else (grid_version,)
        self._read = (
            "SELECT seq, json_extract(answers, "
            + ", ".join("?" for _ in paths)
            + "), "
            + ", ".join(old)
            + " FROM records WHERE seq > ? AND deleted = 0 AND status = ? ORDER BY seq LIMIT ?"
        )

    def __enter__(self) -> DerivedRewrite:
        self._raw = self.repo.store.engine.raw_connection()
        cur = self._raw.cursor()
        self._cache_size = cur.execute("PRAGMA cache_size").fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")
        cur.close()
        return self

    def __exit__(self, *exc: object) -> None:
        raw, self._raw = self._raw, None
        try:
            if raw.in_transaction:
                raw.rollback()
            cur = raw.cursor()
            cur.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            cur.execute("PRAGMA shrink_memory")
            cur.close()
        finally:
            raw.close()  # back to the pool

    def chunks(self) -> Iterator[list[tuple[int, str, tuple[Any, ...]]]]:
        last = 0
        while True:
            cur = self._raw.cursor()
            params = (*self._paths, *self._version, last, self.status, self.chunk)
            rows = cur.execute(self._read, params).fetchall()
            cur.close()
            if not rows:
                return
            last = rows[-1][0]
            self.seen += len(rows)
            yield [(r[0], r[1], r[2:]) for r in rows]

    def write(self, changes: Iterable[tuple[int, int, tuple[Any, ...]]]) -> None:
        groups: dict[int, list[tuple[Any, ...]]] = {}
        for mask, seq, values in changes:
            groups.setdefault(mask, []).append((*values, seq))
        if not groups:
            return
        raw = self._raw
        cur = raw.cursor()
        try:
            cur.execute("BEGIN")
            for mask, params in groups.items():
                cur.executemany(self._update_sql(mask), params)
            raw.commit()
            # Counted once committed: the audit entry must not claim a rolled-back chunk.
            self.rewritten += sum(len(params) for params in groups.values())
        except BaseException:
            raw.rollback()
            raise
        finally:
            cur.close()

    def _update_sql(self, mask: int) -> str:
        sql = self._sql.get(mask)
        if sql is None:
            columns = [c for i, c in enumerate(Repository.DERIVED_COLUMNS) if mask >> i & 1]
            sql = self._sql[mask] = (
                "UPDATE records SET " + ", ".join(f"{c} = ?" for c in columns) + " WHERE seq = ?"
            )
        return sql

    def finish(self, reason: Mapping[str, Any]) -> None:
        with self.repo.store.session() as s:
            self.repo._audit(
                s, "rescore", None, {**reason, "records": self.seen, "rewritten": self.rewritten}
            )


_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _person(record_id: str | None, answers: Mapping[str, Any]) -> Person:
    return Person(
        record_id=record_id,
        cin=str(answers.get("cin") or ""),
        phone=str(answers.get("phone") or ""),
        date_of_birth=str(answers.get("date_of_birth") or ""),
        names=tuple(n for n in (full_name(answers, "ar"), full_name(answers, "lat")) if n),
    )


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)
    }
