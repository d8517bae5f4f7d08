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

import csv
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar

from jisr_desktop import paths
from jisr_desktop.models.demo import names as names
from jisr_desktop.models.programme.reference import ReferenceData, load_reference

__all__ = ["REGION_WEIGHTS", "generate"]

T = TypeVar("T")

# First-wave registrations per region (DOMAIN.md), by HCP region code.
# Laâyoune-Sakia El Hamra (11) was not in the first wave; it gets about 1% (647, a
# hundredth of the 64,677) so that demo data still shows the twelfth region. Marrakech-Safi
# is then 32.5% of the rows instead of the published 32.8%.
REGION_WEIGHTS: dict[str, int] = {
    "07": 21_218,  # Marrakech-Safi
    "12": 12_000,  # Dakhla-Oued Ed-Dahab
    "06": 6_490,  # Casablanca-Settat
    "03": 4_119,  # Fès-Meknès
    "09": 3_771,  # Souss-Massa
    "01": 3_726,  # Tanger-Tétouan-Al Hoceïma
    "02": 3_142,  # Oriental
    "04": 3_136,  # Rabat-Salé-Kénitra
    "05": 2_493,  # Béni Mellal-Khénifra
    "10": 2_468,  # Guelmim-Oued Noun
    "08": 2_114,  # Drâa-Tafilalet
    "11": 647,  # Laâyoune-Sakia El Hamra: not in the first wave, ~1%
}

CONSENT_YES = 0.98
PHONE_ABSENT = 0.10
MINOR_SHARE = 0.01  # aged 16 or 17: valid registrations the grid must find not eligible
DISABILITY = 0.04
DESCRIPTION_GIVEN = 0.9
YOUNG_BELOW = 30  # age bands for the draws that depend on age

# Social status: published shares overall; by age band the young are seldom widowed and
# more often single, and the older band's shares are derived so the totals hold.
SOCIAL_STATUS_TOTAL = {"single": 0.34, "married": 0.46, "divorced": 0.09, "widowed": 0.11}
SOCIAL_STATUS_YOUNG = {"single": 0.55, "married": 0.36, "divorced": 0.06, "widowed": 0.03}

# Head of household: 64% overall. Widows and divorced women mostly head their household;
# the share among married women is derived so that the published 64% holds, and comes out
# high (about 60%): the programme's "ربة أسرة" covers wives of absent, migrant, sick or
# unemployed husbands who carry the household.
HEAD_OF_HOUSEHOLD_TOTAL = 0.64
HEAD_OF_HOUSEHOLD_GIVEN = {"widowed": 0.92, "divorced": 0.85, "single": 0.50}

# Ages 18..59 as a relative frequency: rising through the twenties, flat from 28 to 45,
# falling to 60. A guess at who comes to the centres.
AGE_WEIGHTS: dict[int, float] = {
    age: (4 + (age - 18) * 0.6 if age < 28 else 10 if age <= 45 else 10 - (age - 45) * 0.5)
    for age in range(18, 60)
}

# Household size 1..12, mean about 5 (HCP 2024: 4.0 people per household nationally, from
# regions.csv; the programme's households are taken to be larger). Married women live
# with at least their husband.
HOUSEHOLD_SIZE = {1: 5, 2: 9, 3: 14, 4: 18, 5: 17, 6: 13, 7: 9, 8: 6, 9: 4, 10: 2, 11: 1, 12: 1}

HEALTH_COVERAGE = {"amo": 52, "cnss": 13, "none": 30, "other": 5}
HEALTH_COVERAGE_SALARIED = {"cnss": 70, "amo": 20, "none": 7, "other": 3}

INCOME_SOURCE = {
    "rural": {
        "none": 20, "agriculture": 26, "daily_labour": 16, "trade_crafts": 8, "salaried": 2,
        "pension": 2, "family_support": 12, "social_aid": 10, "other": 4,
    },
    "urban": {
        "none": 24, "agriculture": 2, "daily_labour": 18, "trade_crafts": 16, "salaried": 8,
        "pension": 4, "family_support": 14, "social_aid": 10, "other": 4,
    },
}  # fmt: skip

