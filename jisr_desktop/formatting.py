"""Dates and numbers formatted by Babel (CLDR) for ar_MA, fr_MA and zgh_MA."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal

from jisr_desktop.i18n import babel_locale
from jisr_desktop.models.programme.clock import local_day


def _as_date(value: date | str) -> date:
    # A stored timestamp (UTC) is shown on the local day it fell on.
    return value if isinstance(value, date) else date.fromisoformat(local_day(str(value)))


def format_date(value: date | str | None, lang: str, fmt: str = "medium") -> str:
    if value in (None, ""):
        return ""
    try:
        return _babel_date(_as_date(value), format=fmt, locale=babel_locale(lang))
    except ValueError:
        return str(value)


def format_datetime(value: datetime | str | None, lang: str, fmt: str = "short") -> str:
    if value in (None, ""):
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return _babel_datetime(moment, format=fmt, locale=babel_locale(lang))


def format_number(value: float | int | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _babel_decimal(value, locale=babel_locale(lang))
