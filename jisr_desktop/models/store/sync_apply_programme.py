"""Pulled items of the programme's later steps (referrals, service card edits, incubations,
follow-up visits) put in their tables, inside the pull page's transaction (sync_apply).

As for every pulled change, nothing here appends an outbox row: the item came from the
server and must not echo back up. A tombstone (its record was deleted on the server)
removes the local row, so the contact names, reasons and notes it held leave the device
with the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.programme import items
from jisr_desktop.models.store.programme_tables import (
    FollowUpVisit,
    Incubation,
    Referral,
    ServiceCardEdit,
)
from jisr_desktop.models.store.schema import Record

TABLES: dict[str, Any] = {
    items.REFERRAL: Referral,
    items.SERVICE_EDIT: ServiceCardEdit,
    items.INCUBATION: Incubation,
    items.FOLLOW_UP: FollowUpVisit,
}
ENTITIES = frozenset(TABLES)


def apply_item(s: Session, change: Mapping[str, Any]) -> int:
    """One pulled item; 1 when it changed the store, 0 when its record is not here."""
    kind = str(change["entity"])
    table = TABLES[kind]
    data = dict(change.get("data") or {})
    item_id = str(change.get("id") or data.get("id") or "")
    row = s.scalar(select(table).where(table.id == item_id))
    if change.get("deleted"):
        if row is None:
            return 0
        s.delete(row)
        return 1
    record_id = str(change.get("record_id") or data.get("record_id") or "")
    if s.scalar(select(Record.id).where(Record.id == record_id)) is None:
        return 0
    if row is None:
        row = table(id=item_id)
    for key in items.KEYS[kind]:
        if key not in ("id", "record_id"):
            setattr(row, key, data.get(key))
    row.record_id = record_id
    s.add(row)
    return 1
