"""How a woman is named and identified from her answers: one definition for the list,
the cards, the form and the duplicate check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jisr_desktop.models.programme.duplicates import Person


def full_name(answers: Mapping[str, Any], script: str, *, family_in_capitals: bool = False
              ) -> str:
    """First and last name in one script ("ar" or "lat"), as the list and cards show it;
    the cards print a Latin family name in capitals (`family_in_capitals`)."""
    family = answers.get(f"last_name_{script}")
    if family and family_in_capitals:
        family = str(family).upper()
    parts = (answers.get(f"first_name_{script}"), family)
    return " ".join(str(p) for p in parts if p).strip()


def person(record_id: str | None, answers: Mapping[str, Any]) -> Person:
    """The duplicate checker's view of a registration (None: not saved yet)."""
    return Person(
        record_id=record_id,
        cin=str(answers.get("cin") or ""),
        phone=str(answers.get("phone") or ""),
        date_of_birth=str(answers.get("date_of_birth") or ""),
        names=tuple(n for n in (full_name(answers, "ar"), full_name(answers, "lat")) if n),
    )
