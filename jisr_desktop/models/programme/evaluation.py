"""Validate, score and orient a registration in one call, with the versions that did it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jisr_desktop.models.programme.definitions import DefinitionSet
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.orientation import Orientation, orient
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.programme.scoring import ScoreResult, score
from jisr_desktop.models.programme.validation import validate
from jisr_desktop.models.programme.validation_result import Issue, ValidationResult

LANGS = ("ar", "fr", "zgh")


@dataclass(frozen=True)
class AlreadyValidated:
    """Stands in for a ValidationResult when answers validated at their first save are
    scored again (a re-scoring pass)."""

    answers: Mapping[str, Any]
    ok: bool = True


@dataclass(frozen=True)
class Evaluation:
    validation: ValidationResult
    score: ScoreResult | None
    orientation: Orientation | None
    form: Form | None = None  # whose message catalogue renders the issues

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """Plain JSON: with `lang`, messages and labels in that language; else all three."""
        return {
            "ok": self.validation.ok,
            "answers": dict(self.validation.answers),
            "errors": [self._issue(i, lang) for i in self.validation.errors],
            "warnings": [self._issue(i, lang) for i in self.validation.warnings],
            "score": self.score.to_dict(lang) if self.score else None,
            "orientation": self.orientation.to_dict(lang) if self.orientation else None,
        }

    def _issue(self, issue: Issue, lang: str | None) -> dict[str, Any]:
        catalog = self.form.messages if self.form else {}
        message: Any = (
            issue.message.render_all(catalog, LANGS)
            if lang is None
            else issue.message.render(catalog, lang)
        )
        return {"field": issue.field, "code": issue.code, "message": message}


def evaluate_submission(
    defs: DefinitionSet,
    submission: Mapping[str, Any],
    *,
    today: date | None = None,
    reference: ReferenceData | None = None,
) -> Evaluation:
    """Validate `submission`; only a valid one is scored and oriented."""
    today = today or date.today()
    form = from_definition(defs.form)
    validation = validate(form, submission, today=today, reference=reference)
    if not validation.ok:
        return Evaluation(validation, None, None, form)
    result = score(defs.grid, validation.answers, form=defs.form, today=today)
    orientation = orient(defs.orientation, validation.answers, result.category)
    return Evaluation(validation, result, orientation, form)


def compact(result: ScoreResult, orientation: Orientation | None) -> dict[str, Any]:
    """What a record keeps of its evaluation: ids, points and the versions. Labels and
    rationales are not copied into every record: they are read back from the definition
    version the record names, in whichever language is asked for. The desktop and the
    server both store this shape."""
    out: dict[str, Any] = {
        "versions": dict(result.versions),
        "eligible": result.eligible,
        "not_eligible": [rid for rid, _reason in result.not_eligible_reasons],
        "category": result.category,
        "subtotals": dict(result.subtotals),
        "total": result.total,
        # Points per criterion id; the group, field, label and rationale are in the grid
        # version named above, and the answers are in the record itself.
        "points": {c.id: c.points for c in result.criteria},
    }
    if orientation is not None:
        out["orientation"] = {"path": orientation.path, "destination": orientation.destination}
        out["versions"]["orientation"] = dict(orientation.version)
    return out


@dataclass(frozen=True)
class Derived:
    """What a record's columns hold besides its answers: computed once, at save time."""

    status: str
    eligible: bool | None = None
    category: int | None = None
    score_total: float | None = None
    vulnerability: float | None = None
    readiness: float | None = None
    proposed_path: str | None = None
    proposed_destination: str | None = None
    grid_version: int | None = None
    evaluation: Mapping[str, Any] | None = None


def compact_evaluation(evaluation: Evaluation) -> dict[str, Any] | None:
    """What a record keeps of its evaluation (`compact`); None without a score."""
    if evaluation.score is None:
        return None
    return compact(evaluation.score, evaluation.orientation)


def derived_from(evaluation: Evaluation) -> Derived:
    """A record's derived columns from its evaluation (a refusal of consent has none)."""
    answers = evaluation.validation.answers
    if answers.get("consent") != "yes":
        return Derived(status="refused_consent")
    score = evaluation.score
    orientation = evaluation.orientation
    if score is None:
        return Derived(status="registered")
    return Derived(
        status="registered",
        eligible=score.eligible,
        category=score.category,
        score_total=score.total,
        vulnerability=score.subtotals.get("vulnerability"),
        readiness=score.subtotals.get("readiness"),
        proposed_path=orientation.path if orientation else None,
        proposed_destination=orientation.destination if orientation else None,
        grid_version=int(score.versions["grid"]["version"]),
        evaluation=compact_evaluation(evaluation),
    )
