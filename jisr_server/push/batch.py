"""Step two of a push: one transaction decides every op in order and writes the lot.

It reads the stored results of the batch's op ids and locks the records concerned, decides
each op in order (an op sees the effect of the ops before it in the batch), and only then,
with every row ready, takes a range of change numbers from the counter and writes records,
items, op results and audit rows together: an op is applied once, or not at all. The
counter row stays locked from that moment to the commit, so it is taken as late as
possible (docs/server.md, "Change numbers").

Only applied ops leave a stored result. A conflict or a rejection is judged again on a
replay, so an op that arrived before the op it builds on (a reordered delivery) is applied
once its predecessor is in; this is what makes any interleaving of replays converge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, and_, select, tuple_

from jisr_desktop.models.programme.decisions import PROBLEMS, check_decision
from jisr_desktop.sync.protocol import (
    ITEM_OPS,
    Code,
    Entity,
    Op,
    OpResult,
    Status,
    evaluation_summary,
)
from jisr_server import pairs
from jisr_server.db import SERVER_DEVICE, is_sqlite, take_changes, utcnow
from jisr_server.documents import record_document
from jisr_server.push.checks import Prepared, rejected, without_consent
from jisr_server.push.writes import among, insert_many, write_items, write_records
from jisr_server.schema import audit, items, op_results, records
from jisr_server.scope import Principal

_RESULT_FIELDS = ("version", "change", "stored", "server")


class Change:
    """A change number still to be drawn: decisions are made with these, and the counter is
    taken only when every row is ready (`Batch.run`), then each becomes base + offset."""

    __slots__ = ("offset",)

    def __init__(self, offset: int) -> None:
        self.offset = offset


def fill(value: Any, base: int) -> Any:
    """`value` with every Change in it (results, dicts and lists, in place) turned into
    its number."""
    if isinstance(value, Change):
        return base + value.offset
    if isinstance(value, OpResult):
        for name in _RESULT_FIELDS:
            setattr(value, name, fill(getattr(value, name), base))
    elif isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(inner, Change | dict | list | OpResult):
                value[key] = fill(inner, base)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if isinstance(inner, Change | dict | list | OpResult):
                value[index] = fill(inner, base)
    return value


class Batch:
    def __init__(
        self, conn: Connection, who: Principal, batch_id: str, prepared: list[Prepared]
    ) -> None:
        self.conn = conn
        self.who = who
        self.batch_id = batch_id
        self.prepared = prepared
        self.now = utcnow()
        self.stored: dict[str, OpResult] = {}
        self.state: dict[str, dict[str, Any]] = {}
        self.item_state: dict[tuple[str, str], dict[str, Any]] = {}
        self.new_records: set[str] = set()
        self.new_items: set[tuple[str, str]] = set()
        self.dirty_records: set[str] = set()
        self.dirty_items: set[tuple[str, str]] = set()
        self.loaded_items_of: set[str] = set()
        self.op_rows: list[dict[str, Any]] = []
        self.audit_rows: list[dict[str, Any]] = []
        self.taken = 0

    def run(self) -> list[OpResult]:
        op_ids = list({p.op_id for p in self.prepared})
        if op_ids:
            for row in self.conn.execute(
                select(op_results.c.op_id, op_results.c.result).where(
                    among(self.conn, op_results.c.op_id, op_ids)
                )
            ):
                self.stored[row.op_id] = OpResult.from_json(json.loads(row.result))
        self._load()
        results = [self._decide(p) for p in self.prepared]
        if self.taken:
            # Last, with every row built: the counter row stays locked from here to the
            # commit, and pushes queue on it, so only the writes themselves happen under it.
            base = take_changes(self.conn, self.taken)
            for rows in (results, self.state, self.item_state, self.audit_rows, self.op_rows):
                fill(rows, base)
        self._write()
        rows = [self.state[i] for i in sorted(self.new_records | self.dirty_records)]
        pairs.flag_pairs(self.conn, self.who, rows,
                         lambda n: take_changes(self.conn, n))  # the same woman twice
        return results

    def _load(self) -> None:
        ids = sorted({p.record_id for p in self.prepared
                      if p.op is not None and p.op_id not in self.stored})
        if not ids:
            return
        query = select(records).where(among(self.conn, records.c.id, ids)).order_by(records.c.id)
        if not is_sqlite(self.conn):
            # Row locks, in id order so two pushes cannot deadlock on them. SQLite needs
            # none: BEGIN IMMEDIATE already gave this transaction the only write lock.
            query = query.with_for_update()
        for row in self.conn.execute(query):
            self.state[row.id] = row._asdict()
        keys = sorted(
            {(str(p.op.op), p.item_id) for p in self.prepared
             if p.op is not None and p.item_id and p.rejected is None}
        )
        if keys:
            for row in self.conn.execute(
                select(items).where(tuple_(items.c.kind, items.c.id).in_(keys))
            ):
                self.item_state[(row.kind, row.id)] = row._asdict()

    def take_change(self) -> Change:
        change = Change(self.taken)
        self.taken += 1
        return change

    # -- decisions --

    def _decide(self, p: Prepared) -> OpResult:
        if p.op_id in self.stored:
            return self._duplicate(p, self.stored[p.op_id])
        if p.rejected is not None or p.op is None:
            assert p.rejected is not None
            return p.rejected
        op = p.op
        current = self.state.get(op.record_id)
        hidden = current is not None and not self.who.covers(current["province"], current["region"])
        if op.op in ITEM_OPS:
            return self._decide_item(p, None if hidden else current)
        if hidden:
            # The same answer as for a record that does not exist: a UUID from another
            # province must not be confirmed to exist.
            return self._conflict(p, None)
        if current is None:
            if op.op == Op.DELETE or op.base_version != 0:
                return self._conflict(p, None)
            return self._apply_record(p, None)
        same = current["content_hash"] == p.content_hash
        retry_of = (
            (current["version"] - 1,)
            if op.op == Op.UPSERT
            else (current["version"] - 1, current["version"])
        )
        if same and op.base_version in retry_of:
            # Identical to what the server holds and edited from the version just before
            # it: the op that produced it, sent again under a new op id. (An upsert that
            # changes nothing, sent from the current version, is still applied: the desktop
            # counted a version for it, and versions must stay in step.)
            return OpResult(p.op_id, p.record_id, Status.DUPLICATE,
                            version=current["version"], change=current["change_no"])
        if op.base_version != current["version"]:
            return self._conflict(p, current)
        return self._apply_record(p, current)

    def _duplicate(self, p: Prepared, stored: OpResult) -> OpResult:
        if stored.record_id != p.record_id:
            # An op id reused for another record (a bug, or a guess at another province's
            # op ids): refused without a word about the op it collides with.
            return rejected(p.op_id, p.record_id, Code.OP_ID_REUSED,
                            "this op id was already used for another record; use a new one")
        return OpResult(p.op_id, p.record_id, Status.DUPLICATE, version=stored.version,
                        change=stored.change, stored=stored.to_json())

    def _conflict(self, p: Prepared, current: dict[str, Any] | None) -> OpResult:
        return OpResult(
            p.op_id,
            p.record_id,
            Status.CONFLICT,
            version=current["version"] if current else 0,
            change=current["change_no"] if current else None,
            server=record_document(current) if current else None,
        )

    def _apply_record(self, p: Prepared, current: dict[str, Any] | None) -> OpResult:
        assert p.op is not None
        op = p.op
        change = self.take_change()
        deleting = op.op == Op.DELETE
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
        if deleting:
            # ... and nor do its decisions (their reasons), assessments and deliveries.
            self._update_items(op.record_id, erase=True)
        else:
            moved = current is not None and (current["province"], current["region"]) != (
                p.province, p.region)
            row.update(province=p.province, region=p.region)
            if moved:
                self._update_items(op.record_id, province=p.province, region=p.region)
        self.state[op.record_id] = row
        if deleting:
            action, details = "delete", None
        else:
            action = "create" if current is None or current["deleted"] else "update"
            details = {"fields": _changed(old_answers, p.answers)}
        result = self._applied(p, row, change, Entity.RECORD, op.record_id, action, details)
        if not deleting:  # the device stores the server's score and sees a difference
            result.evaluation = evaluation_summary(json.loads(p.data).get("evaluation"))
        return result

    def _update_items(self, record_id: str, *, erase: bool = False, **place: Any) -> None:
        """Every item of a record, each with a fresh change number: moved with the record to
        another province (the new province pulls them, the old one stops seeing them), or
        erased with it (tombstones, pulled as `deleted: true` with no data). Rare, so read
        here, on demand."""
        if record_id not in self.loaded_items_of:
            self._load_items(items.c.record_id == record_id)
            self.loaded_items_of.add(record_id)
        keys = [k for k, row in self.item_state.items() if row["record_id"] == record_id]
        if erase:
            keys += self._memberships_of(keys)
        for key in keys:
            row = self.item_state[key]
            if erase and row["deleted"]:
                continue
            # A move is this push's change (its device pulls it not). An erasure is the
            # server's: the deleting device also pulls it and drops the items it holds.
            row.update(place, change_no=self.take_change(), device_id=self.who.device_id)
            if erase:
                row.update(deleted=True, data="{}", content_hash="", updated_at=self.now,
                           updated_by=self.who.user_id, device_id=SERVER_DEVICE)
            if key not in self.new_items:
                self.dirty_items.add(key)

    def _load_items(self, where: Any) -> None:
        query = select(items).where(where)
        if not is_sqlite(self.conn):
            query = query.with_for_update()
        for found in self.conn.execute(query):
            self.item_state.setdefault((found.kind, found.id), found._asdict())

    def _memberships_of(self, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The memberships of the groups among `keys`, which ride the other members' records
        (in the group's province): a group erased with its responsible member's record takes
        them with it."""
        groups = {k[1] for k in keys if k[0] == Op.GROUP}
        if not groups:
            return []
        provinces = sorted({self.item_state[(Op.GROUP, g)]["province"] for g in groups})
        self._load_items(and_(items.c.kind == str(Op.GROUP_MEMBER),
                              among(self.conn, items.c.province, provinces)))
        return [k for k, row in self.item_state.items()
                if k[0] == Op.GROUP_MEMBER and k not in keys and not row["deleted"]
                and json.loads(row["data"]).get("group_id") in groups]

    def _decide_item(self, p: Prepared, record: dict[str, Any] | None) -> OpResult:
        assert p.op is not None
        op = p.op
        if record is None or record["deleted"]:
            return rejected(p.op_id, p.record_id, Code.UNKNOWN_RECORD,
                            f"the server has no such record; push the record before its {op.op}")
        key = (str(op.op), p.item_id or "")
        existing = self.item_state.get(key)
        if existing is not None and existing["deleted"]:
            existing = None  # erased with an earlier deletion of its record: a new item
        if existing is not None and existing["record_id"] != op.record_id:
            return rejected(p.op_id, p.record_id, Code.INVALID_PAYLOAD,
                            f"this {op.op} belongs to another record")
        if existing is not None and _item_kind(existing) != p.item_kind:
            # A committee decision is replaced only by a committee decision (whose sender
            # the role table lets decide, checked in step one), never by a confirmation.
            return rejected(p.op_id, p.record_id, Code.KIND_CHANGED,
                            f"this {op.op} is a {_item_kind(existing)}; it is replaced only "
                            "by one of the same kind")
        if existing is not None and existing["content_hash"] == p.content_hash:
            return OpResult(p.op_id, p.record_id, Status.DUPLICATE, version=record["version"],
                            change=existing["change_no"])
        refused = (self._against_evaluation(p, record) if op.op == Op.DECISION
                   else without_consent(p, record) if op.op == Op.GROUP_MEMBER else None)
        if refused is not None:
            return refused
        change = self.take_change()
        row = {
            "kind": str(op.op),
            "id": p.item_id,
            "record_id": op.record_id,
            "province": record["province"],
            "region": record["region"],
            "record_version": record["version"],
            "deleted": False,
            "data": p.data,
            "content_hash": p.content_hash,
            "change_no": change,
            "updated_at": self.now,
            "updated_by": self.who.user_id,
            "device_id": self.who.device_id,
        }
        was_stored = key in self.item_state and key not in self.new_items
        (self.dirty_items if was_stored else self.new_items).add(key)
        self.item_state[key] = row
        return self._applied(p, record, change, Entity(str(op.op)), p.item_id or "",
                             str(op.op), None)

    def _against_evaluation(self, p: Prepared, record: dict[str, Any]) -> OpResult | None:
        """The decision judged again, now with what the server's own evaluation of the
        record says of her eligibility (step one had no record): the committee accepts a
        woman found not eligible only with `override: true` and a reason."""
        evaluation = json.loads(record["data"]).get("evaluation")
        eligible = evaluation.get("eligible") if isinstance(evaluation, dict) else None
        problem = check_decision(json.loads(p.data), self.who.role,
                                 eligible if isinstance(eligible, bool) else None)
        if problem is None:
            return None
        return rejected(p.op_id, p.record_id, Code(problem), PROBLEMS[problem])

    def _applied(
        self,
        p: Prepared,
        record: dict[str, Any],
        change: Change,
        entity: Entity,
        entity_id: str,
        action: str,
        details: dict[str, Any] | None,
    ) -> OpResult:
        result = OpResult(p.op_id, p.record_id, Status.APPLIED, version=record["version"],
                          change=change)  # type: ignore[arg-type]  # a number once filled
        self.stored[p.op_id] = result
        self.op_rows.append({
            "op_id": p.op_id, "record_id": p.record_id, "batch_id": self.batch_id,
            "user_id": self.who.user_id, "device_id": self.who.device_id,
            "result": result,  # serialised in _write, once its change number is known
            "at": self.now,
        })
        self.audit_rows.append({
            "at": self.now, "user_id": self.who.user_id, "username": self.who.username,
            "device_id": self.who.device_id, "action": action, "entity": str(entity),
            "entity_id": entity_id, "record_id": p.record_id, "version": record["version"],
            "change_no": change, "op_id": p.op_id, "province": record["province"],
            "region": record["region"],
            "details": json.dumps(details, ensure_ascii=False) if details else None,
        })
        return result

    def _write(self) -> None:
        conn = self.conn
        write_records(conn, self.state, self.new_records, self.dirty_records)
        write_items(conn, self.item_state, self.new_items, self.dirty_items)
        for row in self.op_rows:
            row["result"] = json.dumps(row["result"].to_json())
        insert_many(conn, op_results, self.op_rows)
        insert_many(conn, audit, self.audit_rows)


def _item_kind(row: Mapping[str, Any]) -> str:
    if row["kind"] == Op.EN_STEP:  # an EN path's step (enrolment, completion...)
        return str(json.loads(row["data"]).get("step"))
    if row["kind"] not in (Op.DECISION, Op.REFERRAL):
        return str(row["kind"])
    # A decision's kind, or a referral's (orientation, path_review): kept for good.
    return str(json.loads(row["data"]).get("kind"))


def _answers(data: str) -> Mapping[str, Any]:
    return json.loads(data).get("answers") or {}


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
