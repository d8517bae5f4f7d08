"""Synthetic registrations shaped like the programme's first wave (demo, tests, benchmarks).

`generate(count, seed)` yields plain JSON-able dicts keyed by the registration form's
field names (docs/definitions.md), as an agent would have typed them: phones in several
styles, names in Arabic and in the Latin spelling of the CIN. The published figures of
the first wave (DOMAIN.md, "Scale") drive the proportions: the regional split of 64,677
registrations, 11% widows, 9% divorced, 64% heads of household, 4% with a disability,
and the Fès-Meknès mix of auto-entrepreneurs and cooperative members. Everything else is
a plausible guess, said so where it is made.

Deterministic for a seed and a `today`: one `random.Random(seed)`, never the global one,
and the same draws in the same order. Fast: every weighted list is turned into cumulative
weights once, and a draw is one `random()` and one bisection.

No person here exists: names are drawn independently from lists, numbers at random.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from random import Random
from typing import Any

from jisr_desktop.models.demo import names as names
from jisr_desktop.models.demo.tables import Place, Plan
from jisr_desktop.models.demo.weights import (
    ACTIVE_STATUSES,
    CIN_SIX_DIGITS,
    CONSENT_MAX_DAYS_AGO,
    CONSENT_YES,
    DESCRIPTION_GIVEN,
    DISABILITY,
    HAS_PROJECT_IDEA,
    MINOR_SHARE,
    MOBILE_BLOCKS,
    PHONE_ABSENT,
    YOUNG_BELOW,
)
from jisr_desktop.models.programme.reference import ReferenceData, load_reference

__all__ = ["generate"]


def generate(
    count: int,
    seed: int,
    *,
    today: date | None = None,
    agent: str = "demo",
    reference: ReferenceData | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield `count` synthetic registration submissions, the same ones for the same
    `seed` and `today` (default: the real today)."""
    if count < 0:
        raise ValueError("count must not be negative")
    today = today or date.today()
    ref = reference if reference is not None else load_reference()
    draw = _Draws(Plan(ref, today), Random(seed))
    for _ in range(count):
        consent_date = (today - timedelta(days=draw.randrange(CONSENT_MAX_DAYS_AGO + 1)))
        if draw.random() >= CONSENT_YES:
            notes = names.REFUSAL_NOTES
            yield {
                "consent": "no",
                "consent_date": consent_date.isoformat(),
                "consent_recorded_by": agent,
                "refusal_note": notes[draw.randrange(len(notes))],
            }
            continue
        yield draw.registration(consent_date.isoformat(), agent)


class _Draws:
    """One run's draws, always in the same order (the seed's promise): the person, then
    her situation, then her project."""

    def __init__(self, plan: Plan, rng: Random) -> None:
        self.plan = plan
        self.random = rng.random
        self.randrange = rng.randrange
        self.used_cins: set[str] = set()
        self.used_phones: set[str] = set()

    def registration(self, consent_date: str, agent: str) -> dict[str, Any]:
        plan, random, randrange = self.plan, self.random, self.randrange
        region = plan.regions.draw(random)
        place = plan.places[region]
        province = place.provinces.draw(random)
        commune, area_type = place.communes[province].draw(random)

        first_ar, first_lat = place.first_names.draw(random)
        last_ar, last_lat = place.family_names.draw(random)

        age = randrange(16, 18) if random() < MINOR_SHARE else plan.ages.draw(random)
        latest = plan.birthdays[age]  # the last day of birth giving this age today
        born = latest - timedelta(days=randrange((latest - plan.birthdays[age + 1]).days))

        cin = _unique_cin(place.cin_prefixes, random, randrange, self.used_cins)
        phone = None
        if random() >= PHONE_ABSENT:
            phone = _unique_phone(random, randrange, self.used_phones, plan)

        row: dict[str, Any] = {
            "consent": "yes",
            "consent_date": consent_date,
            "consent_recorded_by": agent,
            "last_name_ar": last_ar,
            "first_name_ar": first_ar,
            "last_name_lat": last_lat,
            "first_name_lat": first_lat,
            "cin": cin,
            "date_of_birth": born.isoformat(),
        }
        if phone is not None:
            row["phone"] = phone
        row |= {"region": region, "province": province, "commune": commune,
                "area_type": area_type}
        row |= self.situation(age, area_type)
        row |= self.project(place, row["legal_status"])
        return row

    def situation(self, age: int, area_type: str) -> dict[str, Any]:
        """Family, income, schooling and status, in the order they are drawn."""
        plan, random = self.plan, self.random
        young = age < YOUNG_BELOW
        status = (plan.status_young if young else plan.status_older).draw(random)
        head = "yes" if random() < plan.head_given[status] else "no"
        disability = "yes" if random() < DISABILITY else "no"
        size_table = plan.household_married if status == "married" else plan.household
        household_size = size_table.draw(random)
        income = plan.income[area_type].draw(random)
        coverage = (plan.coverage_salaried if income == "salaried" else plan.coverage).draw(random)
        education = plan.education[(area_type, young)].draw(random)
        experience = plan.experience_for(age).draw(random)
        legal_status = plan.legal_status.draw(random)
        support = list(plan.support.draw(random))
        return {
            "social_status": status,
            "disability": disability,
            "head_of_household": head,
            "health_coverage": coverage,
            "household_size": household_size,
            "income_source": income,
            "education": education,
            "experience": experience,
            "legal_status": legal_status,
            "support_requested": support,
        }

    def project(self, place: Place, legal_status: str) -> dict[str, Any]:
        random, randrange = self.random, self.randrange
        activity = "active" if legal_status in ACTIVE_STATUSES else "inactive"
        if random() >= HAS_PROJECT_IDEA[activity]:
            return {"has_project_idea": "no"}
        sector = place.sectors.draw(random)
        out: dict[str, Any] = {"has_project_idea": "yes", "project_sector": sector}
        if random() < DESCRIPTION_GIVEN:
            pool = names.PROJECT_DESCRIPTIONS[sector]
            out["project_description"] = pool[randrange(len(pool))]
        out["project_stage"] = self.plan.stage[activity].draw(random)
        return out


# -- the draws that need a loop ---------------------------------------------------------


def _unique_cin(prefixes: tuple[str, ...], random: Any, randrange: Any, used: set[str]) -> str:
    while True:
        prefix = prefixes[randrange(len(prefixes))]
        if random() < CIN_SIX_DIGITS:
            cin = f"{prefix}{randrange(1_000_000):06d}"
        else:
            cin = f"{prefix}{randrange(10_000, 100_000)}"
        if cin not in used:
            used.add(cin)
            return cin


def _unique_phone(random: Any, randrange: Any, used: set[str], plan: Plan) -> str:
    while True:
        block = MOBILE_BLOCKS[randrange(len(MOBILE_BLOCKS))]
        digits = f"{block}{randrange(1_000_000):06d}"  # 9 digits, the national significant number
        if digits not in used:
            used.add(digits)
            return _format_phone(digits, plan.phone_styles.draw(random))


def _format_phone(nsn: str, style: str) -> str:
    national = "0" + nsn
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    if style == "pairs":
        return " ".join(pairs)
    if style == "dashes":
        return "-".join(pairs)
    if style == "dots":
        return ".".join(pairs)
    if style == "intl_spaced":
        return f"+212 {nsn[0]} " + " ".join(nsn[i : i + 2] for i in range(1, 9, 2))
    if style == "intl":
        return "+212" + nsn
    if style == "00":
        return "00212 " + nsn
    if style == "intl_dash":
        return f"+212 {nsn[:3]}-{nsn[3:]}"
    return national


