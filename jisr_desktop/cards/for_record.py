"""The card of a saved record, read through the repositories: shared by the CLI and the app.

No Qt and no SQL here: the record comes from `Repository`, the decisions from
`DecisionRepository`, the skills assessment from `AssessmentRepository`; `build.py` turns
them into `CardData`. Runs on the app's db lane (the store is read here), while rendering
the PDF belongs on the print lane.

The orientation card prints the orientation *in force*: the grid's proposal, unless the
agent or the committee changed it (a recorded, reasoned decision), or the incubator
reviewed the path after the first interviews; the card must carry that, since it is what
sends the woman to a place. It names the place of the directory (the agent's choice, else
the one proposed for her), with the appointment and the person to contact. Before the
committee accepted her it prints as a sheet plainly marked provisional (issue 12).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jisr_desktop.cards import placement
from jisr_desktop.cards.build import orientation_card, service_card
from jisr_desktop.cards.data import CardData, Text
from jisr_desktop.models.programme.explanation import named_version

ORIENTATION = "orientation"
SERVICE = "service"
KINDS = (ORIENTATION, SERVICE)


class NoCard(LookupError):
    """No card can be printed for this record. `code` says why, for a translated message:
    "not_found", "no_orientation" (not scored, not eligible, no consent) or
    "no_assessment" (a service card needs a skills assessment)."""

    def __init__(self, code: str, record_id: str = "") -> None:
        super().__init__(f"{code}: {record_id}")
        self.code = code
        self.record_id = record_id


def find_record(repo: Any, id_or_prefix: str) -> Any | None:
    """The record with this id, or the only one whose id starts with it (agents type the
    8 characters printed on the card)."""
    record = repo.get(id_or_prefix)
    if record is None:
        matches = repo.find_by_prefix(id_or_prefix)
        record = repo.get(matches[0]) if len(matches) == 1 else None
    return record


def record_definition(repo: Any, defs: Any, record: Any, kind: str,
                      cache: dict[Any, Mapping[str, Any]] | None = None) -> Mapping[str, Any]:
    """The data of the version of `kind` the record was decided under (its labels go on the
    card), or of the active version if the store no longer has it."""
    named = named_version(record.evaluation, kind)
    key = (kind, *(named or (None, None)))
    if cache is not None and key in cache:
        return cache[key]
    found = repo.definition(*named) if named else None
    data = (found or getattr(defs, kind)).data
    if cache is not None:
        cache[key] = data
    return data


def has_orientation(record: Any) -> bool:
    """An orientation card needs a scored, eligible record with a path."""
    evaluation = record.evaluation or {}
    status = getattr(record, "status", "registered")
    return (
        status == "registered"
        and evaluation.get("eligible", True) is not False
        and bool((evaluation.get("orientation") or {}).get("path"))
    )


def with_decision(record: Any, decision: Any | None) -> Any:
    """The record as its card must print it: the agent's confirmed (or changed) category,
    path and destination over the grid's proposal."""
    if decision is None:
        return record
    evaluation = dict(record.evaluation or {})
    orientation = dict(evaluation.get("orientation") or {})
    if decision.path:
        orientation["path"] = decision.path
    if decision.destination:
        orientation["destination"] = decision.destination
    evaluation["orientation"] = orientation
    if decision.category is not None:
        evaluation["category"] = decision.category
    category = evaluation.get("category", record.category)
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, evaluation=evaluation, category=category)
    printed = copy.copy(record)  # a plain object standing for a record (tests, benches)
    printed.evaluation, printed.category = evaluation, category
    return printed


@dataclass(frozen=True)
class InForce:
    """What was decided about one woman after the grid: the newest of each kind."""

    committee: Any | None = None
    referral: Any | None = None  # the agent's orientation to a place
    review: Any | None = None  # the incubator's review of the path


def in_force_for(repo: Any, record_ids: list[str]) -> dict[str, InForce]:
    """The committee's decision, the orientation and the path review of many records."""
    from jisr_desktop.models.store.decisions import COMMITTEE, DecisionRepository
    from jisr_desktop.models.store.referrals import ORIENTATION as REFERRAL
    from jisr_desktop.models.store.referrals import PATH_REVIEW, ReferralRepository

    committees = DecisionRepository(repo.store).latest_for(record_ids, COMMITTEE)
    referrals = ReferralRepository(repo.store)
    out = {}
    for record_id in record_ids:
        history = referrals.history(record_id)
        out[record_id] = InForce(
            committee=committees.get(record_id),
            referral=next((r for r in reversed(history) if r.kind == REFERRAL), None),
            review=next((r for r in reversed(history) if r.kind == PATH_REVIEW), None),
        )
    return out


def _directory(repo: Any, cache: dict[Any, Any] | None) -> Any:
    from jisr_desktop.models.store.referrals import directory_in_force

    if cache is not None and "directory" in cache:
        return cache["directory"]
    found = directory_in_force(repo)
    if cache is not None:
        cache["directory"] = found
    return found


def orientation_card_data(
    repo: Any, defs: Any, record: Any, reference: Any, *,
    decision: Any | None = None, cache: dict[Any, Mapping[str, Any]] | None = None,
    issued_on: date | None = None, centre: Text = "", agent: str = "",
    later: InForce | None = None,
) -> CardData | None:
    """The orientation card of `record` (None when it has no orientation). `decision` is
    the agent's confirmation in force, if any (`DecisionRepository.latest`); `later` the
    committee's decision, the orientation and the path review (read here if not given)."""
    from jisr_desktop.models.store.referrals import directory_version

    if not has_orientation(record):
        return None
    later = later if later is not None else in_force_for(repo, [record.id])[record.id]
    printed = placement.in_force(record, defs.orientation, [decision, later.committee],
                                 later.review)
    directory = _directory(repo, cache)
    named = (directory_version(repo, later.referral.places_version)
             if later.referral is not None else None)
    place = placement.chosen_place(directory, printed, later.referral, named)
    data = orientation_card(
        printed,
        record_definition(repo, defs, record, ORIENTATION, cache),
        record_definition(repo, defs, record, "grid", cache),
        reference,
        issued_on=issued_on,
        centre=centre,
        agent=agent or repo.store.agent,
    )
    values = {**placement.place_values(named or directory, place, later.referral),
              **_group_value(repo, record.id)}
    return placement.with_values(data, values,
                                 provisional=not placement.is_accepted(later.committee))


