"""What the orientation card says about where she goes (issue 12): the place named in the
directory, its address and phone, the appointment and the person to contact, and the
category and path in force (the committee's word over the agent's over the grid's, then
the incubator's review of the path). Plain data in, card values out: no store here."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from jisr_desktop.cards.data import Text, format_date
from jisr_desktop.cards.text import LRI, PDI
from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.orientation import orient
from jisr_desktop.models.programme.places import Directory, Place

ACCEPTED = "accepted"


def in_force(record: Any, orientation: Definition, decisions: list[Any],
             review: Any | None) -> Any:
    """The record as its card must print it. `decisions` in the order they weigh (the
    agent's confirmation, then the committee's); a category changed with no path of its
    own is oriented again by the rules; the incubator's review has the last word on the
    path."""
    from jisr_desktop.cards.for_record import with_decision

    printed = record
    for decision in decisions:
        if decision is None:
            continue
        before = printed
        printed = with_decision(printed, decision)
        if decision.category is not None and decision.category != before.category \
                and not decision.path:
            printed = _reoriented(printed, orientation)
    if review is not None and review.path:
        evaluation = dict(printed.evaluation or {})
        evaluation["orientation"] = {**(evaluation.get("orientation") or {}),
                                     "path": review.path}
        printed = _with_evaluation(printed, evaluation)
    return printed


def _reoriented(record: Any, orientation: Definition) -> Any:
    found = orient(orientation, record.answers, record.category)
    evaluation = dict(record.evaluation or {})
    evaluation["orientation"] = {**(evaluation.get("orientation") or {}),
                                 "path": found.path, "destination": found.destination}
    return _with_evaluation(record, evaluation)


def _with_evaluation(record: Any, evaluation: dict[str, Any]) -> Any:
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, evaluation=evaluation)
    record.evaluation = evaluation
    return record


def chosen_place(directory: Directory, record: Any, referral: Any | None,
                 named: Directory | None = None) -> Place | None:
    """The place the agent named (read in the directory version she named it from), else
    the one the directory proposes for her destination and residence."""
    if referral is not None and referral.place_id:
        place = (named or directory).get(referral.place_id)
        if place is not None:
            return place
    destination = ((record.evaluation or {}).get("orientation") or {}).get("destination")
    answers = record.answers
    if not destination or not answers.get("region"):
        return None
    return directory.choice(destination, answers["region"], answers.get("province", "")).proposed


def place_values(directory: Directory, place: Place | None,
                 referral: Any | None) -> dict[str, Text]:
    """The card's place, place_address, place_phone, appointment and contact values."""
    values: dict[str, Text] = {}
    if place is not None:
        name = dict(place.name)
        status = directory.status_label(place.status)
        if place.status != "open" and status:
            name = {k: f"{v} ({status.get(k) or status['fr']})" for k, v in name.items()}
        values["place"] = name
        # The kind of place actually named (her incubator when no association or EN
        # centre of her province is in the directory yet), so the two lines agree.
        kind = directory.kind_label(place.kind)
        if kind:
            values["destination"] = dict(kind)
        if place.address:
            values["place_address"] = dict(place.address)
        if place.phone:
            values["place_phone"] = _ltr(place.phone)
        if place.contact:
            values["contact"] = place.contact
    if referral is not None:
        if referral.appointment:
            day, _t, minute = referral.appointment.partition("T")
            values["appointment"] = _ltr(f"{format_date(day)} {minute}".strip())
        if referral.contact:
            values["contact"] = referral.contact
    return values


def _ltr(text: str) -> str:
    # "+212…" and "10/12/2026 09:30" read left to right on the Arabic side too.
    return f"{LRI}{text}{PDI}"


def is_accepted(committee: Any | None) -> bool:
    return committee is not None and committee.outcome == ACCEPTED


def with_values(data: Any, extra: Mapping[str, Text], *, provisional: bool) -> Any:
    return dataclasses.replace(data, values={**data.values, **extra}, provisional=provisional)


# The words before a scheduled day on the service card (ar, fr, zgh; the Tamazight is
# listed for review in translations/TODO-zgh.md).
_PLANNED = {"ar": "مبرمجة في", "fr": "prévu le", "zgh": "ⵉⵜⵜⵓⵙⵓⵎⵔ ⴳ"}


def with_schedule(data: Any, planned: Mapping[str, str]) -> Any:
    """The service card with each scheduled, not yet delivered service's day after its
    label."""
    if not planned:
        return data
    lines = []
    for line in data.services:
        day = planned.get(line.service_id)
        if day and line.delivered_on is None:
            label = {k: f"{v} ({_PLANNED.get(k, _PLANNED['fr'])} {format_date(day)})"
                     for k, v in line.label.items()}
            line = dataclasses.replace(line, label=label)
        lines.append(line)
    return dataclasses.replace(data, services=tuple(lines))
