"""Pulled changes put in the store: one page per transaction, with its cursor.

Nothing here appends an outbox row (a pulled change must not echo back up), and a
pulled record never overwrites a local edit the server has not answered yet: it is held
(sync_records.held) until the local ops are settled, and a conflict the server reports
shows both copies to a person.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from jisr_desktop.models.programme.evaluation import Derived
from jisr_desktop.models.store import pair_flags, scorings, sync_apply_programme, sync_state
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.records import record_columns
from jisr_desktop.models.store.schema import (
    FTS_TABLE,
    Assessment,
    Decision,
    Record,
    ServiceDelivery,
    SyncRecord,
)
from jisr_desktop.models.store.search import search_terms


@dataclass
class PageOutcome:
    applied: int = 0
    held: int = 0
    items: int = 0
    other: list[dict[str, Any]] = field(default_factory=list)  # entities this release
    reconciled: list[str] = field(default_factory=list)  # records dropped by a full pull


def apply_page(store: Store, changes: list[Mapping[str, Any]], next_cursor: int,
               *, more: bool) -> PageOutcome:
    out = PageOutcome()
    with store.session() as s:
        gen = int(sync_state.value_in(s, "pull_gen") or 0)
        for change in changes:
            entity = change.get("entity")
            if entity == "record":
                if apply_record_change(s, change, gen):
                    out.applied += 1
                else:
                    out.held += 1
            elif entity in ("decision", "assessment", "delivery"):
                out.items += apply_item(s, change)
            elif entity in sync_apply_programme.ENTITIES:  # referrals... (issue 12)
                out.items += sync_apply_programme.apply_item(s, change)
            else:
                if entity == "pair":  # protocol.Entity.PAIR: the same woman twice
                    pair_flags.put_in(s, change)
                out.other.append(dict(change))
        sync_state.set_in(s, cursor=next_cursor)
        reconcile_gen = sync_state.value_in(s, "reconcile")
        if not more and reconcile_gen:
            for record_id in sync_state.reconcile(s, int(reconcile_gen)):
                _tombstone(s, record_id)
                out.reconciled.append(record_id)
            sync_state.set_in(s, reconcile=None)
    return out


def apply_fetched(store: Store, change: Mapping[str, Any]) -> bool:
    """One record fetched by its id (the server scored it otherwise): applied as a pulled
    change, the cursor left where it is. False when held behind unanswered local ops (an
    edit made since: its own push brings the server's evaluation of it back)."""
    with store.session() as s:
        gen = int(sync_state.value_in(s, "pull_gen") or 0)
        sync_state.refetched_in(s, str(change["id"]))
        return apply_record_change(s, change, gen)


def apply_record_change(s: Session, change: Mapping[str, Any], gen: int) -> bool:
    """Apply one pulled record; False when held behind unanswered local ops."""
    record_id = str(change["id"])
    version = int(change.get("version") or 0)
    meta = s.get(SyncRecord, record_id) or SyncRecord(record_id=record_id)
    meta.pulled_gen = gen
    s.add(meta)
    if sync_state.has_unanswered(s, record_id):
        held = json.loads(meta.held) if meta.held else None
        if held is None or int(held.get("version") or 0) <= version:
            meta.held = json.dumps(dict(change), ensure_ascii=False)
        return False
    put_record(s, change)
    meta.server_version = max(meta.server_version or 0, version)
    return True


def put_record(s: Session, change: Mapping[str, Any]) -> None:
    """Make the local row the server's copy (also used when a held change is released)."""
    record_id = str(change["id"])
    row = s.scalar(select(Record).where(Record.id == record_id))
    version = int(change.get("version") or 1)
    if change.get("deleted"):
        if row is not None and not row.deleted:
            _tombstone(s, record_id, version)
        return
    answers = dict(change.get("answers") or {})
    derived = _derived(answers, change.get("evaluation"))
    form = change.get("form") or {}
    now = str(change.get("updated_at") or utcnow())
    # Stored as records.py stores a local save: the evaluation without its versions, which
    # name a scoring row instead.
    columns = record_columns(answers, derived, str(form.get("id") or "jisr.registration"),
                             int(form.get("version") or 1), now)
    columns["scoring_id"] = scorings.for_save(s, (derived.evaluation or {}).get("versions"))
    if row is None:
        row = Record(id=record_id, agent=str(change.get("agent") or ""), created_at=now,
                     deleted=False, version=version, **columns)
        s.add(row)
        s.flush()
    else:
        for key, value in columns.items():
            setattr(row, key, value)
        row.version, row.deleted = version, False
        s.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": row.seq})
    s.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (:r, :t)"),
              {"r": row.seq, "t": search_terms(row.name_ar or "", row.name_lat or "",
                                               row.cin or "", row.phone or "")})


