"""Committee sessions (issue 12): a provincial committee meets on a day, in a place, with
its members present; the minutes (cards/minutes.py) print the ranked list with the
decisions of that day. Local only for now: no outbox op (the server has no sessions yet)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal
from jisr_desktop.models.store.programme_tables import CommitteeSession


@dataclass(frozen=True)
class SessionInfo:
    id: str
    province_code: str
    category: int | None
    held_on: str
    place: str
    members: list[str]
    agent: str
    at: str


class SessionRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open(self, province_code: str, *, held_on: date, place: str, members: list[str],
             category: int | None = None) -> SessionInfo:
        """PermissionError unless the role records committee decisions; ValueError without
        a place or a member present."""
        account = self.store.account()
        if account is None or not account.active or not may(account.role, Action.DECIDE):
            raise PermissionError("only a supervisor records a committee session")
        members = [m.strip() for m in members if m and m.strip()]
        if not place.strip() or not members:
            raise ValueError("a session needs its place and the members present")
        with self.store.session() as s:
            row = CommitteeSession(id=str(uuid.uuid4()), province_code=province_code,
                                   category=category, held_on=held_on.isoformat(),
                                   place=place.strip(), members=json.dumps(members,
                                                                           ensure_ascii=False),
                                   agent=self.store.agent, at=utcnow())
            s.add(row)
            info = _info(row)
            Journal(self.store).write(s, "committee.session", None,
                         {"session": info.id, "province": province_code, "on": info.held_on})
        return info

    def in_province(self, province_code: str) -> list[SessionInfo]:
        """The province's sessions, the latest held first (the committee page's picker)."""
        with self.store.session() as s:
            rows = s.scalars(select(CommitteeSession)
                             .where(CommitteeSession.province_code == province_code)
                             .order_by(CommitteeSession.held_on.desc(),
                                       CommitteeSession.at.desc()))
            return [_info(r) for r in rows]

    def get(self, session_id: str) -> SessionInfo | None:
        with self.store.session() as s:
            row = s.get(CommitteeSession, session_id)
            if row is None:
                row = s.scalar(select(CommitteeSession)
                               .where(CommitteeSession.id.startswith(session_id)).limit(2))
            return _info(row) if row else None


def _info(r: CommitteeSession) -> SessionInfo:
    return SessionInfo(id=r.id, province_code=r.province_code, category=r.category,
                       held_on=r.held_on, place=r.place, members=json.loads(r.members),
                       agent=r.agent, at=r.at)
