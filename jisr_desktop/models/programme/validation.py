"""A submission checked against a form version: clean answers, errors and warnings.

One pass coerces every raw value to its type (so skip logic compares like with like),
then a second pass walks the form in document order: relevance (answers to questions
that were not asked are dropped, never reported), calculations, required, bounds,
reference codes, date-of-birth plausibility and the form's own constraints. Only the
first error of a field is reported: one thing to fix at a time, in the field's place.

Nothing here decides eligibility: a 16-year-old is a valid registration that the grid
then finds not eligible, with the reason written out for the committee.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from jisr_desktop.models.programme.calculations import calculate
from jisr_desktop.models.programme.coercion import coercer, is_empty
from jisr_desktop.models.programme.expressions import holds, satisfies
from jisr_desktop.models.programme.form import Field, Form
from jisr_desktop.models.programme.messages import Message
from jisr_desktop.models.programme.reference import ReferenceData, load_reference
from jisr_desktop.models.programme.validation_result import Issue, ValidationResult

CONSENT_FIELD = "consent"
DOB_FIELD = "date_of_birth"
DOB_MIN_AGE = 10
DOB_MAX_AGE = 100

# Which attribute of a reference row names its parent, by the parent field's list.
_PARENT_ATTR = {"regions": "region_code", "provinces": "province_code"}


def validate(
    form: Form,
    submission: Mapping[str, Any],
    *,
    today: date | None = None,
    reference: ReferenceData | None = None,
) -> ValidationResult:
    """Check `submission` against `form`. Unknown keys are ignored and not kept.

    `reference` defaults to the shipped HCP lists; pass one to avoid re-reading them.
    """
    run = _Run(form, today or date.today(), reference, check=True)
    run.execute(submission)
    errors = tuple(i for i in run.issues if i.severity == "error")
    warnings = tuple(i for i in run.issues if i.severity == "warning")
    return ValidationResult(run.answers(), errors, warnings, frozenset(run.relevant))


def relevant_fields(form: Form, answers: Mapping[str, Any], today: date | None = None) -> set[str]:
    """Names of the fields to show for these answers (the UI's live skip logic)."""
    run = _Run(form, today or date.today(), None, check=False)
    run.execute(answers)
    return run.relevant


def check_field(
    form: Form,
    name: str,
    answers: Mapping[str, Any],
    *,
    today: date | None = None,
    reference: ReferenceData | None = None,
) -> list[Issue]:
    """The issues of one field, judged with the rest of the answers (as-you-type checks).

    A field that is not relevant has no issues. The whole form is evaluated, because a
    field's relevance, constraint or parent code may depend on any other answer.
    """
    form.field(name)  # a misspelt name is a bug in the caller, not a field without issues
    result = validate(form, answers, today=today, reference=reference)
    return [i for i in (*result.errors, *result.warnings) if i.field == name]


class _Run:
    def __init__(
        self, form: Form, today: date, reference: ReferenceData | None, *, check: bool
    ) -> None:
        self.form = form
        self.today = today
        self._reference = reference
        self.check = check
        self.values: dict[str, Any] = {}
        self.issues: list[Issue] = []
        self.relevant: set[str] = set()
        self._coercion: dict[str, list[Issue]] = {}
        self._failed: set[str] = set()

    # -- the two passes ------------------------------------------------------------------

    def execute(self, submission: Mapping[str, Any]) -> None:
        plan = _plan(self.form)
        for f, coerce in plan.answers:
            self._coerce(f, submission.get(f.name), coerce)
        values, relevant, check = self.values, self.relevant, self.check
        for section, fields in plan.sections:
            shown = self._holds(section.relevant) if section.relevant else True
            for f, calculated, answer in fields:
                if not (shown and (self._holds(f.relevant) if f.relevant else True)):
                    values.pop(f.name, None)
                    continue
                relevant.add(f.name)
                if calculated:
                    self._calculate(f)
                elif answer and check:
                    self._check(f)
        self._enforce_consent()

    def answers(self) -> dict[str, Any]:
        # Document order, so that stored records and exports read like the form.
        return {
            f.name: self.values[f.name]
            for f in self.form.fields
            if f.name in self.values and f.name in self.relevant
        }

    def _enforce_consent(self) -> None:
        """Law 09-08: without consent, nothing but the consent section is kept.

        The shipped form already says so through relevance; this holds even if a later
        version of the form forgets to.
        """
        if CONSENT_FIELD not in self.form or self.values.get(CONSENT_FIELD) == "yes":
            return
        keep = {f.name for f in self.form.section(self.form.field(CONSENT_FIELD).section).fields}
        for name in list(self.values):
            if name not in keep:
                del self.values[name]
        self.relevant &= keep
        self.issues = [i for i in self.issues if i.field in keep]

    # -- pass 1: coercion ----------------------------------------------------------------

    def _coerce(self, f: Field, raw: Any, coerce: Any) -> None:
        if is_empty(raw) and f.default is not None:
            raw = self.today.isoformat() if f.default == "today()" else f.default
        if is_empty(raw):
            return
        value, issues = coerce(f, raw) if coerce else (raw, [])
        if value is not None:
            self.values[f.name] = value
        if issues:
            self._coercion[f.name] = issues

    # -- pass 2: per relevant field, in document order -----------------------------------

    def _calculate(self, f: Field) -> None:
        value = calculate(f, self.values, self.today)
        if value is None:
            self.values.pop(f.name, None)
        else:
            self.values[f.name] = value

    def _check(self, f: Field) -> None:
        pending = self._coercion.get(f.name)
        if pending:
            self.issues.extend(i for i in pending if i.severity == "warning")
            if any(i.severity == "error" for i in pending):
                self._failed.add(f.name)
                self.issues.extend(i for i in pending if i.severity == "error")
                return
        value = self.values.get(f.name)
        if value is None:
            if self._required(f):
                code = "consent_required" if f.name == CONSENT_FIELD else "required"
                self._error(f, code)
            return
        # Each check is only called when the field has what it checks (each would return
        # None at once otherwise): most fields have none of them.
        problem = (
            (
                self._bounds(f, value)
                if f.min is not None or f.max is not None or f.max_length is not None
                else None
            )
            or (self._reference_problem(f, value) if f.reference else None)
            or (self._dob_problem(f, value) if f.name == DOB_FIELD else None)
            or (self._constraint_problem(f, value) if f.constraint else None)
        )
        if problem is not None:
            self._failed.add(f.name)
            self.issues.append(Issue(f.name, problem, "error"))

    def _required(self, f: Field) -> bool:
        if isinstance(f.required, str):
            return bool(f.required.strip()) and self._holds(f.required)
        return bool(f.required)

    def _bounds(self, f: Field, value: Any) -> Message | None:
        if f.type in ("integer", "decimal"):
            if f.min is not None and value < f.min:
                return Message("below_min", _bound_params(f, value))
            if f.max is not None and value > f.max:
                return Message("above_max", _bound_params(f, value))
        if f.max_length is not None and isinstance(value, str) and len(value) > f.max_length:
            return Message("too_long", _bound_params(f, value))
        return None

    def _reference_problem(self, f: Field, value: Any) -> Message | None:
        if not f.reference:
            return None
        table = getattr(self.reference, f.reference, None)
        if table is None:
            return None
        if value not in table:
            return Message("reference_unknown", {"value": value})
        if not f.filter_by or f.filter_by not in self.form:
            return None
        parent = self.values.get(f.filter_by)
        attr = _PARENT_ATTR.get(self.form.field(f.filter_by).reference or "")
        # A missing or wrong parent is reported on the parent itself: one fix, one message.
        if parent is None or attr is None or f.filter_by in self._failed:
            return None
        if getattr(table[value], attr, None) != parent:
            return Message("reference_mismatch", {"value": value, "parent": parent})
        return None

    def _dob_problem(self, f: Field, value: Any) -> Message | None:
        if f.name != DOB_FIELD or f.type != "date":
            return None
        born = date.fromisoformat(value)
        params = {"value": value, "min": DOB_MIN_AGE, "max": DOB_MAX_AGE}
        if born > self.today:
            return Message("dob_future", params)
        if born < _years_before(self.today, DOB_MAX_AGE) or born > _years_before(
            self.today, DOB_MIN_AGE
        ):
            return Message("dob_implausible", params)
        return None

    def _constraint_problem(self, f: Field, value: Any) -> Message | None:
        if not f.constraint:
            return None
        if satisfies(f.constraint, self.values, value, today=self.today):
            return None
        return Message("constraint", {"value": value}, text=f.constraint_message)

    # -- helpers -------------------------------------------------------------------------

    @property
    def reference(self) -> ReferenceData:
        if self._reference is None:
            self._reference = _shipped_reference()
        return self._reference

    def _holds(self, expression: str) -> bool:
        return holds(expression, self.values, today=self.today)

    def _error(self, f: Field, code: str, **params: Any) -> None:
        self.issues.append(Issue(f.name, Message(code, params), "error"))


def _bound_params(f: Field, value: Any) -> dict[str, Any]:
    return {"min": f.min, "max": f.max, "max_length": f.max_length, "value": value}


class _Plan:
    """What validation derives from a form once rather than per submission: the answer
    fields with their coercers (choice lists indexed), and each section's fields with
    their kind. Kept in `Form.derived`; forms are immutable, so it never goes stale."""

    def __init__(self, form: Form) -> None:
        self.answers = tuple((f, coercer(f)) for f in form.fields if f.is_answer)
        self.sections = tuple(
            (s, tuple((f, f.type == "calculate", f.is_answer) for f in s.fields))
            for s in form.sections
        )


def _plan(form: Form) -> _Plan:
    plan = form.derived.get(__name__)
    if plan is None:  # two threads may both build it: the same plan, no harm
        plan = form.derived[__name__] = _Plan(form)
    return plan


@lru_cache(maxsize=1)
def _shipped_reference() -> ReferenceData:
    return load_reference()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
