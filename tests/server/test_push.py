"""Push: applied, duplicate (replayed op, lost reply, identical content), conflict,
rejected; gzip bodies; attached items; the reply echoes the batch id."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.server.conftest import FORM, PROVINCE_A, Backend, delete_op, upsert


def test_create_update_delete_in_one_batch(backend: Backend) -> None:
    client = backend.client("agent_a")
    create = upsert()
    rid = create["record_id"]
    update = upsert(rid, 1, household_size=7)
    remove = delete_op(rid, 2)
    response = client.push([create, update, remove], batch_id="batch-42")
    assert response.status_code == 200
    body = response.json()
    assert body["batch_id"] == "batch-42"
    results = body["results"]
    assert [r["status"] for r in results] == ["applied"] * 3
    assert [r["version"] for r in results] == [1, 2, 3]
    changes = [r["change"] for r in results]
    assert changes == sorted(changes) and len(set(changes)) == 3
    assert [r["op_id"] for r in results] == [create["op_id"], update["op_id"], remove["op_id"]]


def test_replayed_op_is_a_duplicate_with_the_stored_result(backend: Backend) -> None:
    client = backend.client("agent_a")
    op = upsert()
    first = client.results([op])[0]
    assert first["status"] == "applied"
    # The reply was lost: the client sends the same batch again.
    again = client.results([op])[0]
    assert again["status"] == "duplicate"
    assert again["version"] == first["version"] and again["change"] == first["change"]
    assert again["stored"]["status"] == "applied"
    record = client.get(f"/v1/records/{op['record_id']}").json()
    assert record["version"] == 1  # applied once


def test_same_op_twice_in_one_batch_applies_once(backend: Backend) -> None:
    client = backend.client("agent_a")
    op = upsert()
    results = client.results([op, op])
    assert [r["status"] for r in results] == ["applied", "duplicate"]


def test_identical_content_under_a_new_op_id_is_a_duplicate(backend: Backend) -> None:
    client = backend.client("agent_a")
    op = upsert()
    first = client.results([op])[0]
    copy = {**op, "op_id": str(uuid.uuid4())}
    again = client.results([copy])[0]
    assert again["status"] == "duplicate"
    assert again["version"] == first["version"] == 1


def test_stale_base_version_is_a_conflict_with_the_server_copy(backend: Backend) -> None:
    laptop = backend.client("agent_a", "laptop-1")
    other = backend.client("agent_a", "laptop-2")
    create = upsert()
    rid = create["record_id"]
    laptop.results([create])
    assert other.results([upsert(rid, 1, household_size=3)])[0]["status"] == "applied"
    result = laptop.results([upsert(rid, 1, household_size=9)])[0]
    assert result["status"] == "conflict"
    assert result["version"] == 2
    server = result["server"]
    assert server["id"] == rid and server["version"] == 2
    assert server["answers"]["household_size"] == 3
    assert server["form"] == FORM


def test_update_of_a_record_the_server_lacks_is_a_conflict(backend: Backend) -> None:
    result = backend.client("agent_a").results([upsert(base_version=4)])[0]
    assert result["status"] == "conflict"
    assert result["server"] is None and result["version"] == 0


def test_unknown_definition_version_is_rejected(backend: Backend) -> None:
    op = upsert(form={"id": "jisr.registration", "version": 99})
    result = backend.client("agent_a").results([op])[0]
    assert result["status"] == "rejected"
    assert result["code"] == "unknown_definition_version"
    assert "99" in result["reason"]


def test_invalid_data_is_rejected_with_the_fields(backend: Backend) -> None:
    client = backend.client("agent_a")
    op = upsert(cin=None, household_size="many")
    result = client.results([op])[0]
    assert result["status"] == "rejected"
    assert result["code"] == "invalid"
    fields = {e["field"] for e in result["errors"]}
    assert {"cin", "household_size"} <= fields
    assert client.get(f"/v1/records/{op['record_id']}").status_code == 404


def test_malformed_payloads_are_rejected_per_op(backend: Backend) -> None:
    client = backend.client("agent_a")
    good = upsert()
    bad = [
        {**upsert(), "payload": "not json"},
        {**upsert(), "payload": {"answers": {}}},
        {**upsert(), "payload": None},
    ]
    results = client.results([*bad, good])
    assert [r["status"] for r in results] == ["rejected"] * 3 + ["applied"]
    assert {r["code"] for r in results[:3]} == {"invalid_payload"}


def test_payload_may_be_the_outbox_json_text(backend: Backend) -> None:
    op = upsert()
    op["payload"] = json.dumps(op["payload"], ensure_ascii=False)
    assert backend.client("agent_a").results([op])[0]["status"] == "applied"


def test_gzip_body_is_accepted(backend: Backend) -> None:
    client = backend.client("agent_a")
    ops = [upsert() for _ in range(50)]
    results = client.results(ops, compress=True)
    assert {r["status"] for r in results} == {"applied"}


def test_a_batch_of_200_applies(backend: Backend) -> None:
    ops = [upsert() for _ in range(200)]
    results = backend.client("agent_a").results(ops, compress=True)
    assert [r["status"] for r in results] == ["applied"] * 200


def test_attached_items_ride_the_record(backend: Backend) -> None:
    agent = backend.client("agent_a")
    staff = backend.client("staff_a")
    create = upsert()
    rid = create["record_id"]
    decision = {
        "op_id": str(uuid.uuid4()),
        "record_id": rid,
        "op": "decision",
        "base_version": 1,
        "payload": {"id": str(uuid.uuid4()), "kind": "agent_confirmation", "category": 1},
    }
    early = agent.results([decision])[0]  # before its record: refused, judged again later
    assert early["status"] == "rejected" and early["code"] == "unknown_record"
    results = agent.results([create, decision])
    assert [r["status"] for r in results] == ["applied", "applied"]
    assessment = {
        "op_id": str(uuid.uuid4()),
        "record_id": rid,
        "op": "assessment",
        "base_version": 1,
        "payload": {"id": str(uuid.uuid4()), "record_id": rid, "answers": {"a": 1}},
    }
    assert staff.results([assessment])[0]["status"] == "applied"
    # Incubator staff may not touch registrations.
    refused = staff.results([upsert(rid, 1, place=PROVINCE_A)])[0]
    assert refused["status"] == "rejected" and refused["code"] == "forbidden_op"
    since = results[0]["change"] - 1
    pulled = [c for c in agent.pull_all(since) if c["record_id"] == rid]
    assert [c["entity"] for c in pulled] == ["record", "decision", "assessment"]
    assert pulled[1]["data"]["kind"] == "agent_confirmation"


def test_wrong_shapes_are_422(backend: Backend) -> None:
    client = backend.client("agent_a")
    response = client.post("/v1/sync/push", json={"ops": [{"op": "explode"}]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request" and body["errors"]


def test_a_compact_reply_leaves_the_ids_out_and_names_the_ops_it_answers(
        backend: Backend) -> None:
    """On a 2G link the two ids echoed per op were most of a reply's bytes: asked for
    `compact`, the results come in the ops' order without them, under a digest of the op
    ids; a conflict still carries the server's copy."""
    from jisr_desktop.sync.protocol import OPS_DIGEST, PushReply, ops_digest

    client = backend.client("agent_a")
    create = upsert()
    stale = upsert(create["record_id"], 0, household_size=3)  # base 0 again: a conflict
    ops = [create, stale, upsert()]
    body = json.dumps({"batch_id": "b-compact", "ops": ops, "compact": True}).encode()
    response = client.post("/v1/sync/push", data=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data[OPS_DIGEST] == ops_digest([op["op_id"] for op in ops])
    assert all("op_id" not in r and "record_id" not in r for r in data["results"])
    assert [r["status"] for r in data["results"]] == ["applied", "conflict", "applied"]
    assert data["results"][1]["server"]["id"] == create["record_id"]
    assert all(None not in r.values() for r in data["results"])  # no nulls sent
    reply = PushReply.from_json(data, [(op["op_id"], op["record_id"]) for op in ops])
    assert [r.op_id for r in reply.results] == [op["op_id"] for op in ops]
    assert [r.record_id for r in reply.results] == [op["record_id"] for op in ops]
    # Read as the answer to other ops (another batch, the same ops in another order), it
    # is refused.
    for other in (ops[::-1], ops[:2]):
        with pytest.raises(ValueError):
            PushReply.from_json(data, [(op["op_id"], op["record_id"]) for op in other])
    # Without the flag, the reply is the full one.
    full = client.results([upsert()])
    assert "op_id" in full[0] and "record_id" in full[0]
