"""The server holds pushed data to the desktop's domain rules: decisions (who may record a
committee decision, what a valid one is), the evaluation (computed by the server, never
taken from the client), and a record's attached items following it to another province."""

from __future__ import annotations

import json
import uuid
from typing import Any

from jisr_desktop import paths
from jisr_desktop.models.programme.decisions import check_decision
from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.workflows import enrolment
from tests.conftest import make_submission
from tests.server.conftest import PROVINCE_A, PROVINCE_B, Backend, delivery_payload, upsert


def decision(record_id: str, base_version: int = 1, **data: Any) -> dict[str, Any]:
    """A decision outbox row as decisions.py writes it (`asdict(DecisionInfo)`)."""
    item_id = str(uuid.uuid4())
    payload = {
        "id": item_id,
        "record_id": record_id,
        "kind": "committee",
        "category": None,
        "path": None,
        "destination": None,
        "outcome": "accepted",
        "decided_on": "2026-12-01",
        "reason": None,
        "agent": "someone",
        "at": "2026-12-01T10:00:00+00:00",
        **data,
    }
    return {
        "op_id": str(uuid.uuid4()),
        "record_id": record_id,
        "op": "decision",
        "base_version": base_version,
        "payload": payload,
    }


def _record(backend: Backend) -> str:
    create = upsert()
    assert backend.client("agent_a").results([create])[0]["status"] == "applied"
    return create["record_id"]


# --- decisions --------------------------------------------------------------------------------


def test_only_a_supervisor_or_admin_records_a_committee_decision(backend: Backend) -> None:
    rid = _record(backend)
    agent = backend.client("agent_a")
    refused = agent.results([decision(rid)])[0]
    assert refused["status"] == "rejected" and refused["code"] == "forbidden_op"
    assert "supervisor" in refused["reason"]
    # The agent's own confirmation of the proposal is hers to record.
    confirm = decision(rid, kind="agent_confirmation", outcome=None, decided_on=None, category=2)
    assert agent.results([confirm])[0]["status"] == "applied"
    assert backend.client("supervisor_07").results([decision(rid)])[0]["status"] == "applied"
    waiting = decision(rid, outcome="waiting_list", reason="quota reached")
    assert backend.client("admin").results([waiting])[0]["status"] == "applied"
    pulled = [
        c for c in backend.client("agent_a").pull_all(0) if c["record_id"] == rid
    ]  # the agent sees the decisions of her province
    assert sorted(c["data"]["kind"] for c in pulled if c["entity"] == "decision") == [
        "agent_confirmation",
        "committee",
        "committee",
    ]


def test_malformed_decisions_are_rejected_with_their_reason(backend: Backend) -> None:
    rid = _record(backend)
    supervisor = backend.client("supervisor_07")
    cases = {
        "invalid_decision": [
            decision(rid, kind="selection"),
            decision(rid, outcome="maybe"),
            decision(rid, decided_on="yesterday"),
            decision(rid, decided_on=None),
            decision(rid, kind="agent_confirmation", category="1"),
            decision(rid, reason=["not", "text"]),
        ],
        "reason_required": [
            decision(rid, outcome="refused"),
            decision(rid, outcome="waiting_list", reason="   "),
        ],
    }
    for code, ops in cases.items():
        for result in supervisor.results(ops):
            assert result["status"] == "rejected", result
            assert result["code"] == code and result["reason"], result


def test_check_decision_agrees_with_the_desktop_rules() -> None:
    ok = decision("r")["payload"]
    assert check_decision(ok, "supervisor") is None
    assert check_decision(ok, "admin") is None
    assert check_decision(ok, "field_agent") == "forbidden_op"
    assert check_decision(ok, "incubator_staff") == "forbidden_op"
    assert check_decision({**ok, "outcome": "refused", "reason": "x"}, "supervisor") is None
    assert check_decision({**ok, "decided_on": "20261201"}, "supervisor") == "invalid_decision"
    confirmation = {"kind": "agent_confirmation", "category": None, "reason": None}
    assert check_decision(confirmation, "field_agent") is None
    assert check_decision({**confirmation, "category": True}, "field_agent") == "invalid_decision"


# --- the server's evaluation ------------------------------------------------------------------


def _desktop_evaluation(answers: dict[str, Any]) -> dict[str, Any] | None:
    defs = load_directory(paths.definitions_dir())
    evaluation = enrolment.evaluate(defs, answers, reference=load_reference())
    return enrolment.compact_evaluation(evaluation)


