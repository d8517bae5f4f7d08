"""Decisions: the agent confirms or changes the proposal (a change needs a reason), the
committee's outcome is a supervisor's act; each write is audited and queued for sync."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.decisions import (
    AGENT_CONFIRMATION,
    COMMITTEE,
    DecisionRepository,
    ReasonRequired,
)
from jisr_desktop.models.store.schema import Decision, OutboxEntry
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import AGENT, TODAY, make_submission


@pytest.fixture
def record(repo, definitions):
    outcome = enrol(repo, definitions, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record


def _proposal(record):
    orientation = record.evaluation["orientation"]
    return {
        "category": record.category,
        "path": orientation["path"],
        "destination": orientation["destination"],
    }


def _outbox(store, op):
    with store.session() as s:
        return list(s.scalars(select(OutboxEntry).where(OutboxEntry.op == op)))


def test_confirming_the_proposal_needs_no_reason(store, repo, record):
    decisions = DecisionRepository(store)
    info = decisions.confirm(record.id, **_proposal(record))
    assert (info.kind, info.category, info.reason, info.agent) == (
        AGENT_CONFIRMATION, 1, None, AGENT)
    assert decisions.latest(record.id, AGENT_CONFIRMATION) == info
    assert decisions.latest(record.id, COMMITTEE) is None
    assert repo.audit_trail(record.id)[0].action == "decision.confirm"
    [entry] = _outbox(store, "decision")
    assert entry.base_version == record.version
    assert json.loads(entry.payload)["id"] == info.id


def test_a_change_without_a_reason_is_refused_and_saves_nothing(store, repo, record):
    decisions = DecisionRepository(store)
    changed = {**_proposal(record), "category": 2, "path": "employability"}
    audit_before = len(repo.audit_trail())
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            decisions.confirm(record.id, **changed, reason=reason)
    assert decisions.history(record.id) == []
    assert _outbox(store, "decision") == []
    assert len(repo.audit_trail()) == audit_before

    info = decisions.confirm(record.id, **changed, reason="  Prefers a training centre  ")
    assert (info.category, info.path, info.reason) == (
        2, "employability", "Prefers a training centre")
    audit = repo.audit_trail(record.id)[0]
    assert audit.action == "decision.change"
    assert audit.changes["category"] == [1, 2]
    # The reason stays in the decision row, not in the audit's changes.
    assert "Prefers" not in json.dumps(audit.changes)


def test_the_committee_decision_is_for_supervisors(store, store_dir, record):
    store.add_agent("Khadija", "field-pass-1", "field_agent", "07.351")
    field_store = Store.open(store_dir, "Khadija", "field-pass-1")
    try:
        with pytest.raises(PermissionError):
            DecisionRepository(field_store).committee_decide(
                record.id, outcome="accepted", decided_on="2026-11-23")
    finally:
        field_store.close()
    decisions = DecisionRepository(store)  # the admin who created the store
    assert decisions.history(record.id) == []
    with pytest.raises(ReasonRequired):
        decisions.committee_decide(record.id, outcome="refused", decided_on="2026-11-23")
    with pytest.raises(ReasonRequired):
        decisions.committee_decide(record.id, outcome="waiting_list", decided_on="2026-11-23")
    with pytest.raises(ValueError):
        decisions.committee_decide(record.id, outcome="maybe", decided_on="2026-11-23")
    with pytest.raises(ValueError):
        decisions.committee_decide(record.id, outcome="accepted", decided_on="23/11/2026")
    first = decisions.committee_decide(
        record.id, outcome="waiting_list", decided_on="2026-11-23", reason="Quota reached")
    second = decisions.committee_decide(record.id, outcome="accepted", decided_on="2026-12-01")
    assert decisions.latest(record.id, COMMITTEE) == second
    assert [d.outcome for d in decisions.history(record.id)] == ["waiting_list", "accepted"]
    assert first.decided_on == "2026-11-23"
    assert len(_outbox(store, "decision")) == 2
    assert decisions.latest_for([record.id, "nope"], COMMITTEE) == {record.id: second}


def test_unknown_or_deleted_records_are_refused(store, repo, record):
    decisions = DecisionRepository(store)
    with pytest.raises(LookupError):
        decisions.confirm("no-such-id", category=1, path=None, destination=None)
    repo.delete(record.id)
    with pytest.raises(LookupError):
        decisions.committee_decide(record.id, outcome="accepted", decided_on="2026-11-23")
    with store.session() as s:
        assert s.scalars(select(Decision)).all() == []


def test_accepting_a_woman_not_eligible_needs_the_override_and_its_reason(repo, definitions,
                                                                          store):
    from jisr_desktop.models.store.decisions import OverrideRequired

    young = enrol(repo, definitions,
                  make_submission(cin="AB1005", phone=None, date_of_birth="2015-01-01"),
                  today=TODAY, allow_duplicate=True).record
    assert young.evaluation["eligible"] is False  # under 18
    decisions = DecisionRepository(store)
    for override, reason in ((False, None), (False, "Cas social"), (True, None)):
        with pytest.raises(OverrideRequired):
            decisions.committee_decide(young.id, outcome="accepted", decided_on="2026-11-30",
                                       reason=reason, override=override)
    assert decisions.history(young.id) == []  # nothing recorded by the refused attempts
    info = decisions.committee_decide(young.id, outcome="accepted", decided_on="2026-11-30",
                                      reason="Cas social", override=True)
    assert info.outcome == "accepted" and info.reason == "Cas social"
    # Refusing her needs no override; an eligible woman is accepted without one.
    decisions.committee_decide(young.id, outcome="refused", decided_on="2026-11-30",
                               reason="Trop jeune")
