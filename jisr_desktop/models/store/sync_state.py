"""The outbox as the sync engine drains it, and the engine's own facts (server, cursor).

An op moves pending -> in_flight -> acked, or -> conflict / rejected (kept, shown to a
person), and a resolved conflict -> resolved. A batch is claimed (ids given, rows marked
in flight) and committed before a byte is sent; after a crash or a cut the same rows go
again under the same ids, and the server answers "duplicate" for what it already has.
An edit made while its record is in flight is a new pending row on top: rows are never
rewritten once claimed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.schema import Meta, OutboxEntry, Record, SyncRecord, SyncValue

PENDING, IN_FLIGHT, ACKED = "pending", "in_flight", "acked"
CONFLICT, REJECTED, RESOLVED = "conflict", "rejected", "resolved"
UNANSWERED = (PENDING, IN_FLIGHT, CONFLICT)  # a pulled change must not overwrite these
# Rows that hold back every later row of the same record (they would conflict too).
BLOCKING = (IN_FLIGHT, CONFLICT)


@dataclass(frozen=True)
class OutRow:
    seq: int
    op_id: str
    record_id: str
    op: str
    base_version: int
    payload: str
    author: str


@dataclass(frozen=True)
class Batch:
    batch_id: str
    author: str
    rows: list[OutRow]


@dataclass(frozen=True)
class Settled:
    op_id: str
    record_id: str
    status: str  # protocol.Status value
    version: int | None = None
    result: Mapping[str, Any] | None = None  # the whole OpResult, kept for conflicts/rejections


# -- values -----------------------------------------------------------------------------------


def get_value(store: Store, key: str) -> str | None:
    with store.session() as s:
        return value_in(s, key)


def value_in(s: Session, key: str) -> str | None:
    row = s.get(SyncValue, key)
    return row.value if row else None


def set_values(store: Store, **values: object) -> None:
    with store.session() as s:
        set_in(s, **values)


def set_in(s: Session, **values: object) -> None:
    for key, value in values.items():
        row = s.get(SyncValue, key)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(SyncValue(key=key, value=str(value)))
        else:
            row.value = str(value)


# Records the server scored otherwise than this device (push results): fetched again one
# by one after the pull. Past this many, a pull that includes this device's own changes
# is cheaper than a round trip each.
REFETCH_MAX = 50


def note_refetch(store: Store, record_ids: Iterable[str]) -> None:
    """Remember records to fetch again; too many, and the next pull brings this device's
    own changes too (`pull_own`), which covers them."""
    with store.session() as s:
        if value_in(s, "pull_own"):
            return
        known = json.loads(value_in(s, "refetch") or "[]")
        ids = list(dict.fromkeys([*known, *record_ids]))
        if len(ids) > REFETCH_MAX:
            set_in(s, pull_own="1", refetch=None)
        else:
            set_in(s, refetch=json.dumps(ids) if ids else None)


def refetch_ids(store: Store) -> list[str]:
    return list(json.loads(get_value(store, "refetch") or "[]"))


def refetched(store: Store, record_id: str) -> None:
    """Not to fetch again (the server no longer shows it to this device)."""
    with store.session() as s:
        refetched_in(s, record_id)


def refetched_in(s: Session, record_id: str) -> None:
    ids = [i for i in json.loads(value_in(s, "refetch") or "[]") if i != record_id]
    set_in(s, refetch=json.dumps(ids) if ids else None)


def device_id(store: Store) -> str:
    with store.session() as s:
        row = s.get(Meta, "device_id")
        if row is None:  # a store made before device ids: give it one, once
            row = Meta(key="device_id", value=str(uuid.uuid4()))
            s.add(row)
        return row.value


# -- claiming and settling batches --------------------------------------------------------------


def _author_expr():
    # Ops written before migration 0007 (and decisions/assessments, whose rows the shared
    # append_outbox writes without an author) name their agent in the payload.
    return func.coalesce(OutboxEntry.author, func.json_extract(OutboxEntry.payload, "$.agent"))


def in_flight_batches(store: Store) -> list[Batch]:
    """Batches claimed by an earlier run that never got their answer, oldest first."""
    with store.session() as s:
        rows = s.execute(
            select(OutboxEntry, _author_expr())
            .where(OutboxEntry.state == IN_FLIGHT)
            .order_by(OutboxEntry.seq)
        ).all()
    batches: dict[str, Batch] = {}
    for entry, author in rows:
        batch = batches.setdefault(entry.batch_id or "", Batch(entry.batch_id or "",
                                                               author or "", []))
        batch.rows.append(_out(entry, author))
    return list(batches.values())


def _out(entry: OutboxEntry, author: str | None) -> OutRow:
    return OutRow(entry.seq, entry.op_id, entry.record_id, entry.op, entry.base_version,
                  entry.payload, author or "")


def claim_batch(store: Store, authors: Iterable[str], limit: int) -> Batch | None:
    """Give the oldest sendable pending rows of one author a batch id and mark them in
    flight, in one committed transaction. A row is sendable when its author's token is at
    hand and no earlier row of its record is waiting, in flight or in conflict: a record's
    ops reach the server in the order they were made."""
    usable = set(authors)
    with store.session() as s:
        blocked = set(s.scalars(select(OutboxEntry.record_id).where(
            OutboxEntry.state.in_(BLOCKING))).all())
        candidates = s.execute(
            select(OutboxEntry.seq, OutboxEntry.record_id, _author_expr())
            .where(OutboxEntry.state == PENDING)
            .order_by(OutboxEntry.seq)
        ).all()
        chosen_author: str | None = None
        chosen: list[int] = []
        for seq, record_id, author in candidates:
            if record_id in blocked:
                continue
            if not author:  # nobody named (a delivery): any signed-in agent carries it
                author = chosen_author or next(iter(sorted(usable)), "")
            if author not in usable or (chosen_author and author != chosen_author):
                blocked.add(record_id)  # its later rows wait behind this one
                continue
            chosen_author = author
            chosen.append(seq)
            if len(chosen) >= limit:
                break
        if not chosen:
            return None
        batch_id = str(uuid.uuid4())
        s.execute(update(OutboxEntry).where(OutboxEntry.seq.in_(chosen))
                  .values(state=IN_FLIGHT, batch_id=batch_id))
        entries = s.scalars(select(OutboxEntry).where(OutboxEntry.seq.in_(chosen))
                            .order_by(OutboxEntry.seq)).all()
        return Batch(batch_id, chosen_author or "", [_out(e, chosen_author) for e in entries])


def split_batch(store: Store, batch: Batch) -> list[Batch]:
    """Halve a batch the server never read (413, or timeouts at the smallest link): the op
    ids stay, so whatever the server did apply comes back "duplicate"."""
    if len(batch.rows) < 2:
        return [batch]
    half = len(batch.rows) // 2
    tail = batch.rows[half:]
    new_id = str(uuid.uuid4())
    with store.session() as s:
        s.execute(update(OutboxEntry).where(OutboxEntry.seq.in_([r.seq for r in tail]))
                  .values(batch_id=new_id))
    return [Batch(batch.batch_id, batch.author, batch.rows[:half]),
            Batch(new_id, batch.author, tail)]


def settle(store: Store, settled: Iterable[Settled], apply_held) -> list[str]:
    """Record the server's answers in one transaction. `apply_held(session, change)` puts
    a held pulled change in place once nothing local is left unanswered on its record.

    Returns the records whose server evaluation (`evaluation` of an acknowledged upsert,
    kept in its row's result) differs from the one stored here for the same version."""
    acked_records: dict[str, int | None] = {}
    differ: list[str] = []
    with store.session() as s:
        for one in settled:
            values: dict[str, Any] = {"state": _state_of(one.status)}
            server_eval = (one.result or {}).get("evaluation")
            if values["state"] in (CONFLICT, REJECTED) or server_eval is not None:
                values["result"] = json.dumps(one.result, ensure_ascii=False)
            s.execute(update(OutboxEntry).where(OutboxEntry.op_id == one.op_id).values(**values))
            if values["state"] == ACKED:
                known = acked_records.get(one.record_id)
                acked_records[one.record_id] = max(known or 0, one.version or 0)
                if server_eval is not None and _evaluation_differs(s, one, server_eval):
                    differ.append(one.record_id)
        for record_id, version in acked_records.items():
            note_server_version(s, record_id, version)
            release_held(s, record_id, apply_held)
    return differ


def _evaluation_differs(s: Session, one: Settled, server: Mapping[str, Any]) -> bool:
    """The server scored this version otherwise than this device did (another grid
    version, an age worked out on another day). A later local edit is not compared."""
    row = s.execute(select(Record.version, Record.score_total, Record.category,
                           Record.eligible, Record.proposed_path)
                    .where(Record.id == one.record_id)).first()
    if row is None or row.version != one.version:
        return False
    total = server.get("total")
    same_total = (total is None and row.score_total is None) or (
        total is not None and row.score_total is not None
        and abs(float(total) - row.score_total) < 1e-6)
    return not (same_total and server.get("category") == row.category
                and server.get("eligible") == (None if row.eligible is None
                                               else bool(row.eligible))
                and server.get("path") == row.proposed_path)


def _state_of(status: str) -> str:
    return {"applied": ACKED, "duplicate": ACKED, "conflict": CONFLICT}.get(status, REJECTED)


def note_server_version(s: Session, record_id: str, version: int | None) -> None:
    row = s.get(SyncRecord, record_id)
    if row is None:
        s.add(SyncRecord(record_id=record_id, server_version=version))
    elif version is not None and (row.server_version or 0) < version:
        row.server_version = version


def release_held(s: Session, record_id: str, apply_held) -> None:
    row = s.get(SyncRecord, record_id)
    if row is None or row.held is None or has_unanswered(s, record_id):
        return
    change = json.loads(row.held)
    row.held = None
    if int(change.get("version") or 0) > (row.server_version or 0) or change.get("deleted"):
        apply_held(s, change)


def has_unanswered(s: Session, record_id: str) -> bool:
    return s.scalar(select(func.count()).select_from(OutboxEntry).where(
        OutboxEntry.record_id == record_id, OutboxEntry.state.in_(UNANSWERED))) > 0


# -- what the panel and the summary count -------------------------------------------------------


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        rows = s.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state))
        return {state: n for state, n in rows}


