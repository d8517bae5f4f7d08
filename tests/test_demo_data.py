"""Synthetic registrations: deterministic, shaped like the first wave, valid for the form."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from datetime import date
from typing import Any

import phonenumbers
import pytest

from jisr_desktop import paths
from jisr_desktop.models.demo import names as demo_names
from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.demo.weights import REGION_WEIGHTS
from jisr_desktop.models.programme.reference import load_reference

N = 20_000
TODAY = date(2026, 11, 22)  # the suite's fixed day (conftest.TODAY)
CONSENT_FIELDS = {"consent", "consent_date", "consent_recorded_by", "refusal_note"}
ARABIC_NAME = re.compile(r"^[\u0621-\u064A\u0660-\u06FF]+(?:[ -][\u0621-\u064A\u0660-\u06FF]+)*$")
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '-][A-Za-zÀ-ÖØ-öø-ÿ]+)*$")
CIN = re.compile(r"^[A-Z]{1,2}[0-9]{5,6}$")
# The published first-wave split: 64,677 women in 11 regions.
FIRST_WAVE_TOTAL = 64_677
MARRAKECH_FIRST_WAVE = 21_218


@pytest.fixture(scope="module")
def reference():
    return load_reference()


@pytest.fixture(scope="module")
def rows(reference) -> list[dict[str, Any]]:
    return list(generate(N, 2026, today=TODAY, agent="Amina Agent", reference=reference))


@pytest.fixture(scope="module")
def consenting(rows) -> list[dict[str, Any]]:
    return [r for r in rows if r["consent"] == "yes"]


def share(rows: list[dict[str, Any]], field: str, value: Any) -> float:
    return sum(1 for r in rows if r.get(field) == value) / len(rows)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def form_choices() -> dict[str, set[str]]:
    """The contract's choice values per select field, read from the shipped form."""
    data = json.loads((paths.definitions_dir() / "registration.json").read_text("utf-8"))
    lists = {name: {str(c["value"]) for c in items} for name, items in data["choices"].items()}
    return {
        f["name"]: lists[f["choices"]]
        for section in data["sections"]
        for f in section["fields"]
        if f.get("choices")
    }


# -- determinism and shape --------------------------------------------------------------


def test_same_seed_same_rows_and_other_seed_other_rows(reference):
    first = list(generate(500, 7, today=TODAY, reference=reference))
    again = list(generate(500, 7, today=TODAY, reference=reference))
    other = list(generate(500, 8, today=TODAY, reference=reference))
    assert first == again
    assert first != other
    assert {r.get("cin") for r in first} != {r.get("cin") for r in other}


def test_does_not_touch_the_global_random(reference):
    import random

    random.seed(1)
    expected = random.random()
    random.seed(1)
    list(generate(50, 3, today=TODAY, reference=reference))
    assert random.random() == expected


def test_default_reference_gives_the_same_rows(reference):
    assert list(generate(50, 4, today=TODAY)) == list(
        generate(50, 4, today=TODAY, reference=reference)
    )


def test_count_and_laziness(reference):
    assert list(generate(0, 1, today=TODAY, reference=reference)) == []
    assert len(list(generate(37, 1, today=TODAY, reference=reference))) == 37
    assert isinstance(next(generate(10**9, 1, today=TODAY, reference=reference)), dict)
    with pytest.raises(ValueError):
        list(generate(-1, 1, today=TODAY, reference=reference))


def test_rows_are_plain_json(rows):
    assert json.loads(json.dumps(rows, ensure_ascii=False)) == rows


def test_choice_values_are_the_contracts(consenting):
    choices = form_choices()
    for row in consenting:
        for field, allowed in choices.items():
            if field in row:
                value = row[field]
                values = value if isinstance(value, list) else [value]
                assert set(values) <= allowed, (field, value)


def test_consent_rows_carry_the_agent_and_a_past_date(rows):
    for row in rows:
        assert row["consent_recorded_by"] == "Amina Agent"
        assert date.fromisoformat(row["consent_date"]) <= TODAY


