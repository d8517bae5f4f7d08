"""Post-incubation follow-up (programme document, 430-449): close individual follow-up
visits (when, who, what was seen, the next step) and a calendar of the next steps planned
per province. Notes stay in the encrypted row, out of the audit and the log.

Every write appends an audit entry and an outbox entry (op `follow_up`; its schema:
models/programme/items.py) in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme.items import FOLLOW_UP, TOPICS
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.programme_tables import FollowUpVisit
from jisr_desktop.models.store.schema import Record

OP = FOLLOW_UP


@dataclass(frozen=True)
class VisitInfo:
    id: str
    record_id: str
    visited_on: str
    visitor: str
    topic: str
    notes: str | None
    next_step: str | None
    next_on: str | None
    agent: str
    at: str


class FollowUpRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def visit(self, record_id: str, *, visited_on: date, visitor: str, topic: str = "visit",
              notes: str | None = None, next_step: str | None = None,
              next_on: date | None = None) -> VisitInfo:
        """PermissionError unless the role may FOLLOW_UP (incubator staff, admin);
        ValueError for an unknown topic, no visitor, or a next step before the visit."""
        account = self.store.account()
        if account is None or not account.active or not may(account.role, Action.FOLLOW_UP):
            raise PermissionError("only incubator staff record follow-up visits")
        if topic not in TOPICS or not visitor.strip():
            raise ValueError("unknown topic or no visitor")
        if next_on is not None and next_on < visited_on:
            raise ValueError("the next step cannot come before the visit")
        with self.store.session() as s:
            row = live_record(s, record_id)
            visit = FollowUpVisit(
                id=str(uuid.uuid4()), record_id=row.id, visited_on=visited_on.isoformat(),
                visitor=visitor.strip(), topic=topic, notes=(notes or "").strip() or None,
                next_step=(next_step or "").strip() or None,
                next_on=next_on.isoformat() if next_on else None,
                agent=self.store.agent, at=utcnow())
            s.add(visit)
            info = _info(visit)
            Journal(self.store).write(s, "follow_up.visit", row.id,
                         {"visit": info.id, "topic": topic, "on": info.visited_on},
                         Op(row.id, OP, row.version, asdict(info)))
        return info

    def history(self, record_id: str) -> list[VisitInfo]:
        with self.store.session() as s:
            rows = s.scalars(select(FollowUpVisit).where(FollowUpVisit.record_id == record_id)
                             .order_by(FollowUpVisit.visited_on, FollowUpVisit.seq))
            return [_info(r) for r in rows]

    def calendar(self, province_code: str, since: date) -> list[VisitInfo]:
        """The next steps planned from `since` on in the province, by day: each woman's
        newest visit only (an older plan was replaced by the visit after it)."""
        with self.store.session() as s:
            rows = s.scalars(
                select(FollowUpVisit).join(Record, Record.id == FollowUpVisit.record_id)
                .where(Record.province_code == province_code, ~Record.deleted)
                .order_by(FollowUpVisit.visited_on, FollowUpVisit.seq))
            newest = {r.record_id: _info(r) for r in rows}
        planned = [v for v in newest.values() if v.next_on and v.next_on >= since.isoformat()]
        return sorted(planned, key=lambda v: v.next_on or "")


def _info(r: FollowUpVisit) -> VisitInfo:
    return VisitInfo(id=r.id, record_id=r.record_id, visited_on=r.visited_on,
                     visitor=r.visitor, topic=r.topic, notes=r.notes, next_step=r.next_step,
                     next_on=r.next_on, agent=r.agent, at=r.at)
