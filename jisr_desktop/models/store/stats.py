"""The counts behind the programme's published charts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import Record

# Answers the charts count by value.
STAT_FIELDS = (
    "social_status",
    "disability",
    "head_of_household",
    "health_coverage",
    "legal_status",
    "education",
    "experience",
    "area_type",
)


class Stats:
    def __init__(self, store: Store) -> None:
        self.store = store

    def counts(self) -> dict[str, Any]:
        """Live records in all, by status, region, category, and by each STAT_FIELDS answer."""
        with self.store.session() as s:
            live = ~Record.deleted
            out: dict[str, Any] = {
                "total": s.scalar(select(func.count()).select_from(Record).where(live)) or 0,
            }
            out["by_status"] = dict(
                s.execute(
                    select(Record.status, func.count()).where(live).group_by(Record.status)
                ).all()
            )
            out["by_region"] = dict(
                s.execute(
                    select(Record.region_code, func.count())
                    .where(live, Record.region_code.is_not(None))
                    .group_by(Record.region_code)
                ).all()
            )
            out["by_category"] = {
                ("not_eligible" if cat is None else str(cat)): n
                for cat, n in s.execute(
                    select(Record.category, func.count())
                    .where(live, Record.status == "registered")
                    .group_by(Record.category)
                ).all()
            }
            for name in STAT_FIELDS:
                value = func.json_extract(Record.answers, f"$.{name}")
                out[name] = dict(
                    s.execute(
                        select(value, func.count()).where(live, value.is_not(None)).group_by(value)
                    ).all()
                )
            each = text(
                "SELECT j.value, count(*) FROM records, json_each(records.answers, "
                "'$.support_requested') AS j WHERE records.deleted = 0 GROUP BY j.value"
            )
            out["support_requested"] = dict(s.execute(each).all())
        return out

    __call__ = counts  # the old API: `repo.stats()`
