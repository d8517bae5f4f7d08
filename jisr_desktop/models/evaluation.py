"""Validate, score and orient a registration in one call, with the versions that did it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jisr_desktop.models.definitions import DefinitionSet
from jisr_desktop.models.form import Form, from_definition
from jisr_desktop.models.orientation import Orientation, orient
from jisr_desktop.models.reference import ReferenceData
from jisr_desktop.models.scoring import ScoreResult, score
from jisr_desktop.models.validation import Issue, ValidationResult, validate

LANGS = ("ar", "fr", "zgh")


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
