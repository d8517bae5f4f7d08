"""Two batches on the link at once (push.IN_FLIGHT): the uplink carries the next batch
while the server answers the last, and every guarantee of one batch at a time holds."""

from __future__ import annotations

import pytest

from jisr_desktop.models.store import sync_state
from jisr_desktop.sync import push
from tests.sync.conftest import (
    engine_for,
    enrol_one,
    new_device,
    quick_client,
    server_records,
    sign_in,
)


@pytest.fixture
def device(tmp_path, definitions, proxy):
    store = new_device(tmp_path / "dev", definitions)
    creds = sign_in(store, proxy.url)
    # Small batches, so that a handful of records make several of them.
    sync_state.set_values(store, batch_size=2)
    yield store, creds
    store.close()


def _engine(store, creds, proxy, **kwargs):
    return engine_for(store, creds, proxy.url, client=quick_client(store, proxy.url, 4.0),
                      **kwargs)


def test_two_batches_go_up_at_once_and_each_record_arrives_once(device, proxy, sync_server):
    store, creds = device
    ids = [enrol_one(store).id for _ in range(8)]
    # A slow link: the next batch starts once the last one's body is up (at the goodput
    # measured, 2,000 B/s to begin with), while its reply is still on the way.
    proxy.delay, proxy.rate = 0.3, 2_000
    before = proxy.connections
    summary = _engine(store, creds, proxy).run()
    assert summary.ok and summary.pushed == 8 and summary.duplicates == 0
    # One request at a time reuses the session's one connection; two at once need two.
    assert proxy.connections - before >= push.IN_FLIGHT
    on_server = server_records(sync_server.url)
    assert all(on_server[rid]["version"] == 1 for rid in ids)
    assert sync_state.counts(store).get(sync_state.ACKED) == 8


def test_a_reply_lost_with_two_batches_out_is_resent_with_the_same_ids(device, proxy,
                                                                       sync_server):
    store, creds = device
    ids = [enrol_one(store).id for _ in range(6)]
    proxy.delay = 0.05
    # The first connection carries its request to the server, which commits, and closes
    # before the reply: that batch comes back "duplicate"; the other batches are applied.
    proxy.fault_next("drop_reply")
    summary = _engine(store, creds, proxy).run()
    assert summary.ok, summary
    assert summary.left == 0 and summary.conflicts == 0 and summary.rejected == 0
    assert summary.pushed == 6 and summary.duplicates >= 1
    on_server = server_records(sync_server.url)
    assert all(on_server[rid]["version"] == 1 for rid in ids)


def test_a_link_that_dies_with_two_batches_out_keeps_both_in_flight(device, proxy):
    store, creds = device
    for _ in range(6):
        enrol_one(store)
    proxy.set_always("black_hole")
    summary = _engine(store, creds, proxy, max_attempts=2).run()
    assert not summary.ok and summary.left == 6 and summary.pushed == 0
    kept = sync_state.in_flight_batches(store)
    assert len(kept) == push.IN_FLIGHT  # committed in flight before a byte was sent
    kept_ops = {row.op_id for batch in kept for row in batch.rows}
    proxy.set_always(None)
    again = _engine(store, creds, proxy).run()
    assert again.ok and again.pushed == 6
    with store.engine.connect() as conn:
        acked = {op for (op,) in conn.exec_driver_sql(
            "SELECT op_id FROM outbox WHERE state = ?", (sync_state.ACKED,))}
    assert kept_ops <= acked  # the same op ids went again, and were answered
    assert not sync_state.in_flight_batches(store)
    assert sync_state.counts(store).get(sync_state.ACKED) == 6


def test_a_timeout_halves_the_batch_and_a_cut_does_not(device, proxy):
    store, creds = device
    sync_state.set_values(store, batch_size=8)
    for _ in range(4):
        enrol_one(store)
    proxy.set_always("reset_after", n=400)  # the link drops mid-body, again and again
    assert not _engine(store, creds, proxy, max_attempts=2).run().ok
    assert sync_state.get_value(store, "batch_size") == "8"
    proxy.set_always("black_hole")  # never answered: each attempt times out
    assert not _engine(store, creds, proxy, max_attempts=2).run().ok
    assert sync_state.get_value(store, "batch_size") == "2"  # halved at each timeout
    proxy.set_always(None)
    assert _engine(store, creds, proxy).run().ok
