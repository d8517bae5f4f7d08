"""The registration form's state without Qt: answers, relevance, messages, progress.

The page feeds it raw widget values and reads back what to show. Everything is judged by the domain
(`validate`, which also names the fields to show), the same code the CLI and the server run, so the
form never disagrees with the save. One `validate` over the whole form costs about a tenth of a
millisecond, so the state is simply recomputed on every change: no partial bookkeeping that could
drift. (`check_field` would run that same whole-form validation once per field; one pass grouped by
field gives the same issues.)

Also here, because they run on the db worker and must stay plain: the duplicate lookup
(`find_duplicate_views`) and the draft payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jisr_desktop.i18n import text_direction
from jisr_desktop.models.programme.calculations import calculated_values
from jisr_desktop.models.programme.coercion import is_empty
from jisr_desktop.models.programme.expressions import holds
from jisr_desktop.models.programme.form import Field, Form
from jisr_desktop.models.programme.messages import Message
from jisr_desktop.models.programme.people import full_name
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.programme.validation import validate
from jisr_desktop.models.programme.validation_result import Issue, ValidationResult
from jisr_desktop.models.store.repository import Repository

# What a duplicate lookup reads: the identifiers and the names with the date of birth.
DUPLICATE_KEYS = (
    "cin",
    "phone",
    "date_of_birth",
    "first_name_ar",
    "last_name_ar",
    "first_name_lat",
    "last_name_lat",
)
# Reason codes of `duplicates.find_duplicates` -> message codes every form defines.
REASON_MESSAGES = {
    "same_cin": "duplicate_cin",
    "same_phone": "duplicate_phone",
    "similar_name_same_dob": "duplicate_name",
}
MAX_DUPLICATES_SHOWN = 5


@dataclass(frozen=True)
class FieldMessage:
    text: Message
    severity: str  # "error" | "warning"


@dataclass(frozen=True)
class FormState:
    """Everything the page shows for one set of answers."""

    relevant: frozenset[str]
    visible_sections: frozenset[str]
    required: frozenset[str]  # relevant fields required right now
    messages: Mapping[str, FieldMessage]  # the one message to show per field, if any
    calculated: Mapping[str, Any]  # calculate fields' values (e.g. age)
    answered: int  # relevant required fields with an answer
    total_required: int
    result: ValidationResult = field(repr=False)


@dataclass(frozen=True)
class DuplicateView:
    """One possible duplicate as the panel shows it: plain data fetched on the worker."""

    record_id: str
    reasons: tuple[str, ...]
    name_ar: str
    name_lat: str
    cin: str




class FormModel:
    """Raw answers as typed, and what the domain makes of them.

    Messages are shown only for fields the agent has touched, until she tries to save:
    an empty form covered in "required" would shout before she has begun.
    """

    def __init__(
        self, form: Form, reference: ReferenceData | None = None, today: date | None = None
    ) -> None:
        self.form = form
        self.reference = reference
        self.today = today
        self.answers: dict[str, Any] = {}
        self.touched: set[str] = set()
        self.show_all = False
        self.state: FormState = self.reset()

    # -- changing answers ---------------------------------------------------------------------

    def reset(self, answers: Mapping[str, Any] | None = None) -> FormState:
        """Start over from `answers` (a draft, a record, or nothing)."""
        self.answers = {}
        self.touched = set()
        self.show_all = False
        for name, value in (answers or {}).items():
            if name in self.form and self.form.field(name).is_answer and not is_empty(value):
                self.answers[name] = value
                self.touched.add(name)  # a loaded value is judged like a typed one
        # The definition's defaults (consent date = today) become visible answers: the
        # agent sees what will be saved and can correct it, and progress counts them.
        defaults = self.evaluate().result.answers
        for f in self.form.fields:
            if f.default is not None and f.name not in self.answers and f.name in defaults:
                self.answers[f.name] = defaults[f.name]
        return self.evaluate()

    def set(self, name: str, value: Any, *, touch: bool = True) -> FormState:
        if is_empty(value):
            self.answers.pop(name, None)
        else:
            self.answers[name] = value
        if touch:
            self.touched.add(name)
        return self.evaluate()

    # -- judging ------------------------------------------------------------------------------

    def evaluate(self) -> FormState:
        form = self.form
        result = validate(form, self.answers, today=self.today, reference=self.reference)
        relevant = result.relevant
        visible_sections = frozenset(
            s.name for s in form.sections if any(f.name in relevant for f in s.fields)
        )
        required = frozenset(
            f.name for f in form.fields if f.name in relevant and self._required(f, result)
        )
        messages: dict[str, FieldMessage] = {}
        for issue in (*result.errors, *result.warnings):
            if issue.field in messages or not self._shown(issue):
                continue
            messages[issue.field] = FieldMessage(issue.message, issue.severity)
        # The domain's rule: what the record stores, withheld while its inputs fail.
        calculated = calculated_values(form, result)
        # "Answered" means answered acceptably: a household of 0 is not one step nearer
        # to a record that can be saved.
        failing = {i.field for i in result.errors}
        answered = sum(
            1 for n in required if not is_empty(self.answers.get(n)) and n not in failing
        )
        self.state = FormState(
            relevant=relevant,
            visible_sections=visible_sections,
            required=required,
            messages=messages,
            calculated=calculated,
            answered=answered,
            total_required=len(required),
            result=result,
        )
        return self.state

    def _required(self, f: Field, result: ValidationResult) -> bool:
        if not f.is_answer:
            return False
        if isinstance(f.required, str):
            # An expression: judged on the coerced answers, as the validator does.
            return bool(f.required.strip()) and holds(
                f.required, result.answers, today=self.today
            )
        return bool(f.required)

    def _shown(self, issue: Issue) -> bool:
        # A touched field she emptied again is reported; an untouched one only after a
        # save attempt.
        return self.show_all or issue.field in self.touched

    # -- what leaves the form -----------------------------------------------------------------

    def submission(self) -> dict[str, Any]:
        """The raw answers for `enrol` (which validates and coerces them again)."""
        return dict(self.answers)

    def draft_answers(self) -> dict[str, Any]:
        """What a draft keeps: only the answers to questions being asked.

        Law 09-08: once she says no to consent, the identity typed before must not sit in
        the store; the widgets still hold it in case the agent clicked "no" by mistake.
        """
        relevant = self.state.relevant
        return {k: v for k, v in self.answers.items() if k in relevant}

    def duplicate_key(self) -> tuple[Any, ...]:
        """Changes when a duplicate lookup could find something different."""
        clean = self.state.result.answers
        return tuple(clean.get(k) for k in DUPLICATE_KEYS)

    def duplicate_query(self) -> dict[str, Any]:
        """The validated (normalised) identifiers: a half-typed phone is not looked up."""
        clean = self.state.result.answers
        return {k: clean[k] for k in DUPLICATE_KEYS if k in clean}


def paragraph_mark(lang: str) -> str:
    """RLM or LRM: starts a line made of data (a name, a number) in the interface's
    direction. Qt takes a label's direction from its first strong letter, so an Arabic
    name would otherwise turn a French line around, and an age would sit on the left of
    an Arabic page."""
    return "\u200f" if text_direction(lang) == "rtl" else "\u200e"


def render(message: Message, form: Form, lang: str) -> str:
    return message.render(form.messages, lang)


def reason_text(reason: str, form: Form, lang: str) -> str:
    """A duplicate reason in words, from the form's own messages (translated by the
    ministry with the rest of the form)."""
    return Message(REASON_MESSAGES.get(reason, reason)).render(form.messages, lang)


def find_duplicate_views(
    repo: Repository, query: Mapping[str, Any], exclude_id: str | None
) -> list[DuplicateView]:
    """Runs on the db worker: candidates, then the few records to name them."""
    if not query:
        return []
    views: list[DuplicateView] = []
    for match in repo.duplicate_candidates(query, exclude_id=exclude_id)[:MAX_DUPLICATES_SHOWN]:
        record = repo.get(match.record_id)
        answers = record.answers if record else {}
        views.append(
            DuplicateView(
                record_id=match.record_id,
                reasons=match.reasons,
                name_ar=full_name(answers, "ar"),
                name_lat=full_name(answers, "lat"),
                cin=str(answers.get("cin") or ""),
            )
        )
    return views