def test_refused_consent_rows_carry_only_consent_fields(rows):
    refused = [r for r in rows if r["consent"] == "no"]
    assert 0.01 <= len(refused) / len(rows) <= 0.03
    for row in refused:
        assert set(row) == CONSENT_FIELDS
        assert row["refusal_note"].strip()
    assert {r["consent"] for r in rows} == {"yes", "no"}


# -- the published proportions ----------------------------------------------------------


def test_published_proportions_hold(consenting):
    assert share(consenting, "social_status", "widowed") == pytest.approx(0.11, abs=0.015)
    assert share(consenting, "social_status", "divorced") == pytest.approx(0.09, abs=0.015)
    assert share(consenting, "head_of_household", "yes") == pytest.approx(0.64, abs=0.02)
    assert share(consenting, "disability", "yes") == pytest.approx(0.04, abs=0.01)


def test_widows_and_divorced_women_mostly_head_their_household(consenting):
    for status in ("widowed", "divorced"):
        group = [r for r in consenting if r["social_status"] == status]
        assert share(group, "head_of_household", "yes") > 0.8


def test_regions_follow_the_first_wave(consenting):
    counts = Counter(r["region"] for r in consenting)
    largest, _ = counts.most_common(1)[0]
    assert largest == "07"  # Marrakech-Safi
    assert counts["07"] / len(consenting) == pytest.approx(
        MARRAKECH_FIRST_WAVE / FIRST_WAVE_TOTAL, abs=0.02
    )
    assert counts["12"] / len(consenting) == pytest.approx(12_000 / FIRST_WAVE_TOTAL, abs=0.02)
    # Laâyoune-Sakia El Hamra was not in the first wave: present, but small.
    assert counts["11"] / len(consenting) < 0.02
    assert set(counts) == set(REGION_WEIGHTS)


def test_legal_status_mix_follows_fes_meknes(consenting):
    ae = share(consenting, "legal_status", "auto_entrepreneur")
    coop = share(consenting, "legal_status", "cooperative")
    assert ae > coop > 0.1
    # Fès-Meknès: 3,000 auto-entrepreneurs to 674 cooperative members.
    assert ae / (ae + coop) == pytest.approx(3000 / 3674, abs=0.03)


def test_household_size_and_support(consenting):
    sizes = [r["household_size"] for r in consenting]
    assert min(sizes) >= 1
    assert max(sizes) <= 12
    assert sum(sizes) / len(sizes) == pytest.approx(5, abs=0.4)
    assert all(r["household_size"] >= 2 for r in consenting if r["social_status"] == "married")
    for row in consenting:
        support = row["support_requested"]
        assert isinstance(support, list)
        assert support
        assert len(set(support)) == len(support)


def test_project_fields_only_with_a_project_idea(consenting):
    with_idea = [r for r in consenting if r["has_project_idea"] == "yes"]
    assert len(with_idea) / len(consenting) > 0.75
    for row in consenting:
        if row["has_project_idea"] == "yes":
            assert row["project_sector"]
            assert row["project_stage"]
            assert len(row.get("project_description", "")) <= 500
        else:
            assert not {"project_sector", "project_stage", "project_description"} & set(row)
    described = [r for r in with_idea if "project_description" in r]
    assert len(described) / len(with_idea) > 0.8


# -- places -----------------------------------------------------------------------------


def test_places_nest_and_area_type_comes_from_the_commune(consenting, reference):
    for row in consenting:
        province = reference.provinces[row["province"]]
        commune = reference.communes[row["commune"]]
        assert row["region"] in reference.regions
        assert province.region_code == row["region"]
        assert commune.province_code == row["province"]
        assert commune.region_code == row["region"]
        assert row["area_type"] == commune.type
    assert {r["area_type"] for r in consenting} == {"rural", "urban"}


# -- identity ---------------------------------------------------------------------------


def test_phones_are_valid_moroccan_mobiles_in_several_styles(consenting):
    phones = [r["phone"] for r in consenting if "phone" in r]
    assert 1 - len(phones) / len(consenting) == pytest.approx(0.10, abs=0.02)
    e164 = set()
    for text in phones:
        number = phonenumbers.parse(text, "MA")
        assert phonenumbers.is_valid_number(number), text
        assert phonenumbers.region_code_for_number(number) == "MA", text
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE, text
        e164.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    assert len(e164) == len(phones)  # no two women share a number
    shapes = {re.sub(r"\d", "9", p) for p in phones}
    assert {"99 99 99 99 99", "9999999999"} <= shapes
    assert any(p.startswith("+212") for p in phones)
    assert len(shapes) >= 5


