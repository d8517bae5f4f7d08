"""Incubator staff's edits of a service card (issue 12): the card starts as the skills
assessment's recommendations; staff add a service, remove one or schedule one, each with
its reason (a removal or an addition must be explainable to the woman and to the
committee). Rows are never overwritten; `services_in_force` applies them in order.

Every write appends an audit entry and an outbox entry (op `service_edit`; its schema:
models/programme/items.py) in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.items import ADD, REMOVE, SCHEDULE, SERVICE_EDIT
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.decisions import ReasonRequired
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.programme_tables import ServiceCardEdit

OP = SERVICE_EDIT


class UnknownService(ValueError):
    code = "unknown_service"


@dataclass(frozen=True)
class ServiceEditInfo:
    id: str
    record_id: str
    assessment_id: str
    action: str
    service_id: str
    scheduled_on: str | None
    reason: str | None
    agent: str
    at: str


class ServiceEdits:
    def __init__(self, store: Store) -> None:
        self.store = store

    def edit(self, record_id: str, assessment_id: str, services: Definition, *, action: str,
             service_id: str, reason: str | None = None,
             scheduled_on: str | date | None = None) -> ServiceEditInfo:
        """One edit. PermissionError unless the role may assess (incubator staff,
        supervisor, admin); UnknownService for an id not in the catalogue; ReasonRequired
        for an addition or a removal without a reason; ValueError for a bad date."""
        account = self.store.account()
        if account is None or not account.active or not may(account.role, Action.ASSESS):
            raise PermissionError("only incubator staff edit a service card")
        if action not in (ADD, REMOVE, SCHEDULE):
            raise ValueError(f"unknown action {action!r}")
        if service_id not in {s["id"] for s in services.data["services"]}:
            raise UnknownService(service_id)
        reason = (reason or "").strip() or None
        if action in (ADD, REMOVE) and not reason:
            raise ReasonRequired(f"{action} needs a reason")
        day = None
        if scheduled_on:
            day = (scheduled_on if isinstance(scheduled_on, date)
                   else date.fromisoformat(str(scheduled_on))).isoformat()
        if action == SCHEDULE and day is None:
            raise ValueError("a schedule needs its day")
        with self.store.session() as s:
            row = live_record(s, record_id)
            edit = ServiceCardEdit(id=str(uuid.uuid4()), record_id=row.id,
                                   assessment_id=assessment_id, action=action,
                                   service_id=service_id, scheduled_on=day, reason=reason,
                                   agent=self.store.agent, at=utcnow())
            s.add(edit)
            info = _info(edit)
            Journal(self.store).write(s, f"service_card.{action}", row.id,
                         {"edit": info.id, "service": service_id, "on": day},
                         Op(row.id, OP, row.version, asdict(info)))
        return info

    def history(self, record_id: str, assessment_id: str) -> list[ServiceEditInfo]:
        with self.store.session() as s:
            rows = s.scalars(select(ServiceCardEdit).where(
                ServiceCardEdit.record_id == record_id,
                ServiceCardEdit.assessment_id == assessment_id).order_by(ServiceCardEdit.seq))
            return [_info(r) for r in rows]


def services_in_force(recommended: Iterable[str],
                      edits: Iterable[ServiceEditInfo]) -> tuple[list[str], dict[str, str]]:
    """The card's services after the edits, and the day each scheduled one is planned."""
    services = list(dict.fromkeys(recommended))
    planned: dict[str, str] = {}
    for e in edits:
        if e.action == ADD and e.service_id not in services:
            services.append(e.service_id)
        elif e.action == REMOVE and e.service_id in services:
            services.remove(e.service_id)
            planned.pop(e.service_id, None)
        elif e.action == SCHEDULE and e.scheduled_on:
            planned[e.service_id] = e.scheduled_on
        if e.action == ADD and e.scheduled_on:
            planned[e.service_id] = e.scheduled_on
    return services, planned


def services_on_card(s: Session, assessment_id: str, recommended: Iterable[str]) -> list[str]:
    """In an open session: the services her card has now (a service added by hand can be
    marked delivered; one taken off cannot)."""
    rows = s.scalars(select(ServiceCardEdit).where(ServiceCardEdit.assessment_id == assessment_id)
                     .order_by(ServiceCardEdit.seq))
    return services_in_force(recommended, [_info(r) for r in rows])[0]


def _info(r: ServiceCardEdit) -> ServiceEditInfo:
    return ServiceEditInfo(id=r.id, record_id=r.record_id, assessment_id=r.assessment_id,
                           action=r.action, service_id=r.service_id,
                           scheduled_on=r.scheduled_on, reason=r.reason, agent=r.agent,
                           at=r.at)
