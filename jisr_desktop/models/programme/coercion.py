"""Raw answers to typed values, one coercer per field type: (value or None, issues).

Digits typed on Arabic keyboards, a decimal comma, phone numbers to E.164, CINs to their
stored form; a value that cannot be read is an error at its field, never a crash.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from jisr_desktop.models.programme import text_rules
from jisr_desktop.models.programme.form import Field
from jisr_desktop.models.programme.identity import (
    cin_looks_standard,
    normalize_cin,
    normalize_phone,
)
from jisr_desktop.models.programme.messages import Message
from jisr_desktop.models.programme.validation_result import Issue

# Agents type on Arabic keyboards: accept Arabic-Indic and Persian digits as well.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_empty(value: Any) -> bool:
    """No answer: nothing, blank text or an empty selection (0 and False are answers)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not value
    return False


Coerced = tuple[Any, list[Issue]]


def _fail(f: Field, code: str, raw: Any) -> Coerced:
    return None, [Issue(f.name, Message(code, {"value": raw}), "error")]


def _text(f: Field, raw: Any) -> Coerced:
    text = str(raw).strip()
    if not text:
        return None, []
    problem = text_rules.text_problem(f, text)
    if problem is not None:
        return None, [Issue(f.name, problem, "error")]
    return text, []


def _integer(f: Field, raw: Any) -> Coerced:
    if isinstance(raw, bool):
        return _fail(f, "not_integer", raw)
    if isinstance(raw, int):
        return raw, []
    if isinstance(raw, float):
        return (int(raw), []) if raw.is_integer() else _fail(f, "not_integer", raw)
    text = str(raw).strip().translate(_DIGITS)
    try:
        return int(text), []
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return _fail(f, "not_integer", raw)
    return (int(number), []) if number.is_integer() else _fail(f, "not_integer", raw)


def _decimal(f: Field, raw: Any) -> Coerced:
    if isinstance(raw, bool):
        return _fail(f, "not_number", raw)
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        # French writing uses a decimal comma.
        text = str(raw).strip().translate(_DIGITS).replace(",", ".").replace("٫", ".")
        try:
            number = float(text)
        except ValueError:
            return _fail(f, "not_number", raw)
    if not math.isfinite(number):
        return _fail(f, "not_number", raw)
    return number, []


def _date(f: Field, raw: Any) -> Coerced:
    if isinstance(raw, datetime):
        return raw.date().isoformat(), []
    if isinstance(raw, date):
        return raw.isoformat(), []
    text = str(raw).strip().translate(_DIGITS)
    # date.fromisoformat alone would also take 20240131 or week dates: too lenient.
    if not _ISO_DATE.match(text):
        return _fail(f, "not_date", raw)
    try:
        return date.fromisoformat(text).isoformat(), []
    except ValueError:
        return _fail(f, "not_date", raw)


def _choice_index(f: Field) -> dict[str, Any]:
    """Each choice's value by its text; the first choice wins when two print the same."""
    index: dict[str, Any] = {}
    for choice in f.choices:
        index.setdefault(str(choice.value), choice.value)
    return index


def _match(f: Field, raw: Any, index: Mapping[str, Any] | None = None) -> Any:
    """The value of the choice whose text is `raw` (stripped), or None."""
    return (index if index is not None else _choice_index(f)).get(str(raw).strip())


def _select_one(f: Field, raw: Any, index: Mapping[str, Any] | None = None) -> Coerced:
    if not f.choices:
        return str(raw).strip(), []
    value = _match(f, raw, index)
    return (value, []) if value is not None else _fail(f, "invalid_choice", raw)


def _select_multiple(f: Field, raw: Any, index: Mapping[str, Any] | None = None) -> Coerced:
    if isinstance(raw, str):
        items = raw.split()
    elif isinstance(raw, list | tuple | set | frozenset):
        items = list(raw)
    else:
        items = [raw]
    if not f.choices:
        return [str(i).strip() for i in items], []
    if index is None:
        index = _choice_index(f)
    matched = [_match(f, i, index) for i in items]
    chosen = set(matched)
    unknown = [str(i) for i, value in zip(items, matched, strict=True) if value is None]
    if unknown:
        return _fail(f, "invalid_choice", " ".join(unknown))
    # The list's order, not the clicking order: the same choices always compare equal.
    return [c.value for c in f.choices if c.value in chosen], []


def _phone(f: Field, raw: Any) -> Coerced:
    problem = text_rules.typed_code_problem(f, str(raw))
    if problem is not None:
        return None, [Issue(f.name, problem, "error")]
    check = normalize_phone(str(raw))
    if not check.valid or not check.e164:
        return _fail(f, "phone_invalid", raw)
    if not check.is_mobile:
        # A landline is a real number but cannot receive the programme's SMS.
        return check.e164, [
            Issue(f.name, Message("phone_not_mobile", {"value": check.e164}), "warning")
        ]
    return check.e164, []


def _cin(f: Field, raw: Any) -> Coerced:
    problem = text_rules.typed_code_problem(f, str(raw))
    if problem is not None:
        return None, [Issue(f.name, problem, "error")]
    cin = normalize_cin(str(raw))
    if not cin:
        return None, []
    problem = text_rules.cin_problem(f, cin)
    if problem is not None:
        return None, [Issue(f.name, problem, "error")]
    if not cin_looks_standard(cin):
        # No authoritative CIN/CNIE pattern is published: an unusual one is only queried.
        return cin, [Issue(f.name, Message("cin_pattern", {"value": cin}), "warning")]
    return cin, []


def _reference_code(f: Field, raw: Any) -> Coerced:
    return (str(raw).strip() or None), []


_COERCERS = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "phone": _phone,
    "cin": _cin,
}


def coercer(f: Field) -> Any:
    """The function that turns a raw answer of `f` into its typed value and issues."""
    # A reference field is a code from the HCP lists, whatever type the form gives it.
    if f.reference:
        return _reference_code
    if f.type in ("select_one", "select_multiple") and f.choices:
        # The choice list indexed once per form, not scanned once per answer.
        index = _choice_index(f)
        select = _COERCERS[f.type]
        return lambda field, raw: select(field, raw, index)
    return _COERCERS.get(f.type)
