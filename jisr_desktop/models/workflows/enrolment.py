"""Enrolment as one use case: validate, score, orient, look for duplicates, save.

The CLI, the import and (later) the desktop form all go through here, so a registration
is judged the same way whichever door it came in by.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jisr_desktop.models.programme.definitions import DefinitionSet
from jisr_desktop.models.programme.duplicates import DuplicateMatch
from jisr_desktop.models.programme.evaluation import (  # noqa: F401 - derived_from re-exported
    Evaluation,
    compact_evaluation,
    derived_from,
    evaluate_submission,
)
from jisr_desktop.models.programme.reference import ReferenceData, load_reference
from jisr_desktop.models.store.records import (  # noqa: F401 - the refusals, re-exported
    RecordConflict,
    RecordDetail,
    RecordExists,
    RecordNotFound,
    StaleVersion,
)
from jisr_desktop.models.store.repository import Repository

STRONG_DUPLICATE = "same_cin"


@dataclass(frozen=True)
class EnrolOutcome:
    evaluation: Evaluation
    duplicates: list[DuplicateMatch] = field(default_factory=list)
    record: RecordDetail | None = None

    @property
    def saved(self) -> bool:
        return self.record is not None

    @property
    def blocked_by_duplicate(self) -> bool:
        return self.record is None and any(STRONG_DUPLICATE in d.reasons for d in self.duplicates)


def evaluate_registration(
    defs: DefinitionSet,
    submission: Mapping[str, Any],
    *,
    today: date | None = None,
    reference: ReferenceData | None = None,
) -> Evaluation:
    """Validate, score and orient a submission against the shipped reference lists (or
    `reference`): `evaluation.evaluate_submission` with the reference loaded."""
    return evaluate_submission(
        defs, submission, today=today, reference=reference or load_reference()
    )


# The name the import (import_export.py) calls it by.
evaluate = evaluate_registration


def enrol(
    repo: Repository,
    defs: DefinitionSet,
    submission: Mapping[str, Any],
    *,
    record_id: str | None = None,
    base_version: int | None = None,
    today: date | None = None,
    reference: ReferenceData | None = None,
    allow_duplicate: bool = False,
) -> EnrolOutcome:
    """Save a valid registration. Same CIN as another record blocks the save unless the
    agent says it is a different woman (`allow_duplicate`): the CIN is the one identifier
    that should never repeat; a shared phone or a close name only warns.

    Without `base_version` this is a creation, which never overwrites: a `record_id` that
    names an existing record raises `RecordExists`. An edit names the version it edits:
    `StaleVersion` if the record has changed since, `RecordNotFound` if there is none.
    All three are `RecordConflict`s with a `code`, and nothing is saved."""
    evaluation = evaluate_registration(defs, submission, today=today, reference=reference)
    if not evaluation.validation.ok:
        return EnrolOutcome(evaluation)
    answers = evaluation.validation.answers
    duplicates = repo.duplicate_candidates(answers, exclude_id=record_id)
    if not allow_duplicate and any(STRONG_DUPLICATE in d.reasons for d in duplicates):
        return EnrolOutcome(evaluation, duplicates)
    record = repo.save_registration(
        answers,
        derived_from(evaluation),
        form=defs.form,
        record_id=record_id,
        base_version=base_version,
    )
    return EnrolOutcome(evaluation, duplicates, record)


