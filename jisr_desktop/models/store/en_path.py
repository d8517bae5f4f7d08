"""The category-2 path at Entraide Nationale in the local store (table `en_path_steps`,
migration 0011_programme_paths): the EN programme chosen, the enrolment in a centre of
the directory, the completion and what she did after (programme document, 186-232).

Whom the path is for (category 2, or the committee's employability path) and which
centres are EN's are checked by models/workflows/en_path.py, which the CLI and the
screens call; this layer checks the order, the lists and the role. Rows are never
overwritten: the newest of each step is in force. Every write appends
its audit entry and its outbox op (`en_step`; schema: models/programme/items.py) through
the journal in the same transaction. Notes stay in the encrypted row, out of the audit;
the op carries them to the server under her token.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme import programme_paths as rules
from jisr_desktop.models.programme.items import EN_STEP
from jisr_desktop.models.programme.roles import Action
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal, Op, live_record
from jisr_desktop.models.store.path_lists import clean, require
from jisr_desktop.models.store.paths_tables import EnPathStep


@dataclass(frozen=True)
class EnStepInfo:
    id: str
    record_id: str
    step: str
    programme_id: str | None
    place_id: str | None
    places_version: int | None
    on: str | None
    result: str | None
    outcome: str | None
    notes: str | None
    catalogue_version: int
    agent: str
    at: str


class EnPathRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, record_id: str, catalogue: rules.Catalogue, step: str, *,
               on: date | None = None, programme_id: str | None = None,
               place_id: str | None = None, places_version: int | None = None,
               result: str | None = None, outcome: str | None = None,
               notes: str | None = None) -> EnStepInfo:
        """One step of her EN path. PermissionError unless the role delivers services;
        PathRuleError for a step out of order, an unknown programme, result or outcome, a
        date before the step it follows, or a missing value the step needs."""
        require(self.store, Action.DELIVER)
        _needs(step, on=on, place_id=place_id, result=result)
        day = on.isoformat() if on else None
        done = {s: {"on": i.on} for s, i in self.in_force(record_id).items()}
        rules.check_en_step(catalogue, step, done, {
            "programme_id": programme_id, "result": result, "outcome": outcome, "on": day})
        with self.store.session() as s:
            row = live_record(s, record_id)
            entry = EnPathStep(
                id=str(uuid.uuid4()), record_id=row.id, step=step, programme_id=programme_id,
                place_id=place_id, places_version=places_version, on_day=day, result=result,
                outcome=outcome, notes=clean(notes), catalogue_version=catalogue.version,
                agent=self.store.agent, at=utcnow())
            s.add(entry)
            info = _info(entry)
            Journal(self.store).write(s, f"en_path.{step}", row.id, {
                "step": info.id, "programme": programme_id, "place": place_id,
                "on": day, "result": result, "outcome": outcome},
                Op(row.id, EN_STEP, row.version, asdict(info)))
        return info

    def history(self, record_id: str) -> list[EnStepInfo]:
        with self.store.session() as s:
            rows = s.scalars(select(EnPathStep).where(EnPathStep.record_id == record_id)
                             .order_by(EnPathStep.seq))
            return [_info(r) for r in rows]

    def in_force(self, record_id: str) -> dict[str, EnStepInfo]:
        """The newest row of each step she has, in the path's order."""
        newest = {i.step: i for i in self.history(record_id)}
        return {step: newest[step] for step in rules.EN_STEPS if step in newest}


def _needs(step: str, *, on: date | None, place_id: str | None, result: str | None) -> None:
    if step == rules.ENROLMENT and (on is None or not place_id):
        raise rules.PathRuleError("enrolment_needs_centre_and_date")
    if step == rules.COMPLETION and (on is None or not result):
        raise rules.PathRuleError("completion_needs_date_and_result")


def _info(r: EnPathStep) -> EnStepInfo:
    return EnStepInfo(id=r.id, record_id=r.record_id, step=r.step,
                      programme_id=r.programme_id, place_id=r.place_id,
                      places_version=r.places_version, on=r.on_day, result=r.result,
                      outcome=r.outcome, notes=r.notes, catalogue_version=r.catalogue_version,
                      agent=r.agent, at=r.at)
