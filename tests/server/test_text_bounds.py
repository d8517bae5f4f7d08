"""The server refuses what the desktop refuses: it validates with the same text rules
(issue 14, point 11)."""

from __future__ import annotations

from tests.server.conftest import Backend, upsert


def test_a_megabyte_cin_and_control_characters_are_rejected_by_the_server(
    backend: Backend,
) -> None:
    client = backend.client("agent_a")
    ops = [
        upsert(cin="EE" + "1" * 1_000_000),
        upsert(cin="EE12\x1b3456"),
        upsert(project_description="tissage\x00"),
        upsert(first_name_lat="-"),
    ]
    results = client.results(ops)
    assert [r["status"] for r in results] == ["rejected"] * 4
    for op in ops:
        assert client.get(f"/v1/records/{op['record_id']}").status_code == 404
