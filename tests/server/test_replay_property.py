"""Property: however a batch is delivered (split, duplicated, reordered, replayed after a
lost reply), once the client has re-sent every op not yet acknowledged, the server holds
exactly what one clean delivery gives."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import Backend, Client, delete_op, upsert, woman

SIZES = (2, 3, 4)  # a small set, so that edits back to an earlier content happen


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[int, str, Any]]:
    """Per record: a create, some edits, maybe a delete; interleaved across records with
    each record's order kept (the desktop's outbox order)."""
    chains = []
    for _ in range(draw(st.integers(1, 3))):
        edits = draw(st.lists(st.sampled_from(SIZES), min_size=1, max_size=4))
        steps: list[tuple[str, Any]] = [("upsert", size) for size in edits]
        if draw(st.booleans()):
            steps.append(("delete", None))
        chains.append(steps)
    order = draw(st.permutations([i for i, c in enumerate(chains) for _ in c]))
    cursor = [0] * len(chains)
    batch = []
    for record in order:
        kind, value = chains[record][cursor[record]]
        cursor[record] += 1
        batch.append((record, kind, value))
    return batch


def build(history: list[tuple[int, str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Outbox rows for a history, on fresh record ids."""
    ids = [str(uuid.uuid4()) for _ in range(1 + max(r for r, _, _ in history))]
    versions = [0] * len(ids)
    ops = []
    for record, kind, value in history:
        rid = ids[record]
        if kind == "upsert":
            # One woman per record index: both builds of a history hold the same answers.
            ops.append(upsert(rid, versions[record], household_size=value,
                              **woman(f"replay-{record}")))
        else:
            ops.append(delete_op(rid, versions[record]))
        versions[record] += 1
    return ops, ids


def state(client: Client, ids: list[str]) -> list[tuple[int, bool, Any]]:
    out = []
    for rid in ids:
        doc = client.get(f"/v1/records/{rid}").json()
        out.append((doc["version"], doc["deleted"], doc["answers"]))
    return out


deliveries = st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=8), max_size=4)


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(history=histories(), plan=deliveries)
def test_any_replay_converges_to_one_delivery(
    backend: Backend, history: list[tuple[int, str, Any]], plan: list[list[int]]
) -> None:
    client = backend.client("agent_a", "property")
    reference_ops, reference_ids = build(history)
    once = client.results(reference_ops)
    assert {r["status"] for r in once} == {"applied"}, once

    ops, ids = build(history)
    acked: set[str] = set()
    for delivery in plan:  # messy deliveries: any subset, any order, repeats
        sub = [ops[i % len(ops)] for i in delivery]
        for result in client.results(sub):
            if result["status"] in ("applied", "duplicate"):
                acked.add(result["op_id"])
    for _ in range(len(ops) + 1):  # then the client drains its outbox in order
        pending = [op for op in ops if op["op_id"] not in acked]
        if not pending:
            break
        for result in client.results(pending):
            if result["status"] in ("applied", "duplicate"):
                acked.add(result["op_id"])
    assert len(acked) == len(ops)
    assert client.results(ops) and all(r["status"] == "duplicate" for r in client.results(ops))
    assert state(client, ids) == state(client, reference_ids)
