"""Push and pull: the heart of the protocol (docs/sync-protocol.md).

A push is judged in two steps. First, outside any transaction and without a database
connection (once the form versions are cached), each op is checked on its own: the role
may send it, the payload has the right shape, an upsert validates against the form version
it claims (the same `validate` the desktop runs). Then one transaction reads the stored
results of these op ids and locks the records concerned, decides each op in order (an op
sees the effect of the ops before it in the batch), and only then, with every row ready,
takes a range of change numbers from the counter and writes records, items, op results and
audit rows together: an op is applied once, or not at all. The counter row stays locked from
that moment to the commit, so it is taken as late as possible (docs/server.md, "Change
numbers").

Only applied ops leave a stored result. A conflict or a rejection is judged again on a
replay, so an op that arrived before the op it builds on (a reordered delivery) is applied
once its predecessor is in; this is what makes any interleaving of replays converge.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    any_,
    bindparam,
    delete,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, IntegrityError

from jisr_desktop.models.programme.decisions import PROBLEMS, check_decision
from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.programme.validation import validate
from jisr_server import pairs
from jisr_server.catalog import FormCache
from jisr_server.db import CHANGE_COUNTER, as_utc, get_state, is_sqlite, set_state, utcnow
from jisr_server.errors import ApiError
from jisr_server.evaluation import GRID, ORIENTATION, Rules, claimed, evaluate
from jisr_server.schema import audit, counters, items, op_results, records
from jisr_server.scope import Principal

log = logging.getLogger(__name__)
RECORD_OPS = ("upsert", "delete")
ITEM_OPS = ("decision", "assessment", "delivery")
OPS = RECORD_OPS + ITEM_OPS
PROVINCE_FIELD = "province"
_MAX_ID = 64
_RETRIES = 4


@dataclass(frozen=True)
class Op:
    op_id: str
    record_id: str
    op: str
    base_version: int
    payload: Mapping[str, Any] | None


@dataclass
class _Prepared:
    """What step one learnt about an op: a rejection, or what it would write."""

    op: Op
    rejected: dict[str, Any] | None = None
    province: str | None = None
    region: str | None = None
    data: str = "{}"
    content_hash: str = ""
    def_id: str | None = None
    def_version: int | None = None
    item_id: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash(value: Any) -> str:
    return _digest(_canonical(value))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TOMBSTONE_HASH = _hash({"deleted": True})


def rejected(op: Op, code: str, reason: str, errors: list[dict[str, Any]] | None = None) -> dict:
    result: dict[str, Any] = {
        "op_id": op.op_id,
        "record_id": op.record_id,
        "status": "rejected",
        "code": code,
        "reason": reason,
    }
    if errors:
        result["errors"] = errors
    return result


def _encodable(value: Any) -> str | None:
    """JSON text the database can store, or None. JSON allows lone surrogates (\\ud800),
    which no UTF-8 database column accepts."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


# --- step one: each op on its own ------------------------------------------------------------


FormKey = tuple[str, int]
Forms = Mapping[FormKey, Definition | None]
RULE_KINDS = (GRID, ORIENTATION)


@dataclass(frozen=True)
class Definitions:
    """What a batch's upserts are judged with: the form, grid and orientation versions they
    name, by (id, version), and the newest published grid and orientation (for a record
    naming none, or one the server never published)."""

    by_key: Forms
    newest: Mapping[str, Definition | None] = field(default_factory=dict)

    def get(self, key: FormKey, default: Any = None) -> Definition | None:
        return self.by_key.get(key, default)

    def rules(self, payload: Mapping[str, Any]) -> Rules:
        found = []
        for kind in RULE_KINDS:
            key = claimed(payload, kind)
            definition = self.by_key.get(key) if key else None
            if definition is None or definition.kind != kind:
                definition = self.newest.get(kind)
            found.append(definition)
        return Rules(*found)


def _form_key(op: Op) -> FormKey | None:
    payload = op.payload
    if op.op != "upsert" or not isinstance(payload, Mapping):
        return None
    ref = payload.get("form")
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        version = ref.get("version")
        # Beyond a 32-bit column no version can exist: answered "unknown" without a query.
        if type(version) is int and 0 < version < 2**31:
            return ref["id"], version
    return None


