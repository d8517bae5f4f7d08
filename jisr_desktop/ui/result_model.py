"""What the result page shows, without Qt: the score explained, eligibility, the proposal,
the decisions, a refused consent — all as plain texts in the current language.

The widgets (`score_view`, `decision_boxes`, `result_page`) only apply what this module
says, as the form page applies `form_model`. Labels and rationales come from the
definition versions the record names, not from the active ones: a woman scored under grid
version 1 is explained with version 1's words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jisr_desktop.formatting import format_date, format_datetime, format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.decisions import (
    FORBIDDEN,
    OVERRIDE_REQUIRED,
    REASON_REQUIRED,
    check_decision,
)
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.explanation import decision_in_force, definition_named
from jisr_desktop.models.programme.validation import CONSENT_FIELD
from jisr_desktop.models.store.decisions import (
    ACCEPTED,
    AGENT_CONFIRMATION,
    COMMITTEE,
    REFUSED,
    WAITING_LIST,
    DecisionInfo,
    DecisionRepository,
)
from jisr_desktop.models.store.repository import RecordDetail, full_name
from jisr_desktop.textdir import isolate, isolate_ltr

REFUSED_CONSENT = "refused_consent"
CONSENT_DATE = "consent_date"
REFUSAL_NOTE = "refusal_note"


def outcome_text(outcome: str | None) -> str:
    """The committee's outcome as a word (one msgid per outcome, for every screen)."""
    return {
        ACCEPTED: _("Accepted"),
        WAITING_LIST: _("Waiting list"),
        REFUSED: _("Refused"),
    }.get(outcome or "", _("Pending"))


def fraction(part: object, whole: object) -> str:
    """"57 / 60" kept in that order inside Arabic: without the isolate, the bidi algorithm
    lays the two numbers out right to left and the reader sees "60 / 57"."""
    return isolate_ltr(_("{points} / {maximum}").format(points=part, maximum=whole))


@dataclass
class ResultData:
    """Everything the page shows, read on the worker in one go."""

    record: RecordDetail
    grid: Definition | None
    orientation: Definition | None
    form: Definition | None
    history: list[DecisionInfo] = field(default_factory=list)


def load_result(ctx: Any, record_id: str) -> ResultData | None:
    """Runs on the db lane: the record, the definition versions it names, its decisions."""
    repo = ctx.repo
    record = repo.get(record_id)
    if record is None:
        return None

    def named(kind: str, fallback: Definition) -> Definition | None:
        return definition_named(record.evaluation, kind, fallback, repo.definition)

    return ResultData(
        record=record,
        grid=named("grid", ctx.defs.grid),
        orientation=named("orientation", ctx.defs.orientation),
        form=record_form(ctx, record),
        history=DecisionRepository(ctx.store).history(record_id),
    )


def record_form(ctx: Any, record: RecordDetail) -> Definition | None:
    """The form version the record was filled with (its labels name her answers)."""
    if (record.form_id, record.form_version) == (ctx.defs.form.id, ctx.defs.form.version):
        return ctx.defs.form
    return ctx.repo.definition(record.form_id, record.form_version) or ctx.defs.form


def form_fields(form: Definition | None) -> dict[str, Mapping[str, Any]]:
    if form is None:
        return {}
    return {f["name"]: f for s in form.data.get("sections") or () for f in s.get("fields") or ()}


def answer_text(form: Definition | None, field_name: str | None, answer: Any, lang: str) -> str:
    """Her answer as she would read it: the choice's label, a formatted number."""
    if field_name is None:
        return ""
    if answer is None or answer == "" or answer == []:
        return "—"
    fld = form_fields(form).get(field_name) or {}
    choices = (form.data.get("choices") or {}).get(fld.get("choices") or "", ()) if form else ()
    labels = {str(c["value"]): localized(c.get("label"), lang) for c in choices}
    values = answer if isinstance(answer, list) else [answer]
    parts = []
    for value in values:
        if str(value) in labels:
            parts.append(labels[str(value)])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            parts.append(format_number(value, lang))
        else:
            parts.append(str(value))
    return "، ".join(parts) if lang == "ar" else ", ".join(parts)


def criterion_maximum(raw: Mapping[str, Any]) -> float:
    if "bands" in raw:
        return max((b.get("points", 0) for b in raw["bands"]), default=0)
    points = raw.get("points", 0)
    if isinstance(points, Mapping):
        return max(points.values(), default=0)
    return points


# -- the score ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    """One line of the explanation: a group (its subtotal) or one of its criteria."""

    label: str
    answer: str
    points: str
    why: str
    is_group: bool


def is_refused(data: ResultData) -> bool:
    return data.record.status == REFUSED_CONSENT or not data.record.evaluation


