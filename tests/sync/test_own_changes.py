"""A device does not download its own pushes again, and takes the server's evaluation
when the server scored a record otherwise (the push result says so)."""

from __future__ import annotations

from jisr_desktop.models.store import sync_state
from tests.sync.conftest import (
    edit,
    engine_for,
    enrol_one,
    new_device,
    server_records,
    sign_in,
)


def _score(store, record_id: str) -> float | None:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT score_total FROM records WHERE id = ?",
                                    (record_id,)).scalar()


def test_a_device_is_not_sent_its_own_records_back(tmp_path, definitions, sync_server):
    url = sync_server.url
    mine = new_device(tmp_path / "mine", definitions)
    other = new_device(tmp_path / "other", definitions)
    try:
        ids = [enrol_one(mine).id for _ in range(3)]
        engine = engine_for(mine, sign_in(mine, url), url)
        first = engine.run()  # (it also pulls what other tests left on the server)
        assert first.ok and first.pushed == 3 and first.evaluations_differ == 0
        edit(mine, ids[0], household_size=2)
        again = engine.run()
        assert again.ok and again.pushed == 1
        assert again.pulled == 0  # its own edit did not come back down
        assert server_records(url)[ids[0]]["version"] == 2
        # The other device gets them all.
        theirs = engine_for(other, sign_in(other, url), url).run()
        assert theirs.ok and theirs.pulled >= 3
        assert set(ids) <= set(server_records(url))
    finally:
        mine.close()
        other.close()


def test_a_record_the_server_scored_otherwise_takes_the_servers_score(tmp_path, definitions,
                                                                      sync_server):
    url = sync_server.url
    store = new_device(tmp_path / "dev", definitions)
    try:
        record = enrol_one(store)
        # As if this device had scored her under another grid than the server's.
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE records SET score_total = score_total + 7 "
                                 "WHERE id = ?", (record.id,))
        wrong = _score(store, record.id)
        engine = engine_for(store, sign_in(store, url), url)
        summary = engine.run()
        assert summary.ok and summary.evaluations_differ == 1
        on_server = server_records(url)[record.id]["evaluation"]["total"]
        assert _score(store, record.id) == on_server != wrong
        assert sync_state.get_value(store, "pull_own") is None
        assert sync_state.get_value(store, "refetch") is None
        # The next runs leave this device's own changes out again.
        edit(store, record.id, household_size=2)
        assert engine.run().pulled == 0
    finally:
        store.close()


def _tamper(store, record_id: str) -> None:
    """As if this device had scored her under another grid than the server's."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE records SET score_total = score_total + 7 "
                             "WHERE id = ?", (record_id,))


def test_only_the_records_scored_otherwise_come_back_down(tmp_path, definitions, sync_server):
    """One record the server scored otherwise costs one record's download, not this
    device's whole history: the others it pushed stay left out of the pull."""
    url = sync_server.url
    store = new_device(tmp_path / "dev", definitions)
    try:
        engine = engine_for(store, sign_in(store, url), url)
        assert engine.run().ok  # what other tests left on the server, pulled once
        ids = [enrol_one(store).id for _ in range(4)]
        _tamper(store, ids[2])
        summary = engine.run()
        assert summary.ok and summary.pushed == 4 and summary.evaluations_differ == 1
        assert summary.pulled == 1
        assert _score(store, ids[2]) == server_records(url)[ids[2]]["evaluation"]["total"]
        assert sync_state.get_value(store, "refetch") is None
    finally:
        store.close()


def test_many_records_scored_otherwise_come_back_with_one_pull(tmp_path, definitions,
                                                               sync_server, monkeypatch):
    """Past REFETCH_MAX, one pull of the device's own changes is cheaper than a request
    each: every record still ends with the server's score."""
    monkeypatch.setattr(sync_state, "REFETCH_MAX", 1)
    url = sync_server.url
    store = new_device(tmp_path / "dev", definitions)
    try:
        engine = engine_for(store, sign_in(store, url), url)
        assert engine.run().ok
        ids = [enrol_one(store).id for _ in range(3)]
        for record_id in ids[:2]:
            _tamper(store, record_id)
        summary = engine.run()
        assert summary.ok and summary.evaluations_differ == 2
        assert summary.pulled >= 3  # her own changes came down, all three
        on_server = server_records(url)
        for record_id in ids:
            assert _score(store, record_id) == on_server[record_id]["evaluation"]["total"]
        assert sync_state.get_value(store, "pull_own") is None
        assert engine.run().pulled == 0
    finally:
        store.close()