def _group_value(repo: Any, record_id: str) -> dict[str, Text]:
    """The applicant group she is responsible for (programme document, 108 and 267): the
    group is oriented through her, so her card names it (template field `group`)."""
    from jisr_desktop.models.store.groups import GroupRepository

    group = GroupRepository(repo.store).led_by(record_id)
    if group is None:
        return {}
    return {"group": f"{group.name} ({group.legal_id})" if group.legal_id else group.name}


def service_card_data(
    repo: Any, defs: Any, record: Any, assessment: Any | None, *,
    issued_on: date | None = None, centre: Text = "", agent: str = "",
) -> CardData | None:
    """The service card of the record's latest skills assessment (None without one): its
    recommendations as the incubator staff edited them (added, removed, scheduled)."""
    from jisr_desktop.models.store.service_edits import ServiceEdits, services_in_force

    if assessment is None:
        return None
    edits = ServiceEdits(repo.store).history(record.id, assessment.id)
    services, planned = services_in_force(assessment.recommended, edits)
    data = service_card(
        record,
        defs.services.data,
        services,
        deliveries=assessment.deliveries,
        orientation=defs.orientation.data,
        assessed_on=str(assessment.created_at)[:10],
        issued_on=issued_on,
        centre=centre,
        agent=agent or repo.store.agent,
        edition=1 + len(edits),
    )
    return placement.with_schedule(data, planned)


def card_for_record(
    repo: Any, defs: Any, record_id: str, kind: str, *, reference: Any | None = None,
    issued_on: date | None = None, centre: Text = "", agent: str = "",
) -> CardData:
    """One woman's card, read from the store. Raises `NoCard` when there is none to print."""
    from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository

    if kind not in KINDS:
        raise ValueError(f"unknown card kind {kind!r}")
    record = find_record(repo, record_id)
    if record is None:
        raise NoCard("not_found", record_id)
    if kind == ORIENTATION:
        if reference is None:
            from jisr_desktop.models.programme.reference import load_reference

            reference = load_reference()
        decision = DecisionRepository(repo.store).latest(record.id, AGENT_CONFIRMATION)
        data = orientation_card_data(repo, defs, record, reference, decision=decision,
                                     issued_on=issued_on, centre=centre, agent=agent)
        if data is None:
            raise NoCard("no_orientation", record.id)
        return data
    from jisr_desktop.models.store.assessments import AssessmentRepository

    assessment = AssessmentRepository(repo.store).latest(record.id)
    data = service_card_data(repo, defs, record, assessment, issued_on=issued_on,
                             centre=centre, agent=agent)
    if data is None:
        raise NoCard("no_assessment", record.id)
    return data


def _chunks(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for record_id in ids:
        chunk.append(record_id)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def orientation_cards(
    repo: Any, defs: Any, record_ids: Iterable[str], *, reference: Any | None = None,
    issued_on: date | None = None, centre: Text = "", agent: str = "", chunk: int = 200,
) -> Iterator[CardData]:
    """The orientation cards of many records, in the order given (a committee's ranking),
    read a chunk at a time so a batch never holds a province's records together. Records
    without an orientation are skipped."""
    from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository

    if reference is None:
        from jisr_desktop.models.programme.reference import load_reference

        reference = load_reference()
    decisions = DecisionRepository(repo.store)
    cache: dict[Any, Mapping[str, Any]] = {}
    for ids in _chunks(record_ids, chunk):
        in_force = decisions.latest_for(ids, AGENT_CONFIRMATION)
        later = in_force_for(repo, ids)
        for record_id in ids:
            record = repo.get(record_id)
            if record is None:
                continue
            data = orientation_card_data(
                repo, defs, record, reference, decision=in_force.get(record_id), cache=cache,
                issued_on=issued_on, centre=centre, agent=agent, later=later[record_id],
            )
            if data is not None:
                yield data


def province_cards(
    repo: Any, defs: Any, province_code: str, kind: str = ORIENTATION, *,
    reference: Any | None = None, issued_on: date | None = None, centre: Text = "",
    agent: str = "",
) -> Iterator[CardData]:
    """Every printable card of a province's records, in the store's order (the CLI's
    `print-cards`). One record at a time: the store is read in chunks."""
    from jisr_desktop.models.store.assessments import AssessmentRepository
    from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository

    if reference is None:
        from jisr_desktop.models.programme.reference import load_reference

        reference = load_reference()
    decisions = DecisionRepository(repo.store)
    assessments = AssessmentRepository(repo.store)
    cache: dict[Any, Mapping[str, Any]] = {}
    for record in repo.iter_records(province_code=province_code):
        if kind == ORIENTATION:
            if not has_orientation(record):
                continue
            data = orientation_card_data(
                repo, defs, record, reference,
                decision=decisions.latest(record.id, AGENT_CONFIRMATION), cache=cache,
                issued_on=issued_on, centre=centre, agent=agent,
            )
        else:
            data = service_card_data(repo, defs, record, assessments.latest(record.id),
                                     issued_on=issued_on, centre=centre, agent=agent)
        if data is not None:
            yield data