def total_text(data: ResultData, lang: str) -> str:
    evaluation = data.record.evaluation or {}
    grid = data.grid.data if data.grid else {}
    maximum = sum(criterion_maximum(c) for c in grid.get("criteria") or ())
    return _("Total score: {total} out of {maximum}").format(
        total=format_number(evaluation.get("total", 0), lang),
        maximum=format_number(maximum, lang),
    )


def score_rows(data: ResultData, lang: str) -> list[ScoreRow]:
    evaluation = data.record.evaluation or {}
    grid = data.grid.data if data.grid else {}
    criteria = list(grid.get("criteria") or ())
    points = evaluation.get("points") or {}
    subtotals = evaluation.get("subtotals") or {}
    rows: list[ScoreRow] = []
    for group in grid.get("groups") or ():
        members = [c for c in criteria if c.get("group") == group["id"]]
        rows.append(
            ScoreRow(
                localized(group.get("label"), lang),
                "",
                fraction(
                    format_number(subtotals.get(group["id"], 0), lang),
                    format_number(sum(criterion_maximum(c) for c in members), lang),
                ),
                "",
                True,
            )
        )
        for raw in members:
            name = raw.get("field")
            if name is None:
                answer = _("yes") if points.get(raw["id"], 0) else _("no")
            else:
                answer = answer_text(data.form, name, data.record.answers.get(name), lang)
            rows.append(
                ScoreRow(
                    localized(raw.get("label"), lang),
                    answer,
                    format_number(points.get(raw["id"], 0), lang),
                    localized(raw.get("rationale"), lang),
                    False,
                )
            )
    return rows


def not_eligible_reasons(data: ResultData, lang: str) -> list[str]:
    """Why she is not eligible, in words; empty when she is (or was not scored)."""
    evaluation = data.record.evaluation or {}
    if is_refused(data) or evaluation.get("eligible", True):
        return []
    grid = data.grid.data if data.grid else {}
    reasons = {r["id"]: r.get("reason") for r in grid.get("eligibility") or ()}
    ids = evaluation.get("not_eligible") or ()
    return [localized(reasons.get(rid), lang) or rid for rid in ids]


def is_not_eligible(data: ResultData) -> bool:
    return not is_refused(data) and (data.record.evaluation or {}).get("eligible") is False


# -- who she is -----------------------------------------------------------------------------


def title_text(data: ResultData, lang: str) -> str:
    answers = data.record.answers
    names = [full_name(answers, "ar"), full_name(answers, "lat")]
    if lang != "ar":
        names.reverse()
    shown = [isolate(n) for n in names if n]
    if shown:
        return " — ".join(shown)
    if data.record.status == REFUSED_CONSENT:
        return _("Consent refused")
    return _("Registration without a name")


def subtitle_text(data: ResultData, reference: Any, lang: str) -> str:
    record, answers = data.record, data.record.answers
    parts = []
    if answers.get("cin"):
        parts.append(_("CIN {cin}").format(cin=isolate_ltr(answers["cin"])))
    if answers.get("province"):
        try:
            province = reference.name("provinces", answers["province"], lang)
        except KeyError:
            province = str(answers["province"])
        parts.append(isolate(province))
    parts.append(
        _("Registered on {date}").format(date=isolate(format_date(record.created_at, lang)))
    )
    return " · ".join(parts)


@dataclass(frozen=True)
class Refusal:
    """A refused consent as the agent must read it: what was refused, and what now."""

    what: str  # the consent question she answered "no" to
    when: str
    by: str
    note: str
    next_step: str


def refusal(data: ResultData, lang: str) -> Refusal:
    answers = data.record.answers
    consent = form_fields(data.form).get(CONSENT_FIELD) or {}
    question = localized(consent.get("label"), lang)
    hint = localized(consent.get("hint"), lang) if consent.get("hint") else ""
    day = answers.get(CONSENT_DATE) or data.record.created_at
    return Refusal(
        what=" ".join(p for p in (question, hint) if p),
        when=_("Refused on {date}").format(date=isolate(format_date(day, lang))),
        by=_("Recorded by {agent}").format(
            agent=isolate(answers.get("consent_recorded_by") or data.record.agent)
        ),
        note=str(answers.get(REFUSAL_NOTE) or ""),
        next_step=_(
            "Nothing about her was kept but this refusal. If she agrees later, record her "
            "consent on this registration and fill in the form: it is then scored as usual."
        ),
    )


# -- the proposal and the decisions ---------------------------------------------------------


def category_text(data: ResultData | None, category: int | None, lang: str) -> str:
    if category is None:
        return _("None (not eligible)")
    grid = data.grid.data if data and data.grid else {}
    for rule in grid.get("classification") or ():
        if rule.get("category") == category and rule.get("label"):
            return localized(rule["label"], lang)
    return _("Category {n}").format(n=format_number(category, lang))


def orientation_label(data: ResultData | None, table: str, key: str | None, lang: str) -> str:
    if not key:
        return "—"
    orientation = data.orientation.data if data and data.orientation else {}
    entry = (orientation.get(table) or {}).get(key)
    return localized(entry.get("label"), lang) if entry else key


