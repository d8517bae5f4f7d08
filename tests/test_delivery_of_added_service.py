"""A service the incubator's staff added by hand can be marked delivered (it could not:
only the assessment's recommendations could); one taken off the card cannot."""

from __future__ import annotations

import pytest

from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.service_edits import ServiceEdits
from jisr_desktop.models.workflows.enrolment import enrol

from .cards.conftest import ASSESSMENT
from .conftest import TODAY, make_submission


def test_an_added_service_is_delivered_and_a_removed_one_is_refused(repo, definitions):
    woman = enrol(repo, definitions, make_submission(), today=TODAY).record.id
    answers = validate_assessment(definitions.assessment, ASSESSMENT, today=TODAY).answers
    recommended = [r.service_id for r in recommend(definitions.assessment,
                                                   definitions.services, answers)]
    assessments = AssessmentRepository(repo.store)
    saved = assessments.save(woman, answers, recommended, definition=definitions.assessment)
    edits = ServiceEdits(repo.store)
    edits.edit(woman, saved.id, definitions.services, action="add",
               service_id="fin_jisr_disability", reason="Handicap moteur")
    edits.edit(woman, saved.id, definitions.services, action="remove",
               service_id=recommended[0], reason="Déjà suivie ailleurs")
    assessments.mark_delivered(saved.id, "fin_jisr_disability", delivered_on=TODAY,
                               delivered_by="Khadija")
    with pytest.raises(ValueError):
        assessments.mark_delivered(saved.id, recommended[0], delivered_on=TODAY,
                                   delivered_by="Khadija")
    latest = assessments.latest(woman)
    assert [d["service_id"] for d in latest.deliveries] == ["fin_jisr_disability"]
    assert "fin_jisr_disability" in latest.on_card and recommended[0] not in latest.on_card
