"""The programme's later items over the real server (issue 12): referrals, service card
edits, incubations and follow-up visits are checked against their schema and the role
table, served to the province, kept to their kind, and erased with their record."""

from __future__ import annotations

import uuid
from typing import Any

from jisr_desktop.sync.protocol import PROGRAMME_KEYS, PROGRAMME_OPS
from tests.server.conftest import PROVINCE_B, Backend, delete_op, upsert

AT = "2026-12-01T10:00:00+00:00"


def payload(kind: str, record_id: str, /, **data: Any) -> dict[str, Any]:
    """An item as the desktop's repositories send it (`asdict` of their Info)."""
    common = {"id": str(uuid.uuid4()), "record_id": record_id, "agent": "staff", "at": AT}
    by_kind: dict[str, dict[str, Any]] = {
        "referral": {"kind": "orientation", "place_id": "inc.07", "places_version": 1,
                     "appointment": "2026-12-10T09:30", "contact": "Mme Alaoui",
                     "path": None, "reason": None},
        "service_edit": {"assessment_id": str(uuid.uuid4()), "action": "add",
                         "service_id": "training", "scheduled_on": None,
                         "reason": "asked for it"},
        "incubation": {"selected_on": "2026-11-20", "funding_amount": 50000,
                       "funding_source": "indh", "funded_on": "2026-11-25",
                       "contract_start": "2026-12-01", "contract_end": "2027-12-01",
                       "logistics": "a desk", "committee": "provincial committee"},
        "follow_up": {"visited_on": "2026-12-02", "visitor": "Khadija", "topic": "visit",
                      "notes": "the workshop is open", "next_step": "fair",
                      "next_on": "2027-01-10"},
        # The three later paths (tests/server/test_programme_paths_items.py).
        "en_step": {"step": "enrolment", "programme_id": None,
                    "place_id": "en_centre_07_351_daoudiate", "places_version": 2,
                    "on": "2027-01-04", "result": None, "outcome": None, "notes": None,
                    "catalogue_version": 1},
        "licence": {"licence_id": "onssa_health_certificate", "name": None,
                    "status": "needed", "on": "2027-01-05", "notes": None,
                    "catalogue_version": 1},
        "group": {"kind": "cooperative", "name": "Coopérative Tifawin",
                  "legal_id": "RC-2026-118"},
        "group_member": {"group_id": str(uuid.uuid4()), "consent_on": "2026-11-19",
                         "joined_at": AT, "left_at": None, "left_reason": None},
    }
    return {**common, **by_kind[kind], **data}


def op(kind: str, record_id: str, /, base_version: int = 1, **data: Any) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "record_id": record_id, "op": kind,
            "base_version": base_version, "payload": payload(kind, record_id, **data)}


def _record(backend: Backend, place: dict[str, str] | None = None,
            agent: str = "agent_a") -> str:
    create = upsert(place=place)
    assert backend.client(agent).results([create])[0]["status"] == "applied"
    return create["record_id"]


def test_the_payloads_sent_have_the_keys_the_schemas_check() -> None:
    for kind in PROGRAMME_OPS:
        assert set(payload(kind, str(uuid.uuid4()))) == set(PROGRAMME_KEYS[kind])


def test_incubator_staff_record_them_and_the_province_pulls_them(backend: Backend) -> None:
    rid = _record(backend)
    staff = backend.client("staff_a")
    ops = [op("incubation", rid), op("follow_up", rid), op("service_edit", rid),
           op("referral", rid, kind="path_review", place_id=None, places_version=None,
              appointment=None, contact=None, path="incubator", reason="after the interview")]
    assert [r["status"] for r in staff.results(ops)] == ["applied"] * 4
    orientation = op("referral", rid)  # the agent's orientation to a named place
    assert backend.client("agent_a").results([orientation])[0]["status"] == "applied"
    pulled = {c["id"]: c for c in backend.client("agent_a").pull_all(0)
              if c["record_id"] == rid and c["entity"] in PROGRAMME_OPS}
    assert {pulled[o["payload"]["id"]]["entity"] for o in ops} == {
        "incubation", "follow_up", "service_edit", "referral"}
    incubation = pulled[ops[0]["payload"]["id"]]
    assert incubation["data"] == ops[0]["payload"] and incubation["province"] == "07.351"
    # Sent again: the same item, not a second one.
    replay = {**ops[0], "op_id": str(uuid.uuid4())}
    assert staff.results([replay])[0]["status"] == "duplicate"
    # Another province does not see them.
    elsewhere = backend.client("agent_b").pull_all(0)
    assert not [c for c in elsewhere if c["record_id"] == rid]


