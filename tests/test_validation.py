"""Validation of a registration against the shipped form, as an agent would meet it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jisr_desktop.models.programme.definitions import Definition, content_hash
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.messages import Message
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.programme.validation import check_field, relevant_fields, validate

from .conftest import TODAY, make_submission

CONSENT_FIELDS = {"consent", "consent_date", "consent_recorded_by", "refusal_note"}


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def form(definitions) -> Form:
    return from_definition(definitions.form)


@pytest.fixture
def check(form, reference):
    def run(**overrides: Any):
        return validate(form, make_submission(**overrides), today=TODAY, reference=reference)

    return run


def inline_form(sections: list[dict[str, Any]], **extra: Any) -> Form:
    data = {"kind": "form", "id": "test.form", "version": 1, "title": _t("Test"), **extra}
    data["sections"] = sections
    defn = Definition(
        kind="form",
        id="test.form",
        version=1,
        content_hash=content_hash(data),
        data=data,
        source="inline",
    )
    return from_definition(defn)


def section(name: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "label": _t(name), "fields": list(fields)}


def fld(name: str, type_: str = "text", **keys: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "label": _t(name), **keys}


def _t(fr: str, ar: str | None = None, zgh: str | None = None) -> dict[str, str]:
    return {"ar": ar or fr, "fr": fr, "zgh": zgh or fr}


# -- a good registration ------------------------------------------------------------------


def test_a_complete_registration_is_clean_and_normalised(check):
    result = check(phone="06 12 34 56 78", cin="ee 123456", household_size="6", unknown_key="x")

    assert result.ok, result.codes()
    assert result.warnings == ()
    answers = result.answers
    assert answers["phone"] == "+212612345678"
    assert answers["cin"] == "EE123456"
    assert answers["household_size"] == 6
    # Born 1985-03-14, on 2026-11-22 she is 41: the form's calculation, kept with the answers.
    assert answers["age"] == 41
    assert answers["support_requested"] == ["training", "accompaniment"]
    assert "unknown_key" not in answers
    # Answers come back in the form's order, which is how records and exports read.
    assert list(answers)[:3] == ["consent", "consent_date", "consent_recorded_by"]


def test_values_typed_in_other_shapes_are_accepted(check):
    result = check(
        household_size="٦",  # Arabic-Indic digit from an Arabic keyboard
        date_of_birth=date(1985, 3, 14),
        support_requested="accompaniment training",
        first_name_lat="  Fatima-Zahra  ",
    )
    assert result.ok, result.codes()
    assert result.answers["household_size"] == 6
    assert result.answers["date_of_birth"] == "1985-03-14"
    assert result.answers["support_requested"] == ["training", "accompaniment"]
    assert result.answers["first_name_lat"] == "Fatima-Zahra"


def test_consent_date_defaults_to_the_day_of_registration(form, reference):
    # A day other than the machine's, as when a week of offline registrations is replayed.
    day = date(2025, 1, 15)
    submission = make_submission(consent_date=None, date_of_birth="1985-03-14")
    result = validate(form, submission, today=day, reference=reference)
    assert result.ok, result.codes()
    assert result.answers["consent_date"] == "2025-01-15"
    assert result.answers["age"] == 39


# -- what an agent is told --------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"household_size": "many"}, "household_size", "not_integer"),
        ({"household_size": "2.5"}, "household_size", "not_integer"),
        ({"household_size": 0}, "household_size", "below_min"),
        ({"household_size": 31}, "household_size", "above_max"),
        ({"date_of_birth": "14/03/1985"}, "date_of_birth", "not_date"),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth", "not_date"),
        ({"social_status": "widow"}, "social_status", "invalid_choice"),
        ({"support_requested": ["training", "money"]}, "support_requested", "invalid_choice"),
        ({"first_name_lat": "   "}, "first_name_lat", "required"),
        ({"project_description": "x" * 501}, "project_description", "too_long"),
        ({"phone": "12345"}, "phone", "phone_invalid"),
        ({"province": "99.999"}, "province", "reference_unknown"),
        # Tanger-Assilah is in region 01, not in Marrakech-Safi (07).
        ({"province": "01.511", "commune": "01.511.01.01"}, "province", "reference_mismatch"),
        # A commune of Tanger-Assilah under the prefecture of Marrakech.
        ({"commune": "01.511.01.01"}, "commune", "reference_mismatch"),
        ({"first_name_ar": "Fatima"}, "first_name_ar", "constraint"),
    ],
)
def test_a_bad_answer_is_reported_on_its_field(check, overrides, field, code):
    result = check(**overrides)
    assert not result.ok
    assert result.codes("error") == {field: [code]}


def test_messages_are_rendered_with_their_parameters(check, form):
    result = check(household_size=31, social_status="widow")
    fr = result.messages(form, "fr")
    assert fr["household_size"] == ["La valeur ne doit pas dépasser 30."]
    assert "widow" in fr["social_status"][0]
    assert result.messages(form, "ar")["household_size"] != fr["household_size"]


def test_a_constraint_message_appears_in_each_language(check, form):
    result = check(consent_date="2026-11-23")  # tomorrow
    assert result.codes("error") == {"consent_date": ["constraint"]}
    own_text = form.field("consent_date").constraint_message
    for lang in ("ar", "fr", "zgh"):
        assert result.messages(form, lang) == {"consent_date": [own_text[lang]]}
    assert own_text["ar"] != own_text["fr"]


def test_several_problems_are_reported_at_once_in_form_order(check):
    result = check(household_size="many", date_of_birth="2030-01-01", province="01.511")
    assert list(result.codes("error")) == ["date_of_birth", "province", "household_size"]


# -- date of birth --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "code"),
    [
        ("2026-11-23", "dob_future"),
        ("2030-01-01", "dob_future"),
        ("1926-11-21", "dob_implausible"),  # over 100 years old
        ("2016-11-23", "dob_implausible"),  # not yet 10
    ],
)
def test_implausible_birth_dates_are_refused(check, born, code):
    assert check(date_of_birth=born).codes("error") == {"date_of_birth": [code]}


def test_the_plausible_ages_are_named_in_the_message(check, form):
    text = check(date_of_birth="1900-01-01").messages(form, "ar")["date_of_birth"][0]
    assert "10" in text and "100" in text and "{" not in text


@pytest.mark.parametrize("born", ["1926-11-22", "2016-11-22", "2010-05-01"])
def test_plausible_birth_dates_pass_even_under_18(check, born):
    # A minor is a valid registration: the grid, not the form, finds her not eligible.
    result = check(date_of_birth=born)
    assert result.ok, result.codes()


# -- identity: warnings, never errors -----------------------------------------------------


def test_an_unusual_cin_is_a_warning_and_the_record_can_be_saved(check, form):
    result = check(cin="12 34 56")
    assert result.ok
    assert result.codes("warning") == {"cin": ["cin_pattern"]}
    assert result.answers["cin"]  # kept, normalised
    assert result.messages(form, "fr", severity="warning")["cin"][0]
    # Issues and results end up in logs: neither may spell out the CIN (law 09-08).
    assert result.answers["cin"] not in repr(result)


def test_a_landline_is_stored_in_e164_with_a_warning(check):
    result = check(phone="0522 12 34 56")
    assert result.ok
    assert result.codes("warning") == {"phone": ["phone_not_mobile"]}
    assert result.answers["phone"] == "+212522123456"


def test_the_phone_is_optional(check):
    result = check(phone=None)
    assert result.ok
    assert "phone" not in result.answers


# -- skip logic and consent -----------------------------------------------------------------


def test_answers_to_questions_not_asked_are_dropped_not_reported(check):
    result = check(has_project_idea="no", project_sector="not-a-sector", project_stage="idea")
    assert result.ok, result.codes()
    assert "project_sector" not in result.answers
    assert "project_stage" not in result.answers
    assert "project_description" not in result.answers


def test_a_relevant_question_left_empty_is_required(check):
    result = check(project_stage=None)
    assert result.codes("error") == {"project_stage": ["required"]}


def test_without_consent_only_the_consent_section_is_kept(check):
    result = check(consent="no", refusal_note="لا ترغب في ذلك")
    assert result.ok, result.codes()
    assert set(result.answers) == CONSENT_FIELDS
    assert result.answers["refusal_note"] == "لا ترغب في ذلك"


def test_consent_must_be_asked(check, form):
    result = check(consent=None)
    assert result.codes("error") == {"consent": ["consent_required"]}
    assert "cin" not in result.answers and "last_name_ar" not in result.answers
    assert "09-08" in result.messages(form, "fr")["consent"][0]


def test_consent_is_enforced_even_if_a_form_forgets_it():
    yes_no = [{"value": "yes", "label": _t("Oui")}, {"value": "no", "label": _t("Non")}]
    form = inline_form(
        [
            section("consent", fld("consent", "select_one", choices="yes_no", required=True)),
            section("identity", fld("cin")),  # no relevance on consent: forgotten
        ],
        choices={"yes_no": yes_no},
    )
    result = validate(form, {"consent": "no", "cin": "AB123"}, today=TODAY)
    assert result.answers == {"consent": "no"}
    assert validate(form, {"consent": "yes", "cin": "AB123"}, today=TODAY).answers["cin"] == "AB123"


def test_relevant_fields_follow_the_answers(form):
    with_idea = relevant_fields(form, make_submission(), today=TODAY)
    without = relevant_fields(form, make_submission(has_project_idea="no"), today=TODAY)
    assert "project_stage" in with_idea
    assert "project_stage" not in without and "has_project_idea" in without
    refused = relevant_fields(form, make_submission(consent="no"), today=TODAY)
    assert refused == CONSENT_FIELDS


def test_check_field_reports_only_that_field(form, reference):
    answers = make_submission(household_size="x", social_status="?")
    issues = check_field(form, "household_size", answers, today=TODAY, reference=reference)
    assert [i.code for i in issues] == ["not_integer"]
    irrelevant = make_submission(has_project_idea="no", project_stage="nonsense")
    assert check_field(form, "project_stage", irrelevant, today=TODAY, reference=reference) == []


# -- inline forms: the engine's own rules ---------------------------------------------------


def test_required_and_bounds_may_be_expressions_and_decimals():
    hours = fld(
        "hours",
        "decimal",
        min=0,
        max=70,
        required="${works} = 'yes'",
        constraint=". != 13",
        constraint_message=_t("Pas 13", "ليس 13", "ⵓⵔ 13"),
    )
    double = fld("double", "calculate", calculation="${hours} * 2")
    form = inline_form([section("s", fld("works"), hours, double)])
    assert validate(form, {"works": "no"}).ok
    assert validate(form, {"works": "yes"}).codes() == {"hours": ["required"]}
    assert validate(form, {"hours": "7,5"}).answers == {"hours": 7.5, "double": 15.0}
    assert validate(form, {"hours": "abc"}).codes() == {"hours": ["not_number"]}
    assert validate(form, {"hours": 71}).codes() == {"hours": ["above_max"]}
    bad = validate(form, {"hours": 13})
    assert bad.messages(form, "zgh") == {"hours": ["ⵓⵔ 13"]}


def test_skip_logic_cascades_through_questions_not_asked():
    sector = fld("sector", relevant="${has_idea} = 'yes'")
    other = fld("other_sector", required=True, relevant="${sector} = 'other'")
    form = inline_form([section("s", fld("has_idea"), sector, other)])
    # `sector` was not asked, so its stale answer must not make `other_sector` asked.
    result = validate(form, {"has_idea": "no", "sector": "other"})
    assert result.ok, result.codes()
    assert result.answers == {"has_idea": "no"}
    assert relevant_fields(form, {"has_idea": "no", "sector": "other"}) == {"has_idea"}
    asked = validate(form, {"has_idea": "yes", "sector": "other"})
    assert asked.codes() == {"other_sector": ["required"]}


def test_message_rendering_never_raises():
    catalog = {"above_max": {"ar": "لا يتجاوز {max}", "fr": "Au plus {max}", "zgh": ""}}
    msg = Message("above_max", {"max": 30})
    assert msg.render(catalog, "fr") == "Au plus 30"
    assert msg.render(catalog, "zgh") == "Au plus 30"  # empty Tamazight: French instead
    assert Message("above_max", {}).render(catalog, "ar") == "لا يتجاوز {max}"
    assert Message("nowhere", {}).render(catalog, "fr") == "nowhere"
    broken = {"x": {"fr": "valeur {0} {", "ar": "", "zgh": ""}}
    assert Message("x", {"value": 1}).render(broken, "ar") == "valeur {0} {"


def test_the_result_names_the_fields_relevant_fields_would_show() -> None:
    """The form on screen takes the shown fields from validate() (one pass per keystroke):
    they must be exactly what relevant_fields() computes, for whole and half-filled forms."""
    import random

    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.programme.definitions import load_directory

    form = from_definition(load_directory().form)
    rng = random.Random(7)
    checked = 0
    for row in generate(150, 11, today=date(2026, 11, 22)):
        for answers in (row, {k: v for k, v in row.items() if rng.random() < 0.5}):
            result = validate(form, answers, today=date(2026, 11, 22))
            assert result.relevant == relevant_fields(form, answers, today=date(2026, 11, 22))
            checked += 1
    assert checked == 300
