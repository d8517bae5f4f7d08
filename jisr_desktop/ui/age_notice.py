"""What the form says about the age while the agent types the birth date (no Qt).

The validation already refuses a birth date in the future or one giving an age under 10
or over 100 (a slip of the year). Between those, two ages deserve a word before she goes
on: one the programme's grid declares not eligible (under 18: its eligibility rules that
look at the age alone, read from the grid, not written here), and one so high for a
programme of working-age women that a mistyped year (1935 for 1995) is likelier than a
beneficiary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.expressions import holds, references

AGE_FIELD = "age"
# At this age the form asks her to check the year; it saves all the same.
CHECK_AGE_FROM = 70
CHECK_AGE = N_("Age {age}: check the year of birth.")


class AgeNotice(NamedTuple):
    text: str
    severity: str  # "warning": the form still saves


def age_rules(grid: Definition) -> list[Mapping[str, Any]]:
    """The grid's eligibility rules that depend on the age and nothing else."""
    return [
        rule for rule in grid.data.get("eligibility") or ()
        if references(str(rule.get("when", ""))) == {AGE_FIELD}
    ]


def age_notice(age: Any, rules: list[Mapping[str, Any]], lang: str,
               age_text: str = "") -> AgeNotice | None:
    """The notice for a computed age, or None. `age_text` is the age as shown."""
    if not isinstance(age, int) or age < 0:
        return None
    for rule in rules:
        if holds(str(rule["when"]), {AGE_FIELD: age}):
            return AgeNotice(localized(rule.get("reason"), lang), "warning")
    if age >= CHECK_AGE_FROM:
        return AgeNotice(_(CHECK_AGE).format(age=age_text or age), "warning")
    return None
