"""The category-2 path at Entraide Nationale (programme document, 186-232), for the women
it is for: category 2 in force (the committee's, else the agent's, else the grid's), or a
committee decision that changed her path to employability. The enrolment names an EN
centre of the directory."""

from __future__ import annotations

from datetime import date

from jisr_desktop.models.programme.programme_paths import (
    EN_PLACE_KINDS,
    ENROLMENT,
    PathRuleError,
)
from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, COMMITTEE, DecisionRepository
from jisr_desktop.models.store.en_path import EnPathRepository, EnStepInfo
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.referrals import directory_in_force
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.committee import category_in_force

EN_PATH = "employability"  # orientation.json's path the EN centres serve (394)


def en_path_open(repo: Repository, record_id: str) -> bool:
    """True when the EN path is hers: category 2 in force, or the committee's path."""
    record = repo.get(record_id)
    if record is None:
        raise LookupError(f"no record {record_id}")
    decisions = DecisionRepository(repo.store)
    committee = decisions.latest(record_id, COMMITTEE)
    confirmation = decisions.latest(record_id, AGENT_CONFIRMATION)
    if committee is not None and committee.path == EN_PATH:
        return True
    return category_in_force(record.category, confirmation, committee) == 2


def record_en_step(repo: Repository, record_id: str, step: str, *, on: date | None = None,
                   programme_id: str | None = None, place_id: str | None = None,
                   result: str | None = None, outcome: str | None = None,
                   notes: str | None = None) -> EnStepInfo:
    """One step of her EN path. PathRuleError("not_en_path") when the path is not hers,
    ("not_an_en_centre") when the enrolment names no EN centre of the directory; the
    store's refusals otherwise."""
    if not en_path_open(repo, record_id):
        raise PathRuleError("not_en_path")
    places_version = None
    if step == ENROLMENT and place_id:
        directory = directory_in_force(repo)
        place = directory.get(place_id)
        if place is None or place.kind not in EN_PLACE_KINDS:
            raise PathRuleError("not_an_en_centre", place_id)
        places_version = directory.version
    return EnPathRepository(repo.store).record(
        record_id, catalogue_in_force(repo), step, on=on, programme_id=programme_id,
        place_id=place_id, places_version=places_version, result=result, outcome=outcome,
        notes=notes)
