"""The evaluation grid applied to a registration: points, eligibility, a proposed category.

Every point is traced to a criterion, the answer that earned it and the rationale the
ministry wrote for its weight, so the committee can read why a woman ranks where she
does. The result is a proposal: the committee's decision is recorded elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from jisr_desktop.models.programme.calculations import recalculate
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.expressions import holds
from jisr_desktop.models.programme.form import from_definition

LocalizedText = Mapping[str, str]


class CriterionResult(NamedTuple):
    """One line of the explanation. A NamedTuple rather than a frozen dataclass: re-scoring
    builds nine of these per record for 100,000 records, and this is several times cheaper."""

    id: str
    group: str
    label: LocalizedText
    field: str | None
    answer: Any
    points: float
    rationale: LocalizedText


@dataclass(frozen=True)
class ScoreResult:
    eligible: bool
    not_eligible_reasons: tuple[tuple[str, LocalizedText], ...]
    category: int | None
    category_reason: LocalizedText | None
    criteria: tuple[CriterionResult, ...]
    subtotals: dict[str, float]
    total: float
    versions: dict[str, dict[str, Any]]
    category_label: LocalizedText | None = None
    tie_breakers: tuple[str, ...] = ()

    @property
    def rank_key(self) -> tuple[float, ...]:
        """Sort key for a ranked list (use reverse=True): the total, then the grid's
        tie-breaking subtotals in order, so equal totals do not rank by chance."""
        return (self.total, *(self.subtotals.get(g, 0) for g in self.tie_breakers))

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """Plain JSON. With `lang` the texts are rendered in it; without, all kept."""

        def text(value: LocalizedText | None) -> Any:
            if value is None or lang is None:
                return dict(value) if value is not None else None
            return localized(value, lang)

        return {
            "eligible": self.eligible,
            "not_eligible": [
                {"id": rid, "reason": text(r)} for rid, r in self.not_eligible_reasons
            ],
            "category": self.category,
            "category_label": text(self.category_label),
            "category_reason": text(self.category_reason),
            "criteria": [
                {
                    "id": c.id,
                    "group": c.group,
                    "label": text(c.label),
                    "field": c.field,
                    "answer": c.answer,
                    "points": c.points,
                    "rationale": text(c.rationale),
                }
                for c in self.criteria
            ],
            "subtotals": dict(self.subtotals),
            "total": self.total,
            "tie_breakers": list(self.tie_breakers),
            "versions": {k: dict(v) for k, v in self.versions.items()},
        }


def version_of(defn: Definition) -> dict[str, Any]:
    return {"id": defn.id, "version": defn.version, "hash": defn.content_hash}


def score(
    grid: Definition,
    answers: Mapping[str, Any],
    *,
    form: Definition | None = None,
    today: date | None = None,
) -> ScoreResult:
    """Apply `grid` to validated `answers`.

    With `form`, its calculations (the age) are evaluated again as of `today`, so that a
    re-scoring judges the woman as she is on that day, and the form version is recorded.
    An ineligible woman gets no category, but her points are still worked out: the
    committee may want them.
    """
    today = today or date.today()
    data = grid.data
    values = dict(answers)
    if form is not None:
        values = recalculate(from_definition(form), values, today)

    criteria = tuple(criterion_line(c, values, today) for c in data.get("criteria") or ())
    groups = [g["id"] for g in data.get("groups") or ()]
    subtotals: dict[str, float] = dict.fromkeys(groups, 0)
    for c in criteria:
        subtotals[c.group] = subtotals.get(c.group, 0) + c.points
    total = sum(subtotals.values())

    # Rules may read the subtotals as if they were answers (`${readiness} >= 10`).
    scope = {**values, **subtotals, "total": total}
    reasons = tuple(
        (rule["id"], rule.get("reason") or {})
        for rule in data.get("eligibility") or ()
        if _holds(rule["when"], scope, today)
    )
    eligible = not reasons
    chosen = None
    if eligible:
        chosen = next(
            (r for r in data.get("classification") or () if _holds(r["when"], scope, today)),
            None,
        )

    return assemble(grid, form, criteria, subtotals, total, reasons, chosen)


def assemble(
    grid: Definition,
    form: Definition | None,
    criteria: tuple[CriterionResult, ...],
    subtotals: dict[str, float],
    total: float,
    reasons: tuple[tuple[str, LocalizedText], ...],
    chosen: Mapping[str, Any] | None,
) -> ScoreResult:
    """The ScoreResult of the worked-out parts: shared by `score` and the re-scoring's
    compiled grid, so both name the versions and place her alike."""
    versions = {"grid": version_of(grid)}
    if form is not None:
        versions = {"form": version_of(form), **versions}
    return ScoreResult(
        eligible=not reasons,
        not_eligible_reasons=reasons,
        category=int(chosen["category"]) if chosen else None,
        category_reason=chosen.get("reason") if chosen else None,
        criteria=criteria,
        subtotals=subtotals,
        total=total,
        versions=versions,
        category_label=chosen.get("label") if chosen else None,
        tie_breakers=tuple(grid.data.get("tie_breakers") or ()),
    )

def criterion_line(
    raw: Mapping[str, Any], values: Mapping[str, Any], today: date
) -> CriterionResult:
    """One criterion of the grid applied to the answers: its points and what earned them."""
    name = raw.get("field")
    answer = values.get(name) if name else None
    if "bands" in raw:
        points = _band_points(raw["bands"], answer)
    elif "when" in raw:
        points = raw.get("points", 0) if _holds(raw["when"], values, today) else 0
    else:
        points = _mapped_points(raw.get("points") or {}, answer)
    return CriterionResult(
        id=raw["id"],
        group=raw["group"],
        label=raw.get("label") or {},
        field=name,
        answer=answer,
        points=points,
        rationale=raw.get("rationale") or {},
    )


def _mapped_points(table: Mapping[str, float], answer: Any) -> float:
    if answer is None or answer == "":
        return 0
    if isinstance(answer, list | tuple):
        # A select_multiple answer earns the points of each choice.
        return sum(table.get(str(a), 0) for a in answer)
    return table.get(str(answer), 0)


def _band_points(bands: list[Mapping[str, Any]], answer: Any) -> float:
    if isinstance(answer, bool):
        return 0
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return 0
    for band in bands:
        low, high = band.get("min"), band.get("max")
        if (low is None or value >= low) and (high is None or value <= high):
            return band.get("points", 0)
    return 0


def _holds(expression: str, values: Mapping[str, Any], today: date) -> bool:
    return holds(expression, values, today=today)
