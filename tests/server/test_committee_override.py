"""The committee's override over the real server (issue 12): accepting a woman the grid
found not eligible needs `override: true` and a reason, a change of her category or path
needs its reason, judged by the desktop's own `check_decision` against the server's own
evaluation of the record (the device's round trip: tests/sync/test_programme_sync.py)."""

from __future__ import annotations

from tests.server.conftest import Backend, upsert
from tests.server.test_domain_rules import decision

UNDER_18 = "2015-01-01"  # the grid's eligibility: at least 18


def _record(backend: Backend, **answers) -> str:
    create = upsert(**answers)
    assert backend.client("agent_a").results([create])[0]["status"] == "applied"
    return create["record_id"]


def _pulled_decision(backend: Backend, item_id: str) -> dict:
    found = [c for c in backend.client("agent_a").pull_all(0) if c["id"] == item_id]
    assert len(found) == 1
    return found[0]["data"]


def test_a_not_eligible_woman_is_accepted_only_with_the_override_and_a_reason(
        backend: Backend) -> None:
    young = _record(backend, date_of_birth=UNDER_18)
    supervisor = backend.client("supervisor_07")
    refused = supervisor.results([
        decision(young),
        decision(young, reason="Cas social"),
        decision(young, override=True),
        decision(young, override=False, reason="Cas social"),
    ])
    assert [(r["status"], r["code"]) for r in refused] == [
        ("rejected", "override_required")] * 4
    assert all("override" in r["reason"] for r in refused)
    accepted = decision(young, override=True, reason="Cas social")
    assert supervisor.results([accepted])[0]["status"] == "applied"
    stored = _pulled_decision(backend, accepted["payload"]["id"])
    assert stored["override"] is True and stored["reason"] == "Cas social"
    # Refusing her needs no override; an eligible woman is accepted without one.
    assert supervisor.results([decision(young, outcome="refused", reason="Trop jeune")])[0][
        "status"] == "applied"
    assert supervisor.results([decision(_record(backend))])[0]["status"] == "applied"


def test_a_change_of_category_or_path_needs_its_reason(backend: Backend) -> None:
    rid = _record(backend)
    supervisor = backend.client("supervisor_07")
    refused = supervisor.results([decision(rid, category=2), decision(rid, path="training"),
                                  decision(rid, category=1, reason="  ")])
    assert [(r["status"], r["code"]) for r in refused] == [("rejected", "reason_required")] * 3
    changed = decision(rid, category=2, path="training", reason="no project idea yet")
    assert supervisor.results([changed])[0]["status"] == "applied"
    stored = _pulled_decision(backend, changed["payload"]["id"])
    assert (stored["category"], stored["path"], stored["reason"]) == (
        2, "training", "no project idea yet")


def test_an_override_that_is_not_a_boolean_is_invalid(backend: Backend) -> None:
    young = _record(backend, date_of_birth=UNDER_18)
    results = backend.client("supervisor_07").results([
        decision(young, override="yes", reason="Cas social"),
        decision(young, override=1, reason="Cas social")])
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "invalid_decision")] * 2