# Education by area and age band: rural and older women more often without schooling.
EDUCATION = {
    ("rural", True): {
        "none": 18, "primary": 30, "middle_school": 25, "secondary": 14,
        "vocational_training": 9, "university": 4,
    },
    ("rural", False): {
        "none": 48, "primary": 28, "middle_school": 12, "secondary": 6,
        "vocational_training": 4, "university": 2,
    },
    ("urban", True): {
        "none": 6, "primary": 14, "middle_school": 22, "secondary": 24,
        "vocational_training": 18, "university": 16,
    },
    ("urban", False): {
        "none": 25, "primary": 25, "middle_school": 18, "secondary": 14,
        "vocational_training": 10, "university": 8,
    },
}  # fmt: skip

# Experience cannot outrun age: nobody of 20 has ten years of work behind her.
EXPERIENCE_BY_MIN_AGE = (
    (0, {"none": 55, "1_5": 45}),
    (24, {"none": 38, "1_5": 42, "6_10": 20}),
    (30, {"none": 30, "1_5": 33, "6_10": 20, "over_10": 17}),
)

# Fès-Meknès: 3,000 auto-entrepreneurs and 674 cooperative members of 3,674 (82% / 18%);
# the same mix overall, with a few companies, others and women with no status yet.
LEGAL_STATUS = {"auto_entrepreneur": 78, "cooperative": 17, "company": 2, "other": 1, "none": 2}

SUPPORT_REQUESTED: dict[tuple[str, ...], int] = {
    ("training",): 30,
    ("accompaniment",): 20,
    ("training", "accompaniment"): 50,
}

# A project idea is the rule; women already in an activity nearly always have one.
HAS_PROJECT_IDEA = {"active": 0.92, "inactive": 0.6}
PROJECT_STAGE = {
    "active": {"idea": 35, "underway": 35, "existing": 30},
    "inactive": {"idea": 70, "underway": 20, "existing": 10},
}
ACTIVE_STATUSES = frozenset({"auto_entrepreneur", "cooperative", "company"})

PROJECT_SECTOR = {
    "agriculture": 12, "agrifood": 18, "livestock": 13, "fishing": 2, "handicraft": 15,
    "textile": 13, "trade": 10, "services": 10, "tourism": 3, "digital": 2, "other": 2,
}  # fmt: skip
# Regional leanings: the Atlantic south fishes, the mountains and oases host tourists.
SECTOR_BOOST: dict[str, dict[str, float]] = {
    "12": {"fishing": 10.0, "agriculture": 0.5},
    "11": {"fishing": 5.0, "agriculture": 0.5},
    "10": {"fishing": 3.0, "livestock": 1.5},
    "09": {"fishing": 2.0, "agrifood": 1.3, "tourism": 1.5},
    "08": {"tourism": 2.5, "agrifood": 1.3},
    "01": {"fishing": 2.0},
}

# Typing styles of a mobile number (the national number is 0 + 9 digits).
PHONE_STYLES = {
    "pairs": 30,  # 06 12 34 56 78
    "plain": 30,  # 0612345678
    "intl_spaced": 10,  # +212 6 12 34 56 78
    "intl": 10,  # +212612345678
    "dashes": 8,  # 06-12-34-56-78
    "dots": 5,  # 06.12.34.56.78
    "00": 4,  # 00212 612345678
    "intl_dash": 3,  # +212 612-345678
}
# Mobile blocks (first three digits after the 0) that phonenumbers knows as MA mobiles:
# 060-069 except 0683, 0685 and 0686, and the 070, 076 and 077 blocks.
MOBILE_BLOCKS = (
    *(b for b in range(600, 700) if b not in (683, 685, 686)),
    *range(700, 710),
    *range(760, 780),
)
CONSENT_MAX_DAYS_AGO = 120
CIN_SIX_DIGITS = 0.85


