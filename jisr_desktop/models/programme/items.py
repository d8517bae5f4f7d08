"""The shapes of the programme's later items (issue 12), with no storage attached: the
referral to a named place and the incubator's review of the path, the staff's edits of a
service card, the incubation, and the post-incubation follow-up visit.

Shared by the desktop (which writes them, `models/store/referrals.py` and its siblings) and
the central server (`jisr_server.push.checks`, which checks pushed ones), so both ends judge
an item by the same schema and the same role table. Unlike a decision, whose unknown keys
are dropped, an item here with a key its schema does not name, or a value of the wrong
type, is refused: these kinds are new, so no older client sends extra keys, and a client
that does is not one of ours.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from jisr_desktop.models.programme.decisions import has_reason, is_day, is_uuid
from jisr_desktop.models.programme.incubation import FUNDING_SOURCES
from jisr_desktop.models.programme.programme_paths import EN_STEPS
from jisr_desktop.models.programme.roles import Action, may

# The op (and pulled entity) names: sync/protocol.py's Op and Entity take them from here.
REFERRAL = "referral"
SERVICE_EDIT = "service_edit"
INCUBATION = "incubation"
FOLLOW_UP = "follow_up"
# The three later paths (models/store/en_path.py, licences.py, groups.py).
EN_STEP = "en_step"
LICENCE = "licence"
GROUP = "group"
GROUP_MEMBER = "group_member"
KINDS = (REFERRAL, SERVICE_EDIT, INCUBATION, FOLLOW_UP, EN_STEP, LICENCE, GROUP, GROUP_MEMBER)

ORIENTATION, PATH_REVIEW = "orientation", "path_review"
REFERRAL_KINDS = (ORIENTATION, PATH_REVIEW)
ADD, REMOVE, SCHEDULE = "add", "remove", "schedule"
EDIT_ACTIONS = (ADD, REMOVE, SCHEDULE)
# The services the document lists after incubation (430-449), and a plain visit.
TOPICS = ("visit", "management_training", "professional_network", "soft_skills", "fairs",
          "e_commerce", "licences_labels")

# What check_item answers (the protocol's codes, which take them from here): a wrong
# shape, a role the table does not allow, a change without its reason.
INVALID_PAYLOAD = "invalid_payload"
FORBIDDEN = "forbidden_op"
REASON_REQUIRED = "reason_required"
PROBLEMS = {
    INVALID_PAYLOAD: "not a valid item of its kind (see docs/sync-protocol.md, "
    "\"The programme's later items\"); `errors` names the fields",
    FORBIDDEN: "the role table does not let this role record this item",
    REASON_REQUIRED: "adding or removing a service needs its reason",
}

_SHORT, _LONG = 200, 2000


def _text(limit: int, *, blank: bool = False) -> Callable[[Any], bool]:
    """A text of at most `limit` characters; blank only where a missing reason is a rule's
    business (REASON_REQUIRED), not the shape's."""
    return lambda v: isinstance(v, str) and len(v) <= limit and (blank or bool(v.strip()))


def _minute(value: Any) -> bool:
    """YYYY-MM-DDTHH:MM, as referrals.py writes an appointment."""
    if not isinstance(value, str) or len(value) != 16:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        return False
    return True


def _count(value: Any) -> bool:
    return type(value) is int and 0 <= value < 2**31


