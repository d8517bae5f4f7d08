"""Pulled items of the programme's later steps (referrals, service card edits, incubations,
follow-up visits, EN path steps, licences, applicant groups and their memberships) put in
their tables, inside the pull page's transaction (sync_apply).

As for every pulled change, nothing here appends an outbox row: the item came from the
server and must not echo back up. A tombstone (its record was deleted on the server)
removes the local row, so the contact names, reasons and notes it held leave the device
with the record; a group's tombstone takes its memberships with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.programme import items
from jisr_desktop.models.store.paths_tables import (
    ApplicantGroup,
    EnPathStep,
    GroupMember,
    LicenceStep,
)
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
    items.EN_STEP: EnPathStep,
    items.LICENCE: LicenceStep,
    items.GROUP: ApplicantGroup,
}
ENTITIES = frozenset({*TABLES, items.GROUP_MEMBER})
# Payload keys named otherwise in a table (`on` is a word SQL keeps for itself), and keys
# a table does not keep.
COLUMNS = {"on": "on_day"}
NOT_KEPT = {items.GROUP: {"id", "record_id"}, items.GROUP_MEMBER: {"id", "at"}}


def apply_item(s: Session, change: Mapping[str, Any]) -> int:
    """One pulled item; 1 when it changed the store, 0 when its record is not here."""
    kind = str(change["entity"])
    data = dict(change.get("data") or {})
    item_id = str(change.get("id") or data.get("id") or "")
    record_id = str(change.get("record_id") or data.get("record_id") or "")
    if kind == items.GROUP_MEMBER:
        return _apply_member(s, change, item_id, record_id, data)
    table = TABLES[kind]
    row = s.scalar(select(table).where(table.id == item_id))
    if change.get("deleted"):
        if row is None:
            return 0
        if kind == items.GROUP:
            for member in s.scalars(select(GroupMember).where(GroupMember.group_id == row.id)):
                s.delete(member)
            s.flush()  # the memberships before their group (foreign key)
        s.delete(row)
        return 1
    record = _record(s, record_id)
    if record is None:
        return 0
    if row is None:
        row = table(id=item_id)
    _fill(row, kind, data)
    if kind == items.GROUP:
        # The group's province is its responsible member's, as groups.py sets it.
        row.responsible_id, row.province_code = record_id, record.province_code
    else:
        row.record_id = record_id
    s.add(row)
    return 1


def _record(s: Session, record_id: str) -> Record | None:
    return s.scalar(select(Record).where(Record.id == record_id))


def _fill(row: Any, kind: str, data: Mapping[str, Any]) -> None:
    skip = NOT_KEPT.get(kind, {"id", "record_id"})
    for key in items.KEYS[kind]:
        if key not in skip:
            setattr(row, COLUMNS.get(key, key), data.get(key))


def _apply_member(s: Session, change: Mapping[str, Any], item_id: str, record_id: str,
                  data: Mapping[str, Any]) -> int:
    """A membership has no id column: it is found by the id its fields derive."""
    row = next((m for m in s.scalars(select(GroupMember).where(
        GroupMember.record_id == record_id))
        if items.member_id(m.group_id, m.record_id, m.joined_at) == item_id), None)
    if change.get("deleted"):
        if row is None:
            return 0
        s.delete(row)
        return 1
    if _record(s, record_id) is None or s.get(ApplicantGroup, data.get("group_id")) is None:
        return 0  # her record, or the group, is not on this device
    if row is None:
        row = GroupMember()
    _fill(row, items.GROUP_MEMBER, data)
    s.add(row)
    return 1
