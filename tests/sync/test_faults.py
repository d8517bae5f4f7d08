"""Each fault of a bad link, one at a time, through the proxy: nothing lost, nothing
applied twice, and a page that is not the server's is never taken for success."""

from __future__ import annotations

import pytest

from jisr_desktop.models.store import sync_state
from jisr_desktop.sync import status as st
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
    yield store, creds
    store.close()


def _engine(store, creds, proxy, **kwargs):
    return engine_for(store, creds, proxy.url, client=quick_client(store, proxy.url), **kwargs)


@pytest.mark.parametrize("fault", ["drop_reply", "reset_after", "black_hole", "portal"])
def test_a_fault_on_the_push_loses_nothing_and_applies_nothing_twice(device, proxy, fault,
                                                                    sync_server):
    store, creds = device
    ids = [enrol_one(store).id for _ in range(3)]
    proxy.fault_next(fault, n=400)  # reset_after: 400 bytes, mid-body of the batch
    summary = _engine(store, creds, proxy).run()
    assert summary.ok, summary
    assert summary.left == 0 and summary.conflicts == 0 and summary.rejected == 0
    if fault == "drop_reply":
        # The server committed the batch and the reply was lost: resent with the same
        # ids, answered "duplicate", applied once.
        assert summary.duplicates == 3
    else:
        assert summary.duplicates == 0
    on_server = server_records(sync_server.url)
    for rid in ids:
        assert on_server[rid]["version"] == 1


def test_a_link_that_stays_down_ends_the_run_as_link_failed_with_the_batch_kept(device,
                                                                                proxy):
    store, creds = device
    enrol_one(store)
    enrol_one(store)
    proxy.set_always("portal")
    summary = _engine(store, creds, proxy, max_attempts=3).run()
    assert not summary.ok and summary.error == st.LINK_FAILED
    assert summary.left == 2 and summary.pushed == 0
    kept = sync_state.in_flight_batches(store)
    assert len(kept) == 1 and len(kept[0].rows) == 2
    proxy.set_always(None)
    again = _engine(store, creds, proxy).run()
    assert again.ok and again.pushed == 2
    # The same batch (same id, same op ids) went again.
    assert not sync_state.in_flight_batches(store)


def test_a_pull_cut_mid_page_resumes_from_its_cursor(tmp_path, definitions, proxy, device):
    store, creds = device
    for _ in range(6):
        enrol_one(store)
    assert _engine(store, creds, proxy).run().ok
    other = new_device(tmp_path / "other", definitions)
    other_creds = sign_in(other, proxy.url)
    from jisr_desktop.sync import pull

    old_page = pull.PAGE
    pull.PAGE = 2
    try:
        proxy.fault_next("drop_reply")  # the definitions manifest is off: first pull page
        proxy.fault_next("drop_reply")
        summary = _engine(other, other_creds, proxy).run()
    finally:
        pull.PAGE = old_page
    assert summary.ok, summary
    from jisr_desktop.models.store.repository import Repository

    assert Repository(other).count() >= 6
    other.close()