def proposal(data: ResultData) -> tuple[int | None, str | None, str | None]:
    record = data.record
    orientation = (record.evaluation or {}).get("orientation") or {}
    return record.category, orientation.get("path"), orientation.get("destination")


_CATEGORY_TERM = re.compile(r"\$\{category\}\s*=\s*(\d+)")


def allowed_for_category(data: ResultData | None, table: str, category: int | None) -> list[str]:
    """The paths (or destinations) the orientation rules give to `category`: a change must
    not send a category-2 woman to an incubator for project holders. Read from the rules
    themselves, so a new orientation version needs no code; a key no rule names for any
    category stays open to all."""
    orientation = data.orientation.data if data and data.orientation else {}
    keys = list(orientation.get(table) or {})
    rules = orientation.get("path_rules" if table == "paths" else "destination_rules") or ()
    target = "path" if table == "paths" else "destination"
    by_key: dict[str, set[int]] = {}
    for rule in rules:
        categories = {int(n) for n in _CATEGORY_TERM.findall(str(rule.get("when") or ""))}
        if rule.get(target) in keys and categories:
            by_key.setdefault(rule[target], set()).update(categories)
    return [k for k in keys if k not in by_key or category in by_key[k]]


def decision_text(data: ResultData | None, d: DecisionInfo, lang: str) -> str:
    if d.kind == COMMITTEE:
        text = _("Committee: {outcome}, on {date}").format(
            outcome=outcome_text(d.outcome), date=isolate(format_date(d.decided_on, lang))
        )
        return " · ".join([text, *committee_changes(data, d, lang)])
    what = " · ".join(
        (
            category_text(data, d.category, lang),
            orientation_label(data, "paths", d.path, lang),
            orientation_label(data, "destinations", d.destination, lang),
        )
    )
    if data and (d.category, d.path, d.destination) == proposal(data):
        return _("Proposal confirmed: {what}").format(what=what)
    return _("Proposal changed: {what}").format(what=what)


def committee_changes(data: Any, d: DecisionInfo, lang: str) -> list[str]:
    """What a committee decision did besides its outcome: the override, a new category, a
    new path (the committee list and the history say them). `data`: anything with the
    `grid` and `orientation` definitions (ResultData, or the DefinitionSet in force)."""
    parts = []
    if d.override:
        parts.append(_("accepted by override although not eligible"))
    if d.category is not None:
        parts.append(_("category set to: {category}").format(
            category=category_text(data, d.category, lang)))
    if d.path:
        parts.append(_("path set to: {path}").format(
            path=orientation_label(data, "paths", d.path, lang)))
    return parts


def in_force_text(data: ResultData, lang: str) -> str:
    latest = decision_in_force(data.history, AGENT_CONFIRMATION)
    if latest is None:
        return _("The agent has not yet confirmed this proposal.")
    return _("In force: {decision}").format(decision=decision_text(data, latest, lang))


def history_rows(data: ResultData, lang: str) -> list[tuple[str, str, str, str]]:
    """Newest first: when, by whom, what, why — whole texts (the view wraps them)."""
    return [
        (
            isolate(format_datetime(d.at, lang)),
            isolate(d.agent),
            decision_text(data, d, lang),
            d.reason or "",
        )
        for d in reversed(data.history)
    ]


def can_confirm(data: ResultData) -> bool:
    scored = data.record.status == "registered" and bool(data.record.evaluation)
    return scored and data.record.category is not None


def committee_problem(data: ResultData, outcome: str | None, reason: str, override: bool,
                      role: str = "supervisor", category: int | None = None,
                      path: str | None = None) -> str:
    """What stops this committee decision, in words; "" when it may be recorded. The rule
    is `check_decision`'s (the store's and the server's too): its refusal is said here at
    once, before the save. A category or path equal to hers is no change."""
    if not outcome:
        return _("Choose the committee's decision.")
    current_category, current_path, _destination = proposal(data)
    payload = {"kind": COMMITTEE, "outcome": outcome, "decided_on": "2000-01-01",
               "reason": reason or None, "override": override,
               "category": None if category == current_category else category,
               "path": None if path == current_path else path}
    problem = check_decision(payload, role, not is_not_eligible(data))
    if problem == FORBIDDEN:
        return _("Only a supervisor may record the committee's decision.")
    if problem == REASON_REQUIRED:
        if outcome in (WAITING_LIST, REFUSED):
            return _("A waiting list or a refusal needs its reason.")
        return _("A change of the category or the path needs its reason.")
    if problem == OVERRIDE_REQUIRED:
        if not override:
            return _(
                "She is not eligible: accepting her needs the override box ticked and a reason."
            )
        return _("Accepting a woman who is not eligible needs its reason.")
    if problem:
        return _("This decision is not valid; nothing was recorded.")
    return ""