def definitions_for(engine: Engine, forms: FormCache, ops: Sequence[Op]) -> Definitions:
    """The definition versions the batch's upserts claim, from the cache; a connection is
    opened only for a version this process has not parsed yet (the first push after a
    start), or to learn the newest grid and orientation (at most every few seconds)."""
    wanted: dict[FormKey, str] = {}
    unnamed: set[str] = set()
    for op in ops:
        key = _form_key(op)
        if key is None:
            continue
        wanted[key] = "form"
        for kind in RULE_KINDS:
            rule_key = claimed(op.payload or {}, kind)
            if rule_key is None:
                unnamed.add(kind)
            else:
                wanted.setdefault(rule_key, kind)
    found: dict[FormKey, Definition | None] = {
        key: forms.cached(*key, kind) for key, kind in wanted.items()
    }
    missing = [key for key, definition in found.items() if definition is None]
    newest: dict[str, Definition | None] = {}
    if missing or unnamed:
        newest = {kind: forms.newest_cached(kind) for kind in RULE_KINDS}
    if missing or any(newest[kind] is None for kind in unnamed):
        with engine.connect() as conn:
            for key in missing:
                found[key] = forms.get(conn, *key, kind=wanted[key])
            for kind in RULE_KINDS:
                if newest[kind] is None:
                    newest[kind] = forms.newest(conn, kind)
            conn.rollback()
    return Definitions(found, newest)


def prepare(
    defs: Definitions,
    reference: ReferenceData,
    who: Principal,
    op: Op,
    today: date | None = None,
) -> _Prepared:
    if not who.may(op.op):
        return _Prepared(op, rejected(op, "forbidden_op", f"the role {who.role} cannot {op.op}"))
    if op.op == "delete":
        return _Prepared(op, content_hash=_TOMBSTONE_HASH)
    payload = op.payload
    if not isinstance(payload, Mapping):
        return _Prepared(op, rejected(op, "invalid_payload", "the payload must be a JSON object"))
    if op.op == "upsert":
        return _prepare_upsert(defs, reference, who, op, payload, today or date.today())
    item_id = payload.get("id")
    if not isinstance(item_id, str) or not 0 < len(item_id) <= _MAX_ID:
        return _Prepared(op, rejected(op, "invalid_payload", "the payload needs a string id"))
    if op.op == "decision":
        # The desktop's own rules (decision_rules): a committee decision only by a
        # supervisor or an admin (law 09-08), a known kind and outcome, a reason for a
        # waiting list or a refusal.
        problem = check_decision(payload, who.role)
        if problem is not None:
            return _Prepared(op, rejected(op, problem, PROBLEMS[problem]))
    data = _encodable(payload)
    if data is None:
        return _Prepared(op, rejected(op, "invalid_payload", "the payload is not valid Unicode"))
    return _Prepared(
        op,
        data=data,
        content_hash=_hash(payload),
        item_id=item_id,
    )


