"""Every text answer is bounded and free of control characters, on the desktop and on the
server, which validates with the same code (issue 14, point 11)."""

from __future__ import annotations

import json

import pytest

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
