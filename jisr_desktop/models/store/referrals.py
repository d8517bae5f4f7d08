"""Where a woman is sent (a named place, an appointment, a person to see) and the
incubator's review of her path, in the local store (table `referrals`, migration 0008).

Every write appends, in the same transaction, an audit entry and an outbox entry (op
`referral`, riding the record's outbox; its schema: models/programme/items.py). Rows are
never overwritten: the newest of a kind is in force.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select

from jisr_desktop.models.programme.definitions import PLACES_KIND, Definition, load_places
from jisr_desktop.models.programme.items import ORIENTATION, PATH_REVIEW, REFERRAL
from jisr_desktop.models.programme.places import Directory
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.decisions import ReasonRequired
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.programme_tables import Referral
from jisr_desktop.models.store.repository import Repository

OP = REFERRAL


class UnknownPlace(ValueError):
    code = "unknown_place"


@dataclass(frozen=True)
class ReferralInfo:
    id: str
    record_id: str
    kind: str
    place_id: str | None
    places_version: int | None
    appointment: str | None
    contact: str | None
    path: str | None
    reason: str | None
    agent: str
    at: str


def directory_in_force(repo: Repository) -> Directory:
    """The newest directory the store has, else the one shipped with the app."""
    versions = repo.definition_versions(PLACES_KIND)
    if versions:
        def_id, version, _hash, _active = max(versions, key=lambda v: v[1])
        found = repo.definition(def_id, version)
        if found is not None:
            return Directory(found)
    shipped: Definition | None = load_places()
    if shipped is None:
        raise LookupError("no directory of places")
    return Directory(shipped)


def directory_version(repo: Repository, version: int | None) -> Directory:
    """The directory version a referral named (its place reads as it was), else in force."""
    for def_id, v, _hash, _active in repo.definition_versions(PLACES_KIND):
        if v == version:
            found = repo.definition(def_id, v)
            if found is not None:
                return Directory(found)
    return directory_in_force(repo)


class ReferralRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def orient(self, record_id: str, directory: Directory, *, place_id: str,
               appointment: str | datetime | None, contact: str | None) -> ReferralInfo:
        """Name her place, appointment (YYYY-MM-DDTHH:MM) and contact. PermissionError for a
        role that may not confirm orientations; UnknownPlace; ValueError for a bad time."""
        self._allowed(Action.CONFIRM)
        if directory.get(place_id) is None:
            raise UnknownPlace(place_id)
        return self._write(record_id, ORIENTATION, place_id=place_id,
                           places_version=directory.version,
                           appointment=_minute(appointment), contact=_clean(contact))

    def review_path(self, record_id: str, *, path: str, path_in_force: str | None,
                    reason: str | None = None) -> ReferralInfo:
        """The incubator confirms (same path) or changes her path; a change needs a reason
        (`ReasonRequired`). Incubator staff, supervisors and admins (Action.ASSESS)."""
        self._allowed(Action.ASSESS)
        reason = _clean(reason)
        if path != path_in_force and not reason:
            raise ReasonRequired("a change of the path needs a reason")
        return self._write(record_id, PATH_REVIEW, path=path, reason=reason)

    def history(self, record_id: str) -> list[ReferralInfo]:
        with self.store.session() as s:
            rows = s.scalars(select(Referral).where(Referral.record_id == record_id)
                             .order_by(Referral.seq))
            return [_info(r) for r in rows]

    def latest(self, record_id: str, kind: str) -> ReferralInfo | None:
        found = [r for r in self.history(record_id) if r.kind == kind]
        return found[-1] if found else None

    def _allowed(self, action: Action) -> None:
        account = self.store.account()
        if account is None or not account.active or not may(account.role, action):
            raise PermissionError(f"the role may not {action}")

    def _write(self, record_id: str, kind: str, **values: object) -> ReferralInfo:
        with self.store.session() as s:
            row = live_record(s, record_id)
            referral = Referral(id=str(uuid.uuid4()), record_id=row.id, kind=kind,
                                agent=self.store.agent, at=utcnow(), **values)
            s.add(referral)
            info = _info(referral)
            # Contact names and reasons stay in the encrypted row, out of the audit; the
            # op carries them to the server under her token (sync).
            Journal(self.store).write(s, f"referral.{kind}", row.id,
                         {"referral": info.id, "place": info.place_id, "path": info.path},
                         Op(row.id, OP, row.version, asdict(info)))
        return info


def _minute(value: str | datetime | None) -> str | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.strftime("%Y-%m-%dT%H:%M")


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _info(r: Referral) -> ReferralInfo:
    return ReferralInfo(id=r.id, record_id=r.record_id, kind=r.kind, place_id=r.place_id,
                        places_version=r.places_version, appointment=r.appointment,
                        contact=r.contact, path=r.path, reason=r.reason, agent=r.agent,
                        at=r.at)