def _prepare_upsert(
    defs: Definitions,
    reference: ReferenceData,
    who: Principal,
    op: Op,
    payload: Mapping[str, Any],
    today: date,
) -> _Prepared:
    form_ref = payload.get("form")
    answers = payload.get("answers")
    if (
        not isinstance(form_ref, Mapping)
        or not isinstance(form_ref.get("id"), str)
        or type(form_ref.get("version")) is not int
        or not isinstance(answers, Mapping)
    ):
        return _Prepared(
            op,
            rejected(
                op,
                "invalid_payload",
                'an upsert payload needs "form": {"id", "version"} and "answers": {...}',
            ),
        )
    def_id, def_version = form_ref["id"], form_ref["version"]
    definition = defs.get((def_id, def_version))
    if definition is None:
        return _Prepared(
            op,
            rejected(
                op,
                "unknown_definition_version",
                f"the server has no form {def_id} version {def_version}",
            ),
        )
    form = from_definition(definition)
    result = validate(form, answers, today=today, reference=reference)
    if not result.ok:
        errors = [{"field": i.field, "code": i.code} for i in result.errors]
        return _Prepared(
            op,
            rejected(op, "invalid", f"not valid for {def_id} version {def_version}", errors),
        )
    province = result.answers.get(PROVINCE_FIELD)
    known = reference.provinces.get(province) if isinstance(province, str) else None
    if known is None:
        return _Prepared(op, rejected(op, "invalid", "the record names no known province"))
    if not who.covers(province, known.region_code):
        return _Prepared(
            op, rejected(op, "out_of_scope", f"province {province} is outside your scope")
        )
    # The server's evaluation, never the client's claim (evaluation.py).
    evaluation = evaluate(definition, defs.rules(payload), result.answers, today)
    # Stored as the canonical text of {"answers", "evaluation", "form"} (keys sorted), built
    # from parts so the answers are serialised once. The content hash covers what the client
    # sent, the answers and the form version, not the evaluation derived from them: the
    # same answers replayed another day (when an age may have changed) are still the same.
    answers_text = _canonical(answers)
    form_text = _canonical({"id": def_id, "version": def_version})
    data = f'{{"answers":{answers_text},"evaluation":{_canonical(evaluation)},"form":{form_text}}}'
    return _Prepared(
        op,
        province=province,
        region=known.region_code,
        data=data,
        content_hash=_digest(f'{{"answers":{answers_text},"form":{form_text}}}'),
        def_id=def_id,
        def_version=def_version,
        answers=answers,
    )


# --- step two: one transaction ---------------------------------------------------------------


def push(
    engine: Engine,
    forms: FormCache,
    reference: ReferenceData,
    who: Principal,
    batch_id: str,
    ops: Sequence[Op],
) -> list[dict[str, Any]]:
    # Validation (most of a push's CPU) runs here, before any transaction or lock.
    definitions = definitions_for(engine, forms, ops)
    today = date.today()
    prepared = [_prepare_safely(definitions, reference, who, op, today) for op in ops]
    for attempt in range(_RETRIES):
        try:
            with engine.begin() as conn:
                return _Batch(conn, who, batch_id, prepared).run()
        except Exception as exc:
            # Two pushes creating the same new record (or replaying one op id) at once, or
            # a deadlock: the loser starts over and now sees the winner's rows.
            if attempt == _RETRIES - 1 or not _retryable(exc):
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _prepare_safely(
    defs: Definitions, reference: ReferenceData, who: Principal, op: Op, today: date
) -> _Prepared:
    try:
        return prepare(defs, reference, who, op, today)
    except Exception:
        # Answers of an unexpected shape that trip the validator are the client's problem
        # and this op's alone: the rest of the batch still goes through.
        log.exception("validation failed on op %s", op.op_id)
        return _Prepared(op, rejected(op, "invalid", "the answers could not be validated"))


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    # psycopg's own errors come unwrapped from COPY (see _copy_rows).
    origin = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(origin, "sqlstate", None) or ""
    # integrity violations (23xxx), serialization failure, deadlock
    return code.startswith("23") or code in ("40001", "40P01")


class _Change:
    """A change number still to be drawn: decisions are made with these, and the counter is
    taken only when every row is ready (`_Batch.run`), then each becomes base + offset."""

    __slots__ = ("offset",)

    def __init__(self, offset: int) -> None:
        self.offset = offset


def _fill(value: Any, base: int) -> Any:
    """`value` with every _Change in it (dicts and lists, in place) turned into its number."""
    if isinstance(value, _Change):
        return base + value.offset
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, _Change | dict | list):
                value[key] = _fill(inner, base)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if isinstance(inner, _Change | dict | list):
                value[index] = _fill(inner, base)
    return value


