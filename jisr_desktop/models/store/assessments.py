"""Skills assessments and the services delivered after them, in the local store.

An assessment keeps its answers and the ids of the services it recommended (the service
card); labels are read back from the definition version it names. Deliveries are rows of
their own: a service is marked delivered later, often by someone else, and the card
printed afterwards shows the date and who delivered it.

Every write appends, in the same transaction, an audit entry and an outbox entry
(`assessment`, `delivery`) riding the record's outbox, so sync drains one queue.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.schema import Assessment, ServiceDelivery
from jisr_desktop.models.store.service_edits import services_on_card


@dataclass(frozen=True)
class AssessmentRecord:
    id: str
    record_id: str
    answers: dict[str, Any]
    recommended: list[str]
    # One dict per delivered service (service_id, delivered_on, delivered_by), in the
    # order they were first marked; a service marked again shows its latest marking.
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = ""
    agent: str = ""
    def_id: str = ""
    def_version: int = 0
    updated_at: str = ""
    # The services her card has now: the recommendations after the incubator's edits
    # (models/store/service_edits.py); what the card prints and what can be delivered.
    on_card: list[str] = field(default_factory=list)


class AssessmentRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.journal = Journal(store)

    def save(
        self,
        record_id: str,
        answers: Mapping[str, Any],
        recommended: Iterable[str],
        *,
        definition: Definition,
        assessment_id: str | None = None,
    ) -> AssessmentRecord:
        """Create an assessment, or update `assessment_id` (a correction of the same
        interview). Raises LookupError for an unknown record or assessment."""
        services = list(dict.fromkeys(recommended))
        now = utcnow()
        body = json.dumps(dict(answers), ensure_ascii=False, sort_keys=True)
        with self.store.session() as s:
            record = live_record(s, record_id)
            row = s.get(Assessment, assessment_id) if assessment_id else None
            if assessment_id and (row is None or row.record_id != record_id):
                raise LookupError(f"no assessment {assessment_id} for record {record_id}")
            if row is None:
                row = Assessment(
                    id=assessment_id or str(uuid.uuid4()),
                    record_id=record_id,
                    agent=self.store.agent,
                    created_at=now,
                    def_id=definition.id,
                    def_version=definition.version,
                    answers=body,
                    recommended=json.dumps(services),
                    updated_at=now,
                )
                s.add(row)
                action = "assessment.create"
                before: list[str] = []
            else:
                before = json.loads(row.recommended)
                row.def_id, row.def_version = definition.id, definition.version
                row.answers, row.recommended, row.updated_at = body, json.dumps(services), now
                action = "assessment.update"
            s.flush()
            info = self._record(s, row)
            payload = {
                "id": row.id,
                "record_id": record_id,
                "definition": {"id": definition.id, "version": definition.version},
                "answers": dict(answers),
                "recommended": services,
                "agent": row.agent,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
            }
            changes = {"assessment": row.id, "recommended": [before, services]}
            op = Op(record_id, "assessment", record.version, payload)
            self.journal.write(s, action, record_id, changes, op)
        return info

    def latest(self, record_id: str) -> AssessmentRecord | None:
        """The newest assessment of the record (the one its service card prints)."""
        with self.store.session() as s:
            row = s.scalar(
                select(Assessment)
                .where(Assessment.record_id == record_id)
                .order_by(Assessment.created_at.desc(), Assessment.updated_at.desc())
                .limit(1)
            )
            return self._record(s, row) if row else None

    def get(self, assessment_id: str) -> AssessmentRecord | None:
        with self.store.session() as s:
            row = s.get(Assessment, assessment_id)
            return self._record(s, row) if row else None

    def mark_delivered(
        self,
        assessment_id: str,
        service_id: str,
        *,
        delivered_on: str | date,
        delivered_by: str,
    ) -> None:
        """Record that a service of the card was given. ValueError for a service not on
        her card (recommended, or added by the incubator's staff, and not taken off), an empty
        `delivered_by` or a bad date; LookupError for an unknown assessment."""
        day = delivered_on if isinstance(delivered_on, date) else date.fromisoformat(delivered_on)
        delivered_by = (delivered_by or "").strip()
        if not delivered_by:
            raise ValueError("who delivered the service must be given")
        with self.store.session() as s:
            row = s.get(Assessment, assessment_id)
            if row is None:
                raise LookupError(f"no assessment {assessment_id}")
            if service_id not in services_on_card(s, row.id, json.loads(row.recommended)):
                raise ValueError(f"{service_id!r} is not on this assessment's service card")
            record = live_record(s, row.record_id)
            delivery = ServiceDelivery(
                id=str(uuid.uuid4()),
                assessment_id=assessment_id,
                record_id=row.record_id,
                service_id=service_id,
                delivered_on=day.isoformat(),
                delivered_by=delivered_by,
                at=utcnow(),
            )
            s.add(delivery)
            payload = {
                "id": delivery.id,
                "assessment_id": assessment_id,
                "record_id": row.record_id,
                "service_id": service_id,
                "delivered_on": delivery.delivered_on,
                "delivered_by": delivered_by,
                "agent": self.store.agent,
                "at": delivery.at,
            }
            changes = {"assessment": assessment_id, "service": service_id, "on": day.isoformat()}
            op = Op(row.record_id, "delivery", record.version, payload)
            self.journal.write(s, "delivery", row.record_id, changes, op)

    @staticmethod
    def _record(s: Session, row: Assessment) -> AssessmentRecord:
        deliveries: dict[str, dict[str, Any]] = {}
        for d in s.scalars(
            select(ServiceDelivery)
            .where(ServiceDelivery.assessment_id == row.id)
            .order_by(ServiceDelivery.seq)
        ):
            # A later marking of the same service corrects the earlier one; dict order
            # keeps where it was first marked.
            deliveries[d.service_id] = {
                "service_id": d.service_id,
                "delivered_on": d.delivered_on,
                "delivered_by": d.delivered_by,
            }
        return AssessmentRecord(
            id=row.id,
            record_id=row.record_id,
            answers=json.loads(row.answers),
            recommended=list(json.loads(row.recommended)),
            deliveries=list(deliveries.values()),
            created_at=row.created_at,
            agent=row.agent,
            def_id=row.def_id,
            def_version=row.def_version,
            updated_at=row.updated_at,
            on_card=services_on_card(s, row.id, json.loads(row.recommended)),
        )

