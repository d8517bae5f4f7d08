"""The server's own evaluation of a pushed registration: score, eligibility, category and
orientation, computed with the desktop's domain code (`scoring.score`, `orientation.orient`)
against published grid and orientation versions. What a client claims is never stored: a
modified client could otherwise give any woman any score.

Which versions: the ones the client's evaluation names (`evaluation.versions.grid` and
`.orientation`) when the server has published them, so that the server and the device agree
on the same answers; otherwise (none named, or a version the server never published) the
newest published version. The stored evaluation names the versions it was made with, so a
client sees on its next pull which grid scored the record. The day is the server's day of
receipt (ages are worked out as of it).

The stored shape is the desktop's own (`jisr_desktop.models.programme.evaluation.compact`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.evaluation import compact
from jisr_desktop.models.programme.orientation import orient
from jisr_desktop.models.programme.scoring import score

GRID = "grid"
ORIENTATION = "orientation"
CONSENT_FIELD = "consent"


@dataclass(frozen=True)
class Rules:
    """The grid and orientation versions a record is scored with."""

    grid: Definition | None
    orientation: Definition | None


def claimed(payload: Mapping[str, Any], kind: str) -> tuple[str, int] | None:
    """(id, version) of the `kind` definition the client's evaluation says it used."""
    evaluation = payload.get("evaluation")
    if not isinstance(evaluation, Mapping):
        return None
    versions = evaluation.get("versions")
    ref = versions.get(kind) if isinstance(versions, Mapping) else None
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        version = ref.get("version")
        if type(version) is int and 0 < version < 2**31:
            return ref["id"], version
    return None


def evaluate(
    form: Definition, rules: Rules, answers: Mapping[str, Any], today: date
) -> dict[str, Any] | None:
    """The compact evaluation of validated `answers`, or None when the desktop keeps none
    (no consent: `enrolment.derived_from`), or no grid is published."""
    if answers.get(CONSENT_FIELD) != "yes" or rules.grid is None:
        return None
    result = score(rules.grid, answers, form=form, today=today)
    orientation = orient(rules.orientation, answers, result.category) if rules.orientation else None
    return compact(result, orientation)
