"""A device is not sent back its own changes (`exclude_own=true`), yet learns of what the
server did to them (pairs, merges); a push result carries the server's own evaluation."""

from __future__ import annotations

import uuid
from typing import Any

from tests.server.conftest import PROVINCE_A, Backend, upsert, woman
from tests.server.test_domain_rules import decision


def _changes(client, since: int, **params: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["entity"], c["id"]): c for c in client.pull_all(since, **params)}


def test_a_device_pulls_the_changes_of_others_and_not_its_own(backend: Backend) -> None:
    mine = backend.client("agent_a", "own-tablet")
    other = backend.client("agent_a", "own-other-tablet")
    mine_op = upsert()
    [result] = mine.results([mine_op])
    rid = mine_op["record_id"]
    since = result["change"] - 1
    note = decision(rid, kind="agent_confirmation", category=1, outcome=None)
    assert mine.results([note])[0]["status"] == "applied"
    theirs_op = upsert()
    assert other.results([theirs_op])[0]["status"] == "applied"

    own_left_out = _changes(mine, since, exclude_own="true")
    assert ("record", rid) not in own_left_out
    assert ("decision", note["payload"]["id"]) not in own_left_out
    assert ("record", theirs_op["record_id"]) in own_left_out
    # Without the parameter (a full pull after a start-over) everything comes.
    everything = _changes(mine, since)
    assert ("record", rid) in everything and ("decision", note["payload"]["id"]) in everything
    # The other device, with the parameter, gets this one's changes and not its own.
    seen_by_other = _changes(other, since, exclude_own="true")
    assert ("record", rid) in seen_by_other
    assert ("record", theirs_op["record_id"]) not in seen_by_other
    # An edit of my record by the other device comes to me.
    edit = upsert(rid, 1, household_size=3)
    assert other.results([edit])[0]["status"] == "applied"
    assert _changes(mine, since, exclude_own="true")[("record", rid)]["version"] == 2


def test_a_pair_flagged_by_my_own_push_and_its_merge_still_reach_me(backend: Backend) -> None:
    one = backend.client("agent_a", "own-pair-1")
    two = backend.client("agent_a", "own-pair-2")
    her = {**woman(str(uuid.uuid4())), "first_name_lat": "Tuda", "date_of_birth": "1990-05-06"}
    x_op = upsert(place=PROVINCE_A, **her)
    [first] = one.results([x_op])
    since = first["change"] - 1
    y_op = upsert(place=PROVINCE_A, **her)
    assert two.results([y_op])[0]["status"] == "applied"  # this push flags the pair
    x, y = x_op["record_id"], y_op["record_id"]
    held = _changes(two, since, exclude_own="true")
    pairs = {c["record_id"] for (entity, _), c in held.items() if entity == "pair"}
    assert pairs == {x, y}
    assert ("record", y) not in held  # its own record, still left out

    supervisor = backend.client("supervisor_07", "own-pair-supervisor")
    (pair,) = [p for p in supervisor.get("/v1/pairs").json()["pairs"]
               if {r["record_id"] for r in p["records"]} == {x, y}]
    assert supervisor.post(f"/v1/pairs/{pair['pair_id']}/merge",
                           json={"keep": x}).status_code == 200
    after = _changes(two, since, exclude_own="true")
    # The merge is the server's doing: the device whose record became a tombstone hears of
    # it, though its own push wrote that record.
    assert after[("record", y)]["deleted"]
    assert after[("record", y)]["data"] == {"merged_into": x}


def test_a_push_result_carries_the_servers_evaluation(backend: Backend) -> None:
    client = backend.client("agent_a", "own-eval")
    op = upsert(household_size=7)
    [result] = client.results([op])
    assert result["status"] == "applied"
    evaluation = result["evaluation"]
    assert set(evaluation) == {"total", "category", "eligible", "path"}
    stored = _changes(client, result["change"] - 1)[("record", op["record_id"])]["evaluation"]
    assert evaluation["total"] == stored["total"]
    assert evaluation["category"] == stored["category"]
    assert evaluation["eligible"] == stored["eligible"]
    assert evaluation["path"] == (stored.get("orientation") or {}).get("path")
    # Sent again after a lost reply: the duplicate's stored result keeps it.
    [again] = client.results([op])
    assert again["status"] == "duplicate" and again["stored"]["evaluation"] == evaluation
    # A deletion has no evaluation.
    [gone] = client.results([{**op, "op_id": str(uuid.uuid4()), "op": "delete",
                              "base_version": 1, "payload": None}])
    assert gone["status"] == "applied" and gone.get("evaluation") is None