def waiting_authors(store: Store) -> list[str]:
    """Agents with ops still to go up (pending or in flight)."""
    with store.session() as s:
        rows = s.execute(select(_author_expr()).where(
            OutboxEntry.state.in_((PENDING, IN_FLIGHT))).distinct()).all()
        return sorted({r[0] for r in rows if r[0]})


def problems(store: Store) -> list[tuple[OutRow, str, dict[str, Any]]]:
    """Rows in conflict or rejected, with the server's answer, oldest first."""
    with store.session() as s:
        rows = s.execute(select(OutboxEntry, _author_expr())
                         .where(OutboxEntry.state.in_((CONFLICT, REJECTED)))
                         .order_by(OutboxEntry.seq)).all()
        return [(_out(e, a), e.state, json.loads(e.result or "{}")) for e, a in rows]


# -- starting over -----------------------------------------------------------------------------


def start_over(store: Store, *, new_server: bool, server_id: str | None) -> int:
    """Pull from 0 again. On another server (or one reset), every op it never
    acknowledged goes up again: all the acknowledged ones, in their order. Returns the new
    full-pull generation."""
    with store.session() as s:
        gen = int(value_in(s, "pull_gen") or 0) + 1
        if new_server:
            s.execute(update(OutboxEntry).where(OutboxEntry.state.in_((ACKED, IN_FLIGHT)))
                      .values(state=PENDING))
            s.execute(text("DELETE FROM sync_records"))
        set_in(s, cursor=0, pull_gen=gen, reconcile=gen, server_id=server_id)
        return gen


def reconcile(s: Session, gen: int) -> list[str]:
    """After a full pull: live records the server once knew, with nothing unanswered
    locally, that the full pull did not list. They were deleted, or left this scope."""
    rows = s.execute(
        select(Record.id).join(SyncRecord, SyncRecord.record_id == Record.id)
        .where(~Record.deleted, SyncRecord.server_version.is_not(None),
               func.coalesce(SyncRecord.pulled_gen, 0) != gen)
    ).all()
    return [r[0] for r in rows if not has_unanswered(s, r[0])]


def resolve_rows(s: Session, record_id: str) -> int:
    """Mark a record's conflicting rows (and the pending ones stacked on them) resolved;
    returns the server version the resolution builds on."""
    rows = s.scalars(select(OutboxEntry).where(
        OutboxEntry.record_id == record_id,
        OutboxEntry.state.in_((CONFLICT, PENDING)))).all()
    version = 0
    for row in rows:
        if row.state == CONFLICT:
            server = (json.loads(row.result or "{}").get("server") or {})
            version = max(version, int(server.get("version") or 0))
        row.state = RESOLVED
        row.result = row.result or json.dumps({"resolved_at": utcnow()})
    return version