class _Batch:
    def __init__(
        self, conn: Connection, who: Principal, batch_id: str, prepared: list[_Prepared]
    ) -> None:
        self.conn = conn
        self.who = who
        self.batch_id = batch_id
        self.prepared = prepared
        self.now = utcnow()
        self.stored: dict[str, dict[str, Any]] = {}
        self.state: dict[str, dict[str, Any]] = {}
        self.item_state: dict[tuple[str, str], dict[str, Any]] = {}
        self.new_records: set[str] = set()
        self.new_items: set[tuple[str, str]] = set()
        self.dirty_records: set[str] = set()
        self.dirty_items: set[tuple[str, str]] = set()
        self.op_rows: list[dict[str, Any]] = []
        self.audit_rows: list[dict[str, Any]] = []
        self.taken = 0

    def run(self) -> list[dict[str, Any]]:
        op_ids = list({p.op.op_id for p in self.prepared})
        if op_ids:
            for row in self.conn.execute(
                select(op_results.c.op_id, op_results.c.result).where(
                    _among(self.conn, op_results.c.op_id, op_ids)
                )
            ):
                self.stored[row.op_id] = json.loads(row.result)
        self._load()
        results = [self._decide(p) for p in self.prepared]
        if self.taken:
            # Last, with every row built: the counter row stays locked from here to the
            # commit, and pushes queue on it, so only the writes themselves happen under it.
            base = self._allocate(self.taken)
            for rows in (results, self.state, self.item_state, self.audit_rows):
                _fill(rows, base)
        self._write()
        pairs.flag_pairs(self.conn, self.who, [self.state[i] for i in sorted(
            self.new_records | self.dirty_records)], self._allocate)  # the same woman twice
        return results

    def _load(self) -> None:
        ids = sorted({p.op.record_id for p in self.prepared if p.op.op_id not in self.stored})
        if not ids:
            return
        query = select(records).where(_among(self.conn, records.c.id, ids)).order_by(records.c.id)
        if not is_sqlite(self.conn):
            # Row locks, in id order so two pushes cannot deadlock on them. SQLite needs
            # none: BEGIN IMMEDIATE already gave this transaction the only write lock.
            query = query.with_for_update()
        for row in self.conn.execute(query):
            self.state[row.id] = row._asdict()
        keys = sorted(
            {(p.op.op, p.item_id) for p in self.prepared if p.item_id and p.rejected is None}
        )
        if keys:
            for row in self.conn.execute(
                select(items).where(tuple_(items.c.kind, items.c.id).in_(keys))
            ):
                self.item_state[(row.kind, row.id)] = row._asdict()

    def _allocate(self, count: int) -> int:
        """The first of `count` fresh change numbers. Locks the counter until commit."""
        last = self.conn.execute(
            update(counters)
            .where(counters.c.name == CHANGE_COUNTER)
            .values(value=counters.c.value + count)
            .returning(counters.c.value)
        ).scalar_one()
        return int(last) - count + 1

    def _take_change(self) -> Any:
        change = _Change(self.taken)
        self.taken += 1
        return change

    # -- decisions --

    def _decide(self, p: _Prepared) -> dict[str, Any]:
        op = p.op
        if op.op_id in self.stored:
            return self._duplicate(op, self.stored[op.op_id])
        if p.rejected is not None:
            return p.rejected
        current = self.state.get(op.record_id)
        hidden = current is not None and not self.who.covers(current["province"], current["region"])
        if op.op in ITEM_OPS:
            return self._decide_item(p, None if hidden else current)
        if hidden:
            # The same answer as for a record that does not exist: a UUID from another
            # province must not be confirmed to exist.
            return self._conflict(op, None)
        if current is None:
            if op.op == "delete" or op.base_version != 0:
                return self._conflict(op, None)
            return self._apply_record(p, None)
        same = current["content_hash"] == p.content_hash
        retry_of = (
            (current["version"] - 1,)
            if op.op == "upsert"
            else (current["version"] - 1, current["version"])
        )
        if same and op.base_version in retry_of:
            # Byte-identical to what the server holds and edited from the version just
            # before it: the op that produced it, sent again under a new op id. (An upsert
            # that changes nothing, sent from the current version, is still applied: the
            # desktop counted a version for it, and versions must stay in step.)
            return self._identical(op, current)
        if op.base_version != current["version"]:
            return self._conflict(op, current)
        return self._apply_record(p, current)

    def _duplicate(self, op: Op, stored: dict[str, Any]) -> dict[str, Any]:
        return {
            "op_id": op.op_id,
            "record_id": stored.get("record_id", op.record_id),
            "status": "duplicate",
            "version": stored.get("version"),
            "change": stored.get("change"),
            "stored": stored,
        }

    def _identical(self, op: Op, current: dict[str, Any]) -> dict[str, Any]:
        return {
            "op_id": op.op_id,
            "record_id": op.record_id,
            "status": "duplicate",
            "version": current["version"],
            "change": current["change_no"],
        }

    def _conflict(self, op: Op, current: dict[str, Any] | None) -> dict[str, Any]:
        return {
            "op_id": op.op_id,
            "record_id": op.record_id,
            "status": "conflict",
            "version": current["version"] if current else 0,
            "change": current["change_no"] if current else None,
            "server": record_document(current) if current else None,
        }

    def _apply_record(self, p: _Prepared, current: dict[str, Any] | None) -> dict[str, Any]:
        op = p.op
        change = self._take_change()
        deleting = op.op == "delete"
        if current is None:
            row: dict[str, Any] = {"id": op.record_id, "version": 1}
            self.new_records.add(op.record_id)
            old_answers: Mapping[str, Any] = {}
        else:
            row = dict(current)
            row["version"] = current["version"] + 1
            self.dirty_records.add(op.record_id)
            old_answers = _answers(current["data"])
        row.update(
            deleted=deleting,
            # A tombstone keeps no personal data: only the id, version and place remain.
            data="{}" if deleting else p.data,
            def_id=None if deleting else p.def_id,
            def_version=None if deleting else p.def_version,
            content_hash=p.content_hash,
            change_no=change,
            updated_at=self.now,
            updated_by=self.who.user_id,
            device_id=self.who.device_id,
        )
        if not deleting:
            row.update(province=p.province, region=p.region)
            if current is not None and (current["province"], current["region"]) != (
                p.province,
                p.region,
            ):
                self._move_items(op.record_id, p.province, p.region)
        self.state[op.record_id] = row
        if deleting:
            action, details = "delete", None
        else:
            action = "create" if current is None or current["deleted"] else "update"
            details = {"fields": _changed(old_answers, p.answers)}
        return self._applied(op, row, change, "record", op.record_id, action, details)

    def _move_items(self, record_id: str, province: Any, region: Any) -> None:
        """A record moved to another province takes its decisions, assessments and deliveries
        along, each with a fresh change number: the new province pulls them, and the old one
        stops seeing them, as it stops seeing the record. Rare, so read here, on demand."""
        query = select(items).where(items.c.record_id == record_id)
        if not is_sqlite(self.conn):
            query = query.with_for_update()
        for found in self.conn.execute(query):
            self.item_state.setdefault((found.kind, found.id), found._asdict())
        for key, row in self.item_state.items():
            if row["record_id"] != record_id:
                continue
            row.update(province=province, region=region, change_no=self._take_change())
            if key not in self.new_items:
                self.dirty_items.add(key)

    def _decide_item(self, p: _Prepared, record: dict[str, Any] | None) -> dict[str, Any]:
        op = p.op
        if record is None or record["deleted"]:
            return rejected(
                op,
                "unknown_record",
                f"the server has no such record; push the record before its {op.op}",
            )
        key = (op.op, p.item_id or "")
        existing = self.item_state.get(key)
        if existing is not None and existing["record_id"] != op.record_id:
            return rejected(op, "invalid_payload", f"this {op.op} belongs to another record")
        if existing is not None and existing["content_hash"] == p.content_hash:
            return {
                "op_id": op.op_id,
                "record_id": op.record_id,
                "status": "duplicate",
                "version": record["version"],
                "change": existing["change_no"],
            }
        change = self._take_change()
        row = {
            "kind": op.op,
            "id": p.item_id,
            "record_id": op.record_id,
            "province": record["province"],
            "region": record["region"],
            "record_version": record["version"],
            "data": p.data,
            "content_hash": p.content_hash,
            "change_no": change,
            "updated_at": self.now,
            "updated_by": self.who.user_id,
            "device_id": self.who.device_id,
        }
        (self.dirty_items if existing is not None else self.new_items).add(key)
        self.item_state[key] = row
        return self._applied(op, record, change, op.op, p.item_id or "", op.op, None)

    def _applied(
        self,
        op: Op,
        record: dict[str, Any],
        change: Any,
        entity: str,
        entity_id: str,
        action: str,
        details: dict[str, Any] | None,
    ) -> dict[str, Any]:
        result = {
            "op_id": op.op_id,
            "record_id": op.record_id,
            "status": "applied",
            "version": record["version"],
            "change": change,
        }
        self.stored[op.op_id] = result
        self.op_rows.append(
            {
                "op_id": op.op_id,
                "record_id": op.record_id,
                "batch_id": self.batch_id,
                "user_id": self.who.user_id,
                "device_id": self.who.device_id,
                "result": result,  # serialised in _write, once its change number is known
                "at": self.now,
            }
        )
        self.audit_rows.append(
            {
                "at": self.now,
                "user_id": self.who.user_id,
                "username": self.who.username,
                "device_id": self.who.device_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "record_id": op.record_id,
                "version": record["version"],
                "change_no": change,
                "op_id": op.op_id,
                "province": record["province"],
                "region": record["region"],
                "details": json.dumps(details, ensure_ascii=False) if details else None,
            }
        )
        return result

    # -- writes --

    def _write(self) -> None:
        conn = self.conn
        columns = [c.name for c in records.columns]
        if self.new_records:
            _insert_many(
                conn, records, [_pick(self.state[i], columns) for i in sorted(self.new_records)]
            )
        dirty = sorted(self.dirty_records - self.new_records)
        if dirty:
            conn.execute(
                update(records)
                .where(records.c.id == bindparam("b_id"))
                .values({c: bindparam(c) for c in columns if c != "id"}),
                [{"b_id": i, **_pick(self.state[i], columns[1:])} for i in dirty],
            )
        item_columns = [c.name for c in items.columns]
        if self.new_items:
            _insert_many(
                conn, items, [_pick(self.item_state[k], item_columns) for k in self.new_items]
            )
        dirty_items = self.dirty_items - self.new_items
        if dirty_items:
            conn.execute(
                update(items)
                .where(and_(items.c.kind == bindparam("b_kind"), items.c.id == bindparam("b_id")))
                .values({c: bindparam(c) for c in item_columns if c not in ("kind", "id")}),
                [
                    {"b_kind": k[0], "b_id": k[1], **_pick(self.item_state[k], item_columns[2:])}
                    for k in dirty_items
                ],
            )
        for row in self.op_rows:
            row["result"] = json.dumps(row["result"])
        _insert_many(conn, op_results, self.op_rows)
        _insert_many(conn, audit, self.audit_rows)