def test_the_server_scores_the_record_itself(backend: Backend) -> None:
    agent = backend.client("agent_a")
    op = upsert(household_size=9)
    op["payload"]["evaluation"] = {"total": 999, "category": 1, "eligible": True}
    result = agent.results([op])[0]
    assert result["status"] == "applied"
    pulled = [c for c in agent.pull_all(result["change"] - 1) if c["id"] == op["record_id"]]
    evaluation = pulled[0]["evaluation"]
    expected = _desktop_evaluation(op["payload"]["answers"])
    assert expected is not None and evaluation["total"] == expected["total"] != 999
    assert json.dumps(evaluation, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert evaluation["versions"]["grid"]["version"] == load_directory().grid.version
    assert agent.get(f"/v1/records/{op['record_id']}").json()["evaluation"] == expected
    # The same answers with another claim are the same content: a replay under a new op id
    # is a duplicate, whatever evaluation it carries.
    again = {**op, "op_id": str(uuid.uuid4())}
    again["payload"] = {**op["payload"], "evaluation": {"total": 5}}
    assert agent.results([again])[0]["status"] == "duplicate"


def test_an_unknown_grid_version_is_scored_with_the_newest(backend: Backend) -> None:
    agent = backend.client("agent_a")
    op = upsert()
    op["payload"]["evaluation"] = {
        "versions": {"grid": {"id": "jisr.grid", "version": 77}},
        "total": 999,
    }
    result = agent.results([op])[0]
    assert result["status"] == "applied"
    stored = agent.get(f"/v1/records/{op['record_id']}").json()["evaluation"]
    # the newest the server has (the shipped one)
    assert stored["versions"]["grid"]["version"] == load_directory().grid.version
    assert stored == _desktop_evaluation(op["payload"]["answers"])


def test_the_evaluation_follows_an_edit(backend: Backend) -> None:
    agent = backend.client("agent_a")
    create = upsert(household_size=1)
    rid = create["record_id"]
    edit = upsert(rid, 1, household_size=12)
    assert [r["status"] for r in agent.results([create, edit])] == ["applied"] * 2
    stored = agent.get(f"/v1/records/{rid}").json()["evaluation"]
    assert stored == _desktop_evaluation(make_submission(**PROVINCE_A, household_size=12))


# --- a record moved to another province takes its items along ---------------------------------


def test_a_moved_record_takes_its_items_along(backend: Backend) -> None:
    admin = backend.client("admin")
    create = upsert()
    rid = create["record_id"]
    assert backend.client("agent_a").results([create])[0]["status"] == "applied"
    confirm = decision(rid, kind="agent_confirmation", outcome=None, decided_on=None)
    committee = decision(rid)
    assessment = {
        "op_id": str(uuid.uuid4()),
        "record_id": rid,
        "op": "assessment",
        "base_version": 1,
        "payload": {"id": str(uuid.uuid4()), "record_id": rid, "answers": {"a": 1}},
    }
    assert backend.client("agent_a").results([confirm])[0]["status"] == "applied"
    assert backend.client("supervisor_07").results([committee])[0]["status"] == "applied"
    assert backend.client("staff_a").results([assessment])[0]["status"] == "applied"
    before = {c["id"]: c["change"] for c in admin.pull_all(0) if c["record_id"] == rid}
    move = upsert(rid, 1, place=PROVINCE_B)
    # A delivery in the same batch, after the move, lands in the new province too.
    delivery = {
        "op_id": str(uuid.uuid4()),
        "record_id": rid,
        "op": "delivery",
        "base_version": 2,
        "payload": delivery_payload(rid),
    }
    moved = admin.results([move, delivery])
    assert [r["status"] for r in moved] == ["applied", "applied"]

    pulled = [c for c in backend.client("agent_b").pull_all(0) if c["record_id"] == rid]
    by_entity = sorted(c["entity"] for c in pulled)
    assert by_entity == ["assessment", "decision", "decision", "delivery", "record"]
    assert {c["province"] for c in pulled} == {PROVINCE_B["province"]}
    assert {c["region"] for c in pulled} == {PROVINCE_B["region"]}
    for change in pulled:
        if change["id"] in before and change["entity"] != "record":
            assert change["change"] > moved[0]["change"] > before[change["id"]]
    # The old province no longer sees the record or anything of it.
    assert not [c for c in backend.client("agent_a").pull_all(0) if c["record_id"] == rid]
    assert not [c for c in backend.client("supervisor_07").pull_all(0) if c["record_id"] == rid]


def test_check_decision_wants_an_explicit_override_for_a_woman_not_eligible() -> None:
    accept = {"kind": "committee", "outcome": "accepted", "decided_on": "2026-12-01"}
    assert check_decision(accept, "supervisor", eligible=True) is None
    assert check_decision(accept, "supervisor", eligible=False) == "override_required"
    assert check_decision({**accept, "reason": "Cas social"}, "supervisor",
                          eligible=False) == "override_required"
    assert check_decision({**accept, "override": True}, "supervisor",
                          eligible=False) == "override_required"
    assert check_decision({**accept, "override": True, "reason": "Cas social"}, "supervisor",
                          eligible=False) is None
