"""One ranking per province and per category, each against its own share of the region's
~3,000 (programme document, lines 108 and 456); the committee may change a woman's category
or path, with its reason. The split rule is the grid's data: editing it changes the quota."""

from __future__ import annotations

import copy

import pytest

from jisr_desktop.models.programme.decisions import REASON_REQUIRED, check_decision
from jisr_desktop.models.programme.definitions import Definition, content_hash
from jisr_desktop.models.store.decisions import DecisionRepository, ReasonRequired
from jisr_desktop.models.workflows.committee import province_quota, ranking
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import TODAY, make_submission

MARRAKECH = "07.351"
NO_IDEA = {"has_project_idea": "no", "project_sector": None, "project_description": None,
           "project_stage": None}


def _enrol(repo, definitions, cin, **overrides):
    outcome = enrol(repo, definitions, make_submission(cin=cin, phone=None, **overrides),
                    today=TODAY, allow_duplicate=True)
    assert outcome.saved, outcome.evaluation.validation.errors
    return outcome.record.id


@pytest.fixture
def province(repo, definitions):
    """Two women with a project idea (category 1), one without (category 2)."""
    return {
        "weaver": _enrol(repo, definitions, "AB3001", education="none", experience="none"),
        "baker": _enrol(repo, definitions, "AB3002", project_sector="agrifood"),
        "no_idea": _enrol(repo, definitions, "AB3003", **NO_IDEA),
    }


def test_each_category_has_its_own_ranking_and_quota(repo, province):
    first = ranking(repo, MARRAKECH, 1)
    second = ranking(repo, MARRAKECH, 2)
    assert {e.record_id for e in first.entries} == {province["weaver"], province["baker"]}
    assert [e.record_id for e in second.entries] == [province["no_idea"]]
    assert [e.rank for e in first.entries] == [1, 2] and second.entries[0].rank == 1
    # The grid's rule: half of the province's share of 3,000 per category.
    whole = province_quota(MARRAKECH)
    assert first.quota == province_quota(MARRAKECH, 1) and second.quota == province_quota(
        MARRAKECH, 2)
    assert abs(first.quota - whole / 2) <= 1 and abs(second.quota - whole / 2) <= 1
    assert first.category == 1 and ranking(repo, MARRAKECH).category is None


def test_the_split_rule_is_data_in_the_grid(definitions):
    data = copy.deepcopy(dict(definitions.grid.data))
    data["version"] += 1
    data["quotas"]["category_shares"] = {"1": 70, "2": 30}
    grid = Definition("grid", data["id"], data["version"], content_hash(data), data)
    whole = province_quota(MARRAKECH, grid=grid)
    assert province_quota(MARRAKECH, 1, grid=grid) == round(whole * 0.7)
    assert province_quota(MARRAKECH, 2, grid=grid) == round(whole * 0.3)
    del data["quotas"]
    assert province_quota(MARRAKECH, 1, grid=Definition("grid", "g", 9, "h", data)) is None


def test_the_committee_moves_a_woman_to_category_2_with_its_reason(repo, province):
    decisions = DecisionRepository(repo.store)
    with pytest.raises(ReasonRequired):
        decisions.committee_decide(province["baker"], outcome="accepted",
                                   decided_on="2026-11-30", category=2, path="employability")
    decisions.committee_decide(
        province["baker"], outcome="accepted", decided_on="2026-11-30", category=2,
        path="employability", reason="Souhaite d'abord une formation qualifiante",
    )
    assert [e.record_id for e in ranking(repo, MARRAKECH, 1).entries] == [province["weaver"]]
    moved = {e.record_id: e for e in ranking(repo, MARRAKECH, 2).entries}
    assert moved[province["baker"]].outcome == "accepted"
    assert moved[province["baker"]].decision.path == "employability"
    # Accepting her as proposed is no change and needs no reason.
    plain = decisions.committee_decide(province["weaver"], outcome="accepted",
                                       decided_on="2026-11-30", category=1)
    assert plain.category is None and plain.reason is None


def test_the_server_asks_the_same_reason_for_a_change():
    payload = {"kind": "committee", "outcome": "accepted", "decided_on": "2026-11-30",
               "category": 2, "path": "employability", "reason": None}
    assert check_decision(payload, "supervisor") == REASON_REQUIRED
    assert check_decision({**payload, "reason": "Formation d'abord"}, "supervisor") is None
