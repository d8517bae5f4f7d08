"""The skills assessment (bilan de compétences) and the service card it recommends."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.programme.definitions import Definition, content_hash
from jisr_desktop.models.programme.form import assessment_form

from .conftest import TODAY

COMPETENCES = (
    "technical",
    "management",
    "marketing",
    "digital",
    "literacy_numeracy",
    "languages",
    "soft_skills",
)


def bilan(**overrides: Any) -> dict[str, Any]:
    """A woman with a structured idea who needs financing; levels typed as the UI sends them."""
    data: dict[str, Any] = {
        "request": "تريد فتح ورشة للخياطة",
        "needs": "training financing",
        "technical": "2",
        "management": "1",
        "marketing": "2",
        "digital": "0",
        "literacy_numeracy": "3",
        "languages": "1",
        "soft_skills": "2",
        "project_maturity": "idea_structured",
        "strengths": "خبرة في الخياطة",
        "obstacles": ["childcare"],
        "next_steps": "تكوين في التسيير",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def services_for(definitions):
    def run(**overrides: Any) -> list[str]:
        result = validate_assessment(definitions.assessment, bilan(**overrides), today=TODAY)
        assert result.ok, result.codes()
        recs = recommend(definitions.assessment, definitions.services, result.answers)
        return [r.service_id for r in recs]

    return run


def test_phases_become_sections_and_competences_level_questions(definitions):
    form = assessment_form(definitions.assessment)
    assert [s.name for s in form.sections] == ["preliminary", "investigation", "conclusions"]
    investigation = [f.name for f in form.section("investigation").fields]
    assert investigation[: len(COMPETENCES)] == list(COMPETENCES)
    digital = form.field("digital")
    assert digital.type == "select_one" and digital.required is True
    assert [c.value for c in digital.choices] == [0, 1, 2, 3]
    assert digital.label["ar"] and digital.choices[0].label["zgh"]


def test_levels_come_back_as_numbers_and_are_checked(definitions):
    ok = validate_assessment(definitions.assessment, bilan(), today=TODAY)
    assert ok.ok, ok.codes()
    assert ok.answers["digital"] == 0 and ok.answers["literacy_numeracy"] == 3
    assert ok.answers["needs"] == ["training", "financing"]
    bad = validate_assessment(definitions.assessment, bilan(digital="5", marketing=None))
    assert bad.codes() == {"marketing": ["required"], "digital": ["invalid_choice"]}


def test_the_service_card_of_the_reference_bilan(services_for):
    # pre_creation (idea_structured) → legal forms, project drafting; business_plan
    # (idea_structured) → business plan; management 1 ≤ 1 → management; digital 0 ≤ 1 →
    # digital; financing needed → finance access + support schemes. Not: marketing (2),
    # literacy (3, no literacy obstacle), incubation (not asked), accompaniment (not asked).
    # Listed in the catalogue's order: trainings, then accompaniment.
    assert services_for() == [
        "tr_legal_forms",
        "tr_project_drafting",
        "tr_support_schemes",
        "tr_management",
        "tr_digital",
        "tr_languages_distance",  # languages 1 ≤ 1: the distance platform (issue 12, 529)
        "acc_business_plan",
        "acc_finance_access",
    ]


def test_a_running_activity_asking_for_incubation(services_for):
    got = services_for(
        project_maturity="activity_running",
        needs=["incubation", "accompaniment"],
        management="3",
        digital="2",
        obstacles=["funding", "literacy"],
    )
    # literacy obstacle → literacy; funding obstacle → finance access, support schemes and,
    # with a running activity, Intilaka; incubation → domiciliation; accompaniment → individual.
    assert got == [
        "tr_support_schemes",
        "tr_literacy",
        "tr_languages_distance",  # languages 1 in the reference bilan (issue 12)
        "acc_individual",
        "acc_finance_access",
        "inc_domiciliation",
        "fin_intilaka",
    ]


def test_a_plan_drafted_with_financing_goes_to_forsa_and_moubadarat(services_for):
    got = services_for(project_maturity="plan_drafted", management="2", digital="2")
    assert "fin_forsa" in got and "fin_moubadarat" in got
    assert "fin_intilaka" not in got and "tr_legal_forms" not in got


def test_a_service_reached_twice_carries_both_reasons(definitions):
    data = copy.deepcopy(definitions.assessment.data)
    data["recommendations"].append(
        {
            "id": "weak_marketing",
            "when": "${marketing} <= 2",
            "services": ["tr_digital"],
            "reason": {"ar": "تسويق", "fr": "Commercialisation faible", "zgh": "Commercialisation"},
        }
    )
    custom = Definition(
        kind="assessment",
        id="jisr.assessment",
        version=2,
        content_hash=content_hash(data),
        data=data,
        source="inline",
    )
    answers = validate_assessment(custom, bilan(), today=TODAY).answers
    recs = {r.service_id: r for r in recommend(custom, definitions.services, answers)}
    digital = recs["tr_digital"]
    assert digital.rules == ("digital", "weak_marketing")
    assert [r["fr"] for r in digital.reasons][1] == "Commercialisation faible"
    assert digital.type == "training" and digital.label["fr"]
    assert len([s for s in recs if s == "tr_digital"]) == 1


def test_every_recommended_service_is_in_the_catalogue(definitions):
    catalogue = {s["id"] for s in definitions.services.data["services"]}
    named = {s for r in definitions.assessment.data["recommendations"] for s in r["services"]}
    assert named <= catalogue


def test_an_empty_bilan_recommends_nothing_and_is_incomplete(definitions):
    assert recommend(definitions.assessment, definitions.services, {}) == []
    result = validate_assessment(definitions.assessment, {}, today=TODAY)
    assert set(result.codes("error")) >= {"request", "needs", *COMPETENCES, "next_steps"}


def test_soft_skills_languages_and_technical_gaps_lead_to_training(services_for):
    # Issue 12: the competences the assessment measures all lead somewhere; soft skills and
    # languages to the programme's distance platforms (document, line 529).
    got = services_for(technical="0", soft_skills="1", languages="0")
    assert {"tr_technical", "tr_soft_skills_distance", "tr_languages_distance"} <= set(got)
    assert not {"tr_technical", "tr_soft_skills_distance", "tr_languages_distance"} & set(
        services_for(technical="2", soft_skills="3", languages="2"))