def _among(conn: Connection, column: Any, values: list[str]) -> Any:
    """`column IN values`. On PostgreSQL as `= ANY(array)`: one parameter and one cached
    statement, where an IN of a 200-op batch's ids is rendered anew with 200 parameters."""
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(values)


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, rows)
    else:
        conn.execute(insert(table), rows)


def _copy_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY, in the current transaction: for a 200-op batch, ~3 ms for records,
    op results and audit rows against ~35 ms of pipelined executemany, and these inserts
    run while the counter row is locked. Every row has the keys of the first."""
    from psycopg import sql  # PostgreSQL only

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(tuple(row[c] for c in columns))


def _pick(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    return {c: row[c] for c in columns}


def _answers(data: str) -> Mapping[str, Any]:
    return json.loads(data).get("answers") or {}


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def _iso(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="milliseconds")


def record_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A record as the protocol shows it (conflicts, pulls, GET /v1/records/{id})."""
    data = json.loads(row["data"]) if row["data"] else {}
    return {
        "change": row["change_no"],
        "entity": "record",
        "id": row["id"],
        "record_id": row["id"],
        "version": row["version"],
        "deleted": bool(row["deleted"]),
        "province": row["province"],
        "region": row["region"],
        "updated_at": _iso(row["updated_at"]),
        "form": data.get("form"),
        "answers": data.get("answers"),
        "evaluation": data.get("evaluation"),
        **({"data": {"merged_into": data["merged_into"]}} if "merged_into" in data else {}),
    }


