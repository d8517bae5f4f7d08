"""Two devices edit the same record offline: a conflict for a person, never a silent
overwrite; resolved field by field, the resolution goes up on the server's version."""

from __future__ import annotations

import pytest

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.sync.conflicts import Choice, list_conflicts, resolve
from jisr_desktop.sync.status import State
from tests.sync.conftest import edit, engine_for, enrol_one, new_device, server_records, sign_in


@pytest.fixture
def two_devices(tmp_path, definitions, proxy):
    a = new_device(tmp_path / "a", definitions)
    b = new_device(tmp_path / "b", definitions)
    ea = engine_for(a, sign_in(a, proxy.url), proxy.url)
    eb = engine_for(b, sign_in(b, proxy.url), proxy.url)
    record = enrol_one(a)
    assert ea.run().ok and eb.run().ok
    assert Repository(b).get(record.id) is not None
    yield a, b, ea, eb, record.id
    a.close()
    b.close()


def test_two_offline_edits_of_one_record_end_in_a_conflict_not_an_overwrite(two_devices,
                                                                            sync_server):
    a, b, ea, eb, rid = two_devices
    edit(a, rid, household_size=2)
    edit(b, rid, household_size=9, phone="0661234567")
    assert ea.run().ok
    summary = eb.run()
    assert summary.conflicts == 1 and summary.left == 0
    assert eb.status().state == State.NEEDS_ATTENTION
    # B still shows its own edit: the pulled version 2 did not overwrite it.
    assert Repository(b).get(rid).answers["household_size"] == 9
    [conflict] = list_conflicts(b)
    assert conflict.record_id == rid and conflict.server_version == 2
    differing = {d.name: (d.local, d.server) for d in conflict.differing}
    assert differing["household_size"] == (9, 2)
    assert "phone" in differing
    # The server holds A's edit only.
    assert server_records(sync_server.url)[rid]["answers"]["household_size"] == 2

    # Field by field: the server's household size, B's phone.
    assert resolve(b, rid, {"household_size": Choice.KEEP_SERVER,
                            "phone": Choice.KEEP_LOCAL}) == "upsert"
    assert list_conflicts(b) == []
    done = eb.run()
    assert done.ok and done.conflicts == 0 and done.pushed == 1
    assert ea.run().ok
    for store in (a, b):
        got = Repository(store).get(rid)
        assert got.version == 3
        assert got.answers["household_size"] == 2
        assert got.answers["phone"] == Repository(b).get(rid).answers["phone"]
    on_server = server_records(sync_server.url)[rid]
    assert on_server["version"] == 3 and on_server["answers"]["household_size"] == 2


def test_keeping_the_servers_copy_sends_nothing_and_takes_it(two_devices):
    a, b, ea, eb, rid = two_devices
    edit(a, rid, household_size=4)
    edit(b, rid, household_size=7)
    assert ea.run().ok
    assert eb.run().conflicts == 1
    assert resolve(b, rid, Choice.KEEP_SERVER) == "server"
    assert Repository(b).get(rid).answers["household_size"] == 4
    assert sync_state.counts(b).get("pending", 0) == 0
    assert eb.run().ok


def test_a_delete_here_against_an_edit_there_is_a_conflict_too(two_devices):
    a, b, ea, eb, rid = two_devices
    edit(a, rid, household_size=5)
    assert Repository(b).delete(rid)
    assert ea.run().ok
    assert eb.run().conflicts == 1
    [conflict] = list_conflicts(b)
    assert conflict.local is None and conflict.server["household_size"] == 5
    assert resolve(b, rid, Choice.KEEP_LOCAL) == "delete"
    assert eb.run().ok
    assert ea.run().ok
    assert Repository(a).get(rid) is None
