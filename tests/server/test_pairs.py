"""The same woman registered twice on two devices: the server flags one pair, both devices
learn of it on their next pull, and a supervisor merges or dismisses it; afterwards both
devices agree on what they hold."""

from __future__ import annotations

import uuid
from typing import Any

from tests.server.conftest import PROVINCE_A, PROVINCE_A2, Backend, Client, upsert, woman
from tests.server.test_domain_rules import decision


def _woman(**extra: Any) -> dict[str, Any]:
    """One woman, with a CIN and names no other test uses."""
    return {**woman(str(uuid.uuid4())), "first_name_lat": "Itto", "first_name_ar": "إيطو",
            "date_of_birth": "1991-07-02", **extra}


def _register(client: Client, place: dict[str, str], **answers: Any) -> tuple[str, int]:
    op = upsert(place=place, **answers)
    result = client.results([op])[0]
    assert result["status"] == "applied", (result.get("code"), result.get("errors"))
    return op["record_id"], result["change"]


def _device_view(client: Client, since: int) -> dict[tuple[str, str], dict[str, Any]]:
    """What a device holds after applying its pulls: the newest doc of each entity."""
    held: dict[tuple[str, str], dict[str, Any]] = {}
    for doc in client.pull_all(since):
        held[(doc["entity"], doc["id"])] = doc
    return held


def _pair_docs(view: dict, records: set[str]) -> list[dict[str, Any]]:
    return [d["data"] for (entity, _), d in view.items()
            if entity == "pair" and d["record_id"] in records]


def _pairs_of(client: Client, record_id: str, status: str = "open") -> list[dict[str, Any]]:
    response = client.get("/v1/pairs", params={"status": status})
    assert response.status_code == 200, response.text
    return [p for p in response.json()["pairs"]
            if record_id in {s["record_id"] for s in p["records"]}]


def test_two_devices_registering_one_cin_get_one_flagged_pair(backend: Backend) -> None:
    one = backend.client("agent_a", "pairs-tablet-1")
    two = backend.client("agent_a", "pairs-tablet-2")
    woman = _woman()
    x, since = _register(one, PROVINCE_A, **woman)
    # The second agent typed the CIN her own way and the names in another spelling.
    y, _ = _register(two, PROVINCE_A, **{**woman, "cin": woman["cin"].lower()[:2] + " "
                                       + woman["cin"][2:], "last_name_lat": "Zed"})
    # Edits and a replay of either copy flag nothing more.
    assert one.results([upsert(x, 1, place=PROVINCE_A, household_size=4, **woman)])[0][
        "status"] == "applied"
    supervisor = backend.client("supervisor_07")
    pairs = _pairs_of(supervisor, x)
    assert len(pairs) == 1
    assert pairs[0]["reasons"][0] == "same_cin"
    assert {s["record_id"] for s in pairs[0]["records"]} == {x, y}
    assert pairs[0]["records"][0]["summary"]["first_name_lat"] == "Itto"
    for device in (one, two):
        docs = _pair_docs(_device_view(device, since - 1), {x, y})
        assert sorted(d["record_id"] for d in docs) == sorted([x, y])
        assert {d["status"] for d in docs} == {"open"}
        assert {d["other_record_id"] for d in docs} == {x, y}


def test_same_name_and_birth_date_is_flagged_and_a_phone_alone_is_not(backend: Backend) -> None:
    agent = backend.client("agent_a", "pairs-names")
    woman = _woman()
    x, _ = _register(agent, PROVINCE_A, **woman)
    # A mistyped CIN on the second copy, the Arabic name written without the hamza.
    y, _ = _register(agent, PROVINCE_A, **{**woman, "cin": _woman()["cin"],
                                           "first_name_ar": "ايطو"})
    other = _woman(date_of_birth="1979-01-01", phone=woman.get("phone", "0612345678"))
    z, _ = _register(agent, PROVINCE_A, **{**other, "first_name_lat": "Yamna"})
    supervisor = backend.client("supervisor_07")
    found = _pairs_of(supervisor, y)
    assert [p["reasons"] for p in found] == [["similar_name_same_dob"]]
    assert {s["record_id"] for s in found[0]["records"]} == {x, y}
    assert _pairs_of(supervisor, z) == []


