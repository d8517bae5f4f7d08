"""The same woman registered twice: flagging a pair when the second copy arrives.

Two agents offline may each register one woman. The push that brings a registration in
compares it with the programme's other live records by the desktop's own rules
(`models.programme.duplicates`: the same normalised CIN, or a near-identical normalised
name with the same date of birth; a shared phone alone is not enough, one phone often
serves a household), keeps both records, and flags the pair. The pair is published as an
attached item of kind `pair` on each of its two records, so the pull, the scopes and a
move to another province carry it with no code of their own, and both devices learn of it
on their next pull. Settling it (merge or dismiss) lives in `pair_settle.py`.

`flag_pairs` runs inside the push transaction after its rows are written and after the
change counter was taken: a concurrent push of the other copy has then committed (it held
the counter row), so its record is visible here and no pair slips between two pushes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from jisr_desktop.models.programme.duplicates import Person, find_duplicates
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_server.db import SERVER_DEVICE, utcnow
from jisr_server.pair_tables import pairs, record_keys
from jisr_server.schema import audit, items, records
from jisr_server.scope import Principal

PAIR_KIND = "pair"  # protocol.Entity.PAIR
# The reasons that flag a pair on the server (see the module docstring).
FLAGGING = ("same_cin", "similar_name_same_dob")
OPEN, MERGED, DISMISSED, CLOSED = "open", "merged", "dismissed", "closed"
_NAMESPACE = uuid.UUID("6c1d3f0e-5a57-4a51-9a3b-2f3c1e0d7a11")
# The women a batch's records are compared with: those of their CINs and birth dates. At
# the first wave's 64,677 women, born over ~45 years (~4 a birth date), a 200-record batch
# has ~800; the cap guards against a flood of one date (a default 1900-01-01), not a limit
# real batches reach (the old 2,000 was reached from ~150,000 women on: pairs went unseen).
_MAX_CANDIDATES = 50_000
# A record matching many others (a CIN typed as 0, a test account) flags its strongest few:
# a supervisor settles those, and a push stays bounded in work and change numbers.
MAX_PAIRS_PER_RECORD = 3
Allocate = Callable[[int], int]


def pair_id(a: str, b: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(sorted((a, b)))))


def _item_id(pid: str, record_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{pid}|{record_id}"))


def identity_keys(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of `record_keys` for a registration's answers."""
    names = []
    for script in ("ar", "lat"):
        parts = (answers.get(f"first_name_{script}"), answers.get(f"last_name_{script}"))
        name = " ".join(str(p) for p in parts if p).strip()
        if name:
            names.append(name)
    cin = normalize_cin(str(answers.get("cin") or ""))
    dob = str(answers.get("date_of_birth") or "").strip()
    names_text = json.dumps(names, ensure_ascii=False)
    return {"cin": cin or None, "dob": dob[:10] or None, "names": names_text}


def _person(record_id: str, keys: Mapping[str, Any]) -> Person:
    # No phone: a shared phone alone does not flag a pair here.
    names = tuple(json.loads(keys["names"]))
    return Person(record_id, keys["cin"] or "", "", keys["dob"] or "", names)


def flag_pairs(
    conn: Connection, who: Principal, rows: Iterable[Mapping[str, Any]], allocate: Allocate
) -> int:
    """Save the identity keys of the records a push just wrote and flag the new pairs they
    form. `rows` are record rows as written; returns the number of pairs flagged."""
    live = [r for r in rows if not r["deleted"] and r.get("def_id")]
    if not live:
        return 0
    keyed = _save_keys(conn, live)
    found = _find(conn, live, keyed)
    if not found:
        return 0
    known = {
        r.id for r in conn.execute(select(pairs.c.id).where(pairs.c.id.in_(list(found))))
    }
    fresh = {pid: found[pid] for pid in sorted(found) if pid not in known}
    if not fresh:
        return 0
    base = allocate(2 * len(fresh))
    now = utcnow()
    for offset, (pid, (a, b, reasons)) in enumerate(fresh.items()):
        conn.execute(insert(pairs).values(
            id=pid, record_a=a, record_b=b, reasons=json.dumps(reasons), status=OPEN,
            created_at=now,
        ))
        row = {"id": pid, "record_a": a, "record_b": b, "reasons": json.dumps(reasons),
               "status": OPEN, "kept": None, "settled_by": None, "settled_at": None}
        publish(conn, who, row, base + 2 * offset, "flag_pair", new=True)
    return len(fresh)