@dataclass(frozen=True)
class _Table(Generic[T]):
    """A weighted list ready for fast draws (what `random.choices` does with cum_weights)."""

    values: tuple[T, ...]
    cum: tuple[float, ...]
    total: float
    hi: int

    @classmethod
    def of(cls, weighted: dict[T, float] | Sequence[tuple[T, float]]) -> _Table[T]:
        items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
        items = [(v, float(w)) for v, w in items if w > 0]
        if not items:
            raise ValueError("a weighted list needs at least one positive weight")
        cum = tuple(accumulate(w for _, w in items))
        return cls(tuple(v for v, _ in items), cum, cum[-1], len(items) - 1)

    def draw(self, random: Any) -> T:
        return self.values[bisect(self.cum, random() * self.total, 0, self.hi)]


@dataclass(frozen=True)
class _Place:
    provinces: _Table[str]
    communes: dict[str, _Table[tuple[str, str]]]  # province -> (commune code, area type)
    first_names: _Table[tuple[str, str]]
    family_names: _Table[tuple[str, str]]
    cin_prefixes: tuple[str, ...]
    sectors: _Table[str]


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
    plan = _Plan(ref, today)
    rng = Random(seed)
    random = rng.random
    randrange = rng.randrange
    used_cins: set[str] = set()
    used_phones: set[str] = set()

    for _ in range(count):
        consent_date = (today - timedelta(days=randrange(CONSENT_MAX_DAYS_AGO + 1))).isoformat()
        if random() >= CONSENT_YES:
            yield {
                "consent": "no",
                "consent_date": consent_date,
                "consent_recorded_by": agent,
                "refusal_note": names.REFUSAL_NOTES[randrange(len(names.REFUSAL_NOTES))],
            }
            continue

        region = plan.regions.draw(random)
        place = plan.places[region]
        province = place.provinces.draw(random)
        commune, area_type = place.communes[province].draw(random)

        first_ar, first_lat = place.first_names.draw(random)
        last_ar, last_lat = place.family_names.draw(random)

        age = randrange(16, 18) if random() < MINOR_SHARE else plan.ages.draw(random)
        young = age < YOUNG_BELOW
        latest = plan.birthdays[age]  # the last day of birth giving this age today
        born = latest - timedelta(days=randrange((latest - plan.birthdays[age + 1]).days))

        cin = _unique_cin(place.cin_prefixes, random, randrange, used_cins)
        phone = None
        if random() >= PHONE_ABSENT:
            phone = _unique_phone(random, randrange, used_phones, plan)

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
        activity = "active" if legal_status in ACTIVE_STATUSES else "inactive"

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
        row |= {
            "region": region,
            "province": province,
            "commune": commune,
            "area_type": area_type,
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
        if random() < HAS_PROJECT_IDEA[activity]:
            sector = place.sectors.draw(random)
            row["has_project_idea"] = "yes"
            row["project_sector"] = sector
            if random() < DESCRIPTION_GIVEN:
                pool = names.PROJECT_DESCRIPTIONS[sector]
                row["project_description"] = pool[randrange(len(pool))]
            row["project_stage"] = plan.stage[activity].draw(random)
        else:
            row["has_project_idea"] = "no"
        yield row


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


def _unique_phone(random: Any, randrange: Any, used: set[str], plan: _Plan) -> str:
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


# -- tables prepared once per run -------------------------------------------------------


class _Plan:
    """Every weighted list of a run, as cumulative weights."""

    def __init__(self, ref: ReferenceData, today: date) -> None:
        pops = _populations()
        self.places: dict[str, _Place] = {}
        for code in ref.regions:
            place = _place(ref, code, pops)
            if place is not None:
                self.places[code] = place
        if not self.places:
            raise ValueError("the reference data has no region with communes")
        self.regions = _Table.of(
            {code: w for code, w in REGION_WEIGHTS.items() if code in self.places}
            or {code: 1 for code in self.places}
        )

        self.ages = _Table.of(AGE_WEIGHTS)
        self.birthdays = {age: _years_before(today, age) for age in range(16, 62)}
        young_share = MINOR_SHARE + (1 - MINOR_SHARE) * sum(
            w for a, w in AGE_WEIGHTS.items() if a < YOUNG_BELOW
        ) / sum(AGE_WEIGHTS.values())
        self.status_young = _Table.of(SOCIAL_STATUS_YOUNG)
        self.status_older = _Table.of(
            {
                s: (SOCIAL_STATUS_TOTAL[s] - young_share * SOCIAL_STATUS_YOUNG[s])
                / (1 - young_share)
                for s in SOCIAL_STATUS_TOTAL
            }
        )
        self.head_given = dict(HEAD_OF_HOUSEHOLD_GIVEN)
        self.head_given["married"] = (
            HEAD_OF_HOUSEHOLD_TOTAL
            - sum(SOCIAL_STATUS_TOTAL[s] * p for s, p in HEAD_OF_HOUSEHOLD_GIVEN.items())
        ) / SOCIAL_STATUS_TOTAL["married"]

        self.household = _Table.of(HOUSEHOLD_SIZE)
        self.household_married = _Table.of({n: w for n, w in HOUSEHOLD_SIZE.items() if n >= 2})
        self.coverage = _Table.of(HEALTH_COVERAGE)
        self.coverage_salaried = _Table.of(HEALTH_COVERAGE_SALARIED)
        self.income = {area: _Table.of(w) for area, w in INCOME_SOURCE.items()}
        self.education = {key: _Table.of(w) for key, w in EDUCATION.items()}
        self._experience = [(age, _Table.of(w)) for age, w in EXPERIENCE_BY_MIN_AGE]
        self.legal_status = _Table.of(LEGAL_STATUS)
        self.support = _Table.of(SUPPORT_REQUESTED)
        self.stage = {k: _Table.of(w) for k, w in PROJECT_STAGE.items()}
        self.phone_styles = _Table.of(PHONE_STYLES)

    def experience_for(self, age: int) -> _Table[str]:
        chosen = self._experience[0][1]
        for min_age, table in self._experience:
            if age >= min_age:
                chosen = table
        return chosen


def _place(ref: ReferenceData, region: str, pops: dict[str, int]) -> _Place | None:
    communes: dict[str, _Table[tuple[str, str]]] = {}
    province_weights: list[tuple[str, float]] = []
    for province in ref.provinces_of(region):
        rows = ref.communes_of(province.code)
        # Casablanca's prefectures of arrondissements hold no commune. Weighting communes by
        # population makes the big cities weigh heavily: about 59% of rows come out urban.
        if not rows:
            continue
        communes[province.code] = _Table.of(
            [
                ((c.code, c.type if c.type in ("rural", "urban") else "rural"),
                 max(pops.get(c.code, 1), 1))
                for c in rows
            ]
        )  # fmt: skip
        province_weights.append((province.code, max(pops.get(province.code, 1), 1)))
    if not province_weights:
        return None
    boost = names.GROUP_BOOST.get(region, names.DEFAULT_BOOST)
    sector_boost = SECTOR_BOOST.get(region, {})
    return _Place(
        provinces=_Table.of(province_weights),
        communes=communes,
        first_names=_names_table(names.FIRST_NAMES, boost),
        family_names=_names_table(names.FAMILY_NAMES, boost),
        cin_prefixes=names.CIN_PREFIXES.get(region, names.DEFAULT_CIN_PREFIXES),
        sectors=_Table.of({s: w * sector_boost.get(s, 1.0) for s, w in PROJECT_SECTOR.items()}),
    )


def _names_table(pool: tuple[names.Name, ...], boost: dict[str, float]) -> _Table[tuple[str, str]]:
    return _Table.of([((ar, lat), w * boost.get(group, 1.0)) for ar, lat, group, w in pool])


def _populations(folder: Path | None = None) -> dict[str, int]:
    """2024 census population by province and commune code, from the shipped CSVs
    (the reference dataclasses do not carry it). Missing files give an empty map:
    every place then weighs the same."""
    folder = folder or paths.reference_dir()
    out: dict[str, int] = {}
    for name in ("provinces.csv", "communes.csv"):
        try:
            with open(folder / name, encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    try:
                        out[row["code"]] = int(row.get("population_2024") or 0)
                    except ValueError:
                        continue
        except FileNotFoundError:
            continue
    return out


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