def item_document(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "change": row["change_no"],
        "entity": row["kind"],
        "id": row["id"],
        "record_id": row["record_id"],
        "version": row["record_version"],
        "deleted": False,
        "province": row["province"],
        "region": row["region"],
        "updated_at": _iso(row["updated_at"]),
        "data": json.loads(row["data"]),
    }


# --- pull ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    since: int
    next: int
    more: bool
    changes: list[dict[str, Any]]


PRUNED_KEY = "pruned_through"


def pull(
    engine: Engine, who: Principal, since: int, limit: int, province: str | None = None
) -> Page:
    with engine.connect() as conn:
        # Read the counter first: every change number up to it is committed (the counter
        # row is held until commit), so the queries below, bounded by it, see a gap-free
        # prefix even if they run in later snapshots.
        high = int(
            conn.scalar(select(counters.c.value).where(counters.c.name == CHANGE_COUNTER)) or 0
        )
        pruned = int(get_state(conn, PRUNED_KEY) or 0)
        if 0 < since < pruned:
            raise ApiError(
                410,
                "cursor_expired",
                "This cursor is older than the changes the server keeps: pull again from "
                "since=0. / Curseur trop ancien : recommencez depuis since=0.",
                start_over_since=0,
            )
        if since > high:
            raise ApiError(
                410,
                "cursor_unknown",
                "This cursor is ahead of the server (was it reset?): pull again from since=0. "
                "/ Curseur inconnu du serveur : recommencez depuis since=0.",
                start_over_since=0,
            )
        found: list[tuple[int, dict[str, Any]]] = []
        for table, document in ((records, record_document), (items, item_document)):
            where = [table.c.change_no > since, table.c.change_no <= high, who.filter(table)]
            if province is not None:
                where.append(table.c.province == province)
            rows = conn.execute(
                select(table).where(*where).order_by(table.c.change_no).limit(limit + 1)
            )
            found += [(r.change_no, document(r._asdict())) for r in rows]
        conn.rollback()
    found.sort(key=lambda pair: pair[0])
    page = [doc for _, doc in found[:limit]]
    more = len(found) > limit
    return Page(since, page[-1]["change"] if page else since, more, page)


