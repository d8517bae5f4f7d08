"""Settling a flagged pair: a supervisor lists the pairs of her scope, then merges or
dismisses each ("two different women").

A merge keeps one record; the other becomes a tombstone whose `data` names the record it
was merged into, and its decisions, assessments and deliveries move to the kept record.
All of it, the pair's items and the audit rows happen in one transaction with fresh change
numbers, so every device pulls the whole merge or none of it. Locks are taken records
first, then the change counter, in the push path's order, so a merge and a push cannot
deadlock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, or_, select, update

from jisr_desktop.models.programme.roles import Action, may
from jisr_server.db import SERVER_DEVICE, as_utc, is_sqlite, take_changes, utcnow
from jisr_server.errors import ApiError
from jisr_server.pair_tables import pairs
from jisr_server.pairs import CLOSED, DISMISSED, MERGED, OPEN, PAIR_KIND, publish
from jisr_server.schema import audit, items, records
from jisr_server.scope import Principal

_SUMMARY_FIELDS = ("first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat", "cin",
                   "date_of_birth", "phone", "commune")


def check_role(who: Principal) -> None:
    if not may(who.role, Action.SETTLE_DUPLICATES):
        raise ApiError(
            403,
            "forbidden_role",
            "Only supervisors and administrators settle possible duplicates. / Réservé aux "
            "superviseurs et administrateurs.",
        )


def list_pairs(engine: Engine, who: Principal, status: str = OPEN, limit: int = 200) -> list[dict]:
    """The pairs with at least one record in the caller's scope, oldest first."""
    check_role(who)
    a, b = records.alias("a"), records.alias("b")
    query = (
        select(pairs)
        .join(a, a.c.id == pairs.c.record_a)
        .join(b, b.c.id == pairs.c.record_b)
        .where(pairs.c.status == status, or_(who.filter(a), who.filter(b)))
        .order_by(pairs.c.created_at, pairs.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        found = [r._asdict() for r in conn.execute(query)]
        ids = {i for p in found for i in (p["record_a"], p["record_b"])}
        rows = {
            r.id: r._asdict()
            for r in conn.execute(select(records).where(records.c.id.in_(sorted(ids))))
        }
        conn.rollback()
    return [pair_view(p, rows, who) for p in found]


def pair_view(
    pair: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]], who: Principal
) -> dict[str, Any]:
    settled = pair.get("settled_at")
    return {
        "pair_id": pair["id"],
        "status": pair["status"],
        "reasons": json.loads(pair["reasons"]),
        "kept": pair.get("kept"),
        "settled_by": pair.get("settled_by"),
        "settled_at": as_utc(settled).isoformat() if settled else None,
        "records": [_side(rows[i], who) for i in (pair["record_a"], pair["record_b"])],
    }


def _side(row: Mapping[str, Any], who: Principal) -> dict[str, Any]:
    """One record of a pair: its summary when in the caller's scope, else only where it is
    (an id outside her scope is not confirmed to exist)."""
    if not who.covers(row["province"], row["region"]):
        return {"record_id": None, "visible": False, "province": row["province"],
                "region": row["region"], "deleted": bool(row["deleted"])}
    answers = (json.loads(row["data"]) if row["data"] else {}).get("answers") or {}
    return {
        "record_id": row["id"],
        "visible": True,
        "province": row["province"],
        "region": row["region"],
        "deleted": bool(row["deleted"]),
        "version": row["version"],
        "updated_at": as_utc(row["updated_at"]).isoformat(timespec="milliseconds"),
        "summary": {k: answers[k] for k in _SUMMARY_FIELDS if answers.get(k) is not None},
    }


def merge(engine: Engine, who: Principal, pid: str, keep: str) -> dict[str, Any]:
    check_role(who)
    with engine.begin() as conn:
        pair, rows = _open_pair(conn, who, pid)
        if keep not in (pair["record_a"], pair["record_b"]):
            raise ApiError(422, "invalid_payload", "keep must name one of the pair's records.")
        drop = pair["record_b"] if keep == pair["record_a"] else pair["record_a"]
        moved = [r._asdict() for r in conn.execute(_for_update(conn, select(items).where(
            items.c.record_id == drop, items.c.kind != PAIR_KIND).order_by(items.c.kind,
                                                                          items.c.id)))]
        others = [r._asdict() for r in conn.execute(select(pairs).where(
            pairs.c.status == OPEN, pairs.c.id != pid,
            or_(pairs.c.record_a == drop, pairs.c.record_b == drop)).order_by(pairs.c.id))]
        base = take_changes(conn, 1 + len(moved) + 2 + 2 * len(others))
        _tombstone(conn, who, rows[drop], keep, base)
        _move(conn, who, moved, rows[keep], base + 1)
        next_change = base + 1 + len(moved)
        settled = _settle(conn, who, pair, MERGED, keep, next_change, "merge_pair")
        for offset, other in enumerate(others, start=1):
            # Its record is gone: the question it asked is answered by this merge.
            _settle(conn, who, other, CLOSED, None, next_change + 2 * offset, "close_pair")
        rows = _rows(conn, (pair["record_a"], pair["record_b"]))
    return pair_view(settled, rows, who)


