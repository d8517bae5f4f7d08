"""The provincial committee's list: eligible registrations of a province, ranked by score,
with every tie explained, the decisions taken so far and the province's quota.

Order (the grid's own rule, docs/definitions.md): total score, highest first; equal totals
are separated by the grid's `tie_breakers` subtotals in order (vulnerability, then
readiness, in grid version 1), highest first; what is still equal goes by registration
day, earliest first (who came first is served first). Each entry's `tie_note` says what
separated her from a neighbour with the same total, so the committee can read why two
women with the same score are not in the same place.

One ranking per province and per category (programme document, lines 108 and 456: about
3,000 women per region): `ranking(repo, province, category)` ranks only the women whose
category in force (the committee's, else the agent's, else the grid's) is that one, against
that category's quota. The split rule is the grid's `quotas` data, not a constant here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache

from jisr_desktop import paths
from jisr_desktop.models.programme.clock import local_day
from jisr_desktop.models.programme.definitions import Definition, load_directory
from jisr_desktop.models.store.decisions import (
    ACCEPTED,
    AGENT_CONFIRMATION,
    COMMITTEE,
    REFUSED,
    WAITING_LIST,
    DecisionInfo,
    DecisionRepository,
)
from jisr_desktop.models.store.repository import Repository, ScoredRecord
from jisr_desktop.models.workflows.groups import fold_groups

DEFAULT_TIE_BREAKERS = ("vulnerability", "readiness")

# tie_note values besides a subtotal's id (the UI translates them).
NO_TIE = ""
BY_REGISTRATION_DATE = "registration_date"
TIED = "tied"


@dataclass(frozen=True)
class CommitteeEntry:
    record_id: str
    name_ar: str
    name_lat: str
    cin: str
    total: float
    subtotals: dict[str, float]
    category: int | None
    registered_on: str  # YYYY-MM-DD
    rank: int
    # "" when no one else has her total; else the tie-breaker subtotal's id that separated
    # her from her neighbour with the same total, "registration_date", or "tied" when
    # even the registration day is the same (then she shares her neighbour's rank).
    tie_note: str
    tied_with: int  # how many others have the same total
    decision: DecisionInfo | None = None

    @property
    def vulnerability(self) -> float:
        return self.subtotals.get("vulnerability", 0)

    @property
    def readiness(self) -> float:
        return self.subtotals.get("readiness", 0)

    @property
    def outcome(self) -> str | None:
        return self.decision.outcome if self.decision else None


@dataclass(frozen=True)
class CommitteeList:
    province_code: str
    entries: list[CommitteeEntry]
    tie_breakers: tuple[str, ...]
    quota: int | None
    counts: dict[str, int] = field(default_factory=dict)  # accepted, waiting_list, refused, pending
    not_eligible: int = 0
    category: int | None = None  # None: every category of the province together

    @property
    def accepted(self) -> int:
        return self.counts.get(ACCEPTED, 0)

    @property
    def waiting(self) -> int:
        return self.counts.get(WAITING_LIST, 0)

    @property
    def refused(self) -> int:
        return self.counts.get(REFUSED, 0)

    @property
    def pending(self) -> int:
        return self.counts.get("pending", 0)


def ranking(repo: Repository, province_code: str, category: int | None = None) -> CommitteeList:
    """The ranked list of the province's eligible registrations (see the module's rule); of
    one category only when `category` is given (its category in force)."""
    grid = _grid(repo)
    tie_breakers = _tie_breakers(grid)
    # An applicant group is ranked once, in place of its members (workflows/groups.py).
    scored = fold_groups(repo, repo.scored_in_province(province_code))
    decisions_store = DecisionRepository(repo.store)
    decisions = decisions_store.latest_for([r.id for r in scored], COMMITTEE)
    # A woman the grid left out but the committee accepted by override (issue 12) is on
    # the list: the committee's exception is part of what it decided.
    eligible = [r for r in scored
                if r.eligible or (r.id in decisions and decisions[r.id].override)]
    ids = [r.id for r in eligible]
    left_out = len(scored) - len(eligible)
    if category is not None:
        confirmations = decisions_store.latest_for(ids, AGENT_CONFIRMATION)
        eligible = [
            r for r in eligible
            if category_in_force(r.category, confirmations.get(r.id), decisions.get(r.id))
            == category
        ]

    def key(r: ScoredRecord) -> tuple:
        # Negated so one ascending sort gives: total desc, breakers desc, day asc, then the
        # exact time and id, so the order never depends on the database's whim.
        return (
            -r.total,
            *(-r.subtotals.get(g, 0) for g in tie_breakers),
            local_day(r.created_at),
            r.created_at,
            r.id,
        )

    eligible.sort(key=key)
    entries = _entries(eligible, tie_breakers, decisions)
    counts = {ACCEPTED: 0, WAITING_LIST: 0, REFUSED: 0, "pending": 0}
    for e in entries:
        counts[e.outcome or "pending"] += 1
    return CommitteeList(
        province_code=province_code,
        entries=entries,
        tie_breakers=tie_breakers,
        quota=province_quota(province_code, category, grid=grid),
        counts=counts,
        not_eligible=left_out,
        category=category,
    )


def _entries(
    ranked: list[ScoredRecord],
    tie_breakers: tuple[str, ...],
    decisions: dict[str, DecisionInfo],
) -> list[CommitteeEntry]:
    """The entries in rank order, each tie explained against its neighbour."""
    same_total: dict[float, int] = {}
    for r in ranked:
        same_total[r.total] = same_total.get(r.total, 0) + 1
    entries: list[CommitteeEntry] = []
    for i, r in enumerate(ranked):
        previous = ranked[i - 1] if i > 0 else None
        following = ranked[i + 1] if i + 1 < len(ranked) else None
        note = NO_TIE
        if same_total[r.total] > 1:
            # Explain her place against the one just above with the same total; the first
            # of a tied group is explained against the one just below.
            other = previous if previous is not None and previous.total == r.total else following
            note = _separated_by(r, other, tie_breakers)
        rank = i + 1
        if note == TIED and previous is not None and entries and _fully_equal(
            r, previous, tie_breakers
        ):
            rank = entries[-1].rank
        entries.append(
            CommitteeEntry(
                record_id=r.id,
                name_ar=r.name_ar,
                name_lat=r.name_lat,
                cin=r.cin,
                total=r.total,
                subtotals=dict(r.subtotals),
                category=r.category,
                registered_on=local_day(r.created_at),
                rank=rank,
                tie_note=note,
                tied_with=same_total[r.total] - 1,
                decision=decisions.get(r.id),
            )
        )
    return entries


def category_in_force(proposed: int | None, confirmation: DecisionInfo | None,
                      committee: DecisionInfo | None) -> int | None:
    """The committee's category if it changed it, else the agent's, else the grid's."""
    for decision in (committee, confirmation):
        if decision is not None and decision.category is not None:
            return decision.category
    return proposed