def test_cins_are_unique_and_look_like_cins(consenting):
    cins = [r["cin"] for r in consenting]
    assert all(CIN.match(c) for c in cins), [c for c in cins if not CIN.match(c)][:5]
    assert len(set(cins)) == len(cins)


def test_cin_prefixes_follow_the_region(consenting):
    for row in consenting[:2000]:
        prefix = re.match(r"[A-Z]+", row["cin"]).group(0)
        assert prefix in demo_names.CIN_PREFIXES[row["region"]]


def test_names_are_arabic_and_latin(consenting):
    for row in consenting:
        for field in ("first_name_ar", "last_name_ar"):
            assert ARABIC_NAME.match(row[field]), row[field]
            assert ARABIC_LETTER.search(row[field])
        for field in ("first_name_lat", "last_name_lat"):
            assert LATIN_NAME.match(row[field]), row[field]


def test_arabic_and_latin_names_go_together(consenting):
    first = {(ar, lat) for ar, lat, _, _ in demo_names.FIRST_NAMES}
    family = {(ar, lat) for ar, lat, _, _ in demo_names.FAMILY_NAMES}
    for row in consenting:
        assert (row["first_name_ar"], row["first_name_lat"]) in first
        assert (row["last_name_ar"], row["last_name_lat"]) in family


def test_name_lists_are_long_varied_and_clean():
    for pool, minimum in ((demo_names.FIRST_NAMES, 60), (demo_names.FAMILY_NAMES, 80)):
        assert len(pool) >= minimum
        assert len({ar for ar, *_ in pool}) == len(pool)
        assert len({lat for _, lat, *_ in pool}) == len(pool)
        for ar, lat, group, weight in pool:
            assert ARABIC_NAME.match(ar), ar
            assert LATIN_NAME.match(lat), lat
            assert group in {"common", "amazigh", "rif", "sahrawi"}
            assert weight > 0
        assert any(group == "amazigh" for *_, group, _ in pool)
    assert ("فاطمة الزهراء", "Fatima Zahra") in {(a, b) for a, b, *_ in demo_names.FIRST_NAMES}
    assert ("أيت بها", "Ait Baha") in {(a, b) for a, b, *_ in demo_names.FAMILY_NAMES}


def test_ages_mostly_adult_with_a_few_minors(consenting):
    ages = [age_on(date.fromisoformat(r["date_of_birth"]), TODAY) for r in consenting]
    assert min(ages) >= 16
    assert max(ages) <= 59
    minors = sum(1 for a in ages if a < 18) / len(ages)
    assert minors == pytest.approx(0.01, abs=0.005)
    assert 30 <= sum(ages) / len(ages) <= 42


def test_dates_of_birth_on_a_leap_day_today(reference):
    leap_day = date(2028, 2, 29)
    for row in generate(3000, 11, today=leap_day, reference=reference):
        if row["consent"] == "yes":
            assert 16 <= age_on(date.fromisoformat(row["date_of_birth"]), leap_day) <= 59


# -- with the rest of the app -----------------------------------------------------------


def test_generated_rows_validate_against_the_form(definitions, reference):
    validation = pytest.importorskip("jisr_desktop.models.programme.validation")
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(definitions.form)
    for row in generate(500, 99, today=TODAY, reference=reference):
        result = validation.validate(form, row, today=TODAY, reference=reference)
        assert result.ok, result.codes()
        warnings = {c for codes in result.codes("warning").values() for c in codes}
        assert not warnings & {"phone_invalid", "phone_not_mobile", "cin_pattern"}
        if row["consent"] == "yes":
            assert 16 <= result.answers["age"] <= 59


def test_fast_enough(reference):
    start = time.perf_counter()
    count = sum(1 for _ in generate(50_000, 5, today=TODAY, reference=reference))
    elapsed = time.perf_counter() - start
    assert count == 50_000
    # About 0.8 s on a laptop; the bar (100,000 rows well under 5 s) with room for slow CI.
    assert elapsed < 5, elapsed
