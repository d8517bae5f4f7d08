"""Registrations: saving (one or many), the tombstone of a delete, and reading one record
or all of them. Every save goes through the journal (outbox op + audit entry) and keeps
the search index in step, in the same transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.duplicates import DuplicateMatch, Person, find_duplicates
from jisr_desktop.models.programme.evaluation import Derived
from jisr_desktop.models.programme.identity import normalize_cin, normalize_phone
from jisr_desktop.models.programme.normalize import normalize_name
from jisr_desktop.models.programme.people import full_name, person
from jisr_desktop.models.store import scorings, search
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.derived import stored_evaluation
from jisr_desktop.models.store.journal import Journal, Op
from jisr_desktop.models.store.schema import FTS_TABLE, Record


class RecordConflict(ValueError):
    """A save that would replace a record it does not name exactly; `code` selects the
    message. Nothing of the save is written."""

    code = "record_conflict"

    def __init__(self, record_id: str, detail: str = "") -> None:
        super().__init__(f"{self.code}: {record_id} {detail}".strip())
        self.record_id = record_id


class RecordExists(RecordConflict):
    """A creation named the id of a record that exists (or existed: a tombstone too)."""

    code = "record_exists"


class StaleVersion(RecordConflict):
    """An edit named a version of the record that is no longer its current one (someone,
    or a sync, changed it since it was read)."""

    code = "stale_version"


class RecordNotFound(RecordConflict, LookupError):
    """An edit named a record that does not exist (or was deleted)."""

    code = "record_not_found"


# What save_many takes: (answers, derived, record_id) creates; with a fourth item, the
# version it edits.
SaveItem = tuple[Mapping[str, Any], Derived, str | None] | tuple[
    Mapping[str, Any], Derived, str | None, int | None
]


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


def detail(row: Record, view: scorings.ScoringView) -> RecordDetail:
    evaluation = view.evaluation(row.evaluation, row.scoring_id)
    grid = ((evaluation or {}).get("versions") or {}).get("grid") or {}
    return RecordDetail(
        row.id,
        row.version,
        row.status,
        row.form_id,
        row.form_version,
        int(grid["version"]) if "version" in grid else None,
        json.loads(row.answers),
        evaluation,
        row.eligible,
        row.category,
        row.score_total,
        row.agent,
        row.created_at,
        row.updated_at,
    )


def record_columns(
    answers: Mapping[str, Any], derived: Derived, form_id: str, form_version: int, now: str
) -> dict[str, Any]:
    """Every column a save writes, besides the record's identity, version and scoring
    (`scorings.for_save`). Public so a pulled record (sync_apply) is stored exactly as a
    local save stores it."""
    return {
        "status": derived.status,
        "form_id": form_id,
        "form_version": form_version,
        "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
        "evaluation": stored_evaluation(derived.evaluation),
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
        "cin": normalize_cin(answers.get("cin") or "") or None,
        "phone": answers.get("phone") or None,
        "date_of_birth": answers.get("date_of_birth"),
        "name_ar": normalize_name(full_name(answers, "ar")) or None,
        "name_lat": normalize_name(full_name(answers, "lat")) or None,
        "updated_at": now,
    }


class Records:
    def __init__(self, store: Store, journal: Journal) -> None:
        self.store = store
        self.journal = journal

    # -- writes -------------------------------------------------------------------------------

    def save(
        self,
        answers: Mapping[str, Any],
        derived: Derived,
        *,
        form: Definition,
        record_id: str | None = None,
        base_version: int | None = None,
        action: str | None = None,
    ) -> RecordDetail:
        """Create a record (`base_version` None: with `record_id` if given, which must be
        new: `RecordExists`), or edit `record_id` at `base_version` (`StaleVersion` if it
        has moved on since, `RecordNotFound` if there is no such live record). A creation
        never overwrites, and an edit never overwrites a version it did not see."""
        with self.store.session() as s:
            row = self._write(s, dict(answers), derived, form, record_id, action, base_version)
            return detail(row, scorings.read_view(s))

    def save_many(
        self,
        items: Iterable[SaveItem],
        *,
        form: Definition,
        action: str = "import",
        chunk: int = 1000,
    ) -> int:
        """Save many records, `chunk` per transaction: an import of 100,000 rows neither holds
        one giant transaction nor pays a full fsync per row. Each item creates or edits as
        `save` does (a RecordConflict rolls back the chunk it is in)."""
        saved = 0
        batch: list[SaveItem] = []

        def flush() -> None:
            nonlocal saved
            with self.store.session() as s:
                for item in batch:
                    answers, derived, rid = item[0], item[1], item[2]
                    base = item[3] if len(item) > 3 else None
                    self._write(s, dict(answers), derived, form, rid, action, base)
            saved += len(batch)
            batch.clear()

        for item in items:
            batch.append(item)
            if len(batch) >= chunk:
                flush()
        if batch:
            flush()
        return saved

    def _write(
        self,
        s: Session,
        answers: dict[str, Any],
        derived: Derived,
        form: Definition,
        record_id: str | None,
        action: str | None,
        base_version: int | None = None,
    ) -> Record:
        now = utcnow()
        row = s.scalar(select(Record).where(Record.id == record_id)) if record_id else None
        _check_target(row, record_id, base_version)
        columns = record_columns(answers, derived, form.id, form.version, now)
        versions = (derived.evaluation or {}).get("versions")
        columns["scoring_id"] = scorings.for_save(s, versions)
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
        _index(s, row.seq, columns)
        payload = {
            "id": row.id,
            "version": row.version,
            "form": {"id": form.id, "version": form.version},
            "answers": answers,
            "evaluation": derived.evaluation,  # with its versions: what the server reads
        }
        self.journal.write(
            s, verb, row.id, _diff(old_answers, answers),
            Op(row.id, "upsert", base_version, payload), at=now,
        )
        return row

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
            payload = {"id": row.id, "version": row.version}
            self.journal.write(
                s, "delete", row.id, {}, Op(row.id, "delete", row.version - 1, payload),
                at=row.updated_at,
            )
            return True

    # -- reads --------------------------------------------------------------------------------

    def get(self, record_id: str) -> RecordDetail | None:
        with self.store.session() as s:
            row = s.scalar(select(Record).where(Record.id == record_id, ~Record.deleted))
            return detail(row, scorings.read_view(s)) if row else None

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
        ranges = [
            and_(*_prefix_range(Record.id, p))
            for p in dict.fromkeys((prefix, prefix.lower(), prefix.upper()))
        ]
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

    def iter(
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
                view = scorings.read_view(s)
                details = [detail(r, view) for r in rows]
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
                Record.id, Record.cin, Record.phone, Record.date_of_birth, Record.name_ar,
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
        return find_duplicates(person(exclude_id, answers), people)


def _index(s: Session, seq: int, columns: Mapping[str, Any]) -> None:
    """The record's row of the search index (its old row, if any, already removed)."""
    terms = search.search_terms(
        columns["name_ar"] or "", columns["name_lat"] or "", columns["cin"] or "",
        columns["phone"] or "",
    )
    sql = text(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:r, :t)")
    s.execute(sql, {"r": seq, "t": terms})


def _check_target(row: Record | None, record_id: str | None, base_version: int | None) -> None:
    if base_version is None:
        if row is not None:
            raise RecordExists(str(record_id))
    elif row is None or row.deleted:
        raise RecordNotFound(str(record_id))
    elif row.version != base_version:
        raise StaleVersion(str(record_id), f"edits {base_version}, current {row.version}")


def _prefix_range(column: Any, prefix: str) -> tuple[Any, ...]:
    """`column` starts with `prefix`, as a range the column's index answers. The upper
    bound is the prefix with its last character bumped ("abcd" -> "abce"); a last
    character at the top of Unicode has no successor, so the bound moves one further up."""
    head = prefix.rstrip(chr(0x10FFFF))
    if not head:
        return (column >= prefix,)
    upper = head[:-1] + chr(ord(head[-1]) + 1)
    return (column >= prefix, column < upper)


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)
    }
