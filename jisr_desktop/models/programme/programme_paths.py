"""The rules of three later paths of the programme (issue 12), over the `programme_paths`
definition (resources/definitions/programme_paths.json):

- the category-2 path at Entraide Nationale (programme document, 186-232): the EN
  programme chosen, the enrolment in a centre, its completion and what she did after;
- the licences and labels after incubation (432-449), each with its status;
- cooperatives and collective companies as applicants (108, 267), scored as one.

Pure: definitions in, answers out. The store keeps the rows; the workflows apply these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jisr_desktop.models.programme.definitions import Definition, localized

# The EN path's steps, in the order they happen.
PROGRAMME, ENROLMENT, COMPLETION, OUTCOME = "programme", "enrolment", "completion", "outcome"
EN_STEPS = (PROGRAMME, ENROLMENT, COMPLETION, OUTCOME)
# The place kinds an EN enrolment may name (places.json): the document sends category 2
# to EN's vocational training centres (394).
EN_PLACE_KINDS = ("en_vocational_training_centre",)
# How a group's subtotals are made from its members' (our proposal, docs/workflow.md):
# the grid groups listed here are the mean of every member's; the others are the
# responsible member's own (the document names her education and experience, 267).
MEAN_GROUPS = ("vulnerability",)


class PathRuleError(ValueError):
    """A step the rules refuse; `code` names which rule (the CLI and screens translate)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class Catalogue:
    """One version of the programme paths' lists, read-only."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.version = definition.version
        self.data: Mapping[str, Any] = definition.data

    def ids(self, section: str) -> tuple[str, ...]:
        return tuple(self.data[section])

    def label(self, section: str, item: str, lang: str) -> str:
        entry = self.data[section].get(item) or {}
        return localized(entry.get("label"), lang) or item

    def entry(self, section: str, item: str) -> Mapping[str, Any]:
        found = self.data[section].get(item)
        if found is None:
            raise PathRuleError(f"unknown_{section}", item)
        return found

    def next_statuses(self, status: str) -> tuple[str, ...]:
        return tuple(self.entry("licence_statuses", status).get("next", ()))


# --- the EN path ----------------------------------------------------------------------------


def check_en_step(catalogue: Catalogue, step: str, done: Mapping[str, Mapping[str, Any]],
                  values: Mapping[str, Any]) -> None:
    """Refuse a step out of order or with a value the lists do not hold. `done` maps each
    step already recorded to its newest values; a step may be recorded again (a
    correction), but not before the step it follows."""
    if step not in EN_STEPS:
        raise PathRuleError("unknown_step", step)
    before = EN_STEPS[EN_STEPS.index(step) - 1] if step != PROGRAMME else None
    if before is not None and before not in done:
        raise PathRuleError("step_out_of_order", f"{step} before {before}")
    if step == PROGRAMME:
        catalogue.entry("en_programmes", values["programme_id"])
    elif step == COMPLETION:
        catalogue.entry("en_results", values["result"])
    elif step == OUTCOME:
        catalogue.entry("en_outcomes", values["outcome"])
    day, previous = values.get("on"), (done.get(before) or {}).get("on") if before else None
    if day and previous and day < previous:
        raise PathRuleError("date_before_previous_step", f"{day} < {previous}")


# --- licences and labels --------------------------------------------------------------------


def check_licence_status(catalogue: Catalogue, licence_id: str, status: str,
                         current: str | None, name: str | None) -> None:
    """A licence's first status may be any; then only a change the lists allow (needed →
    applied → obtained or refused; refused → applied again). "Other" needs its name."""
    entry = catalogue.entry("licences", licence_id)
    catalogue.entry("licence_statuses", status)
    if entry.get("needs_name") and not (name or "").strip():
        raise PathRuleError("licence_needs_name", licence_id)
    if current is not None and status not in catalogue.next_statuses(current):
        raise PathRuleError("status_not_allowed", f"{current} -> {status}")


# --- applicant groups -----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberScore:
    record_id: str
    eligible: bool | None
    total: float | None
    subtotals: Mapping[str, float]
    category: int | None


@dataclass(frozen=True)
class GroupScore:
    total: float | None
    subtotals: dict[str, float]
    category: int | None
    eligible: bool
    members: int


def check_group(catalogue: Catalogue, kind: str, name: str, legal_id: str | None) -> None:
    entry = catalogue.entry("group_kinds", kind)
    if not name.strip():
        raise PathRuleError("group_needs_name")
    if entry.get("legal_id_required") and not (legal_id or "").strip():
        raise PathRuleError("group_needs_legal_id", kind)


def min_members(catalogue: Catalogue, kind: str) -> int:
    return int(catalogue.entry("group_kinds", kind).get("min_members", 2))


def group_score(members: Sequence[MemberScore], responsible_id: str,
                minimum: int = 2) -> GroupScore:
    """The group's one score from its members' (each scored by the one grid): the
    `MEAN_GROUPS` subtotals are the mean over the members, rounded to one decimal; the
    other subtotals and the category are the responsible member's. Not eligible (and no
    total) while it has fewer than `minimum` members, or a member not eligible."""
    responsible = next((m for m in members if m.record_id == responsible_id), None)
    eligible = (responsible is not None and len(members) >= minimum
                and all(m.eligible and m.total is not None for m in members))
    if not eligible or responsible is None:
        return GroupScore(None, {}, responsible.category if responsible else None, False,
                          len(members))
    subtotals = dict(responsible.subtotals)
    for group in MEAN_GROUPS:
        values = [m.subtotals.get(group, 0) for m in members]
        subtotals[group] = round(sum(values) / len(values), 1)
    # The total is the sum of the grid's groups, as for one woman.
    total = round(sum(subtotals.values()), 1)
    return GroupScore(total, subtotals, responsible.category, True, len(members))