def _derived(answers: Mapping[str, Any], evaluation: Any) -> Derived:
    """The derived columns of a pulled record, read back from the evaluation it carries
    (the `evaluation.compact` shape both ends store): nothing is scored again here."""
    ev = dict(evaluation) if isinstance(evaluation, Mapping) else None
    subtotals = (ev or {}).get("subtotals") or {}
    orientation = (ev or {}).get("orientation") or {}
    return Derived(
        status="registered" if answers.get("consent") == "yes" else "refused_consent",
        eligible=ev.get("eligible") if ev else None,
        category=ev.get("category") if ev else None,
        score_total=ev.get("total") if ev else None,
        vulnerability=subtotals.get("vulnerability"),
        readiness=subtotals.get("readiness"),
        proposed_path=orientation.get("path"),
        proposed_destination=orientation.get("destination"),
        evaluation=ev,
    )


def _tombstone(s: Session, record_id: str, version: int | None = None) -> None:
    row = s.scalar(select(Record).where(Record.id == record_id))
    if row is None:
        return
    row.deleted = True
    row.version = version or row.version
    row.updated_at = utcnow()
    s.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :r"), {"r": row.seq})


def apply_item(s: Session, change: Mapping[str, Any]) -> int:
    """A decision, assessment or delivery from the server; 0 when its record is not here."""
    if change.get("deleted"):
        return _erase_item(s, str(change["entity"]), str(change.get("id") or ""))
    data = dict(change.get("data") or {})
    record_id = str(change.get("record_id") or data.get("record_id") or "")
    if s.scalar(select(Record.id).where(Record.id == record_id)) is None:
        return 0
    entity, item_id = change["entity"], str(change.get("id") or data.get("id"))
    if entity == "decision":
        row = s.scalar(select(Decision).where(Decision.id == item_id)) or Decision(id=item_id)
        for name in ("kind", "category", "path", "destination", "outcome", "decided_on",
                     "reason", "agent", "at"):
            setattr(row, name, data.get(name))
        row.override = data.get("override") is True  # the committee's exception (0009)
        row.agent, row.at = row.agent or "", row.at or utcnow()
    elif entity == "assessment":
        row = s.get(Assessment, item_id) or Assessment(id=item_id)
        definition = data.get("definition") or {}
        row.def_id, row.def_version = definition.get("id", ""), int(definition.get("version", 1))
        row.answers = json.dumps(data.get("answers") or {}, ensure_ascii=False)
        row.recommended = json.dumps(data.get("recommended") or [])
        row.agent = str(data.get("agent") or "")
        row.created_at = str(data.get("created_at") or utcnow())
        row.updated_at = str(change.get("updated_at") or row.created_at)
    else:
        row = (s.scalar(select(ServiceDelivery).where(ServiceDelivery.id == item_id))
               or ServiceDelivery(id=item_id))
        for name in ("assessment_id", "service_id", "delivered_on", "delivered_by", "at"):
            setattr(row, name, str(data.get(name) or ""))
    row.record_id = record_id
    s.add(row)
    return 1


def _erase_item(s: Session, entity: str, item_id: str) -> int:
    """A tombstone (its record was deleted on the server, issue 14 point 2): the local row
    goes, with the reason or the answers it held; an assessment takes its deliveries."""
    if entity == "assessment":
        s.execute(delete(ServiceDelivery).where(ServiceDelivery.assessment_id == item_id))
    table = {"decision": Decision, "assessment": Assessment}.get(entity, ServiceDelivery)
    return 1 if s.execute(delete(table).where(table.id == item_id)).rowcount else 0


def release_into(s: Session, change: Mapping[str, Any]) -> None:
    """The `apply_held` of sync_state.settle: a held change goes in once nothing local is
    left unanswered on its record."""
    put_record(s, change)
    sync_state.note_server_version(s, str(change["id"]), int(change.get("version") or 0))
