"""The attacks of the hardening issue (14), performed against a real server, each checked
as an auditor would: what the server stores and serves afterwards, not only the status."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.validation import validate
from jisr_server.schema import items
from tests.conftest import make_submission
from tests.server.conftest import (
    PROVINCE_A,
    PROVINCE_B,
    Backend,
    assessment_payload,
    delete_op,
    delivery_payload,
    upsert,
)
from tests.server.test_domain_rules import decision


def _record(backend: Backend, **answers: Any) -> str:
    create = upsert(**answers)
    assert backend.client("agent_a").results([create])[0]["status"] == "applied"
    return create["record_id"]


def _item_op(op: str, record_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "record_id": record_id, "op": op, "base_version": 1,
            "payload": payload}


def _pulled(backend: Backend, user: str, record_id: str) -> list[dict[str, Any]]:
    return [c for c in backend.client(user).pull_all(0) if c["record_id"] == record_id]


# --- 1. a committee decision is replaced only by a committee decision ------------------------


def test_a_field_agent_cannot_replace_a_committee_decision(backend: Backend) -> None:
    rid = _record(backend)
    refusal = decision(rid, outcome="refused", reason="the project already receives INDH aid")
    assert backend.client("supervisor_07").results([refusal])[0]["status"] == "applied"
    decision_id = refusal["payload"]["id"]
    agent = backend.client("agent_a")
    # The attack: the committee decision's id, as the agent's own confirmation.
    replace = decision(rid, kind="agent_confirmation", outcome="accepted", decided_on=None)
    replace["payload"]["id"] = decision_id
    result = agent.results([replace])[0]
    assert result["status"] == "rejected" and result["code"] == "kind_changed"
    # The same id as a committee decision: the agent may not decide.
    overrule = decision(rid, outcome="accepted")
    overrule["payload"]["id"] = decision_id
    assert agent.results([overrule])[0]["code"] == "forbidden_op"
    stored = [c for c in _pulled(backend, "supervisor_07", rid) if c["id"] == decision_id]
    assert len(stored) == 1
    assert stored[0]["data"]["kind"] == "committee"
    assert stored[0]["data"]["outcome"] == "refused"
    assert stored[0]["data"]["reason"] == "the project already receives INDH aid"


def test_items_are_held_to_their_schemas(backend: Backend) -> None:
    rid = _record(backend)
    supervisor = backend.client("supervisor_07")
    bad_category = decision(rid, kind="agent_confirmation", outcome=None, decided_on=None,
                            category=99)
    assert supervisor.results([bad_category])[0]["code"] == "invalid_decision"
    staff = backend.client("staff_a")
    bad = [
        _item_op("assessment", rid, assessment_payload(rid, answers="not an object")),
        _item_op("assessment", rid, assessment_payload(rid, recommended=[1, 2])),
        _item_op("delivery", rid, delivery_payload(rid, delivered_on="yesterday")),
        _item_op("delivery", rid, delivery_payload(rid, delivered_by="")),
        _item_op("delivery", rid, delivery_payload(str(uuid.uuid4()))),  # another record's
        _item_op("assessment", rid, assessment_payload(rid, id="not-a-uuid")),
    ]
    codes = [r["code"] for r in staff.results(bad)]
    assert codes == ["invalid_payload"] * 5 + ["invalid_id"]
    # Unknown keys are dropped, never stored nor sent to the province's devices.
    padded = decision(rid, smuggled="x" * 50_000)
    assert supervisor.results([padded])[0]["status"] == "applied"
    stored = [c for c in _pulled(backend, "agent_a", rid) if c["id"] == padded["payload"]["id"]]
    assert "smuggled" not in stored[0]["data"]
    assert stored[0]["data"]["outcome"] == "accepted"


# --- 2. a deletion erases what is attached to the record ------------------------------------


def test_a_deletion_erases_decisions_assessments_and_deliveries(backend: Backend) -> None:
    rid = _record(backend)
    reason = "her husband forbids the project"
    refusal = decision(rid, outcome="refused", reason=reason)
    assessment = _item_op("assessment", rid, assessment_payload(rid, answers={"needs": reason}))
    delivery = _item_op("delivery", rid, delivery_payload(rid, delivered_by="Centre Al Qods"))
    assert backend.client("supervisor_07").results([refusal])[0]["status"] == "applied"
    assert [r["status"] for r in backend.client("staff_a").results([assessment, delivery])] == [
        "applied", "applied"]
    before = backend.client("agent_a").get("/v1/sync/pull", params={"since": 0, "limit": 10000})
    assert reason in before.text
    assert backend.client("agent_a").results([delete_op(rid, 1)])[0]["status"] == "applied"

    for user in ("agent_a", "supervisor_07", "admin"):
        pulled = _pulled(backend, user, rid)
        assert sorted(c["entity"] for c in pulled) == [
            "assessment", "decision", "delivery", "record"]
        assert all(c["deleted"] for c in pulled)
        assert all(c.get("data") is None and c.get("answers") is None for c in pulled)
        page = backend.client(user).get("/v1/sync/pull", params={"since": 0, "limit": 10000})
        assert reason not in page.text and "Centre Al Qods" not in page.text
    # ... and not in the database either.
    engine = backend.engine()
    with engine.connect() as conn:
        rows = conn.execute(select(items.c.data, items.c.deleted).where(items.c.record_id == rid))
        assert {(r.data, r.deleted) for r in rows} == {("{}", True)}
    engine.dispose()
    # An item pushed to the deleted record is refused; the tombstones stay tombstones.
    late = decision(rid, outcome="accepted")
    assert backend.client("admin").results([late])[0]["code"] == "unknown_record"


# --- 7. what is stored is what validation produced ------------------------------------------


def test_the_server_stores_what_validation_produced(backend: Backend) -> None:
    sent = make_submission(
        cin="rw 123 456", phone="٠٦١٢٣٤٥٦٧٨", household_size="٦", age=99, padding="x" * 50_000
    )
    op = upsert(**{k: v for k, v in sent.items() if k not in PROVINCE_A})
    rid = op["record_id"]
    op["payload"]["answers"] = sent
    assert backend.client("agent_a").results([op])[0]["status"] == "applied"
    stored = backend.client("agent_a").get(f"/v1/records/{rid}").json()["answers"]
    form = from_definition(load_directory().form)
    assert stored == validate(form, sent, today=date.today()).answers
    assert stored["cin"] == "RW123456"
    assert stored["phone"] == "+212612345678"
    assert stored["household_size"] == 6
    assert stored["age"] != 99 and stored["age"] == validate(form, sent).answers["age"]
    assert "padding" not in stored
    pulled = _pulled(backend, "supervisor_07", rid)
    assert "x" * 100 not in json.dumps(pulled)
    # The same woman typed another way is the same content: a replay, not an edit.
    again = upsert(rid, 0, **{k: v for k, v in sent.items() if k not in PROVINCE_A})
    again["payload"]["answers"] = {**sent, "cin": "RW123456", "phone": "0612345678"}
    assert backend.client("agent_a").results([again])[0]["status"] == "duplicate"


# --- 8. a refused consent is kept, in its province ------------------------------------------


def test_a_refused_consent_is_accepted_with_its_province(backend: Backend) -> None:
    for user, place in (("agent_a", PROVINCE_A), ("supervisor_01", PROVINCE_B)):
        op = upsert(place=place, consent="no")
        result = backend.client(user).results([op])[0]
        assert result["status"] == "applied", result
        record = backend.client(user).get(f"/v1/records/{op['record_id']}").json()
        assert record["province"] == place["province"] and record["region"] == place["region"]
        # Law 09-08: nothing but the consent section is kept.
        assert set(record["answers"]) == {"consent", "consent_date", "consent_recorded_by"}
        assert record["answers"]["consent"] == "no"
        assert record["evaluation"] is None
    # Sent by a region's supervisor without any province: no province, refused per op.
    bare = upsert(place=PROVINCE_B, consent="no")
    del bare["payload"]["answers"]["province"]
    result = backend.client("supervisor_01").results([bare])[0]
    assert result["status"] == "rejected" and result["code"] == "invalid"
    # An agent's refusal without a province lands in her own province.
    mine = upsert(consent="no")
    del mine["payload"]["answers"]["province"]
    assert backend.client("agent_a").results([mine])[0]["status"] == "applied"
    record = backend.client("agent_a").get(f"/v1/records/{mine['record_id']}").json()
    assert record["province"] == PROVINCE_A["province"]


# --- 9. one bad op is refused alone ---------------------------------------------------------


def test_one_bad_op_is_rejected_alone(backend: Backend) -> None:
    good = upsert()
    long_id = {**upsert(), "record_id": str(uuid.uuid4()) + "x"}  # 37 characters
    shouting = {**upsert(), "op": "UPSERT"}
    false_version = {**upsert(), "base_version": False}
    text_version = {**upsert(), "base_version": "0"}
    negative = {**upsert(), "base_version": -1}
    number_id = {**upsert(), "record_id": 12}
    batch = [long_id, shouting, good, false_version, text_version, negative, number_id]
    response = backend.client("agent_a").push(batch)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 2 + ["applied"] + ["rejected"] * 4
    assert [r["code"] for r in results if r["status"] == "rejected"] == [
        "invalid_id", "invalid_op", "invalid_op", "invalid_op", "invalid_op", "invalid_id"]
    assert [r["op_id"] for r in results] == [op["op_id"] for op in batch]
    assert backend.client("agent_a").get(f"/v1/records/{good['record_id']}").status_code == 200
    # `false` is not 0: the record was not created from it.
    missing = backend.client("agent_a").get(f"/v1/records/{false_version['record_id']}")
    assert missing.status_code == 404


# --- 16. smaller ----------------------------------------------------------------------------


def test_a_reused_op_id_does_not_leak_the_other_record(backend: Backend) -> None:
    theirs = upsert(place=PROVINCE_B)
    assert backend.client("agent_b").results([theirs])[0]["status"] == "applied"
    mine = {**upsert(), "op_id": theirs["op_id"]}
    response = backend.client("agent_a").push([mine])
    result = response.json()["results"][0]
    assert result["status"] == "rejected" and result["code"] == "op_id_reused"
    assert theirs["record_id"] not in response.text
    assert result["record_id"] == mine["record_id"]
