"""Dates read the way people type them, and shown one way per language."""

from __future__ import annotations

from datetime import date

import pytest

from jisr_desktop.formatting import date_pattern, format_date, format_datetime, parse_date

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("15/03/1990", date(1990, 3, 15)),  # as Moroccans write it
        ("5/3/1990", date(1990, 3, 5)),  # one-digit day and month
        ("1990-3-5", date(1990, 3, 5)),  # ISO, year first
        ("1990-03-15", date(1990, 3, 15)),
        ("15.03.1990", date(1990, 3, 15)),
        ("15-3-1990", date(1990, 3, 15)),
        (" 15 / 03 / 1990 ", date(1990, 3, 15)),
        ("١٥/٠٣/١٩٩٠", date(1990, 3, 15)),  # Arabic-Indic digits
        ("15031990", date(1990, 3, 15)),
        ("19900315", date(1990, 3, 15)),
        ("5/3/90", date(1990, 3, 5)),
        ("5/3/24", date(2024, 3, 5)),
    ],
)
def test_typed_dates_are_understood(typed: str, understood: date) -> None:
    assert parse_date(typed, today=TODAY) == understood


@pytest.mark.parametrize("typed", ["", "1990", "31/02/1990", "15/13/1990", "15/03", "abc",
                                   "123/4/1990", "15/03/19901"])
def test_what_is_not_a_date_stays_not_a_date(typed: str) -> None:
    assert parse_date(typed, today=TODAY) is None


def test_one_date_format_per_language() -> None:
    for lang in ("ar", "fr", "zgh"):
        # From CLDR's short pattern: day first, two-digit day and month, four-digit year,
        # no bidi marks (the date reads as it is typed).
        assert date_pattern(lang) == "dd/MM/yyyy"
        assert format_date("1990-03-05", lang) == "05/03/1990"
        # Callers that still ask for "medium" get the same one format.
        assert format_date(date(1990, 3, 5), lang, "medium") == "05/03/1990"
        assert format_datetime("2026-12-02T10:05:00", lang).startswith("02/12/2026 ")
    assert format_date("1990-03-05", "fr", "long") == "5 mars 1990"
