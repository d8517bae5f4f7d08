"""The skills assessment (bilan de compétences) and the service card it leads to.

Each recommendation rule that holds adds its services; a service recommended for
several reasons appears once, with every reason, so the incubator can explain the card
line by line. The card lists services in the catalogue's order, which groups them by
type (training, accompaniment, incubation, finance referral) as the catalogue does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.expressions import evaluate, truthy
from jisr_desktop.models.programme.form import assessment_form
from jisr_desktop.models.programme.validation import validate
from jisr_desktop.models.programme.validation_result import ValidationResult

LocalizedText = Mapping[str, str]


@dataclass(frozen=True)
class Recommendation:
    service_id: str
    type: str
    label: LocalizedText
    reasons: tuple[LocalizedText, ...]
    rules: tuple[str, ...] = ()  # ids of the rules that led to it, for the audit trail

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        def text(value: LocalizedText) -> Any:
            return dict(value) if lang is None else localized(value, lang)

        return {
            "service_id": self.service_id,
            "type": self.type,
            "label": text(self.label),
            "reasons": [text(r) for r in self.reasons],
            "rules": list(self.rules),
        }


def validate_assessment(
    assessment: Definition, answers: Mapping[str, Any], today: date | None = None
) -> ValidationResult:
    """Check an assessment's answers; competence levels come back as integers."""
    return validate(assessment_form(assessment), answers, today=today)


def recommend(
    assessment: Definition, services: Definition, answers: Mapping[str, Any]
) -> list[Recommendation]:
    """Services recommended by every rule that holds for `answers`.

    Pass validated answers (`validate_assessment(...).answers`): the rules compare levels
    as numbers. A rule naming a service missing from the catalogue recommends nothing for
    it, rather than printing an unknown line on a woman's card.
    """
    reasons: dict[str, list[LocalizedText]] = {}
    rules: dict[str, list[str]] = {}
    for rule in assessment.data.get("recommendations") or ():
        if not truthy(evaluate(rule["when"], answers)):
            continue
        for service_id in rule.get("services") or ():
            reasons.setdefault(service_id, []).append(rule.get("reason") or {})
            rules.setdefault(service_id, []).append(rule["id"])
    return [
        Recommendation(
            service_id=s["id"],
            type=s.get("type", ""),
            label=s.get("label") or {},
            reasons=tuple(reasons[s["id"]]),
            rules=tuple(rules[s["id"]]),
        )
        for s in services.data.get("services") or ()
        if s["id"] in reasons
    ]
