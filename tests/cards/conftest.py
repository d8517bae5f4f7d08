"""Card data built the way the app builds it: a registration scored with the shipped
definitions, without a store (the CLI test uses a real one)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from ..conftest import TODAY, make_submission

RECORD_ID = "1a2b3c4d-5e6f-4789-8abc-def012345678"


def scored_record(definitions, **overrides):
    from jisr_desktop.models.programme.evaluation import evaluate_submission
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.workflows.enrolment import compact_evaluation

    evaluation = evaluate_submission(
        definitions, make_submission(**overrides), today=TODAY, reference=load_reference()
    )
    assert evaluation.validation.ok
    return SimpleNamespace(
        id=RECORD_ID, version=2, answers=dict(evaluation.validation.answers),
        evaluation=compact_evaluation(evaluation), category=evaluation.score.category,
        agent="Amina Agent",
    )


@pytest.fixture(scope="session")
def templates():
    from jisr_desktop.models.programme.definitions import load_card_templates

    return {k: d.data for k, d in load_card_templates().items()}


@pytest.fixture
def orientation_data(definitions):
    from jisr_desktop.cards.build import orientation_card
    from jisr_desktop.models.programme.reference import load_reference

    return orientation_card(
        scored_record(definitions), definitions.orientation.data, definitions.grid.data,
        load_reference(), issued_on=TODAY,
        centre={"ar": "مركز التعاون الوطني، مراكش", "fr": "Centre de l'Entraide Nationale"},
    )


ASSESSMENT = {
    "technical": 1, "management": 0, "marketing": 1, "digital": 0, "literacy_numeracy": 1,
    "languages": 1, "soft_skills": 2, "project_maturity": "idea_structured",
    "needs": ["training", "accompaniment", "incubation", "financing"],
}


@pytest.fixture
def service_data(definitions):
    from jisr_desktop.cards.build import service_card
    from jisr_desktop.models.programme.assessment import recommend, validate_assessment

    answers = validate_assessment(definitions.assessment, ASSESSMENT, today=TODAY).answers
    recommended = [r.service_id for r in recommend(definitions.assessment,
                                                   definitions.services, answers)]
    assert len(recommended) >= 8  # a full card: the layout must still fit A6
    return service_card(
        scored_record(definitions), definitions.services.data, recommended,
        deliveries=[{"service_id": recommended[0], "delivered_on": "2027-01-12",
                     "delivered_by": "Khadija"}],
        orientation=definitions.orientation.data, assessed_on=date(2026, 12, 15),
        issued_on=TODAY, centre="Incubateur social régional, Marrakech",
    )
