"""The three later paths over the real server (issue 12): EN path steps, licences,
applicant groups and their memberships are checked against their schema and the role
table, served to the province, kept to their kind, and erased with the record they ride
(a group with its responsible member's, a membership with the member's)."""

from __future__ import annotations

import uuid
from typing import Any

from jisr_desktop.models.programme import items
from tests.server.conftest import PROVINCE_B, Backend, delete_op, upsert
from tests.server.test_programme_items import AT, op

PATHS = ("en_step", "licence", "group", "group_member")


def _record(backend: Backend, place: dict[str, str] | None = None,
            agent: str = "agent_a") -> str:
    create = upsert(place=place)
    assert backend.client(agent).results([create])[0]["status"] == "applied"
    return create["record_id"]


def _membership(group_id: str, record_id: str, **data: Any) -> dict[str, Any]:
    return op("group_member", record_id, group_id=group_id,
              id=items.member_id(group_id, record_id, AT), **data)


def _mine(backend: Backend, user: str, record_ids: set[str], since: int = 0) -> dict[str, Any]:
    return {c["id"]: c for c in backend.client(user).pull_all(since)
            if c["record_id"] in record_ids and c["entity"] in PATHS}


def test_each_is_recorded_by_its_role_and_pulled_by_the_province(backend: Backend) -> None:
    lead, second = _record(backend), _record(backend)
    staff, agent = backend.client("staff_a"), backend.client("agent_a")
    en, licence = op("en_step", lead), op("licence", lead)
    assert [r["status"] for r in staff.results([en, licence])] == ["applied"] * 2
    group = op("group", lead)
    gid = group["payload"]["id"]
    joined = [group, _membership(gid, lead), _membership(gid, second)]
    assert [r["status"] for r in agent.results(joined)] == ["applied"] * 3
    pulled = _mine(backend, "agent_a", {lead, second})
    assert {c["entity"] for c in pulled.values()} == set(PATHS)
    assert pulled[gid]["data"] == group["payload"] and pulled[gid]["province"] == "07.351"
    assert pulled[en["payload"]["id"]]["data"]["place_id"] == "en_centre_07_351_daoudiate"
    # She leaves: her membership is replaced (the same id), not doubled.
    left = _membership(gid, second, left_at="2026-12-02T09:00:00+00:00", left_reason="moved")
    assert agent.results([left])[0]["status"] == "applied"
    theirs = [c for c in _mine(backend, "agent_a", {second}).values()]
    assert [c["data"]["left_reason"] for c in theirs] == ["moved"]
    # Another province sees none of it.
    assert not _mine(backend, "agent_b", {lead, second})


def test_a_field_agent_cannot_push_what_her_role_may_not_record(backend: Backend) -> None:
    rid = _record(backend)
    agent, staff = backend.client("agent_a"), backend.client("staff_a")
    refused = agent.results([op("en_step", rid), op("licence", rid)])
    assert [(r["status"], r["code"]) for r in refused] == [("rejected", "forbidden_op")] * 2
    # The incubator delivers services; registering a group is the agent's (ENROL).
    group = op("group", rid)
    refused = staff.results([group, _membership(group["payload"]["id"], rid)])
    assert [(r["status"], r["code"]) for r in refused] == [("rejected", "forbidden_op")] * 2
    # Nor does she bring into a group a woman who refused the processing of her data.
    refusal = upsert(consent="no")
    assert agent.results([refusal])[0]["status"] == "applied"
    no_consent = agent.results([_membership(str(uuid.uuid4()), refusal["record_id"])])[0]
    assert (no_consent["code"], no_consent["errors"]) == (
        "invalid_payload", [{"field": "record_id", "code": "no_consent"}])
    other = _record(backend, PROVINCE_B, "agent_b")
    unknown = staff.results([op("en_step", other)])[0]
    assert (unknown["status"], unknown["code"]) == ("rejected", "unknown_record")
    assert not _mine(backend, "admin", {rid, other})


