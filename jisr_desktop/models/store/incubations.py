"""Incubations in the local store (table `incubations`, migration 0008): the selection
committee's choice, the funding (amount, source, date) and the 12-month contract, with the
warning before it ends (rules: models/programme/incubation.py).

Every write appends an audit entry and an outbox entry (op `incubation`; its schema:
models/programme/items.py) in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme import incubation as rules
from jisr_desktop.models.programme.items import INCUBATION
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.programme_tables import Incubation, IncubationDecision
from jisr_desktop.models.store.schema import Record

OP = INCUBATION
# The selection committee's other answers (a selection is the incubation itself).
WAITING_LIST, REFUSED = "waiting_list", "refused"
NOT_SELECTED = (WAITING_LIST, REFUSED)


@dataclass(frozen=True)
class IncubationInfo:
    id: str
    record_id: str
    selected_on: str
    funding_amount: int | None
    funding_source: str | None
    funded_on: str | None
    contract_start: str
    contract_end: str
    logistics: str | None
    agent: str
    at: str
    committee: str | None = None  # the selection committee (migration 0009)

    def warning(self, today: date, days: int = rules.WARN_DAYS) -> str | None:
        return rules.warning(date.fromisoformat(self.contract_end), today, days)


@dataclass(frozen=True)
class SelectionDecision:
    """A project the selection committee waiting-listed or refused."""

    id: str
    record_id: str
    outcome: str
    decided_on: str
    committee: str | None
    reason: str
    agent: str
    at: str


class IncubationRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, record_id: str, *, selected_on: date, contract_start: date,
               funding_amount: int | None = None, funding_source: str | None = None,
               funded_on: date | None = None, logistics: str | None = None,
               months: int = rules.DOMICILIATION_MONTHS,
               committee: str | None = None) -> IncubationInfo:
        """Her incubation (the selection committee's choice). PermissionError unless the
        role table lets the role INCUBATE (incubator staff, the committee's secretariat,
        admins); ValueError for an unknown funding source, a negative amount or a start
        before the selection."""
        account = self.store.account()
        if account is None or not account.active or not may(account.role, Action.INCUBATE):
            raise PermissionError("the role may not record an incubation")
        if funding_source is not None and funding_source not in rules.FUNDING_SOURCES:
            raise ValueError(f"unknown funding source {funding_source!r}")
        if funding_amount is not None and funding_amount < 0:
            raise ValueError("a funding amount cannot be negative")
        if contract_start < selected_on:
            raise ValueError("the contract cannot start before the selection")
        with self.store.session() as s:
            row = live_record(s, record_id)
            incubation = Incubation(
                id=str(uuid.uuid4()), record_id=row.id, selected_on=selected_on.isoformat(),
                funding_amount=funding_amount, funding_source=funding_source,
                funded_on=funded_on.isoformat() if funded_on else None,
                contract_start=contract_start.isoformat(),
                contract_end=rules.contract_end(contract_start, months).isoformat(),
                logistics=(logistics or "").strip() or None,
                committee=(committee or "").strip() or None,
                agent=self.store.agent, at=utcnow())
            s.add(incubation)
            info = _info(incubation)
            Journal(self.store).write(s, "incubation.record", row.id,
                         {"incubation": info.id, "end": info.contract_end},
                         Op(row.id, OP, row.version, asdict(info)))
        return info

    def not_selected(self, record_id: str, *, outcome: str, decided_on: date, reason: str,
                     committee: str | None = None) -> SelectionDecision:
        """The selection committee waiting-lists or refuses her project. PermissionError
        as for `record`; ValueError for another outcome or no reason (she is entitled to
        hear why). Local only, with its audit entry: the server has no such item yet."""
        account = self.store.account()
        if account is None or not account.active or not may(account.role, Action.INCUBATE):
            raise PermissionError("the role may not record an incubation")
        reason = (reason or "").strip()
        if outcome not in NOT_SELECTED or not reason:
            raise ValueError("a waiting list or a refusal needs its reason")
        with self.store.session() as s:
            row = live_record(s, record_id)
            decision = IncubationDecision(
                id=str(uuid.uuid4()), record_id=row.id, outcome=outcome,
                decided_on=decided_on.isoformat(), committee=(committee or "").strip() or None,
                reason=reason, agent=self.store.agent, at=utcnow())
            s.add(decision)
            info = _decision(decision)
            # The reason stays in the encrypted row, out of the audit's changes.
            Journal(self.store).write(s, "incubation.not_selected", row.id,
                                      {"decision": info.id, "outcome": outcome})
        return info

    def selection(self, record_id: str) -> IncubationInfo | SelectionDecision | None:
        """The selection committee's answer in force: the newer of her incubation (she was
        selected) and a waiting list or refusal."""
        chosen = self.latest(record_id)
        with self.store.session() as s:
            row = s.scalar(select(IncubationDecision)
                           .where(IncubationDecision.record_id == record_id)
                           .order_by(IncubationDecision.seq.desc()).limit(1))
            other = _decision(row) if row else None
        if chosen is None or (other is not None and other.at > chosen.at):
            return other
        return chosen

    def latest(self, record_id: str) -> IncubationInfo | None:
        with self.store.session() as s:
            row = s.scalar(select(Incubation).where(Incubation.record_id == record_id)
                           .order_by(Incubation.seq.desc()).limit(1))
            return _info(row) if row else None

    def warnings(self, province_code: str, today: date,
                 days: int = rules.WARN_DAYS) -> list[tuple[IncubationInfo, str]]:
        """The province's contracts in force that end within `days` or have ended."""
        with self.store.session() as s:
            rows = s.scalars(select(Incubation).join(Record, Record.id == Incubation.record_id)
                             .where(Record.province_code == province_code, ~Record.deleted)
                             .order_by(Incubation.seq))
            newest = {r.record_id: _info(r) for r in rows}
        found = [(i, i.warning(today, days)) for i in newest.values()]
        return sorted(((i, w) for i, w in found if w), key=lambda p: p[0].contract_end)


def _info(r: Incubation) -> IncubationInfo:
    return IncubationInfo(id=r.id, record_id=r.record_id, selected_on=r.selected_on,
                          funding_amount=r.funding_amount, funding_source=r.funding_source,
                          funded_on=r.funded_on, contract_start=r.contract_start,
                          contract_end=r.contract_end, logistics=r.logistics,
                          agent=r.agent, at=r.at, committee=r.committee)


def _decision(r: IncubationDecision) -> SelectionDecision:
    return SelectionDecision(id=r.id, record_id=r.record_id, outcome=r.outcome,
                             decided_on=r.decided_on, committee=r.committee, reason=r.reason,
                             agent=r.agent, at=r.at)
