"""Skills assessments in the store: saved, corrected, the latest read back, services
marked as delivered; each write audited and queued for sync."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from jisr_desktop.models.store.assessments import AssessmentRecord, AssessmentRepository
from jisr_desktop.models.store.schema import OutboxEntry
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import AGENT, TODAY, make_submission


@pytest.fixture
def record(repo, definitions):
    return enrol(repo, definitions, make_submission(), today=TODAY).record


def test_save_update_and_latest(store, repo, definitions, record):
    assessments = AssessmentRepository(store)
    assert assessments.latest(record.id) is None
    first = assessments.save(record.id, {"technical": 1, "needs": ["training"]},
                             ["tr_management", "tr_management", "acc_individual"],
                             definition=definitions.assessment)
    assert isinstance(first, AssessmentRecord)
    assert first.recommended == ["tr_management", "acc_individual"]
    assert (first.def_id, first.def_version, first.agent) == (
        "jisr.assessment", definitions.assessment.version, AGENT)
    assert first.deliveries == []
    corrected = assessments.save(record.id, {"technical": 2}, ["tr_digital"],
                                 definition=definitions.assessment, assessment_id=first.id)
    assert corrected.id == first.id and corrected.created_at == first.created_at
    assert assessments.latest(record.id).answers == {"technical": 2}
    assert assessments.latest(record.id).recommended == ["tr_digital"]
    actions = [a.action for a in repo.audit_trail(record.id)][:2]
    assert actions == ["assessment.update", "assessment.create"]
    with store.session() as s:
        ops = [o for o in s.scalars(select(OutboxEntry).where(OutboxEntry.op == "assessment"))]
        assert [json.loads(o.payload)["recommended"] for o in ops] == [
            ["tr_management", "acc_individual"], ["tr_digital"]]
    with pytest.raises(LookupError):
        assessments.save("no-such-record", {}, [], definition=definitions.assessment)
    with pytest.raises(LookupError):
        assessments.save(record.id, {}, [], definition=definitions.assessment,
                         assessment_id="no-such-assessment")


def test_services_marked_delivered(store, repo, definitions, record):
    assessments = AssessmentRepository(store)
    saved = assessments.save(record.id, {}, ["tr_management", "acc_individual"],
                             definition=definitions.assessment)
    assessments.mark_delivered(saved.id, "acc_individual", delivered_on="2026-11-25",
                               delivered_by="Incubateur Marrakech")
    assessments.mark_delivered(saved.id, "tr_management", delivered_on="2026-11-26",
                               delivered_by="Zahra")
    # Marked again: the later marking corrects the first, in the same place.
    assessments.mark_delivered(saved.id, "acc_individual", delivered_on="2026-11-27",
                               delivered_by="Incubateur Marrakech")
    assert assessments.latest(record.id).deliveries == [
        {"service_id": "acc_individual", "delivered_on": "2026-11-27",
         "delivered_by": "Incubateur Marrakech"},
        {"service_id": "tr_management", "delivered_on": "2026-11-26", "delivered_by": "Zahra"},
    ]
    assert repo.audit_trail(record.id)[0].action == "delivery"
    with store.session() as s:
        assert len(s.scalars(select(OutboxEntry).where(OutboxEntry.op == "delivery")).all()) == 3
    with pytest.raises(ValueError):
        assessments.mark_delivered(saved.id, "fin_forsa", delivered_on="2026-11-27",
                                   delivered_by="X")
    with pytest.raises(ValueError):
        assessments.mark_delivered(saved.id, "tr_management", delivered_on="2026-11-27",
                                   delivered_by="  ")
    with pytest.raises(LookupError):
        assessments.mark_delivered("nope", "tr_management", delivered_on="2026-11-27",
                                   delivered_by="X")