def test_unknown_keys_and_wrong_types_are_rejected_per_op(backend: Backend) -> None:
    rid = _record(backend)
    staff, agent = backend.client("staff_a"), backend.client("agent_a")
    gid = str(uuid.uuid4())
    staff_cases = [
        (op("en_step", rid, extra="x"), "extra", "unknown_key"),
        (op("en_step", rid, step="graduation"), "step", "wrong_type"),
        (op("en_step", rid, on="04/01/2027"), "on", "wrong_type"),
        (op("en_step", rid, place_id=None), "place_id", "required"),
        (op("en_step", rid, step="completion", place_id=None), "result", "required"),
        (op("en_step", rid, catalogue_version="1"), "catalogue_version", "wrong_type"),
        (op("licence", rid, status=None), "status", "required"),
        (op("licence", rid, on="2027-02-30"), "on", "wrong_type"),
        (op("licence", rid, notes=["a", "list"]), "notes", "wrong_type"),
    ]
    agent_cases = [
        (op("group", rid, members=["a"]), "members", "unknown_key"),
        (op("group", rid, name=" "), "name", "wrong_type"),
        (op("group", rid, legal_id=118), "legal_id", "wrong_type"),
        (_membership("not-a-uuid", rid), "group_id", "wrong_type"),
        (_membership(gid, rid, consent_on=None), "consent_on", "required"),
        (_membership(gid, rid, left_at="2020-01-01T00:00:00+00:00"), "left_at",
         "before_joining"),
    ]
    for client, cases, ok in ((staff, staff_cases, op("licence", rid)),
                              (agent, agent_cases, op("group", rid))):
        results = client.results([c[0] for c in cases] + [ok])
        for (_, field, code), result in zip(cases, results, strict=False):
            assert (result["status"], result["code"]) == ("rejected", "invalid_payload"), result
            assert {"field": field, "code": code} in result["errors"], result
        assert results[-1]["status"] == "applied"  # the rest of the batch goes through


def test_an_en_step_is_replaced_only_by_the_same_step(backend: Backend) -> None:
    rid = _record(backend)
    staff = backend.client("staff_a")
    enrolment = op("en_step", rid)
    assert staff.results([enrolment])[0]["status"] == "applied"
    completion = op("en_step", rid, id=enrolment["payload"]["id"], step="completion",
                    result="completed")
    refused = staff.results([completion])[0]
    assert (refused["status"], refused["code"]) == ("rejected", "kind_changed")
    corrected = op("en_step", rid, id=enrolment["payload"]["id"], on="2027-01-11")
    assert staff.results([corrected])[0]["status"] == "applied"
    pulled = _mine(backend, "staff_a", {rid})[enrolment["payload"]["id"]]
    assert (pulled["data"]["step"], pulled["data"]["on"]) == ("enrolment", "2027-01-11")


def test_a_deleted_record_takes_its_items_and_its_group_with_it(backend: Backend) -> None:
    lead, second, third = (_record(backend) for _ in range(3))
    staff, agent = backend.client("staff_a"), backend.client("agent_a")
    secret = f"she lost her job {uuid.uuid4()}"
    noted = staff.results([op("en_step", lead, notes=secret), op("licence", third, notes=secret)])
    assert [r["status"] for r in noted] == ["applied"] * 2
    group = op("group", lead, name=f"Coopérative {secret}")
    gid = group["payload"]["id"]
    ops = [group] + [_membership(gid, r) for r in (lead, second, third)]
    assert [r["status"] for r in agent.results(ops)] == ["applied"] * 4
    cursor = max(c["change"] for c in agent.pull_all(0))
    # A member's record deleted: her membership (and her licence) go, the group stays.
    assert agent.results([delete_op(third, 1)])[0]["status"] == "applied"
    gone = _mine(backend, "agent_a", {lead, second, third}, cursor)
    assert {c["entity"] for c in gone.values()} == {"group_member", "licence"}
    assert all(c["deleted"] and c["data"] is None for c in gone.values())
    cursor = max(c["change"] for c in agent.pull_all(0))
    # The responsible member's record deleted: the group and every membership of it go.
    assert agent.results([delete_op(lead, 1)])[0]["status"] == "applied"
    gone = _mine(backend, "agent_a", {lead, second}, cursor)
    assert {(c["entity"], c["record_id"]) for c in gone.values()} == {
        ("en_step", lead), ("group", lead), ("group_member", lead), ("group_member", second)}
    assert all(c["deleted"] and c["data"] is None for c in gone.values())
    assert secret not in str(backend.client("admin").pull_all(0))
    late = agent.results([_membership(gid, lead)])[0]
    assert (late["status"], late["code"]) == ("rejected", "unknown_record")
