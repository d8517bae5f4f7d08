"""The rules of a decision about a registration, with no storage attached.

Shared by the desktop (`decisions.py`, which records decisions in the encrypted store) and
the central server (`jisr_server.sync`, which checks pushed decisions), so that both judge a
decision by the same rules. This module imports neither Qt nor SQL.

- `agent_confirmation`: the agent confirms the grid's proposal or changes it.
- `committee`: the provincial committee's outcome (accepted, waiting list, refused) with its
  date. Only a supervisor or an admin records it (law 09-08: a decision about a person is a
  human act, by someone entitled to take it). A waiting list or a refusal must carry its
  reason, which the woman is entitled to hear.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

AGENT_CONFIRMATION = "agent_confirmation"
COMMITTEE = "committee"
KINDS = (AGENT_CONFIRMATION, COMMITTEE)
ACCEPTED = "accepted"
WAITING_LIST = "waiting_list"
REFUSED = "refused"
OUTCOMES = (ACCEPTED, WAITING_LIST, REFUSED)
OUTCOMES_NEEDING_REASON = (WAITING_LIST, REFUSED)
DECIDING_ROLES = ("supervisor", "admin")

# What check_decision answers, with a sentence for people (the server's `reason`).
FORBIDDEN = "forbidden_op"
INVALID = "invalid_decision"
REASON_REQUIRED = "reason_required"
PROBLEMS = {
    FORBIDDEN: "only a supervisor or an admin records a committee decision (law 09-08)",
    INVALID: "not a valid decision: kind must be agent_confirmation or committee; a committee "
    "decision needs an outcome (accepted, waiting_list, refused) and a decided_on date "
    "YYYY-MM-DD; category an integer, path, destination and reason texts or null",
    REASON_REQUIRED: "a waiting list, a refusal or a change of category or path needs its reason",
}
_TEXTS = ("path", "destination", "reason", "record_id", "agent", "at")


def has_reason(reason: Any) -> bool:
    return isinstance(reason, str) and bool(reason.strip())


def check_decision(payload: Mapping[str, Any], role: str) -> str | None:
    """None when `payload` (a decision as the desktop sends it: `DecisionInfo` as a dict) is
    one that `role` may record; else the problem's code, a key of PROBLEMS."""
    kind = payload.get("kind")
    if kind not in KINDS:
        return INVALID
    category = payload.get("category")
    if category is not None and (type(category) is not int):
        return INVALID
    if any(payload.get(k) is not None and not isinstance(payload.get(k), str) for k in _TEXTS):
        return INVALID
    if kind == AGENT_CONFIRMATION:
        return None
    if role not in DECIDING_ROLES:
        return FORBIDDEN
    if payload.get("outcome") not in OUTCOMES:
        return INVALID
    decided_on = payload.get("decided_on")
    try:
        date.fromisoformat(decided_on)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return INVALID
    if len(decided_on) != 10:  # type: ignore[arg-type]  # YYYY-MM-DD, not 20261130
        return INVALID
    if payload["outcome"] in OUTCOMES_NEEDING_REASON and not has_reason(payload.get("reason")):
        return REASON_REQUIRED
    # The committee's change of the category or the path (issue 12) says why, too.
    changes = payload.get("category") is not None or payload.get("path") is not None
    if changes and not has_reason(payload.get("reason")):
        return REASON_REQUIRED
    return None


__all__ = [
    "ACCEPTED",
    "AGENT_CONFIRMATION",
    "COMMITTEE",
    "DECIDING_ROLES",
    "KINDS",
    "OUTCOMES",
    "OUTCOMES_NEEDING_REASON",
    "PROBLEMS",
    "REFUSED",
    "WAITING_LIST",
    "check_decision",
]
