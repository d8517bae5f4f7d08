"""Local days over UTC timestamps: a registration at 00:30 in Morocco (UTC+1) is on the day
that has just begun, in the list's date filter, the committee's tie-break and on screen."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from sqlalchemy import text

from jisr_desktop.formatting import format_date
from jisr_desktop.models.programme.clock import local_day, local_day_start
from jisr_desktop.models.store.repository import RecordFilter
from jisr_desktop.models.workflows.committee import ranking
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import TODAY, make_submission

JUST_AFTER_MIDNIGHT = "2026-11-29T23:30:00.000+00:00"  # 00:30 on 30 November in Morocco


@pytest.fixture
def morocco():
    """The laptop's zone at UTC+1 (a POSIX rule: no tz database needed)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "<+01>-1"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_days_follow_the_laptops_zone(morocco) -> None:
    assert local_day(JUST_AFTER_MIDNIGHT) == "2026-11-30"
    assert local_day("2026-11-30T22:59:59.999+00:00") == "2026-11-30"
    assert local_day("2026-11-30T23:00:00.000+00:00") == "2026-12-01"
    assert local_day("2026-11-30") == "2026-11-30"  # a bare date is already local
    assert local_day_start(date(2026, 11, 30)) == "2026-11-29T23:00:00.000+00:00"
    assert format_date(JUST_AFTER_MIDNIGHT, "fr", "short") == format_date(
        date(2026, 11, 30), "fr", "short")


def test_filter_and_committee_count_the_local_day(morocco, repo, definitions) -> None:
    outcome = enrol(repo, definitions, make_submission(), today=TODAY)
    record_id = outcome.record.id
    with repo.store.session() as s:
        s.execute(text("UPDATE records SET created_at = :t WHERE id = :i"),
                  {"t": JUST_AFTER_MIDNIGHT, "i": record_id})

    def listed(day: str) -> list[str]:
        found = repo.page(RecordFilter(date_from=day, date_to=day), offset=0, limit=10)
        return [r.id for r in found]

    assert listed("2026-11-30") == [record_id]
    assert listed("2026-11-29") == []
    (entry,) = ranking(repo, "07.351").entries
    assert entry.registered_on == "2026-11-30"