def _save_keys(
    conn: Connection, rows: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The identity keys of `rows`, saved in two statements (this runs while the push
    holds the change counter: one DELETE and one INSERT a record made it ~0.1 s of a
    200-record push, during which every other push waited)."""
    keyed: dict[str, dict[str, Any]] = {}
    for row in rows:
        answers = (json.loads(row["data"]) if row["data"] else {}).get("answers") or {}
        keyed[row["id"]] = {"record_id": row["id"], "programme": row["def_id"],
                            **identity_keys(answers)}
    conn.execute(delete(record_keys).where(record_keys.c.record_id.in_(list(keyed))))
    conn.execute(insert(record_keys), list(keyed.values()))
    return keyed


def _find(
    conn: Connection, live: Sequence[Mapping[str, Any]], keyed: Mapping[str, Mapping[str, Any]]
) -> dict[str, tuple[str, str, list[str]]]:
    """pair id -> (smaller record id, larger record id, reasons) for the pairs `live` form."""
    found: dict[str, tuple[str, str, list[str]]] = {}
    for programme in sorted({r["def_id"] for r in live}):
        mine = [keyed[r["id"]] for r in live if r["def_id"] == programme]
        cins = sorted({k["cin"] for k in mine if k["cin"]})
        dobs = sorted({k["dob"] for k in mine if k["dob"]})
        if not cins and not dobs:
            continue
        clauses = []
        if cins:
            clauses.append(record_keys.c.cin.in_(cins))
        if dobs:
            clauses.append(record_keys.c.dob.in_(dobs))
        query = (
            select(record_keys)
            .join(records, records.c.id == record_keys.c.record_id)
            .where(record_keys.c.programme == programme, ~records.c.deleted, or_(*clauses))
            .limit(_MAX_CANDIDATES)
        )
        people = [_person(r.record_id, r._asdict()) for r in conn.execute(query)]
        # Only a woman of the same CIN or the same birth date can be flagged: each record
        # is compared with those alone, not with every candidate of the batch (200 x 2,000
        # comparisons were most of a push's time under the counter lock). Same matches.
        by_cin: dict[str, list[Person]] = {}
        by_dob: dict[str, list[Person]] = {}
        for person in people:
            if person.cin:
                by_cin.setdefault(person.cin, []).append(person)
            if person.date_of_birth:
                by_dob.setdefault(person.date_of_birth, []).append(person)
        for keys in mine:
            candidate = _person(keys["record_id"], keys)
            near = {p.record_id: p for p in (*by_cin.get(keys["cin"] or "", ()),
                                             *by_dob.get(keys["dob"] or "", ()))}
            matches = [m for m in find_duplicates(candidate, near.values())
                       if set(m.reasons) & set(FLAGGING)]
            for match in matches[:MAX_PAIRS_PER_RECORD]:
                reasons = [r for r in match.reasons if r in FLAGGING]
                if reasons:
                    a, b = sorted((keys["record_id"], match.record_id))
                    found.setdefault(pair_id(a, b), (a, b, reasons))
    return found


def publish(
    conn: Connection,
    who: Principal,
    pair: Mapping[str, Any],
    first_change: int,
    action: str,
    *,
    new: bool = False,
) -> None:
    """Write the pair's item on each of its two records, with change numbers
    `first_change` and `first_change + 1`, and an audit row for each."""
    now = utcnow()
    found = {
        r.id: r
        for r in conn.execute(
            select(records.c.id, records.c.province, records.c.region, records.c.version).where(
                records.c.id.in_([pair["record_a"], pair["record_b"]])
            )
        )
    }
    for offset, (mine, other) in enumerate(
        ((pair["record_a"], pair["record_b"]), (pair["record_b"], pair["record_a"]))
    ):
        record, partner = found[mine], found[other]
        data = document_data(pair, mine, other, same_province=record.province == partner.province)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        values = {
            "record_id": mine, "province": record.province, "region": record.region,
            "record_version": record.version, "data": text, "content_hash": _hash(text),
            "change_no": first_change + offset, "updated_at": now,
            "updated_by": who.user_id, "device_id": SERVER_DEVICE,
        }
        item = _item_id(pair["id"], mine)
        if new:
            conn.execute(insert(items).values(kind=PAIR_KIND, id=item, **values))
        else:
            conn.execute(
                update(items)
                .where(and_(items.c.kind == PAIR_KIND, items.c.id == item))
                .values(**values)
            )
        conn.execute(insert(audit).values(
            at=now, user_id=who.user_id, username=who.username, device_id=who.device_id,
            action=action, entity=PAIR_KIND, entity_id=pair["id"], record_id=mine,
            version=record.version, change_no=first_change + offset,
            province=record.province, region=record.region,
        ))


def document_data(
    pair: Mapping[str, Any], mine: str, other: str, *, same_province: bool
) -> dict[str, Any]:
    """The `data` of a pair item as devices pull it. The other record's id is given only
    when both are in one province: a device must not learn that an id exists elsewhere."""
    settled = pair.get("settled_at")
    return {
        "pair_id": pair["id"],
        "record_id": mine,
        "other_record_id": other if same_province else None,
        "other_elsewhere": not same_province,
        "reasons": json.loads(pair["reasons"]),
        "status": pair["status"],
        "kept": pair.get("kept"),
        "settled_by": pair.get("settled_by"),
        "settled_at": settled.isoformat() if hasattr(settled, "isoformat") else settled,
    }


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
