"""Licences and labels after incubation (programme document, 432-449) in the local store
(table `licence_steps`, migration 0011_programme_paths): each licence she needs (the ONSSA
health certificate, the handicraft label, others as data) with its status and the day of
each status. Rows are never overwritten: one licence's rows are its history.

Every write appends its audit entry and its outbox op (`licence`; schema:
models/programme/items.py) through the journal in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme import programme_paths as rules
from jisr_desktop.models.programme.items import LICENCE
from jisr_desktop.models.programme.roles import Action
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.path_lists import clean, require
from jisr_desktop.models.store.paths_tables import LicenceStep


@dataclass(frozen=True)
class LicenceStepInfo:
    id: str
    record_id: str
    licence_id: str
    name: str | None
    status: str
    on: str
    notes: str | None
    agent: str
    at: str
    catalogue_version: int  # the lists' version its ids belong to


@dataclass(frozen=True)
class LicenceState:
    """One licence as it stands: its status in force and the day of each status reached."""

    licence_id: str
    name: str | None
    status: str
    dates: dict[str, str] = field(default_factory=dict)  # status -> newest day


class LicenceRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def set_status(self, record_id: str, catalogue: rules.Catalogue, licence_id: str,
                   status: str, on: date, *, name: str | None = None,
                   notes: str | None = None) -> LicenceStepInfo:
        """PermissionError unless the role delivers services; PathRuleError for an unknown
        licence or status, a change the lists do not allow, "other" with no name, or a
        day before the licence's previous status."""
        require(self.store, Action.DELIVER)
        name = clean(name) if catalogue.entry("licences", licence_id).get("needs_name") else None
        current = next((c for c in self.in_force(record_id)
                        if (c.licence_id, c.name) == (licence_id, name)), None)
        rules.check_licence_status(catalogue, licence_id, status,
                                   current.status if current else None, name)
        day = on.isoformat()
        if current is not None and day < current.dates[current.status]:
            raise rules.PathRuleError("date_before_previous_step", day)
        with self.store.session() as s:
            row = live_record(s, record_id)
            entry = LicenceStep(id=str(uuid.uuid4()), record_id=row.id, licence_id=licence_id,
                                name=name, status=status, on_day=day, notes=clean(notes),
                                catalogue_version=catalogue.version, agent=self.store.agent,
                                at=utcnow())
            s.add(entry)
            info = _info(entry)
            Journal(self.store).write(s, "licence.status", row.id, {
                "step": info.id, "licence": licence_id, "status": status, "on": day},
                Op(row.id, LICENCE, row.version, asdict(info)))
        return info

    def history(self, record_id: str) -> list[LicenceStepInfo]:
        with self.store.session() as s:
            rows = s.scalars(select(LicenceStep).where(LicenceStep.record_id == record_id)
                             .order_by(LicenceStep.seq))
            return [_info(r) for r in rows]

    def in_force(self, record_id: str) -> list[LicenceState]:
        """Each licence she has, first recorded first, with its status in force."""
        states: dict[tuple[str, str | None], LicenceState] = {}
        for step in self.history(record_id):
            key = (step.licence_id, step.name)
            before = states.get(key)
            dates = {**(before.dates if before else {}), step.status: step.on}
            states[key] = LicenceState(step.licence_id, step.name, step.status, dates)
        return list(states.values())


def _info(r: LicenceStep) -> LicenceStepInfo:
    return LicenceStepInfo(id=r.id, record_id=r.record_id, licence_id=r.licence_id,
                           name=r.name, status=r.status, on=r.on_day, notes=r.notes,
                           agent=r.agent, at=r.at, catalogue_version=r.catalogue_version)
