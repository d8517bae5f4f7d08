"""The form's calculated fields (the age), computed in one place.

`calculate` is the one evaluation of a field's calculation: validation runs it for the
form on screen and for the record that is saved, and `recalculate` runs it again on
stored answers for a re-scoring on another day. `calculated_values` says which of a
validated submission's values the form shows: the value the record stores, withheld
while an answer it is computed from is in error (an age from a birth date in the future
is no age: "-4"), so the screen never shows what would not be saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from jisr_desktop.models.programme.expressions import evaluate, holds, references
from jisr_desktop.models.programme.form import Field, Form, Section
from jisr_desktop.models.programme.validation_result import ValidationResult


def calculate(f: Field, values: Mapping[str, Any], today: date) -> Any | None:
    """The value of calculated field `f` from the (coerced) answers; None for none."""
    if not f.calculation:
        return None
    value = evaluate(f.calculation, values, today=today)
    return None if value is None or value == "" else value


def calculated_values(form: Form, result: ValidationResult) -> dict[str, Any]:
    """The calculated fields' values the form shows for `result` (see the module)."""
    failing = {i.field for i in result.errors}
    return {
        f.name: result.answers[f.name]
        for f, inputs in _inputs(form)
        if f.name in result.answers and not inputs & failing
    }


def recalculate(
    form: Form, answers: Mapping[str, Any], today: date | None = None
) -> dict[str, Any]:
    """Stored (already validated) `answers` with the form's calculations evaluated again as
    of `today`.

    A stored `age` was true on the day of registration; a re-scoring months later must
    see the age on its own day. The answers were coerced when saved, so only the
    calculations run here: this is the hot path of re-scoring 100,000 records.
    """
    day = today or date.today()
    out = dict(answers)
    for section, f in _calculations(form):
        shown = all(holds(e, out, today=day) for e in (section.relevant, f.relevant) if e)
        value = calculate(f, out, day) if shown else None
        if value is None:
            out.pop(f.name, None)
        else:
            out[f.name] = value
    return out


def _calculations(form: Form) -> Iterator[tuple[Section, Field]]:
    for section in form.sections:
        for f in section.fields:
            if f.type == "calculate":
                yield section, f


def _inputs(form: Form) -> tuple[tuple[Field, frozenset[str]], ...]:
    """Each calculated field with the answers it reads; worked out once per form (kept
    in `Form.derived`: forms are immutable)."""
    key = __name__ + ".inputs"
    found = form.derived.get(key)
    if found is None:
        found = form.derived[key] = tuple(
            (f, references(f.calculation) if f.calculation else frozenset())
            for f in form.fields
            if f.type == "calculate"
        )
    return found
