"""Every change leaves an audit row: who, which device, when, what."""

from __future__ import annotations

from tests.server.conftest import Backend, delete_op, upsert


def test_every_change_is_audited(backend: Backend) -> None:
    agent = backend.client("agent_a", "audit-tablet")
    create = upsert()
    rid = create["record_id"]
    agent.results([create, upsert(rid, 1, household_size=2, phone="0661234567"), delete_op(rid, 2)])
    agent.results([create])  # a replay adds nothing
    entries = (
        backend.client("supervisor_07")
        .get("/v1/audit", params={"record_id": rid})
        .json()["entries"]
    )
    entries.sort(key=lambda e: e["id"])
    assert [e["action"] for e in entries] == ["create", "update", "delete"]
    assert {e["username"] for e in entries} == {"agent_a"}
    assert {e["device_id"] for e in entries} == {"audit-tablet"}
    assert [e["version"] for e in entries] == [1, 2, 3]
    assert all(e["at"] and e["change_no"] for e in entries)
    # What changed, by field name only: the values stay out of the audit trail.
    assert entries[1]["details"] == {"fields": ["household_size", "phone"]}
    assert "0661234567" not in str(entries)
    # Out of region: nothing.
    other = backend.client("supervisor_01").get("/v1/audit", params={"record_id": rid})
    assert other.json()["entries"] == []
