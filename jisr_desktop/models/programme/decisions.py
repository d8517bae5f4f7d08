"""The rules of a decision about a registration, with no storage attached.

Shared by the desktop (`decisions.py`, which records decisions in the encrypted store) and
the central server (`jisr_server.push.checks`, which checks pushed items), so that both judge a
decision by the same rules. This module imports neither Qt nor SQL.

- `agent_confirmation`: the agent confirms the grid's proposal or changes it.
- `committee`: the provincial committee's outcome (accepted, waiting list, refused) with its
  date. Only a supervisor or an admin records it (law 09-08: a decision about a person is a
  human act, by someone entitled to take it). A waiting list or a refusal must carry its
  reason, which the woman is entitled to hear.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from jisr_desktop.models.programme.roles import ROLES, Action, may

AGENT_CONFIRMATION = "agent_confirmation"
COMMITTEE = "committee"
KINDS = (AGENT_CONFIRMATION, COMMITTEE)
ACCEPTED = "accepted"
WAITING_LIST = "waiting_list"
REFUSED = "refused"
OUTCOMES = (ACCEPTED, WAITING_LIST, REFUSED)
OUTCOMES_NEEDING_REASON = (WAITING_LIST, REFUSED)
# The roles the role table lets DECIDE (derived, so the table stays the one place).
DECIDING_ROLES = tuple(r for r in ROLES if may(r, Action.DECIDE))
# The grid's two categories (programme document, 5.4): entrepreneurship support, and
# professional capacity building.
CATEGORIES = (1, 2)
# What each kind of decision is, in the role table.
ACTION_OF_KIND = {AGENT_CONFIRMATION: Action.CONFIRM, COMMITTEE: Action.DECIDE}

# What check_decision answers, with a plain English text for developers and logs (the
# server's `reason`; clients translate the code).
FORBIDDEN = "forbidden_op"
INVALID = "invalid_decision"
REASON_REQUIRED = "reason_required"
OVERRIDE_REQUIRED = "override_required"
INVALID_ITEM = "invalid_payload"
PROBLEMS = {
    FORBIDDEN: "only a supervisor or an admin records a committee decision (law 09-08), and "
    "only a role that may confirm records an agent's confirmation",
    INVALID: "not a valid decision: kind must be agent_confirmation or committee; a committee "
    "decision needs an outcome (accepted, waiting_list, refused) and a decided_on date "
    "YYYY-MM-DD; category 1, 2 or null; path, destination and reason texts or null; "
    "override true, false or null",
    REASON_REQUIRED: "a waiting list, a refusal or a change of category or path needs its reason",
    OVERRIDE_REQUIRED: "accepting a woman the grid found not eligible needs override: true "
    "and a reason",
    INVALID_ITEM: "not a valid assessment or delivery (see docs/sync-protocol.md, Items)",
}
_TEXTS = ("path", "destination", "reason", "record_id", "agent", "at")
# Bounds on the free texts of an item: a reason is a few sentences, a code a word.
_LONG_TEXT = 2000
_SHORT_TEXT = 200
_TEXT_LIMITS = {"reason": _LONG_TEXT, "delivered_by": _SHORT_TEXT}


def has_reason(reason: Any) -> bool:
    return isinstance(reason, str) and bool(reason.strip())


def is_uuid(value: Any) -> bool:
    """True for a UUID in its canonical text form (36 characters, lowercase, hyphens): the
    ids of records and of the items attached to them, on the desktop and on the server."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def check_decision(payload: Mapping[str, Any], role: str,
                   eligible: bool | None = None) -> str | None:
    """None when `payload` (a decision as the desktop sends it: `DecisionInfo` as a dict) is
    one that `role` may record; else the problem's code, a key of PROBLEMS. `eligible` is
    what the record's evaluation says (None: not known to the caller)."""
    kind = payload.get("kind")
    if kind not in KINDS:
        return INVALID
    category = payload.get("category")
    if category is not None and (type(category) is not int or category not in CATEGORIES):
        return INVALID
    if not _texts_ok(payload, _TEXTS):
        return INVALID
    override = payload.get("override")
    if override is not None and type(override) is not bool:
        return INVALID
    if not may(role, ACTION_OF_KIND[kind]):
        return FORBIDDEN
    if kind == AGENT_CONFIRMATION:
        return None
    if payload.get("outcome") not in OUTCOMES:
        return INVALID
    if not is_day(payload.get("decided_on")):
        return INVALID
    if payload["outcome"] in OUTCOMES_NEEDING_REASON and not has_reason(payload.get("reason")):
        return REASON_REQUIRED
    # The committee's change of the category or the path (issue 12) says why, too.
    changes = payload.get("category") is not None or payload.get("path") is not None
    if changes and not has_reason(payload.get("reason")):
        return REASON_REQUIRED
    if payload["outcome"] == ACCEPTED and eligible is False and not (
        payload.get("override") is True and has_reason(payload.get("reason"))
    ):
        # The committee may accept a woman the grid left out, but as an explicit,
        # reasoned exception, never by a slip of the outcome list.
        return OVERRIDE_REQUIRED
    return None


