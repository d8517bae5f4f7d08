"""The engine against the real server, through the proxy with a clean link: what goes up
comes down on the other device, and nothing echoes back up."""

from __future__ import annotations

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.sync.status import State
from tests.sync.conftest import engine_for, new_device, sign_in, unique_submission


def _enrol(store, **overrides):
    repo = Repository(store)
    outcome = enrol(repo, repo.active_definitions(), unique_submission(**overrides),
                    allow_duplicate=True)
    assert outcome.saved, outcome.evaluation.to_dict("fr")["errors"]
    return outcome.record


def test_records_made_on_one_device_reach_the_other_and_nothing_echoes(tmp_path, definitions,
                                                                       proxy):
    a = new_device(tmp_path / "a", definitions)
    b = new_device(tmp_path / "b", definitions)
    ids = [_enrol(a).id for _ in range(5)]
    engine_a = engine_for(a, sign_in(a, proxy.url), proxy.url)
    summary = engine_a.run()
    assert summary.ok and summary.error is None, summary
    assert summary.pushed == 5 and summary.left == 0 and summary.duplicates == 0
    assert engine_a.status().state == State.UP_TO_DATE

    engine_b = engine_for(b, sign_in(b, proxy.url), proxy.url)
    pulled = engine_b.run()
    assert pulled.ok, pulled
    repo_b = Repository(b)
    for rid in ids:
        got = repo_b.get(rid)
        assert got is not None and got.version == 1
        assert got.answers == Repository(a).get(rid).answers
    # Applying pulled records wrote no outbox entry: B has nothing to send.
    assert sync_state.counts(b).get("pending", 0) == 0
    # An edit on B goes up as version 2 and comes down to A.
    repo_b_record = repo_b.get(ids[0])
    answers = dict(repo_b_record.answers, household_size=3)
    enrol(repo_b, repo_b.active_definitions(), answers, record_id=ids[0],
          base_version=repo_b_record.version, allow_duplicate=True)
    assert engine_b.run().pushed == 1
    assert engine_a.run().ok
    assert Repository(a).get(ids[0]).answers["household_size"] == 3
    assert Repository(a).get(ids[0]).version == 2
    a.close()
    b.close()
