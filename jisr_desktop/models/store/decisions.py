"""Human decisions about a registration, recorded beside the grid's proposal.

Two kinds, never overwritten (each is a new row; the newest of a kind is in force):
- `agent_confirmation`: the agent confirms the proposed category and orientation, or
  changes them. A change must say why: the grid is the programme's rule, and a departure
  from it has to be explainable to the committee and to the woman.
- `committee`: the provincial committee's outcome (accepted, waiting list, refused) with
  its date. Only a supervisor or an admin records it (law 09-08: a decision about a person
  is a human act, by someone entitled to take it). A waiting list or a refusal must carry
  its reason, which the woman is entitled to hear.

Every write appends, in the same transaction, an audit entry and an outbox entry, so a
decision reaches the server exactly when the transaction that made it is durable.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

# The rules themselves live in a module without storage, which the server shares.
from jisr_desktop.models.programme.decisions import (  # noqa: F401 - re-exported
    ACCEPTED,
    AGENT_CONFIRMATION,
    COMMITTEE,
    DECIDING_ROLES,
    KINDS,
    OUTCOMES,
    OUTCOMES_NEEDING_REASON,
    OVERRIDE_REQUIRED,
    REFUSED,
    WAITING_LIST,
    check_decision,
)
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.schema import Decision, Record


class ReasonRequired(ValueError):
    """A change of the proposal, a waiting list or a refusal was given without a reason."""

    code = "reason_required"


class OverrideRequired(ReasonRequired):
    """A woman the grid found not eligible was accepted without the explicit override and
    its reason (a ReasonRequired: the reason is what is missing to the person deciding)."""

    code = "override_required"


def _eligible(row: Record) -> bool | None:
    """What the record's stored evaluation says of her eligibility (None: no evaluation)."""
    try:
        evaluation = json.loads(row.evaluation) if row.evaluation else None
    except ValueError:
        return None
    value = evaluation.get("eligible") if isinstance(evaluation, dict) else None
    return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class DecisionInfo:
    id: str
    record_id: str
    kind: str
    category: int | None
    path: str | None
    destination: str | None
    outcome: str | None
    decided_on: str | None
    reason: str | None
    agent: str
    at: str
    # The committee's explicit exception: accepting a woman the grid found not eligible.
    override: bool = False


class DecisionRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.journal = Journal(store)

    # -- writes -------------------------------------------------------------------------------

    def confirm(
        self,
        record_id: str,
        *,
        category: int | None,
        path: str | None,
        destination: str | None,
        reason: str | None = None,
    ) -> DecisionInfo:
        """The agent's confirmation of the proposal, or her change of it (then `reason` is
        required: `ReasonRequired`). Raises LookupError for an unknown record."""
        reason = _clean(reason)
        with self.store.session() as s:
            row = live_record(s, record_id)
            proposal = (row.category, row.proposed_path, row.proposed_destination)
            chosen = (category, path, destination)
            changed = {
                name: [before, after]
                for name, before, after in zip(
                    ("category", "path", "destination"), proposal, chosen, strict=True
                )
                if before != after
            }
            if changed and not reason:
                raise ReasonRequired("a change of the proposal needs a reason")
            info = self._write(
                s,
                row,
                kind=AGENT_CONFIRMATION,
                category=category,
                path=path,
                destination=destination,
                reason=reason,
                action="decision.change" if changed else "decision.confirm",
                audit_changes=changed,
            )
        return info

    def committee_decide(
        self,
        record_id: str,
        *,
        outcome: str,
        decided_on: str | date,
        reason: str | None = None,
        category: int | None = None,
        path: str | None = None,
        override: bool = False,
    ) -> DecisionInfo:
        """The committee's outcome. PermissionError unless the signed-in account is a
        supervisor or an admin; `ReasonRequired` for a waiting list or a refusal without a
        reason; `OverrideRequired` for accepting a woman found not eligible without
        `override` and a reason; ValueError for an unknown outcome or a date that is not
        `YYYY-MM-DD`. `category` and `path`, when given and not the grid's proposal, are
        the committee's change of them (issue 12), which needs a reason too."""
        account = self.store.account()
        if account is None or not account.active or account.role not in DECIDING_ROLES:
            raise PermissionError("only a supervisor records the committee's decision")
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        day = decided_on if isinstance(decided_on, date) else date.fromisoformat(decided_on)
        reason = _clean(reason)
        if outcome in OUTCOMES_NEEDING_REASON and not reason:
            raise ReasonRequired(f"a decision {outcome!r} needs a reason")
        with self.store.session() as s:
            row = live_record(s, record_id)
            category = None if category == row.category else category
            path = None if path == row.proposed_path else path
            if (category is not None or path is not None) and not reason:
                raise ReasonRequired("a change of the category or the path needs a reason")
            payload = {"kind": COMMITTEE, "outcome": outcome, "decided_on": day.isoformat(),
                       "reason": reason, "override": override}
            if check_decision(payload, account.role, _eligible(row)) == OVERRIDE_REQUIRED:
                raise OverrideRequired("accepting a woman found not eligible needs an override")
            changes = {"outcome": outcome, "decided_on": day.isoformat()}
            if override and outcome == ACCEPTED:
                changes["override"] = True  # the audit trail says it was an exception
            info = self._write(
                s,
                row,
                kind=COMMITTEE,
                category=category,
                path=path,
                outcome=outcome,
                decided_on=day.isoformat(),
                reason=reason,
                action="decision.committee",
                audit_changes=changes,
                override=override and outcome == ACCEPTED,
            )
        return info

    def _write(
        self,
        s: Session,
        row: Record,
        *,
        kind: str,
        action: str,
        audit_changes: dict,
        category: int | None = None,
        path: str | None = None,
        destination: str | None = None,
        outcome: str | None = None,
        decided_on: str | None = None,
        reason: str | None = None,
        override: bool = False,
    ) -> DecisionInfo:
        decision = Decision(
            id=str(uuid.uuid4()),
            record_id=row.id,
            kind=kind,
            category=category,
            path=path,
            destination=destination,
            outcome=outcome,
            decided_on=decided_on,
            reason=reason,
            agent=self.store.agent,
            at=utcnow(),
            override=override,
        )
        s.add(decision)
        info = _info(decision)
        # The reason is kept out of the audit's changes (it may name health or family
        # details); the decision row, inside the encrypted store, holds it.
        # base_version: the record version this decision was taken on, so the server can
        # tell a decision made on answers that have since changed.
        op = Op(row.id, "decision", row.version, asdict(info))
        self.journal.write(s, action, row.id, {**audit_changes, "decision": info.id}, op)
        return info

    # -- reads --------------------------------------------------------------------------------

    def history(self, record_id: str) -> list[DecisionInfo]:
        """Every decision about the record, oldest first."""
        with self.store.session() as s:
            rows = s.scalars(
                select(Decision).where(Decision.record_id == record_id).order_by(Decision.seq)
            )
            return [_info(r) for r in rows]

    def latest(self, record_id: str, kind: str) -> DecisionInfo | None:
        with self.store.session() as s:
            row = s.scalar(
                select(Decision)
                .where(Decision.record_id == record_id, Decision.kind == kind)
                .order_by(Decision.seq.desc())
                .limit(1)
            )
            return _info(row) if row else None

    def latest_for(self, record_ids: Iterable[str], kind: str) -> dict[str, DecisionInfo]:
        """The decision in force of `kind` for each of many records (a committee list):
        one query per 500 ids rather than one per record."""
        ids = list(dict.fromkeys(record_ids))
        out: dict[str, DecisionInfo] = {}
        with self.store.session() as s:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = s.scalars(
                    select(Decision)
                    .where(Decision.record_id.in_(chunk), Decision.kind == kind)
                    .order_by(Decision.seq)
                )
                for r in rows:
                    out[r.record_id] = _info(r)  # ascending: the newest wins
        return out


def _clean(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    return reason or None


def _info(r: Decision) -> DecisionInfo:
    return DecisionInfo(
        id=r.id,
        record_id=r.record_id,
        kind=r.kind,
        category=r.category,
        path=r.path,
        destination=r.destination,
        outcome=r.outcome,
        decided_on=r.decided_on,
        reason=r.reason,
        agent=r.agent,
        at=r.at,
        override=bool(r.override),
    )