def is_day(value: Any) -> bool:
    """A date written YYYY-MM-DD (not 20261130, which fromisoformat also reads)."""
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _texts_ok(payload: Mapping[str, Any], names: tuple[str, ...]) -> bool:
    for name in names:
        value = payload.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > _TEXT_LIMITS.get(name, _SHORT_TEXT):
            return False
    return True


# --- the shapes of the items a record carries ------------------------------------------------
# Each kind keeps only its known keys: anything else a client adds is dropped, never stored
# nor sent to the other devices of the province.

DECISION_KEYS = ("id", "record_id", "kind", "category", "path", "destination", "outcome",
                 "decided_on", "reason", "agent", "at",
                 # the committee's explicit exception for a woman found not eligible
                 "override")
ASSESSMENT_KEYS = ("id", "record_id", "definition", "answers", "recommended", "agent",
                   "created_at", "updated_at")
DELIVERY_KEYS = ("id", "assessment_id", "record_id", "service_id", "delivered_on",
                 "delivered_by", "agent", "at")


def _assessment_ok(payload: Mapping[str, Any]) -> bool:
    definition = payload.get("definition")
    if definition is not None and not (
        isinstance(definition, Mapping)
        and isinstance(definition.get("id"), str)
        and type(definition.get("version")) is int
    ):
        return False
    recommended = payload.get("recommended", [])
    return (
        isinstance(payload.get("answers"), Mapping)
        and isinstance(recommended, list)
        and all(isinstance(s, str) and 0 < len(s) <= _SHORT_TEXT for s in recommended)
        and _texts_ok(payload, ("record_id", "agent", "created_at", "updated_at"))
    )


def _delivery_ok(payload: Mapping[str, Any]) -> bool:
    assessment_id = payload.get("assessment_id")
    return (
        (assessment_id is None or is_uuid(assessment_id))
        and isinstance(payload.get("service_id"), str)
        and 0 < len(payload["service_id"]) <= _SHORT_TEXT
        and is_day(payload.get("delivered_on"))
        and has_reason(payload.get("delivered_by"))
        and _texts_ok(payload, ("record_id", "service_id", "delivered_by", "agent", "at"))
    )


def check_item(kind: str, payload: Mapping[str, Any]) -> str | None:
    """None when `payload` has the shape of an item of `kind` ("assessment", "delivery");
    else the problem's code. (Decisions: `check_decision`, which also knows the roles.)"""
    checks: dict[str, Callable[[Mapping[str, Any]], bool]] = {
        "assessment": _assessment_ok,
        "delivery": _delivery_ok,
    }
    check = checks.get(kind)
    return None if check is not None and check(payload) else INVALID_ITEM


def known_keys(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """`payload` with only the keys an item of `kind` has (`decision`, `assessment`,
    `delivery`)."""
    keys = {"decision": DECISION_KEYS, "assessment": ASSESSMENT_KEYS,
            "delivery": DELIVERY_KEYS}[kind]
    return {k: payload[k] for k in keys if k in payload}


__all__ = [
    "ACCEPTED",
    "AGENT_CONFIRMATION",
    "CATEGORIES",
    "COMMITTEE",
    "DECIDING_ROLES",
    "KINDS",
    "OUTCOMES",
    "OUTCOMES_NEEDING_REASON",
    "PROBLEMS",
    "REFUSED",
    "WAITING_LIST",
    "check_decision",
    "check_item",
    "is_day",
    "is_uuid",
    "known_keys",
]
