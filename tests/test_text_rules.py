"""Every text answer is bounded and free of control characters, on the desktop and on the
server, which validates with the same code (issue 14, point 11)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jisr_desktop.models.programme.definitions import DefinitionError, parse_definition
from jisr_desktop.models.programme.validation import validate

from .conftest import TODAY, make_submission
from .test_cli import jisr


def _errors(definitions, **answers):
    result = validate(_form(definitions), make_submission(**answers), today=TODAY)
    return {i.field: i.code for i in result.errors}


def _form(definitions):
    from jisr_desktop.models.programme.form import from_definition

    return from_definition(definitions.form)


@pytest.mark.parametrize(
    "cin",
    ["EE" + "1" * 1_000_000, "EE12\x003456", "EE12\x073456", "EE\x1b[2J123", "EE-12/34",
     "ﷺ123456", "AB1234567890123"],
)
def test_a_cin_too_long_or_outside_letters_and_digits_is_refused(definitions, cin):
    errors = _errors(definitions, cin=cin)
    assert errors.get("cin") in ("too_long", "control_character", "cin_invalid"), errors


def test_an_unusual_but_clean_cin_is_still_only_a_warning(definitions):
    result = validate(_form(definitions), make_submission(cin="ABC12"), today=TODAY)
    assert result.ok and result.answers["cin"] == "ABC12"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("first_name_lat", "-", "no_letter"),
        ("first_name_ar", "ـــ", "no_letter"),
        ("first_name_ar", "١٢٣", "no_letter"),
        ("project_description", "tissage\x1b[31m rouge", "control_character"),
        ("project_description", "tissage \u202eeganrab", "control_character"),
        ("project_description", "nul\x00byte", "control_character"),
        ("project_description", "x" * 501, "too_long"),
        ("refusal_note", "a\udc80b", "control_character"),
        ("phone", "06 12 34 56 78\x07", "control_character"),
        ("phone", "0" * 5000, "too_long"),
    ],
)
def test_free_text_needs_letters_and_refuses_control_characters(definitions, field, value,
                                                                code):
    extra = {"consent": "no", "refusal_note": value} if field == "refusal_note" else {}
    answers = {field: value, **extra}
    errors = _errors(definitions, **answers)
    assert errors.get(field) == code, errors


def test_a_line_break_in_a_description_is_fine(definitions):
    result = validate(_form(definitions), make_submission(project_description="ligne 1\nligne 2"),
                      today=TODAY)
    assert result.ok, result.errors


def test_cli_refuses_and_never_echoes_raw_control_characters(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", "Amina Agent", "--province", "07.351").returncode == 0
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(make_submission(cin="EE\x1b]0;pwned\x07123",
                                               project_description="a\x1b[2Jb")),
                    encoding="utf-8")
    done = jisr(folder, "enrol", str(path))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert json.loads(jisr(folder, "stats").stdout)["total"] == 0


# -- the bounds are the definition's (issue 14, point 11) ----------------------------------

REGISTRATION = Path(__file__).resolve().parents[1] / "resources/definitions/registration.json"


def _shipped() -> dict:
    return json.loads(REGISTRATION.read_text("utf-8"))


def _fields(data: dict) -> dict[str, dict]:
    return {f["name"]: f for s in data["sections"] for f in s["fields"]}


def test_every_text_field_of_the_shipped_definitions_carries_its_bounds(definitions):
    for defn in (definitions.form, definitions.assessment):
        phases = defn.data.get("sections") or defn.data["phases"]
        texts = [f for p in phases for f in p["fields"] if f["type"] in ("text", "cin", "phone")]
        assert texts, defn.id
        for f in texts:
            assert f["max_length"] >= 1 and f["text_class"], (defn.id, f["name"])
    assert _fields(definitions.form.data)["first_name_ar"]["text_class"] == "name"


def test_a_new_version_with_a_text_field_without_bounds_is_refused():
    data = _shipped()
    data["version"] += 1
    del _fields(data)["project_description"]["max_length"]
    with pytest.raises(DefinitionError) as err:
        parse_definition(json.dumps(data), "registration.json")
    assert err.value.path.endswith("/max_length")
    assert "bounds" in str(err.value)
    data = _shipped()
    data["version"] += 1
    del _fields(data)["cin"]["text_class"]
    with pytest.raises(DefinitionError, match="text_class"):
        parse_definition(json.dumps(data), "registration.json")


def test_a_text_class_that_does_not_fit_the_type_is_refused():
    data = _shipped()
    _fields(data)["cin"]["text_class"] = "free_text"
    with pytest.raises(DefinitionError) as err:
        parse_definition(json.dumps(data), "registration.json")
    assert err.value.path.startswith("sections/1/fields/4")


def test_a_form_version_2_carries_its_own_bounds():
    data = _shipped()
    data["version"] += 1
    _fields(data)["cin"]["max_length"] = 8
    _fields(data)["first_name_lat"]["text_class"] = "free_text"  # a line break allowed
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(parse_definition(json.dumps(data), "v3.json"))
    result = validate(form, make_submission(cin="AB1234567"), today=TODAY)
    assert {i.field: i.code for i in result.errors} == {"cin": "cin_invalid"}
    assert "8 au plus" in result.errors[0].message.render({}, "fr")
    result = validate(form, make_submission(first_name_lat="Fatima\nZahra"), today=TODAY)
    assert {i.field for i in result.errors} == {"first_name_lat"}  # the form's regex still
    assert result.errors[0].code == "constraint"


def test_a_name_is_one_line_under_the_shipped_form(definitions):
    errors = _errors(definitions, last_name_ar="بناني\nبناني")
    assert errors.get("last_name_ar") == "control_character"


def test_the_versions_published_before_bounds_still_load_with_the_old_bounds():
    # Registration version 1 as it was published (tests/data, without the bound keys): a
    # store or a server holding it must still read it, and validate as it always did.
    data = json.loads((Path(__file__).parent / "data" / "registration-v1.json")
                      .read_text(encoding="utf-8"))
    assert data["version"] == 1
    old = parse_definition(json.dumps(data), "store:jisr.registration@1")
    from jisr_desktop.models.programme.form import from_definition

    result = validate(from_definition(old), make_submission(cin="EE" + "1" * 100_000),
                      today=TODAY)
    assert {i.field: i.code for i in result.errors} == {"cin": "too_long"}
    # The same content under another version number is not grandfathered.
    data["version"] = 7
    with pytest.raises(DefinitionError, match="bounds"):
        parse_definition(json.dumps(data), "registration.json")