def test_a_field_agent_cannot_push_an_incubation_or_a_follow_up(backend: Backend) -> None:
    rid = _record(backend)
    agent = backend.client("agent_a")
    refused = agent.results([op("incubation", rid), op("follow_up", rid),
                             op("service_edit", rid),
                             op("referral", rid, kind="path_review", path="x", reason="y")])
    assert [(r["status"], r["code"]) for r in refused] == [("rejected", "forbidden_op")] * 4
    # Nor may staff of another province write on this record.
    staff_a = backend.client("staff_a")
    other = _record(backend, PROVINCE_B, "agent_b")
    unknown = staff_a.results([op("incubation", other)])[0]
    assert (unknown["status"], unknown["code"]) == ("rejected", "unknown_record")
    assert not [c for c in backend.client("admin").pull_all(0)
                if c["record_id"] in (rid, other) and c["entity"] in PROGRAMME_OPS]


def test_unknown_keys_and_wrong_types_are_rejected_per_op(backend: Backend) -> None:
    rid = _record(backend)
    staff = backend.client("staff_a")
    cases = [
        (op("incubation", rid, extra="50 kB of anything"), "extra", "unknown_key"),
        (op("incubation", rid, funding_amount="50000"), "funding_amount", "wrong_type"),
        (op("incubation", rid, funding_amount=True), "funding_amount", "wrong_type"),
        (op("incubation", rid, funding_source="bank"), "funding_source", "wrong_type"),
        (op("incubation", rid, contract_start="2026-11-01"), "contract_start",
         "before_selection"),
        (op("follow_up", rid, topic="party"), "topic", "wrong_type"),
        (op("follow_up", rid, visited_on=None), "visited_on", "required"),
        (op("follow_up", rid, next_on="2026-01-01"), "next_on", "before_visit"),
        (op("service_edit", rid, assessment_id="a1"), "assessment_id", "wrong_type"),
        (op("referral", rid, appointment="tomorrow"), "appointment", "wrong_type"),
    ]
    ok = op("follow_up", rid)
    results = staff.results([c[0] for c in cases] + [ok])
    for (_, field, code), result in zip(cases, results, strict=False):
        assert (result["status"], result["code"]) == ("rejected", "invalid_payload"), result
        assert {"field": field, "code": code} in result["errors"], result
    assert results[-1]["status"] == "applied"  # the rest of the batch goes through
    no_reason = staff.results([op("service_edit", rid, reason=" ")])[0]
    assert (no_reason["status"], no_reason["code"]) == ("rejected", "reason_required")


def test_an_orientation_is_never_replaced_by_a_path_review(backend: Backend) -> None:
    rid = _record(backend)
    orientation = op("referral", rid)
    assert backend.client("agent_a").results([orientation])[0]["status"] == "applied"
    review = op("referral", rid, kind="path_review", path="training", reason="better fit")
    review["payload"]["id"] = orientation["payload"]["id"]
    refused = backend.client("staff_a").results([review])[0]
    assert (refused["status"], refused["code"]) == ("rejected", "kind_changed")
    pulled = [c for c in backend.client("agent_a").pull_all(0)
              if c["id"] == orientation["payload"]["id"]]
    assert [c["data"]["kind"] for c in pulled] == ["orientation"]


def test_deleting_the_record_erases_them_from_later_pulls(backend: Backend) -> None:
    rid = _record(backend)
    staff = backend.client("staff_a")
    secret = f"her husband is ill {uuid.uuid4()}"
    ops = [op("incubation", rid, logistics=secret), op("follow_up", rid, notes=secret)]
    assert [r["status"] for r in staff.results(ops)] == ["applied"] * 2
    agent = backend.client("agent_a")
    cursor = max(c["change"] for c in agent.pull_all(0))
    gone = agent.results([delete_op(rid, 1)])[0]
    assert gone["status"] == "applied"
    after = [c for c in agent.pull_all(cursor) if c["record_id"] == rid]
    tombstones = {c["id"]: c for c in after if c["entity"] in PROGRAMME_OPS}
    assert set(tombstones) == {o["payload"]["id"] for o in ops}
    assert all(c["deleted"] and c["data"] is None for c in tombstones.values())
    # A full pull serves no note, contact or funding of hers any more.
    everything = str(backend.client("admin").pull_all(0))
    assert secret not in everything
    # And an item pushed afterwards for the deleted record is refused.
    late = staff.results([op("incubation", rid, base_version=2)])[0]
    assert (late["status"], late["code"]) == ("rejected", "unknown_record")
