"""The committee's ranked list: total first, ties broken by the grid's tie-breakers
(vulnerability, then readiness) and then by registration day, every tie explained."""

from __future__ import annotations

import pytest

from jisr_desktop.models.store import records as repository_mod
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.workflows.committee import province_quota, ranking
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import TODAY, make_submission

# Worked out by hand from grid version 1 (docs/definitions.md):
# the default woman: vulnerability 15+10+8+4+8 = 45, readiness 8+5+2 = 15, total 60.
SAME_TOTAL_LESS_VULNERABLE = {  # vulnerability 15+0+8+4+8 = 35, readiness 15+8+2 = 25: 60
    "social_status": "divorced", "head_of_household": "no", "project_stage": "existing",
    "experience": "6_10",
}
LOWER_TOTAL = {"head_of_household": "no", "project_stage": "existing"}  # 35 + 22 = 57


def _enrol(repo, definitions, cin, **overrides):
    outcome = enrol(repo, definitions, make_submission(cin=cin, phone=None, **overrides),
                    today=TODAY, allow_duplicate=True)
    assert outcome.saved, outcome.evaluation.validation.errors
    return outcome.record.id


def test_ranking_explains_ties(store, repo, definitions):
    lower = _enrol(repo, definitions, "AB1001", **LOWER_TOTAL)
    less_vulnerable = _enrol(repo, definitions, "AB1002", **SAME_TOTAL_LESS_VULNERABLE)
    first = _enrol(repo, definitions, "AB1003")
    twin = _enrol(repo, definitions, "AB1004", first_name_lat="Khadija")
    _enrol(repo, definitions, "AB1005", date_of_birth="2015-01-01")  # under 18
    _enrol(repo, definitions, "AB1006", region="01", province="01.511",
           commune="01.511.01.01")  # another province
    DecisionRepository(store).committee_decide(
        less_vulnerable, outcome="waiting_list", decided_on="2026-11-30", reason="Quota")

    result = ranking(repo, "07.351")
    rows = [(e.record_id, e.total, e.vulnerability, e.readiness, e.rank, e.tie_note)
            for e in result.entries]
    assert rows == [
        (first, 60, 45, 15, 1, "tied"),
        (twin, 60, 45, 15, 1, "tied"),  # equal on everything, the same day: the same rank
        (less_vulnerable, 60, 35, 25, 3, "vulnerability"),  # readiness does not matter
        (lower, 57, 35, 22, 4, ""),
    ]
    assert [e.tied_with for e in result.entries] == [2, 2, 2, 0]
    assert result.entries[2].decision.outcome == "waiting_list"
    assert result.entries[0].decision is None
    assert result.counts == {"accepted": 0, "waiting_list": 1, "refused": 0, "pending": 3}
    assert result.not_eligible == 1
    assert result.tie_breakers == ("vulnerability", "readiness")
    assert result.quota == province_quota("07.351")


def test_registration_day_breaks_what_the_grid_leaves_equal(repo, definitions, monkeypatch):
    later = _enrol(repo, definitions, "AB2001")
    monkeypatch.setattr(repository_mod, "utcnow", lambda: "2026-10-01T09:00:00.000+00:00")
    earlier = _enrol(repo, definitions, "AB2002")
    entries = ranking(repo, "07.351").entries
    assert [(e.record_id, e.rank, e.tie_note) for e in entries] == [
        (earlier, 1, "registration_date"), (later, 2, "registration_date")]
    assert entries[0].registered_on == "2026-10-01"


def test_quota_is_the_province_share_of_3000_by_population():
    import csv

    from jisr_desktop import paths

    with (paths.reference_dir() / "provinces.csv").open(encoding="utf-8-sig") as fh:
        province = next(r for r in csv.DictReader(fh) if r["code"] == "07.351")
    with (paths.reference_dir() / "regions.csv").open(encoding="utf-8-sig") as fh:
        region = next(r for r in csv.DictReader(fh) if r["code"] == province["region_code"])
    expected = round(3000 * int(province["population_2024"]) / int(region["population_2024"]))
    assert province_quota("07.351") == expected
    assert 0 < expected < 3000
    assert province_quota("99.999") is None


def test_empty_province(repo):
    result = ranking(repo, "07.351")
    assert result.entries == [] and result.pending == 0 and result.quota


@pytest.mark.parametrize("code", ["01.511", "07.351"])
def test_quotas_of_a_region_add_up_to_about_3000(code):
    import csv

    from jisr_desktop import paths

    with (paths.reference_dir() / "provinces.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    region = next(r["region_code"] for r in rows if r["code"] == code)
    # Casablanca's prefectures of arrondissements overlap their prefecture: leave them out.
    total = sum(province_quota(r["code"]) for r in rows
                if r["region_code"] == region and r["type"] != "prefecture_of_arrondissements")
    assert abs(total - 3000) <= 10
