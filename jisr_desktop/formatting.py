"""Dates and numbers formatted by Babel (CLDR) for ar_MA, fr_MA and zgh_MA, and dates read
back the way people type them.

One date format per language, everywhere (lists, pages, the date boxes): CLDR's short
date pattern for the locale gives the order of day, month and year and the separator;
day and month get two digits and the year four, so a column of dates lines up and reads
like the CIN and the printed cards (15/03/1990). CLDR puts right-to-left marks around the
Arabic separators, which would show the year first on an Arabic screen while the agent
types the day first in the box; they are left out so the date reads the same on screen,
on paper and under her fingers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.dates import get_date_format
from babel.numbers import format_decimal as _babel_decimal

from jisr_desktop.i18n import babel_locale
from jisr_desktop.models.programme.clock import local_day

_BIDI_MARKS = {ord(c): None for c in "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"}
# Arabic-Indic and Persian digits, as an Arabic keyboard types them.
_DIGITS = {0x0660 + d: str(d) for d in range(10)} | {0x06F0 + d: str(d) for d in range(10)}
_GROUPS = re.compile(r"(\d{1,4})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{1,4})")
# Babel names for a date spelt out: kept for what must leave no doubt (the month by name).
_SPELT = ("long", "full")


@cache
def date_pattern(lang: str) -> str:
    """The one numeric date pattern of `lang` (a CLDR pattern: dd/MM/yyyy)."""
    pattern = get_date_format("short", locale=babel_locale(lang)).pattern
    pattern = pattern.translate(_BIDI_MARKS)
    pattern = re.sub(r"d+", "dd", pattern)
    pattern = re.sub(r"M+", "MM", pattern)
    return re.sub(r"y+", "yyyy", pattern)


def date_order(lang: str) -> tuple[str, str, str]:
    """The order of the parts in `lang`'s pattern: ("d", "M", "y") for dd/MM/yyyy."""
    pattern = date_pattern(lang)
    return tuple(sorted("dMy", key=pattern.index))  # type: ignore[return-value]


def date_separator(lang: str) -> str:
    found = re.search(r"[^dMy]", date_pattern(lang))
    return found.group(0) if found else "/"


def _as_date(value: date | str) -> date:
    # A stored timestamp (UTC) is shown on the local day it fell on.
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(local_day(str(value)))


def format_date(value: date | str | None, lang: str, fmt: str | None = None) -> str:
    """A day in the one format of `lang`. "short" and "medium" (what older callers ask
    for) are that same format: a screen cannot pick its own. "long" and "full" spell the
    month out, for where a slip of day and month must be visible ("understood as ...")."""
    if value in (None, ""):
        return ""
    try:
        day = _as_date(value)
    except ValueError:
        return str(value)
    pattern = fmt if fmt in _SPELT else date_pattern(lang)
    return _babel_date(day, format=pattern, locale=babel_locale(lang))


def format_datetime(value: datetime | str | None, lang: str, fmt: str = "short") -> str:
    """The day in the one date format, then the time (hours and minutes)."""
    if value in (None, ""):
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the agent's own clock, as local_day does
    time = _babel_time(moment, format="short", locale=babel_locale(lang))
    return f"{format_date(moment.date(), lang)} {time}"


def format_number(value: float | int | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _babel_decimal(value, locale=babel_locale(lang))


def parse_date(text: str | None, *, today: date | None = None) -> date | None:
    """A date as people type it, or None.

    Day first as Moroccans write it (15/03/1990, 5/3/1990, 15.03.1990, 15-3-1990,
    15031990), or year first as ISO (1990-03-15, 1990-3-5, 1990/3/5). A two-digit year
    is the most recent one not after this year (5/3/90 is 1990, 5/3/24 is 2024). Any
    digits Arabic keyboards type; bidi marks and spaces ignored.
    """
    if not text:
        return None
    clean = text.translate(_DIGITS).translate(_BIDI_MARKS).strip()
    if not clean:
        return None
    parts = _split(clean)
    if parts is None:
        return None
    first, second, third = parts
    if len(first) == 4:
        year, month, day = first, second, third
    elif len(third) in (2, 4) and len(first) <= 2:
        day, month, year = first, second, third
    else:
        return None
    try:
        return date(_full_year(year, today or date.today()), int(month), int(day))
    except ValueError:
        return None


def _split(clean: str) -> tuple[str, str, str] | None:
    found = _GROUPS.fullmatch(clean)
    if found:
        return found.group(1), found.group(2), found.group(3)
    if clean.isdigit() and len(clean) == 8:
        # Without separators: day first (15031990), unless that is no date (19900315).
        as_dmy = (clean[:2], clean[2:4], clean[4:])
        day, month = int(as_dmy[0]), int(as_dmy[1])
        if 1 <= day <= 31 and 1 <= month <= 12:
            return as_dmy
        return clean[:4], clean[4:6], clean[6:]
    return None


def _full_year(text: str, today: date) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000
        if year > today.year:
            year -= 100
    return year
