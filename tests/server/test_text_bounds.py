"""The server refuses what the desktop refuses: it validates with the same text rules and
the bounds the form definition carries (issue 14, point 11)."""

from __future__ import annotations

import json

from tests.server.conftest import FORM, REPO, Backend, upsert


def test_a_megabyte_cin_and_control_characters_are_rejected_by_the_server(
    backend: Backend,
) -> None:
    client = backend.client("agent_a")
    ops = [
        upsert(cin="EE" + "1" * 1_000_000),
        upsert(cin="EE12\x1b3456"),
        upsert(project_description="tissage\x00"),
        upsert(first_name_lat="-"),
        upsert(first_name_lat="Fatima\x00"),
        upsert(first_name_ar="ـــ"),
    ]
    results = client.results(ops)
    assert [r["status"] for r in results] == ["rejected"] * len(ops)
    assert [r["code"] for r in results] == ["invalid"] * len(ops)
    assert [{(e["field"], e["code"]) for e in r["errors"]} for r in results] == [
        {("cin", "too_long")},
        {("cin", "control_character")},
        {("project_description", "control_character")},
        {("first_name_lat", "no_letter")},
        {("first_name_lat", "control_character")},
        {("first_name_ar", "no_letter")},
    ]
    for op in ops:
        assert client.get(f"/v1/records/{op['record_id']}").status_code == 404


def test_the_server_holds_the_bounds_the_published_form_carries(backend: Backend) -> None:
    form = json.loads((REPO / "resources/definitions/registration.json").read_text("utf-8"))
    cin_bounds = next(
        f for s in form["sections"] for f in s["fields"] if f["name"] == "cin"
    )
    assert form["version"] == FORM["version"] and cin_bounds["max_length"] == 12
    client = backend.client("agent_a")
    at_bound, over = upsert(cin="AB1234567890"), upsert(cin="AB12345678901")
    results = client.results([at_bound, over])
    assert results[0]["status"] == "applied", results[0]
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "invalid")
    assert results[1]["errors"] == [{"field": "cin", "code": "cin_invalid"}]
