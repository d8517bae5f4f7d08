"""The shipped definitions load, agree with each other and with docs/definitions.md, and a
broken definition is refused with a message that leads its editor to the problem."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import (
    FILE_NAMES,
    KINDS,
    DefinitionError,
    content_hash,
    load_definition,
    load_directory,
    localized,
    parse_definition,
)

DEFS = paths.definitions_dir()
ARABIC = re.compile(r"[\u0621-\u064A]")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

FORM_FIELDS = {
    "consent": ["consent", "consent_date", "consent_recorded_by", "refusal_note"],
    "identity": ["last_name_ar", "first_name_ar", "last_name_lat", "first_name_lat", "cin",
                 "date_of_birth", "age", "phone"],
    "residence": ["region", "province", "commune", "area_type"],
    "situation": ["social_status", "disability", "head_of_household", "health_coverage",
                  "household_size", "income_source"],
    "background": ["education", "experience", "legal_status", "support_requested"],
    "project": ["has_project_idea", "project_sector", "project_description", "project_stage"],
}
MESSAGE_CODES = {
    "required", "not_integer", "not_number", "not_date", "invalid_choice", "too_long",
    "below_min", "above_max", "constraint", "phone_invalid", "phone_not_mobile",
    "cin_pattern", "dob_future", "dob_implausible", "reference_unknown",
    "reference_mismatch", "consent_required", "duplicate_cin", "duplicate_phone",
    "duplicate_name",
}


def read(name: str) -> dict[str, Any]:
    return json.loads((DEFS / name).read_text(encoding="utf-8"))


def broken_copy(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the shipped definitions in which `change` has been applied to `name`."""
    for file in FILE_NAMES.values():
        shutil.copy(DEFS / file, tmp_path / file)
    data = read(name)
    change(data)
    (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    return tmp_path


def refusal(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> DefinitionError:
    folder = broken_copy(tmp_path, name, change)
    with pytest.raises(DefinitionError) as caught:
        load_directory(folder)
    return caught.value


def field(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for s in data["sections"] for f in s["fields"] if f["name"] == name)


def localized_texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(value, dict) and "ar" in value:
        yield path or "(root)", value
        return
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield from localized_texts(child, f"{path}/{key}" if path else str(key))


# --- the shipped files --------------------------------------------------------------------


def test_shipped_definitions_load_and_cross_check() -> None:
    defs = load_directory()
    assert [d.kind for d in defs.all()] == list(KINDS)
    assert defs.form.id == "jisr.registration"
    versions = defs.versions()
    assert set(versions) == set(KINDS)
    for kind, d in zip(KINDS, defs.all(), strict=True):
        assert versions[kind] == {"id": d.id, "version": d.version, "hash": d.content_hash}
        assert d.source.endswith(FILE_NAMES[kind])


def test_schemas_are_valid_draft_2020_12() -> None:
    for kind in KINDS:
        schema = json.loads((DEFS / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


def test_form_has_the_contract_fields_in_their_sections() -> None:
    form = read("registration.json")
    assert {s["name"]: [f["name"] for f in s["fields"]] for s in form["sections"]} == FORM_FIELDS
    assert set(form["messages"]) == MESSAGE_CODES
    assert field(form, "province")["filter_by"] == "region"
    assert field(form, "commune")["filter_by"] == "province"
    pii = {f["name"] for s in form["sections"] for f in s["fields"] if f.get("pii")}
    assert pii == {"last_name_ar", "first_name_ar", "last_name_lat", "first_name_lat", "cin",
                   "date_of_birth", "phone"}


def test_every_section_but_consent_needs_consent() -> None:
    form = read("registration.json")
    for section in form["sections"][1:]:
        assert section["relevant"] == "${consent} = 'yes'", section["name"]


def test_grid_maxima_match_the_documented_version_1() -> None:
    grid = read("grid.json")
    maxima: dict[str, int] = {}
    for c in grid["criteria"]:
        if "bands" in c:
            best = max(b["points"] for b in c["bands"])
        elif isinstance(c["points"], dict):
            best = max(c["points"].values())
        else:
            best = c["points"]
        maxima[c["group"]] = maxima.get(c["group"], 0) + best
    assert maxima == {"vulnerability": 57, "readiness": 33}


def test_each_grid_rationale_states_the_weights_it_explains() -> None:
    for c in read("grid.json")["criteria"]:
        points = c["points"].values() if "points" in c else [b["points"] for b in c["bands"]]
        for weight in {p for p in points if p}:
            for lang in ("ar", "fr"):
                assert re.search(rf"(?<!\d){weight}(?!\d)", c["rationale"][lang]), (
                    c["id"], lang, weight)


def test_message_templates_use_only_known_placeholders_in_every_language() -> None:
    for name in ("registration.json", "assessment.json"):
        for code, text in read(name)["messages"].items():
            found = {lang: set(PLACEHOLDER.findall(text[lang])) for lang in text}
            assert found["ar"] <= {"min", "max", "max_length", "value"}, (name, code)
            assert found["ar"] == found["fr"] == found["zgh"], (name, code)


def test_every_text_is_in_arabic_french_and_tamazight() -> None:
    # That the Tamazight is Tifinagh is tests/test_zgh_definitions_complete.py's rule.
    for name in FILE_NAMES.values():
        for path, text in localized_texts(read(name)):
            assert set(text) == {"ar", "fr", "zgh"}, (name, path)
            assert all(v.strip() for v in text.values()), (name, path)
            assert ARABIC.search(text["ar"]), (name, path, text["ar"])


# --- content hash -------------------------------------------------------------------------


def test_content_hash_is_sha256_of_canonical_json() -> None:
    data = {"b": [1, 2], "a": "é"}
    expected = hashlib.sha256('{"a":"é","b":[1,2]}'.encode()).hexdigest()
    assert content_hash(data) == expected


def test_content_hash_ignores_layout_and_follows_content() -> None:
    raw = (DEFS / "services.json").read_bytes()
    shipped = parse_definition(raw, "services.json")
    data = json.loads(raw)
    relaid = json.dumps(dict(reversed(list(data.items()))), indent=7, ensure_ascii=True)
    assert parse_definition(relaid, "relaid").content_hash == shipped.content_hash

    data["services"][0]["label"]["fr"] += "."
    assert parse_definition(json.dumps(data), "edited").content_hash != shipped.content_hash


# --- refusals -----------------------------------------------------------------------------


def test_wrong_field_type_names_the_file_and_the_type_path(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["sections"][2]["fields"][0]["type"] = "dropdown"

    err = refusal(tmp_path, "registration.json", change)
    assert err.path == "sections/2/fields/0/type"
    assert "registration.json: at sections/2/fields/0/type:" in str(err)
    assert "dropdown" in err.problem


def test_missing_tamazight_label_is_refused(tmp_path: Path) -> None:
    err = refusal(tmp_path, "registration.json",
                  lambda d: d["sections"][1]["fields"][0]["label"].pop("zgh"))
    assert err.path == "sections/1/fields/0/label"
    assert "'zgh' is a required property" in err.problem


def test_expression_syntax_error_names_its_path(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["sections"][5]["fields"][1]["relevant"] = "${has_project_idea} = 'yes' and"

    err = refusal(tmp_path, "registration.json", change)
    assert err.path == "sections/5/fields/1/relevant"
    assert "syntax error" in err.problem


def test_reference_to_unknown_field_is_refused(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["sections"][5]["fields"][1]["relevant"] = "${has_project} = 'yes'"

    err = refusal(tmp_path, "registration.json", change)
    assert err.path == "sections/5/fields/1/relevant"
    assert "${has_project}" in err.problem


def test_grid_reference_is_checked_against_the_form_when_loaded_together(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["classification"][0]["when"] = "${has_idea} = 'yes' and ${readiness} >= 10"

    folder = broken_copy(tmp_path, "grid.json", change)
    load_definition(folder / "grid.json")  # alone, the grid cannot know the form's fields
    with pytest.raises(DefinitionError) as caught:
        load_directory(folder)
    assert caught.value.file.endswith("grid.json")
    assert caught.value.path == "classification/0/when"
    assert "${has_idea}" in caught.value.problem


def test_grid_may_use_the_engine_variables(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["classification"][0]["when"] = "${total} > 0 and ${vulnerability} >= ${readiness}"

    load_directory(broken_copy(tmp_path, "grid.json", change))


def test_grid_points_for_an_answer_the_form_does_not_offer(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["criteria"][0]["points"]["widow"] = d["criteria"][0]["points"].pop("widowed")

    err = refusal(tmp_path, "grid.json", change)
    assert err.path == "criteria/0/points/widow"


def test_grid_criterion_on_a_missing_field(tmp_path: Path) -> None:
    err = refusal(tmp_path, "grid.json", lambda d: d["criteria"][1].update(field="chef"))
    assert err.path == "criteria/1/field"


def test_recommended_service_must_exist(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["recommendations"][0]["services"][1] = "tr_cooking"

    err = refusal(tmp_path, "assessment.json", change)
    assert err.file.endswith("assessment.json")
    assert err.path == "recommendations/0/services/1"


def test_orientation_rule_to_unknown_path(tmp_path: Path) -> None:
    err = refusal(tmp_path, "orientation.json",
                  lambda d: d["path_rules"][0].update(path="entrepreneurship"))
    assert err.path == "path_rules/0/path"


def test_unknown_choice_list(tmp_path: Path) -> None:
    err = refusal(tmp_path, "registration.json",
                  lambda d: field(d, "education").update(choices="schooling"))
    assert err.path == "sections/4/fields/0/choices"
    assert "schooling" in err.problem


def test_filter_by_must_name_an_earlier_field(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        residence = d["sections"][2]["fields"]
        residence[0], residence[1] = residence[1], residence[0]  # province before region

    err = refusal(tmp_path, "registration.json", change)
    assert err.path == "sections/2/fields/0/filter_by"


def test_duplicate_field_name(tmp_path: Path) -> None:
    err = refusal(tmp_path, "registration.json",
                  lambda d: field(d, "refusal_note").update(name="consent"))
    assert err.path == "sections/0/fields/3/name"
    assert "sections/0/fields/0" in err.problem


def test_key_that_does_not_fit_the_field_type(tmp_path: Path) -> None:
    err = refusal(tmp_path, "registration.json",
                  lambda d: field(d, "household_size").update(max_length=2))
    assert err.path == "sections/3/fields/4/max_length"
    assert "not allowed" in err.problem


def test_malformed_json_names_the_line() -> None:
    raw = '{\n  "kind": "services",\n  "id": "jisr.services"\n  "version": 1\n}'
    with pytest.raises(DefinitionError) as caught:
        parse_definition(raw, "services.json")
    assert "line 4" in str(caught.value)
    assert str(caught.value).startswith("services.json: at (root): ")


def test_duplicate_json_key_is_refused() -> None:
    # Whatever version orientation.json is at, a second "version" key is refused.
    raw = re.sub(r'("version": \d+,)', r'\1\n  "version": 99,',
                 (DEFS / "orientation.json").read_text("utf-8"), count=1)
    with pytest.raises(DefinitionError, match="'version' appears twice"):
        parse_definition(raw, "orientation.json")


def test_unknown_kind() -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition('{"kind": "survey", "id": "x", "version": 1}', "x.json")
    assert caught.value.path == "kind"
    assert "survey" in caught.value.problem


def test_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read"):
        load_directory(tmp_path)


# --- localized ----------------------------------------------------------------------------


def test_localized_falls_back_to_french_then_arabic() -> None:
    text = {"ar": "نعم", "fr": "Oui", "zgh": "ⵢⴰⵀ"}
    assert localized(text, "zgh") == "ⵢⴰⵀ"
    assert localized(text, "ar") == "نعم"
    assert localized({"ar": "نعم", "fr": "Oui"}, "zgh") == "Oui"
    assert localized({"ar": "نعم", "fr": ""}, "en") == "نعم"