def _one_of(values: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and v in values


_SHORT_TEXT, _LONG_TEXT = _text(_SHORT), _text(_LONG, blank=True)
_MOMENT = _text(64)  # an ISO timestamp, as utcnow() writes it
# Every kind: key -> (check, required). A missing optional key reads as null.
_COMMON: dict[str, tuple[Callable[[Any], bool], bool]] = {
    "id": (is_uuid, True), "record_id": (is_uuid, True),
    "agent": (_SHORT_TEXT, True), "at": (_MOMENT, True),
}
SCHEMAS: dict[str, dict[str, tuple[Callable[[Any], bool], bool]]] = {
    REFERRAL: {**_COMMON, "kind": (_one_of(REFERRAL_KINDS), True),
               "place_id": (_SHORT_TEXT, False), "places_version": (_count, False),
               "appointment": (_minute, False), "contact": (_LONG_TEXT, False),
               "path": (_SHORT_TEXT, False), "reason": (_LONG_TEXT, False)},
    SERVICE_EDIT: {**_COMMON, "assessment_id": (is_uuid, True),
                   "action": (_one_of(EDIT_ACTIONS), True),
                   "service_id": (_SHORT_TEXT, True), "scheduled_on": (is_day, False),
                   "reason": (_LONG_TEXT, False)},
    INCUBATION: {**_COMMON, "selected_on": (is_day, True), "funding_amount": (_count, False),
                 "funding_source": (_one_of(FUNDING_SOURCES), False),
                 "funded_on": (is_day, False), "contract_start": (is_day, True),
                 "contract_end": (is_day, True), "logistics": (_LONG_TEXT, False),
                 "committee": (_SHORT_TEXT, False)},
    FOLLOW_UP: {**_COMMON, "visited_on": (is_day, True), "visitor": (_SHORT_TEXT, True),
                "topic": (_one_of(TOPICS), True), "notes": (_LONG_TEXT, False),
                "next_step": (_LONG_TEXT, False), "next_on": (is_day, False)},
    # The lists' ids (EN programmes, results, outcomes, licences, statuses, group kinds)
    # are data of a `programme_paths` version the server does not hold: checked as short
    # texts here, against the lists on the desktop that records them.
    EN_STEP: {**_COMMON, "step": (_one_of(EN_STEPS), True),
              "programme_id": (_SHORT_TEXT, False), "place_id": (_SHORT_TEXT, False),
              "places_version": (_count, False), "on": (is_day, False),
              "result": (_SHORT_TEXT, False), "outcome": (_SHORT_TEXT, False),
              "notes": (_LONG_TEXT, False), "catalogue_version": (_count, True)},
    LICENCE: {**_COMMON, "licence_id": (_SHORT_TEXT, True), "name": (_SHORT_TEXT, False),
              "status": (_SHORT_TEXT, True), "on": (is_day, True),
              "notes": (_LONG_TEXT, False), "catalogue_version": (_count, True)},
    # A group rides its responsible member's record (record_id); each membership rides
    # the member's own, so either leaves the server with the record it rides.
    GROUP: {**_COMMON, "kind": (_SHORT_TEXT, True), "name": (_SHORT_TEXT, True),
            "legal_id": (_SHORT_TEXT, False)},
    GROUP_MEMBER: {**_COMMON, "group_id": (is_uuid, True), "consent_on": (is_day, True),
                   "joined_at": (_MOMENT, True), "left_at": (_MOMENT, False),
                   "left_reason": (_LONG_TEXT, False)},
}
KEYS = {kind: tuple(schema) for kind, schema in SCHEMAS.items()}


def action_of(kind: str, payload: Mapping[str, Any]) -> Action:
    """What recording this item is, in the role table: an orientation is the agent's
    (CONFIRM, as her confirmation of the grid's proposal), the path review and the service
    card are the incubator's (ASSESS), incubations and follow-ups their own actions."""
    if kind == REFERRAL:
        return Action.CONFIRM if payload.get("kind") == ORIENTATION else Action.ASSESS
    return {SERVICE_EDIT: Action.ASSESS, INCUBATION: Action.INCUBATE,
            FOLLOW_UP: Action.FOLLOW_UP,
            # As the desktop's stores require: an EN step and a licence are services
            # delivered (en_path.py, licences.py), a group is a registration (groups.py).
            EN_STEP: Action.DELIVER, LICENCE: Action.DELIVER,
            GROUP: Action.ENROL, GROUP_MEMBER: Action.ENROL}[kind]


# Group memberships have no id of their own in the desktop's table: one is derived from
# what makes it one (a woman who leaves and joins again is a new membership).
_MEMBERS = uuid.UUID("5f0d6c1e-8a43-4d1b-9a53-6a1c2b7e0d12")


def member_id(group_id: str, record_id: str, joined_at: str) -> str:
    """The id a membership travels under, the same on every device."""
    return str(uuid.uuid5(_MEMBERS, f"{group_id}|{record_id}|{joined_at}"))


def sub_kind(kind: str, payload: Mapping[str, Any]) -> str:
    """The kind an item keeps for good: a referral stays an orientation or a path review
    (each recorded by a different role), so a replacement of one by the other is refused;
    an EN step stays the step it is (a correction is a new row, en_path.py)."""
    if kind == EN_STEP:
        return str(payload.get("step"))
    return str(payload.get("kind")) if kind == REFERRAL else kind


def shape_errors(kind: str, payload: Mapping[str, Any]) -> list[dict[str, str]]:
    """Per field: `unknown_key`, `required` or `wrong_type` (empty when the shape is right)."""
    schema = SCHEMAS[kind]
    errors = [{"field": str(k)[:64], "code": "unknown_key"}
              for k in payload if k not in schema]
    for key, (check, required) in schema.items():
        value = payload.get(key)
        if value is None:
            if required:
                errors.append({"field": key, "code": "required"})
        elif not check(value):
            errors.append({"field": key, "code": "wrong_type"})
    return errors


def _rule_errors(kind: str, p: Mapping[str, Any]) -> list[dict[str, str]]:
    """What the desktop's repositories refuse beyond the types (the shape is right)."""
    found: list[tuple[str, str]] = []
    if kind == REFERRAL and p["kind"] == ORIENTATION and p.get("place_id") is None:
        found.append(("place_id", "required"))
    if kind == REFERRAL and p["kind"] == PATH_REVIEW and p.get("path") is None:
        found.append(("path", "required"))
    if kind == SERVICE_EDIT and p["action"] == SCHEDULE and p.get("scheduled_on") is None:
        found.append(("scheduled_on", "required"))
    if kind == INCUBATION:
        if p["contract_start"] < p["selected_on"]:
            found.append(("contract_start", "before_selection"))
        if p["contract_end"] <= p["contract_start"]:
            found.append(("contract_end", "before_start"))
    if kind == FOLLOW_UP and p.get("next_on") is not None and p["next_on"] < p["visited_on"]:
        found.append(("next_on", "before_visit"))
    if kind == EN_STEP:
        found.extend(_en_step_errors(p))
    if kind == GROUP_MEMBER and p.get("left_at") is not None and p["left_at"] < p["joined_at"]:
        found.append(("left_at", "before_joining"))
    return [{"field": f, "code": c} for f, c in found]


def _en_step_errors(p: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What en_path.py requires of each step (its `_needs` and the lists' ids)."""
    needs = {"programme": ("programme_id",), "enrolment": ("on", "place_id"),
             "completion": ("on", "result"), "outcome": ("outcome",)}[p["step"]]
    return [(key, "required") for key in needs if p.get(key) is None]


def check_item(kind: str, payload: Mapping[str, Any],
               role: str) -> tuple[str, list[dict[str, str]]] | None:
    """None when `payload` is an item of `kind` that `role` may record; else the problem's
    code (a key of PROBLEMS) and the fields concerned."""
    errors = shape_errors(kind, payload)
    if errors:
        return INVALID_PAYLOAD, errors
    if not may(role, action_of(kind, payload)):
        return FORBIDDEN, []
    errors = _rule_errors(kind, payload)
    if errors:
        return INVALID_PAYLOAD, errors
    if kind == SERVICE_EDIT and payload["action"] in (ADD, REMOVE) and not has_reason(
            payload.get("reason")):
        return REASON_REQUIRED, [{"field": "reason", "code": "required"}]
    return None


__all__ = ["EN_STEP", "FOLLOW_UP", "GROUP", "GROUP_MEMBER", "INCUBATION", "KEYS", "KINDS",
           "LICENCE", "REFERRAL", "SERVICE_EDIT", "TOPICS", "action_of", "check_item",
           "member_id", "shape_errors", "sub_kind"]