def province_quota(
    province_code: str, category: int | None = None, *, grid: Definition | None = None
) -> int | None:
    """How many women the province may admit (in `category`, if given), by the grid's
    `quotas` rule (docs/definitions.md): the region's target spread over its provinces by
    population, then over the categories by their shares.

    With grid version 2: round(3000 × province population 2024 / region population 2024),
    then 50 % per category; the populations are the HCP 2024 census in
    resources/reference/provinces.csv and regions.csv. None for a code the lists do not know
    or a grid without a quota rule. A working rule of ours, not a figure from the ministry:
    the committee may be given another quota, and then this one is only a guide.
    """
    rule = (grid or _shipped_grid()).data.get("quotas")
    province = _populations()[0].get(province_code)
    if rule is None or province is None:
        return None
    region_code, population = province
    region_population = _populations()[1].get(region_code)
    if not region_population:
        return None
    share = rule["region_target"] * population / region_population
    if category is None:
        return round(share)
    percent = rule["category_shares"].get(str(category))
    return None if percent is None else round(share * percent / 100)


@cache
def _shipped_grid() -> Definition:
    return load_directory().grid


@cache
def _populations() -> tuple[dict[str, tuple[str, int]], dict[str, int]]:
    folder = paths.reference_dir()

    def rows(name: str) -> list[dict[str, str]]:
        text = (folder / name).read_text(encoding="utf-8-sig")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    provinces = {
        r["code"]: (r["region_code"], int(r["population_2024"] or 0)) for r in rows("provinces.csv")
    }
    regions = {r["code"]: int(r["population_2024"] or 0) for r in rows("regions.csv")}
    return provinces, regions


def _grid(repo: Repository) -> Definition | None:
    try:
        return repo.active_definitions().grid
    except LookupError:
        return None


def _tie_breakers(grid: Definition | None) -> tuple[str, ...]:
    if grid is None:
        return DEFAULT_TIE_BREAKERS
    return tuple(grid.data.get("tie_breakers") or ())


def _separated_by(
    r: ScoredRecord, other: ScoredRecord | None, tie_breakers: tuple[str, ...]
) -> str:
    if other is None:
        return NO_TIE
    for group in tie_breakers:
        if r.subtotals.get(group, 0) != other.subtotals.get(group, 0):
            return group
    if local_day(r.created_at) != local_day(other.created_at):
        return BY_REGISTRATION_DATE
    return TIED


def _fully_equal(a: ScoredRecord, b: ScoredRecord, tie_breakers: tuple[str, ...]) -> bool:
    return (
        a.total == b.total
        and all(a.subtotals.get(g, 0) == b.subtotals.get(g, 0) for g in tie_breakers)
        and local_day(a.created_at) == local_day(b.created_at)
    )