def dismiss(engine: Engine, who: Principal, pid: str) -> dict[str, Any]:
    check_role(who)
    with engine.begin() as conn:
        pair, rows = _open_pair(conn, who, pid)
        settled = _settle(conn, who, pair, DISMISSED, None, take_changes(conn, 2), "dismiss_pair")
    return pair_view(settled, rows, who)


def _for_update(conn: Connection, query: Any) -> Any:
    # SQLite needs no row locks: BEGIN IMMEDIATE gave this transaction the write lock.
    return query if is_sqlite(conn) else query.with_for_update()


def _rows(conn: Connection, ids: tuple[str, str]) -> dict[str, dict[str, Any]]:
    query = select(records).where(records.c.id.in_(sorted(ids))).order_by(records.c.id)
    return {r.id: r._asdict() for r in conn.execute(_for_update(conn, query))}


def _open_pair(
    conn: Connection, who: Principal, pid: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The pair, open, with both its records locked and in the caller's scope."""
    found = conn.execute(select(pairs).where(pairs.c.id == pid)).first()
    rows = _rows(conn, (found.record_a, found.record_b)) if found else {}
    visible = [r for r in rows.values() if who.covers(r["province"], r["region"])]
    if found is None or not visible:
        raise ApiError(404, "not_found", "No such pair. / Paire introuvable.")
    if len(visible) < 2:
        raise ApiError(403, "out_of_scope", "One record of this pair is outside your scope. / "
                       "Un dossier de cette paire est hors de votre périmètre.")
    # Read again now that the records are locked: a merge of this pair that committed
    # while this one waited for the locks has changed its status.
    pair = conn.execute(select(pairs).where(pairs.c.id == pid)).one()._asdict()
    if pair["status"] != OPEN:
        raise ApiError(409, "already_settled", "This pair was already settled. / Paire déjà "
                       "traitée.", settled_as=pair["status"])
    if any(r["deleted"] for r in rows.values()):
        raise ApiError(409, "record_deleted", "One record of this pair was deleted. / Un "
                       "dossier de cette paire a été supprimé.")
    return pair, rows


def _settle(conn: Connection, who: Principal, pair: Mapping[str, Any], status: str,
            kept: str | None, first_change: int, action: str) -> dict[str, Any]:
    now = utcnow()
    settled = {**pair, "status": status, "kept": kept, "settled_at": now,
               "settled_by": who.username}
    conn.execute(update(pairs).where(pairs.c.id == pair["id"]).values(
        status=status, kept=kept, settled_at=now, settled_by=who.username))
    publish(conn, who, settled, first_change, action)
    return settled


def _tombstone(conn: Connection, who: Principal, row: Mapping[str, Any], keep: str,
               change: int) -> None:
    # As a deletion's tombstone, no personal data stays; only where it went.
    data = json.dumps({"merged_into": keep}, sort_keys=True)
    version = row["version"] + 1
    conn.execute(update(records).where(records.c.id == row["id"]).values(
        version=version, deleted=True, data=data, def_id=None, def_version=None,
        content_hash=_digest(data), change_no=change, updated_at=utcnow(),
        updated_by=who.user_id, device_id=SERVER_DEVICE))
    _audit(conn, who, "merge", "record", row["id"], row["id"], version, change, row,
           {"merged_into": keep})


def _move(conn: Connection, who: Principal, moved: list[dict[str, Any]],
          keep: Mapping[str, Any], first_change: int) -> None:
    for offset, item in enumerate(moved):
        change = first_change + offset
        conn.execute(update(items).where(and_(items.c.kind == item["kind"],
                                              items.c.id == item["id"])).values(
            record_id=keep["id"], province=keep["province"], region=keep["region"],
            record_version=keep["version"], change_no=change, updated_at=utcnow(),
            updated_by=who.user_id, device_id=SERVER_DEVICE))
        _audit(conn, who, "move", item["kind"], item["id"], keep["id"], keep["version"],
               change, keep, {"from_record": item["record_id"]})


def _audit(conn: Connection, who: Principal, action: str, entity: str, entity_id: str,
           record_id: str, version: int, change: int, place: Mapping[str, Any],
           details: dict[str, Any]) -> None:
    conn.execute(insert(audit).values(
        at=utcnow(), user_id=who.user_id, username=who.username, device_id=who.device_id,
        action=action, entity=entity, entity_id=entity_id, record_id=record_id,
        version=version, change_no=change, province=place["province"], region=place["region"],
        details=json.dumps(details)))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