def get_record(engine: Engine, who: Principal, record_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(records).where(records.c.id == record_id)).first()
        conn.rollback()
    if row is None or not who.covers(row.province, row.region):
        return None
    return record_document(row._asdict())


def prune_tombstones(engine: Engine, older_than: timedelta) -> int:
    """Forget tombstones older than `older_than`; clients whose cursor predates the newest
    forgotten one are told to start over, since they would otherwise miss a deletion."""
    cutoff = utcnow() - older_than
    with engine.begin() as conn:
        doomed = [
            (r.id, r.change_no)
            for r in conn.execute(
                select(records.c.id, records.c.change_no).where(
                    records.c.deleted, records.c.updated_at < cutoff
                )
            )
        ]
        if not doomed:
            return 0
        ids = [d[0] for d in doomed]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(delete(items).where(items.c.record_id.in_(chunk)))
            conn.execute(delete(records).where(records.c.id.in_(chunk)))
        through = max(d[1] for d in doomed)
        previous = int(get_state(conn, PRUNED_KEY) or 0)
        set_state(conn, PRUNED_KEY, str(max(through, previous)))
        conn.execute(
            insert(audit).values(
                at=utcnow(), action="prune", details=json.dumps({"tombstones": len(ids)})
            )
        )
    return len(doomed)


def audit_rows(
    engine: Engine, who: Principal, record_id: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if record_id is not None:
        query = query.where(audit.c.record_id == record_id)
    if who.scope_kind != "national":
        query = query.where(who.filter(audit))
    with engine.connect() as conn:
        rows = [r._asdict() for r in conn.execute(query)]
        conn.rollback()
    for row in rows:
        row["at"] = _iso(row["at"])
        row["details"] = json.loads(row["details"]) if row["details"] else None
    return rows


__all__ = ["OPS", "Op", "Page"]
