"""Incubator staff edit the service card made from the assessment: a service added by hand
appears on the reprinted card, a removed one is gone, a scheduled one shows its day; every
service of the catalogue can reach a card (the two finance referrals no rule proposes)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from jisr_desktop.cards import render_card
from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.programme.definitions import load_card_templates
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.decisions import ReasonRequired
from jisr_desktop.models.store.service_edits import ServiceEdits, UnknownService
from jisr_desktop.models.workflows.enrolment import enrol

from ..conftest import TODAY, make_submission
from .conftest import ASSESSMENT

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


@pytest.fixture
def assessed(repo, definitions):
    record_id = enrol(repo, definitions, make_submission(), today=TODAY).record.id
    answers = validate_assessment(definitions.assessment, ASSESSMENT, today=TODAY).answers
    recommended = [r.service_id for r in recommend(definitions.assessment,
                                                   definitions.services, answers)]
    saved = AssessmentRepository(repo.store).save(record_id, answers, recommended,
                                                  definition=definitions.assessment)
    return record_id, saved


def _text(data, tmp_path) -> str:
    out = tmp_path / "service.pdf"
    render_card(load_card_templates()["service"].data, data, out, "fr")
    return subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_a_service_added_by_hand_appears_on_the_reprinted_card(
    repo, definitions, assessed, tmp_path
):
    record_id, assessment = assessed
    edits = ServiceEdits(repo.store)
    before = card_for_record(repo, definitions, record_id, "service")
    assert "fin_jisr_disability" not in [s.service_id for s in before.services]
    with pytest.raises(ReasonRequired):
        edits.edit(record_id, assessment.id, definitions.services, action="add",
                   service_id="fin_jisr_disability")
    with pytest.raises(UnknownService):
        edits.edit(record_id, assessment.id, definitions.services, action="add",
                   service_id="fin_nowhere", reason="x")
    edits.edit(record_id, assessment.id, definitions.services, action="add",
               service_id="fin_jisr_disability", reason="Handicap moteur, dossier Jisr")
    edits.edit(record_id, assessment.id, definitions.services, action="remove",
               service_id="tr_digital", reason="Déjà formée au numérique")
    edits.edit(record_id, assessment.id, definitions.services, action="schedule",
               service_id="tr_management", scheduled_on="2027-01-15")
    after = card_for_record(repo, definitions, record_id, "service")
    ids = [s.service_id for s in after.services]
    assert "fin_jisr_disability" in ids and "tr_digital" not in ids
    assert after.card_no != before.card_no  # a new edition of the card
    text = _text(after, tmp_path)
    assert "Programme Jisr, du handicap" in text
    assert "prévu le 15/01/2027" in text
    assert [e.action for e in edits.history(record_id, assessment.id)] == [
        "add", "remove", "schedule"]


def test_every_service_of_the_catalogue_can_reach_a_card(repo, definitions, assessed):
    record_id, assessment = assessed
    edits = ServiceEdits(repo.store)
    for service in definitions.services.data["services"]:
        edits.edit(record_id, assessment.id, definitions.services, action="add",
                   service_id=service["id"], reason="Décidé à l'entretien")
    card = card_for_record(repo, definitions, record_id, "service")
    assert {s.service_id for s in card.services} == {
        s["id"] for s in definitions.services.data["services"]}


def test_a_field_agent_may_not_edit_a_service_card(store, repo, definitions, assessed):
    from jisr_desktop.models.store.database import Store

    record_id, assessment = assessed
    store.add_agent("Salma", "salma-passphrase-1", "field_agent", "07.351")
    with Store.open(store.folder, "Salma", "salma-passphrase-1") as other, \
            pytest.raises(PermissionError):
        ServiceEdits(other).edit(record_id, assessment.id, definitions.services,
                                 action="add", service_id="tr_marketing", reason="x")
