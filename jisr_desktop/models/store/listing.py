"""The beneficiaries list and the searches: pages of summaries for a filter and a sort
key, how many match, a text search, and a province's scored registrations for the
committee. Reads only (SQLAlchemy Core over the list's covering indexes)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, text

from jisr_desktop.models.programme.clock import local_day_start
from jisr_desktop.models.programme.people import full_name
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import FTS_TABLE, LIST_SORT_INDEXES, LIVE_INDEX, Record
from jisr_desktop.models.store.search import fts_query


@dataclass(frozen=True)
class RecordSummary:
    id: str
    name_ar: str
    name_lat: str
    cin: str
    province_code: str
    status: str
    eligible: bool | None
    category: int | None
    score_total: float | None
    updated_at: str


@dataclass(frozen=True)
class RecordFilter:
    """What the beneficiaries list shows. `category` 0 means "not eligible"; the dates bound
    the registration day (`created_at`), both ends included, as ISO `YYYY-MM-DD`."""

    text: str = ""
    province_code: str | None = None
    category: int | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True)
class ScoredRecord:
    """A scored registration as a ranked list needs it: names, points per group, the day."""

    id: str
    name_ar: str
    name_lat: str
    cin: str
    province_code: str
    eligible: bool | None
    category: int | None
    total: float
    subtotals: dict[str, float]
    created_at: str


NOT_ELIGIBLE = 0  # RecordFilter.category for "not eligible"

# Sort keys the list offers, mapped to their columns; each has a partial index over live
# rows (migration 0003), so the first page of 100,000 rows is an index walk.
SORT_COLUMNS = {
    "name_lat": "name_lat",
    "name_ar": "name_ar",
    "cin": "cin",
    "province_code": "province_code",
    "category": "category",
    "score_total": "score_total",
    "updated_at": "updated_at",
}

# Below this many search hits, reading the hits one by one beats walking an index of
# 100,000 entries (measured: about 10 µs a hit against about 25 ms a walk).
FTS_DRIVE_LIMIT = 1000

_SUMMARY_COLUMNS = (
    Record.seq, Record.id, Record.answers, Record.cin, Record.province_code, Record.status,
    Record.eligible, Record.category, Record.score_total, Record.updated_at,
)


def _summary(r: Any) -> RecordSummary:
    answers = json.loads(r.answers)
    return RecordSummary(
        r.id,
        full_name(answers, "ar"),
        full_name(answers, "lat"),
        r.cin or "",
        r.province_code or "",
        r.status,
        r.eligible,
        r.category,
        r.score_total,
        r.updated_at,
    )


class Listing:
    def __init__(self, store: Store) -> None:
        self.store = store

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[RecordSummary]:
        """Records whose names, CIN or phone match what was typed, best match first."""
        match = fts_query(query)
        if match is None:
            return []
        with self.store.engine.connect() as conn:
            seqs = [
                r[0]
                for r in conn.execute(
                    text(
                        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "
                        "ORDER BY rank LIMIT :l OFFSET :o"
                    ),
                    {"q": match, "l": limit, "o": offset},
                )
            ]
            if not seqs:
                return []
            rows = {r.seq: r for r in conn.execute(
                select(*_SUMMARY_COLUMNS).where(Record.seq.in_(seqs)))}
        return [_summary(rows[q]) for q in seqs if q in rows]

    def page(
        self,
        filter: RecordFilter,
        *,
        sort: str = "updated_at",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[RecordSummary]:
        """One page of the beneficiaries list, for a filter and a sort key.

        Two steps: the sequence numbers first (the WHERE and ORDER BY are answered from
        indexes alone, so a deep offset skips index entries rather than wide rows), then
        the rows of that page only. Equal sort values fall back to `seq`, so paging is
        stable and no row appears on two pages.
        """
        if sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort key {sort!r}")
        where, params = _list_where(filter)
        if where is None:
            return []
        direction = "DESC" if descending else "ASC"
        column = SORT_COLUMNS[sort]
        params = {**params, "limit": max(0, int(limit)), "offset": max(0, int(offset))}
        with self.store.engine.connect() as conn:
            matches = _fts_matches(conn, params)
            if matches == 0:
                return []
            # A search matching few rows is read from the FTS hits (a row look-up each);
            # anything else walks the sort key's covering index, which reads index entries
            # only, stops after offset + limit matches and needs no sort. INDEXED BY: with
            # no statistics, SQLite may otherwise sort 100,000 wide rows (about a second).
            hint = (
                ""
                if matches is not None and matches <= FTS_DRIVE_LIMIT
                else (f"INDEXED BY {LIST_SORT_INDEXES[column]}")
            )
            sql = (
                f"SELECT seq FROM records {hint} WHERE {where} "
                f"ORDER BY {column} {direction}, seq {direction} LIMIT :limit OFFSET :offset"
            )
            seqs = [r[0] for r in conn.execute(text(sql), params)]
            if not seqs:
                return []
            rows = conn.execute(select(*_SUMMARY_COLUMNS).where(Record.seq.in_(seqs))).all()
        by_seq = {r.seq: r for r in rows}
        return [_summary(by_seq[seq]) for seq in seqs]

    def count_matching(self, filter: RecordFilter) -> int:
        """How many live records the filter matches (the list's row count)."""
        where, params = _list_where(filter)
        if where is None:
            return 0
        with self.store.engine.connect() as conn:
            matches = _fts_matches(conn, params)
            if matches == 0:
                return 0
            if matches is not None and matches <= FTS_DRIVE_LIMIT:
                hint = ""  # few hits: look each one up
            elif filter.province_code:
                hint = f"INDEXED BY {LIST_SORT_INDEXES['province_code']}"  # a range of it
            elif filter.category is not None and filter.category != NOT_ELIGIBLE:
                hint = f"INDEXED BY {LIST_SORT_INDEXES['category']}"
            elif filter != RecordFilter(text=filter.text):
                # Any covering index holds every filter column: walk it, not the table.
                hint = f"INDEXED BY {LIST_SORT_INDEXES['updated_at']}"
            else:
                hint = f"INDEXED BY {LIVE_INDEX}"  # only seq is needed: the narrowest
            return conn.execute(
                text(f"SELECT count(*) FROM records {hint} WHERE {where}"), params
            ).scalar_one()

    def scored_in_province(self, province_code: str) -> list[ScoredRecord]:
        """Every live, scored registration of a province (eligible or not), unordered: the
        committee's list ranks them. Subtotals come from the stored evaluation, so a grid
        with groups other than vulnerability and readiness still ranks by its own."""
        query = (
            select(
                Record.id, Record.answers, Record.cin, Record.eligible, Record.category,
                Record.score_total, Record.vulnerability, Record.readiness, Record.evaluation,
                Record.created_at,
            )
            .where(
                Record.province_code == province_code,
                ~Record.deleted,
                Record.status == "registered",
                Record.score_total.is_not(None),
            )
            .order_by(Record.seq)
        )
        out: list[ScoredRecord] = []
        with self.store.engine.connect() as conn:
            for r in conn.execute(query):
                answers = json.loads(r.answers)
                evaluation = json.loads(r.evaluation) if r.evaluation else {}
                subtotals = dict(evaluation.get("subtotals") or {})
                subtotals.setdefault("vulnerability", r.vulnerability or 0)
                subtotals.setdefault("readiness", r.readiness or 0)
                out.append(
                    ScoredRecord(
                        r.id,
                        full_name(answers, "ar"),
                        full_name(answers, "lat"),
                        r.cin or "",
                        province_code,
                        r.eligible,
                        r.category,
                        r.score_total,
                        subtotals,
                        r.created_at,
                    )
                )
        return out


def _fts_matches(conn: Any, params: Mapping[str, Any]) -> int | None:
    """How many rows the search text matches (None without search text): cheap, since FTS5
    answers from its own index."""
    if "q" not in params:
        return None
    return conn.execute(
        text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"), {"q": params["q"]}
    ).scalar_one()


def _list_where(f: RecordFilter) -> tuple[str | None, dict[str, Any]]:
    """The list's WHERE clause (plain SQL over indexed columns) and its parameters;
    None when the filter cannot match anything. `deleted = 0` is written exactly so, as
    the partial indexes of migration 0003 require."""
    clauses = ["deleted = 0"]
    params: dict[str, Any] = {}
    if f.province_code:
        clauses.append("province_code = :province")
        params["province"] = f.province_code
    if f.category == NOT_ELIGIBLE:
        clauses.append("eligible = 0")
    elif f.category is not None:
        clauses.append("category = :category")
        params["category"] = int(f.category)
    if f.status:
        clauses.append("status = :status")
        params["status"] = f.status
    # created_at is a UTC timestamp; the days she picks are the centre's local days.
    try:
        first = date.fromisoformat(str(f.date_from)[:10]) if f.date_from else None
        last = date.fromisoformat(str(f.date_to)[:10]) if f.date_to else None
    except ValueError:
        return None, {}
    if first is not None:
        clauses.append("created_at >= :date_from")
        params["date_from"] = local_day_start(first)
    if last is not None:
        # Everything before the next local day began is on the last day.
        clauses.append("created_at < :date_to")
        params["date_to"] = local_day_start(last + timedelta(days=1))
    if f.text.strip():
        match = fts_query(f.text)
        if match is None:
            return None, {}  # only punctuation: nothing can match what was typed
        clauses.append(f"seq IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q)")
        params["q"] = match
    return " AND ".join(clauses), params