def test_merge_moves_decisions_and_both_devices_agree(backend: Backend) -> None:
    one = backend.client("agent_a", "merge-tablet-1")
    two = backend.client("agent_a", "merge-tablet-2")
    woman = _woman()
    x, since = _register(one, PROVINCE_A, **woman)
    y, _ = _register(two, PROVINCE_A, **woman)
    confirmation = decision(y, kind="agent_confirmation", category=1, outcome=None)
    assert two.results([confirmation])[0]["status"] == "applied"
    supervisor = backend.client("supervisor_07")
    (pair,) = _pairs_of(supervisor, x)
    # A field agent may not settle it; nor a supervisor of another region.
    assert one.post(f"/v1/pairs/{pair['pair_id']}/merge", json={"keep": x}).status_code == 403
    elsewhere = backend.client("supervisor_01").post(
        f"/v1/pairs/{pair['pair_id']}/merge", json={"keep": x})
    assert elsewhere.status_code == 404
    merged = supervisor.post(f"/v1/pairs/{pair['pair_id']}/merge", json={"keep": x})
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged" and merged.json()["kept"] == x
    again = supervisor.post(f"/v1/pairs/{pair['pair_id']}/dismiss")
    assert again.status_code == 409 and again.json()["code"] == "already_settled"
    views = [_device_view(device, since - 1) for device in (one, two)]
    assert views[0] == views[1]
    held = views[0]
    assert held[("record", y)]["deleted"] and held[("record", y)]["data"] == {"merged_into": x}
    assert held[("record", y)]["answers"] is None  # a tombstone keeps no personal data
    assert not held[("record", x)]["deleted"]
    moved = held[("decision", confirmation["payload"]["id"])]
    assert moved["record_id"] == x
    assert {d["status"] for d in _pair_docs(held, {x, y})} == {"merged"}
    assert _pairs_of(supervisor, x) == []
    # A device still editing the merged copy is told, not silently applied.
    late = two.results([upsert(y, 1, place=PROVINCE_A, household_size=2, **woman)])[0]
    assert late["status"] == "conflict" and late["server"]["deleted"]


def test_dismissal_across_provinces_reaches_both_devices(backend: Backend) -> None:
    one = backend.client("agent_a", "dismiss-tablet")
    two = backend.client("agent_a2", "dismiss-tablet-2")
    woman = _woman()
    x, since = _register(one, PROVINCE_A, **woman)
    y, _ = _register(two, {**PROVINCE_A2}, **woman)
    supervisor = backend.client("supervisor_07")
    (pair,) = _pairs_of(supervisor, x)
    for device, mine in ((one, x), (two, y)):
        (doc,) = _pair_docs(_device_view(device, since - 1), {x, y})
        # Each device sees the flag on its own record, not the id held in another province.
        assert doc["record_id"] == mine and doc["other_record_id"] is None
        assert doc["other_elsewhere"] and doc["status"] == "open"
    dismissed = supervisor.post(f"/v1/pairs/{pair['pair_id']}/dismiss")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    states = [
        [d["status"] for d in _pair_docs(_device_view(device, since - 1), {x, y})]
        for device in (one, two)
    ]
    assert states == [["dismissed"], ["dismissed"]]
    # Two different women: editing either copy never raises the flag again.
    assert two.results([upsert(y, 1, place=PROVINCE_A2, household_size=3, **woman)])[0][
        "status"] == "applied"
    assert _pairs_of(supervisor, x) == []
    assert len(_pairs_of(supervisor, x, "dismissed")) == 1


def test_pairs_are_found_in_a_crowd_of_shared_birth_dates_and_within_one_batch(
        backend: Backend) -> None:
    """Among many women born on the same few days, each record is compared with those of
    its own CIN or birth date: the real pairs are flagged, a CIN with a mistyped birth
    date and two copies in one batch included, and no one else."""
    agent = backend.client("agent_a", "pairs-crowd")
    days = ("1990-03-01", "1990-03-02", "1990-03-03")
    crowd = [{**woman(str(uuid.uuid4())), "date_of_birth": days[i % 3]} for i in range(120)]
    ops = [upsert(place=PROVINCE_A, **w) for w in crowd]
    assert {r["status"] for r in agent.results(ops)} == {"applied"}
    by_cin = {**crowd[5], "date_of_birth": "1990-04-01", "last_name_lat": "Other"}
    twin = {**woman(str(uuid.uuid4())), "date_of_birth": days[0]}
    batch = [upsert(place=PROVINCE_A, **by_cin), upsert(place=PROVINCE_A, **twin),
             upsert(place=PROVINCE_A, **{**twin, "cin": woman(str(uuid.uuid4()))["cin"]}),
             *(upsert(place=PROVINCE_A, **{**woman(str(uuid.uuid4())), "date_of_birth": d})
               for d in days * 20)]
    assert {r["status"] for r in agent.results(batch)} == {"applied"}
    supervisor = backend.client("supervisor_07")
    mine = {op["record_id"] for op in ops + batch}
    response = supervisor.get("/v1/pairs", params={"status": "open"})
    assert response.status_code == 200, response.text
    found = sorted(
        (sorted(s["record_id"] for s in p["records"]), p["reasons"])
        for p in response.json()["pairs"] if {s["record_id"] for s in p["records"]} <= mine)
    assert found == sorted([
        (sorted([ops[5]["record_id"], batch[0]["record_id"]]), ["same_cin"]),
        (sorted([batch[1]["record_id"], batch[2]["record_id"]]), ["similar_name_same_dob"]),
    ])
