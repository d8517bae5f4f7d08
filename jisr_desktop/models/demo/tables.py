"""The weighted tables of a demo run, prepared once: every weighted list as cumulative
weights (`Table`: a draw is one `random()` and one bisection), per region its places and
name lists (`Place`), and all of them for a run (`Plan`)."""

from __future__ import annotations

import csv
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any, Generic, TypeVar

from jisr_desktop import paths
from jisr_desktop.models.demo import names as names
from jisr_desktop.models.demo.weights import (
    AGE_WEIGHTS,
    EDUCATION,
    EXPERIENCE_BY_MIN_AGE,
    HEAD_OF_HOUSEHOLD_GIVEN,
    HEAD_OF_HOUSEHOLD_TOTAL,
    HEALTH_COVERAGE,
    HEALTH_COVERAGE_SALARIED,
    HOUSEHOLD_SIZE,
    INCOME_SOURCE,
    LEGAL_STATUS,
    MINOR_SHARE,
    PHONE_STYLES,
    PROJECT_SECTOR,
    PROJECT_STAGE,
    REGION_WEIGHTS,
    SECTOR_BOOST,
    SOCIAL_STATUS_TOTAL,
    SOCIAL_STATUS_YOUNG,
    SUPPORT_REQUESTED,
    YOUNG_BELOW,
)
from jisr_desktop.models.programme.reference import ReferenceData

T = TypeVar("T")


@dataclass(frozen=True)
class Table(Generic[T]):
    """A weighted list ready for fast draws (what `random.choices` does with cum_weights)."""

    values: tuple[T, ...]
    cum: tuple[float, ...]
    total: float
    hi: int

    @classmethod
    def of(cls, weighted: dict[T, float] | Sequence[tuple[T, float]]) -> Table[T]:
        items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
        items = [(v, float(w)) for v, w in items if w > 0]
        if not items:
            raise ValueError("a weighted list needs at least one positive weight")
        cum = tuple(accumulate(w for _, w in items))
        return cls(tuple(v for v, _ in items), cum, cum[-1], len(items) - 1)

    def draw(self, random: Any) -> T:
        return self.values[bisect(self.cum, random() * self.total, 0, self.hi)]


@dataclass(frozen=True)
class Place:
    provinces: Table[str]
    communes: dict[str, Table[tuple[str, str]]]  # province -> (commune code, area type)
    first_names: Table[tuple[str, str]]
    family_names: Table[tuple[str, str]]
    cin_prefixes: tuple[str, ...]
    sectors: Table[str]


class Plan:
    """Every weighted list of a run, as cumulative weights."""

    def __init__(self, ref: ReferenceData, today: date) -> None:
        pops = populations()
        self.places: dict[str, Place] = {}
        for code in ref.regions:
            place = _place(ref, code, pops)
            if place is not None:
                self.places[code] = place
        if not self.places:
            raise ValueError("the reference data has no region with communes")
        self.regions = Table.of(
            {code: w for code, w in REGION_WEIGHTS.items() if code in self.places}
            or {code: 1 for code in self.places}
        )

        self.ages = Table.of(AGE_WEIGHTS)
        self.birthdays = {age: _years_before(today, age) for age in range(16, 62)}
        young_share = MINOR_SHARE + (1 - MINOR_SHARE) * sum(
            w for a, w in AGE_WEIGHTS.items() if a < YOUNG_BELOW
        ) / sum(AGE_WEIGHTS.values())
        self.status_young = Table.of(SOCIAL_STATUS_YOUNG)
        self.status_older = Table.of(
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

        self.household = Table.of(HOUSEHOLD_SIZE)
        self.household_married = Table.of({n: w for n, w in HOUSEHOLD_SIZE.items() if n >= 2})
        self.coverage = Table.of(HEALTH_COVERAGE)
        self.coverage_salaried = Table.of(HEALTH_COVERAGE_SALARIED)
        self.income = {area: Table.of(w) for area, w in INCOME_SOURCE.items()}
        self.education = {key: Table.of(w) for key, w in EDUCATION.items()}
        self._experience = [(age, Table.of(w)) for age, w in EXPERIENCE_BY_MIN_AGE]
        self.legal_status = Table.of(LEGAL_STATUS)
        self.support = Table.of(SUPPORT_REQUESTED)
        self.stage = {k: Table.of(w) for k, w in PROJECT_STAGE.items()}
        self.phone_styles = Table.of(PHONE_STYLES)

    def experience_for(self, age: int) -> Table[str]:
        chosen = self._experience[0][1]
        for min_age, table in self._experience:
            if age >= min_age:
                chosen = table
        return chosen


def _place(ref: ReferenceData, region: str, pops: dict[str, int]) -> Place | None:
    communes: dict[str, Table[tuple[str, str]]] = {}
    province_weights: list[tuple[str, float]] = []
    for province in ref.provinces_of(region):
        rows = ref.communes_of(province.code)
        # Casablanca's prefectures of arrondissements hold no commune. Weighting communes by
        # population makes the big cities weigh heavily: about 59% of rows come out urban.
        if not rows:
            continue
        communes[province.code] = Table.of(
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
    return Place(
        provinces=Table.of(province_weights),
        communes=communes,
        first_names=_names_table(names.FIRST_NAMES, boost),
        family_names=_names_table(names.FAMILY_NAMES, boost),
        cin_prefixes=names.CIN_PREFIXES.get(region, names.DEFAULT_CIN_PREFIXES),
        sectors=Table.of({s: w * sector_boost.get(s, 1.0) for s, w in PROJECT_SECTOR.items()}),
    )


def _names_table(pool: tuple[names.Name, ...], boost: dict[str, float]) -> Table[tuple[str, str]]:
    return Table.of([((ar, lat), w * boost.get(group, 1.0)) for ar, lat, group, w in pool])


def populations(folder: Path | None = None) -> dict[str, int]:
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
