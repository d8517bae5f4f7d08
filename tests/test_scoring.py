"""The shipped grid (version 2) worked out by hand on registrations an agent could make."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from jisr_desktop.models.programme.definitions import Definition, content_hash
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.programme.scoring import ScoreResult, score
from jisr_desktop.models.programme.validation import validate

from .conftest import TODAY, make_submission


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture
def scored(definitions, reference):
    """Validate like the app does, then score the clean answers."""
    form = from_definition(definitions.form)

    def run(*, today: date = TODAY, **overrides: Any) -> ScoreResult:
        result = validate(form, make_submission(**overrides), today=today, reference=reference)
        assert result.ok, result.codes()
        return score(definitions.grid, result.answers, form=definitions.form, today=today)

    return run


def points(result: ScoreResult) -> dict[str, float]:
    return {c.id: c.points for c in result.criteria}


def redefine(defn: Definition, data: dict[str, Any]) -> Definition:
    return Definition(
        kind=defn.kind,
        id=defn.id,
        version=defn.version + 1,
        content_hash=content_hash(data),
        data=data,
        source="inline",
    )


def test_the_reference_case(scored):
    # Widowed 15 + head of household 10 + no disability 0 + no coverage 8 + household of 6 → 4
    # + no income 8 = 45 vulnerability; idea 8 + experience 1_5 5 + primary 2 = 15
    # readiness; total 60. A project idea → category 1.
    result = scored()
    assert points(result) == {
        "social_status": 15,
        "head_of_household": 10,
        "disability": 0,
        "health_coverage": 8,
        "household_size": 4,
        "income_source": 8,
        "project_stage": 8,
        "experience": 5,
        "education": 2,
    }
    assert result.subtotals == {"vulnerability": 45, "readiness": 15}
    assert result.total == 60
    assert result.eligible and result.not_eligible_reasons == ()
    assert result.category == 1
    assert result.category_reason["fr"]


def test_each_criterion_shows_the_answer_that_earned_its_points(scored):
    by_id = {c.id: c for c in scored().criteria}
    assert by_id["social_status"].answer == "widowed"
    assert by_id["household_size"].answer == 6
    assert by_id["social_status"].rationale["ar"]
    assert by_id["social_status"].group == "vulnerability"


def test_no_project_idea_gives_category_2_whatever_the_readiness(scored):
    # Married 0 + head no 0 + disability 10 + AMO 0 + household of 2 → 0 + daily labour 4
    # = 14; no project: stage 0 + experience over_10 10 + university 8 = 18; total 32.
    result = scored(
        social_status="married",
        head_of_household="no",
        disability="yes",
        health_coverage="amo",
        household_size=2,
        income_source="daily_labour",
        experience="over_10",
        education="university",
        has_project_idea="no",
    )
    assert result.subtotals == {"vulnerability": 14, "readiness": 18}
    assert result.total == 32
    assert points(result)["project_stage"] == 0
    assert result.category == 2


def test_the_widow_with_a_weaving_idea_and_no_schooling_is_in_category_1(scored):
    # Programme document, lines 384-386: category 1 is "women carrying project ideas". A
    # widowed head of household with no income, a weaving idea, no schooling and no
    # experience has readiness 8 only (idea 8 + 0 + 0): the points rank her, they do not
    # push her out of entrepreneurship (grid version 1 put her in category 2).
    result = scored(
        social_status="widowed", head_of_household="yes", income_source="none",
        project_sector="textile", project_description="نسج الزرابي", project_stage="idea",
        experience="none", education="none",
    )
    assert result.subtotals["readiness"] == 8
    assert result.category == 1
    assert "idée de projet" in result.category_reason["fr"]


@pytest.mark.parametrize(
    ("overrides", "readiness", "category"),
    [
        # The points change, the category does not: every woman with an idea is category 1.
        ({"experience": "none", "education": "none"}, 8, 1),
        ({"experience": "none", "education": "primary"}, 10, 1),
        ({"project_stage": "existing", "experience": "6_10", "education": "secondary"}, 29, 1),
        # No idea but an existing activity as a cooperative member: category 1 too.
        ({"has_project_idea": "no", "project_sector": None, "project_description": None,
          "project_stage": None, "legal_status": "cooperative"}, 7, 1),
        # No idea and no activity: category 2, however well prepared.
        ({"has_project_idea": "no", "project_sector": None, "project_description": None,
          "project_stage": None, "experience": "over_10", "education": "university"}, 18, 2),
    ],
)
def test_the_category_comes_from_the_idea_not_from_the_points(
    scored, overrides, readiness, category
):
    result = scored(**overrides)
    assert result.subtotals["readiness"] == readiness
    assert result.category == category


@pytest.mark.parametrize(
    ("size", "expected"), [(1, 0), (2, 0), (3, 2), (4, 2), (5, 4), (6, 4), (7, 6), (30, 6)]
)
def test_household_size_bands(scored, size, expected):
    assert points(scored(household_size=size))["household_size"] == expected


def test_the_maximum_of_each_group(scored):
    result = scored(
        social_status="divorced",
        head_of_household="yes",
        disability="yes",
        health_coverage="none",
        household_size=9,
        income_source="none",
        project_stage="existing",
        experience="over_10",
        education="vocational_training",
    )
    assert result.subtotals == {"vulnerability": 57, "readiness": 33}
    assert result.total == 90


def test_under_18_is_not_eligible_but_keeps_her_points(scored):
    result = scored(date_of_birth="2010-01-01")  # 16 on 2026-11-22
    assert not result.eligible
    assert [rid for rid, _ in result.not_eligible_reasons] == ["under_18"]
    assert "18" in result.not_eligible_reasons[0][1]["fr"]
    assert result.category is None and result.category_reason is None
    assert result.total == 60  # the committee may still want them


def test_a_rescoring_judges_the_age_on_its_own_day(definitions, scored):
    at_registration = scored(date_of_birth="2008-12-01")  # 17 on 2026-11-22
    assert not at_registration.eligible
    # The stored answers still say 17; scored again on 2026-12-01 she is 18.
    stored = {"age": 17, **make_submission(date_of_birth="2008-12-01", household_size=6)}
    later = score(definitions.grid, stored, form=definitions.form, today=date(2026, 12, 1))
    assert later.eligible and later.category == 1


def test_without_consent_she_is_not_eligible(definitions):
    answers = {"consent": "no", "consent_date": "2026-11-20", "consent_recorded_by": "A"}
    result = score(definitions.grid, answers, form=definitions.form, today=TODAY)
    assert not result.eligible
    assert result.not_eligible_reasons[0][0] == "no_consent"
    assert result.category is None
    assert result.total == 0


def test_a_region_outside_the_grid_list_is_not_eligible(definitions):
    data = copy.deepcopy(definitions.grid.data)
    rule = next(r for r in data["eligibility"] if r["id"] == "outside_region")
    rule["when"] = "not(selected('01 02', ${region}))"  # a grid for a two-region pilot
    pilot = redefine(definitions.grid, data)
    answers = make_submission(household_size=6) | {"age": 41}
    result = score(pilot, answers, today=TODAY)
    assert [rid for rid, _ in result.not_eligible_reasons] == ["outside_region"]
    assert result.category is None
    assert score(pilot, answers | {"region": "02"}, today=TODAY).eligible
    # The shipped grid takes all twelve regions.
    assert score(definitions.grid, answers, today=TODAY).eligible


def test_versions_name_the_form_and_the_grid(definitions, scored):
    versions = scored().versions
    assert versions["grid"] == {
        "id": "jisr.grid",
        "version": definitions.grid.version,
        "hash": definitions.grid.content_hash,
    }
    assert versions["form"]["hash"] == definitions.form.content_hash


def test_equal_totals_are_broken_by_the_subtotals(scored):
    a = scored()  # 45 + 15 = 60
    # Divorced 15 + head 10 + no coverage 8 + household of 5 → 4 + daily labour 4 = 41;
    # underway 12 + experience 1_5 5 + primary 2 = 19; total 60 as well.
    b = scored(
        social_status="divorced",
        household_size=5,
        income_source="daily_labour",
        project_stage="underway",
    )
    assert a.total == b.total == 60
    assert (a.subtotals["vulnerability"], b.subtotals["vulnerability"]) == (45, 41)
    assert a.tie_breakers == ("vulnerability", "readiness")
    # The more vulnerable woman ranks first.
    assert sorted([b, a], key=lambda r: r.rank_key, reverse=True) == [a, b]


def test_to_dict_in_one_language_and_in_all(scored):
    result = scored()
    fr = result.to_dict("fr")
    json.dumps(fr)
    assert isinstance(fr["criteria"][0]["label"], str)
    assert fr["category_label"].startswith("Catégorie 1")
    everything = result.to_dict()
    json.dumps(everything, ensure_ascii=False)
    assert set(everything["criteria"][0]["label"]) == {"ar", "fr", "zgh"}
    assert everything["total"] == 60 and everything["category"] == 1


# --- CompiledGrid (re-scoring's fast path) against score() --------------------------------


def _variant_grid(definitions) -> Definition:
    """The shipped grid with what it does not use yet: a float weight, a `when`
    criterion, a rule on a subtotal and on the total, an undeclared group."""
    data = copy.deepcopy(definitions.grid.data)
    data["version"] += 1
    for criterion in data["criteria"]:
        if criterion["id"] == "social_status":
            criterion["points"]["divorced"] = 16.5
    data["criteria"].append({
        "id": "young_head", "group": "extra",
        "when": "${age} < 30 and ${head_of_household} = 'yes'", "points": 3,
        "label": {"fr": "x"}, "rationale": {"fr": "x"},
    })
    data["eligibility"].append({"id": "low_total", "when": "${total} < 3", "reason": {"fr": "x"}})
    data["classification"].insert(0, {
        "when": "${vulnerability} >= 40", "category": 2,
        "reason": {"fr": "x"}, "label": {"fr": "x"},
    })
    body = json.dumps(data)
    return Definition(kind="grid", id=data["id"], version=data["version"], data=data,
                      content_hash=content_hash(body), source="variant")


def _odd(answers: dict[str, Any], i: int) -> dict[str, Any]:
    """Answers as no form would store them, to exercise the typed memo keys."""
    out = dict(answers)
    kind = i % 7
    if kind == 0 and "household_size" in out:
        out["household_size"] = str(out["household_size"])
    elif kind == 1 and "household_size" in out:
        out["household_size"] = float(out["household_size"])
    elif kind == 2:
        out["head_of_household"] = True
    elif kind == 3:
        out["education"] = ["secondary", "primary"]
    elif kind == 4:
        out.pop("date_of_birth", None)
    return out


@pytest.mark.parametrize("variant", [False, True])
def test_compiled_grid_gives_what_score_gives(definitions, reference, variant):
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.workflows.rescoring.compiled import CompiledGrid

    grid = _variant_grid(definitions) if variant else definitions.grid
    form = from_definition(definitions.form)
    records = []
    for i, submission in enumerate(generate(3000, 5, today=TODAY)):
        answers = validate(form, submission, today=TODAY, reference=reference).answers
        records.append(_odd(answers, i) if i % 3 == 0 else answers)
    plan = CompiledGrid(grid, form=definitions.form, today=TODAY)
    expected = [score(grid, a, form=definitions.form, today=TODAY) for a in records]
    assert [plan.score(a) for a in records] == expected
    names = sorted({k for a in records for k in a})
    for start in range(0, len(records), 700):
        chunk = records[start:start + 700]
        columns = {k: [a.get(k) for a in chunk] for k in names}
        outlined = plan.outline_columns(columns, len(chunk))
        for i, want in enumerate(expected[start:start + 700]):
            got = plan.result(plan.outline_at(outlined, i))
            assert got == want
            assert [type(c.points) for c in got.criteria] == [type(c.points) for c in want.criteria]
            assert type(got.total) is type(want.total)
    categories = {r.category for r in expected}
    assert {1, 2, None} <= categories  # the comparison covered every outcome
    assert any(not r.eligible for r in expected)
