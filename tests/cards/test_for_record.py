"""Cards of saved records, read through the repositories (what the CLI and the app share)."""

from __future__ import annotations

import pytest

from jisr_desktop.cards.data import pick
from jisr_desktop.cards.for_record import (
    NoCard,
    card_for_record,
    orientation_cards,
    province_cards,
    with_decision,
)
from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository
from jisr_desktop.models.workflows.enrolment import enrol

from ..conftest import TODAY, make_submission
from .conftest import ASSESSMENT


@pytest.fixture
def record_id(repo, definitions):
    outcome = enrol(repo, definitions, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def test_orientation_card_of_a_record_by_id_or_prefix(repo, definitions, record_id):
    data = card_for_record(repo, definitions, record_id[:8], "orientation", issued_on=TODAY)
    assert data.record_id == record_id and data.kind == "orientation"
    assert data.card_no == f"O-{record_id[:8].upper()}-1"
    assert pick(data.values["name"], "fr") == "Fatima-Zahra BENNANI"
    assert data.agent == repo.store.agent and data.issued_on == TODAY


def test_the_card_prints_the_agents_change_not_the_grids_proposal(repo, definitions, record_id):
    proposed = card_for_record(repo, definitions, record_id, "orientation")
    record = repo.get(record_id)
    other = next(p for p in definitions.orientation.data["paths"]
                 if p != record.evaluation["orientation"]["path"])
    DecisionRepository(repo.store).confirm(
        record_id, category=record.category, path=other,
        destination=record.evaluation["orientation"]["destination"],
        reason="Elle a déjà une coopérative",
    )
    changed = card_for_record(repo, definitions, record_id, "orientation")
    label = definitions.orientation.data["paths"][other]["label"]
    assert changed.values["path"] == label != proposed.values["path"]
    # The batch reads the decisions in force too.
    (batch,) = orientation_cards(repo, definitions, [record_id])
    assert batch.values["path"] == label
    (province,) = province_cards(repo, definitions, "07.351")
    assert province.values["path"] == label


def test_with_decision_leaves_the_stored_record_alone(repo, definitions, record_id):
    record = repo.get(record_id)
    decision = DecisionRepository(repo.store).confirm(
        record_id, category=2, path="employability", destination=None, reason="Choix de la femme",
    )
    printed = with_decision(record, decision)
    assert printed.category == 2 and printed.evaluation["orientation"]["path"] == "employability"
    assert record.evaluation["orientation"]["path"] != "employability" or record.category != 2
    assert DecisionRepository(repo.store).latest(record_id, AGENT_CONFIRMATION) == decision


def test_no_card_says_why(repo, definitions, record_id):
    with pytest.raises(NoCard) as missing:
        card_for_record(repo, definitions, "ffffffff", "orientation")
    assert missing.value.code == "not_found"
    with pytest.raises(NoCard) as missing:
        card_for_record(repo, definitions, record_id, "service")
    assert missing.value.code == "no_assessment"
    refused = enrol(repo, definitions, make_submission(consent="no", cin="AB998877"), today=TODAY)
    if refused.saved:
        with pytest.raises(NoCard) as missing:
            card_for_record(repo, definitions, refused.record.id, "orientation")
        assert missing.value.code == "no_orientation"


def test_service_card_after_an_assessment(repo, definitions, record_id):
    answers = validate_assessment(definitions.assessment, ASSESSMENT, today=TODAY).answers
    recommended = [r.service_id for r in recommend(definitions.assessment,
                                                   definitions.services, answers)]
    AssessmentRepository(repo.store).save(record_id, answers, recommended,
                                          definition=definitions.assessment)
    data = card_for_record(repo, definitions, record_id, "service")
    assert data.kind == "service" and [s.service_id for s in data.services] == [
        s["id"] for s in definitions.services.data["services"] if s["id"] in recommended
    ]


def test_province_cards_are_that_provinces_only(repo, definitions, record_id):
    from jisr_desktop.models.workflows.enrolment import enrol
    from tests.conftest import TODAY, make_submission

    # Another woman in Safi (region Marrakech-Safi): never on Marrakech's sheets.
    outcome = enrol(repo, definitions, make_submission(
        cin="JB765432", phone="0661112233", province="07.431", commune="07.431.01.03"),
        today=TODAY)
    assert outcome.saved, outcome.evaluation.validation.errors
    assert [c.record_id for c in province_cards(repo, definitions, "07.351")] == [record_id]
    assert [c.record_id for c in province_cards(repo, definitions, "07.431")] == [
        outcome.record.id
    ]
