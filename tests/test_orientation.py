"""The orientation card under the shipped rules (version 1), and the whole evaluation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jisr_desktop.models.programme.evaluation import evaluate_submission
from jisr_desktop.models.programme.orientation import orient
from jisr_desktop.models.programme.reference import load_reference

from .conftest import TODAY, make_submission


@pytest.fixture(scope="module")
def reference():
    return load_reference()


def card(definitions, category: int | None = 1, **overrides: Any):
    return orient(definitions.orientation, make_submission(**overrides), category)


def test_the_reference_case_end_to_end(definitions, reference):
    # 45 vulnerability + 15 readiness = 60, category 1 (see test_scoring); sector handicraft
    # with legal_status none → cooperative; stage idea → incubating association.
    evaluation = evaluate_submission(
        definitions, make_submission(), today=TODAY, reference=reference
    )
    assert evaluation.validation.ok
    assert evaluation.score.total == 60 and evaluation.score.category == 1
    o = evaluation.orientation
    assert (o.path, o.destination) == ("entrepreneurship_cooperative", "incubating_association")
    assert o.path_rule == "cooperative_sector"
    assert o.version["id"] == "jisr.orientation"
    assert o.version["hash"] == definitions.orientation.content_hash
    for lang in ("ar", "fr", "zgh"):
        assert o.path_label[lang] and o.destination_reason[lang]


@pytest.mark.parametrize(
    ("overrides", "path", "rule"),
    [
        # Her legal status comes before the sector: a cooperative member in digital stays
        # in a cooperative, an auto-entrepreneur in handicraft goes on as a company.
        (
            {"legal_status": "cooperative", "project_sector": "digital"},
            "entrepreneurship_cooperative",
            "member_of_cooperative",
        ),
        (
            {"legal_status": "auto_entrepreneur"},
            "entrepreneurship_company",
            "entrepreneur_or_company",
        ),
        (
            {"legal_status": "company", "project_sector": "agrifood"},
            "entrepreneurship_company",
            "entrepreneur_or_company",
        ),
        ({"project_sector": "agriculture"}, "entrepreneurship_cooperative", "cooperative_sector"),
        ({"project_sector": "textile"}, "entrepreneurship_cooperative", "cooperative_sector"),
        ({"project_sector": "services"}, "entrepreneurship_company", "other_entrepreneurship"),
        (
            {"legal_status": "other", "project_sector": "tourism"},
            "entrepreneurship_company",
            "other_entrepreneurship",
        ),
    ],
)
def test_category_1_paths(definitions, overrides, path, rule):
    o = card(definitions, 1, **overrides)
    assert (o.path, o.path_rule) == (path, rule)


@pytest.mark.parametrize(
    ("stage", "destination"),
    [
        ("idea", "incubating_association"),
        ("underway", "regional_incubator"),
        ("existing", "regional_incubator"),
    ],
)
def test_category_1_destinations_follow_the_project_stage(definitions, stage, destination):
    assert card(definitions, 1, project_stage=stage).destination == destination


def test_category_2_goes_to_an_en_vocational_training_centre(definitions):
    o = card(definitions, 2, project_stage="existing", legal_status="cooperative")
    assert o.path == "employability"
    assert o.destination == "en_vocational_training_centre"
    assert "Entraide" in o.destination_label["fr"]


def test_no_category_no_orientation(definitions):
    o = card(definitions, None)
    assert o.path is None and o.destination is None
    assert o.path_label is None and o.destination_reason is None
    assert o.to_dict("ar")["path"] is None


def test_an_under_18_is_scored_but_not_oriented(definitions, reference):
    evaluation = evaluate_submission(
        definitions,
        make_submission(date_of_birth="2010-01-01"),
        today=TODAY,
        reference=reference,
    )
    assert evaluation.validation.ok
    assert not evaluation.score.eligible
    assert evaluation.orientation.path is None


def test_an_invalid_registration_is_neither_scored_nor_oriented(definitions, reference):
    evaluation = evaluate_submission(
        definitions, make_submission(household_size="many"), today=TODAY, reference=reference
    )
    assert evaluation.score is None and evaluation.orientation is None
    data = evaluation.to_dict("fr")
    assert data["ok"] is False
    assert data["errors"] == [
        {
            "field": "household_size",
            "code": "not_integer",
            "message": "Veuillez saisir un nombre entier.",
        }
    ]


def test_to_dict_renders_one_language_or_keeps_all(definitions, reference):
    evaluation = evaluate_submission(
        definitions, make_submission(), today=TODAY, reference=reference
    )
    fr = evaluation.to_dict("fr")
    json.dumps(fr, ensure_ascii=False)
    assert (
        fr["orientation"]["path_label"]
        == definitions.orientation.data["paths"]["entrepreneurship_cooperative"]["label"]["fr"]
    )
    assert fr["score"]["total"] == 60
    all_langs = evaluation.to_dict()
    json.dumps(all_langs, ensure_ascii=False)
    assert set(all_langs["orientation"]["path_label"]) == {"ar", "fr", "zgh"}
