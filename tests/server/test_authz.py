"""Every refusal: out-of-scope writes and reads, role limits, existence not leaked."""

from __future__ import annotations

import uuid

from tests.server.conftest import PROVINCE_A, PROVINCE_B, Backend, delete_op, upsert, woman


def test_agent_cannot_write_another_province(backend: Backend) -> None:
    result = backend.client("agent_a").results([upsert(place=PROVINCE_B)])[0]
    assert result["status"] == "rejected"
    assert result["code"] == "out_of_scope"


def test_agent_cannot_touch_a_record_of_another_province(backend: Backend) -> None:
    op = upsert(place=PROVINCE_B)
    backend.client("agent_b").results([op])
    rid = op["record_id"]
    agent_a = backend.client("agent_a")
    # Moving it into her province, or deleting it: answered as if it did not exist.
    move = agent_a.results([upsert(rid, 1, place=PROVINCE_A)])[0]
    assert move["status"] == "conflict" and move["server"] is None
    gone = agent_a.results([delete_op(rid, 1)])[0]
    assert gone["status"] == "conflict" and gone["server"] is None
    assert backend.client("agent_b").get(f"/v1/records/{rid}").json()["version"] == 1


def test_agent_cannot_move_her_record_out_of_scope(backend: Backend) -> None:
    agent_a = backend.client("agent_a")
    op = upsert()
    agent_a.results([op])
    moved = agent_a.results([upsert(op["record_id"], 1, place=PROVINCE_B)])[0]
    assert moved["status"] == "rejected" and moved["code"] == "out_of_scope"


def test_reading_a_record_outside_scope_is_404_like_a_missing_one(backend: Backend) -> None:
    op = upsert(place=PROVINCE_B)
    backend.client("agent_b").results([op])
    rid = op["record_id"]
    hidden = backend.client("agent_a").get(f"/v1/records/{rid}")
    missing = backend.client("agent_a").get("/v1/records/00000000-0000-4000-8000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert backend.client("supervisor_01").get(f"/v1/records/{rid}").status_code == 200
    assert backend.client("supervisor_07").get(f"/v1/records/{rid}").status_code == 404
    assert backend.client("admin").get(f"/v1/records/{rid}").status_code == 200


def test_pulling_another_province_is_403(backend: Backend) -> None:
    response = backend.client("agent_a").get("/v1/sync/pull", params={"province": "01.511"})
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    other_region = backend.client("supervisor_07").get(
        "/v1/sync/pull", params={"province": "01.511"}
    )
    assert other_region.status_code == 403


def test_roles_limit_operations(backend: Backend) -> None:
    # The one role table (roles.py): a supervisor enrols (the desktop lets her, so the
    # server must take her records) but does not delete; incubator staff do neither.
    supervisor = backend.client("supervisor_07")
    create = upsert()
    assert supervisor.results([create])[0]["status"] == "applied"
    result = supervisor.results([delete_op(create["record_id"], 1)])[0]
    assert result["status"] == "rejected" and result["code"] == "forbidden_op"
    staff = backend.client("staff_a")
    result = staff.results([upsert()])[0]
    assert result["status"] == "rejected" and result["code"] == "forbidden_op"


def test_audit_is_for_supervisors_and_admins(backend: Backend) -> None:
    response = backend.client("agent_a").get("/v1/audit")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_role"


def test_a_supervisor_cannot_settle_a_pair_outside_her_region(backend: Backend) -> None:
    # One woman registered twice in Marrakech (region 07): Tanger's supervisor (region 01)
    # can neither see the pair nor merge or dismiss it; the pair stays open.
    same = woman(str(uuid.uuid4()))
    ops = [upsert(**same), upsert(**same)]
    assert {r["status"] for r in backend.client("agent_a").results(ops)} == {"applied"}
    ours = backend.client("supervisor_07").get("/v1/pairs", params={"limit": 1000}).json()["pairs"]
    (pair,) = [p for p in ours if {s["record_id"] for s in p["records"]}
               == {op["record_id"] for op in ops}]
    outsider = backend.client("supervisor_01")
    assert pair["pair_id"] not in outsider.get("/v1/pairs").text
    merge = outsider.post(f"/v1/pairs/{pair['pair_id']}/merge",
                          json={"keep": ops[0]["record_id"]})
    dismiss = outsider.post(f"/v1/pairs/{pair['pair_id']}/dismiss")
    assert merge.status_code == dismiss.status_code == 404
    after = backend.client("supervisor_07").get("/v1/pairs", params={"limit": 1000}).json()["pairs"]
    assert [p["status"] for p in after if p["pair_id"] == pair["pair_id"]] == ["open"]
