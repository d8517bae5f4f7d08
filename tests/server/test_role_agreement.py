"""Issue 9: one role table for the desktop and the server. For every role, what the
desktop's screens offer (AccountInfo's gates) is exactly what the server takes from a
device of that role: nothing a screen lets her do is refused later as forbidden_op, and
nothing refused by the server is offered."""

from __future__ import annotations

import uuid
from typing import Any

from jisr_desktop.models.programme.roles import ROLES
from jisr_desktop.ui.context import AccountInfo
from tests.server.conftest import (
    USERS,
    Backend,
    assessment_payload,
    delivery_payload,
    upsert,
)
from tests.server.test_domain_rules import decision

# One server account per role, all covering province 07.351 (PROVINCE_A).
USER_OF_ROLE = {"field_agent": "agent_a", "incubator_staff": "staff_a",
                "supervisor": "supervisor_07", "admin": "admin"}


def _item(op: str, record_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "record_id": record_id, "op": op,
            "base_version": 1, "payload": payload}


def _offered(account: AccountInfo) -> dict[str, bool]:
    """What the desktop's screens let this account send, by op."""
    return {
        "upsert": account.can_enrol,  # the registration page, the New button
        "assessment": account.can_assess,  # the assessment page's Save
        "delivery": account.can_deliver,  # the service card's Mark as delivered
        "committee decision": account.can_decide,  # the result page's committee box
    }


def test_every_role_is_offered_what_the_server_accepts(backend: Backend) -> None:
    assert set(USER_OF_ROLE) == set(ROLES)
    assert all(USERS[user][0] == role for role, user in USER_OF_ROLE.items())
    record = upsert()
    assert backend.client("admin").results([record])[0]["status"] == "applied"
    rid = record["record_id"]
    for role, user in USER_OF_ROLE.items():
        ops = {
            "upsert": upsert(),
            "assessment": _item("assessment", rid, assessment_payload(rid)),
            "delivery": _item("delivery", rid, delivery_payload(rid)),
            "committee decision": decision(rid),
        }
        results = backend.client(user).results(list(ops.values()))
        accepted = {
            name: not (r["status"] == "rejected" and r["code"] == "forbidden_op")
            for name, r in zip(ops, results, strict=True)
        }
        assert accepted == _offered(AccountInfo(user, role, None)), role
