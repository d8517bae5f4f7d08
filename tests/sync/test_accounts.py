"""Accounts: each agent's token sealed for her alone; ops go up under their author's
token; a refused token asks her to sign in again and loses nothing."""

from __future__ import annotations

from jisr_desktop.models.store import sync_state, tokens
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.sync import status as st
from jisr_desktop.sync.accounts import credentials
from tests.server.conftest import Client as RawClient
from tests.sync.conftest import (
    DEVICE_PASSPHRASE,
    SUPERVISOR,
    SUPERVISOR_PASSPHRASE,
    engine_for,
    enrol_one,
    new_centre,
    new_device,
    server_records,
    sign_in,
)


def test_the_token_is_sealed_for_her_alone_and_never_in_clear_on_disk(tmp_path, definitions,
                                                                     proxy):
    # The supervisor who set the store up is another agent of it (conftest.new_centre).
    store = new_centre(tmp_path / "d", definitions)
    creds = sign_in(store, proxy.url)
    token = creds[store.agent].token
    store.close()
    for path in (tmp_path / "d").rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    # Another agent of the same store opens the store, not the token.
    with Store.open(tmp_path / "d", SUPERVISOR, SUPERVISOR_PASSPHRASE) as other:
        assert credentials(other, SUPERVISOR_PASSPHRASE) == {}
        assert tokens.load(other, "Amina Agent", SUPERVISOR_PASSPHRASE) is None
    with Store.open(tmp_path / "d", "Amina Agent", DEVICE_PASSPHRASE) as mine:
        assert credentials(mine, DEVICE_PASSPHRASE)["Amina Agent"].token == token


def test_a_committee_decision_waits_for_the_supervisors_own_sign_in(tmp_path, definitions,
                                                                   proxy, sync_server):
    folder = tmp_path / "centre"
    store = new_centre(folder, definitions)
    record = enrol_one(store)
    store.close()
    with Store.open(folder, SUPERVISOR, SUPERVISOR_PASSPHRASE) as sup:
        DecisionRepository(sup).committee_decide(record.id, outcome="accepted",
                                                 decided_on="2026-11-30")
    with Store.open(folder, "Amina Agent", DEVICE_PASSPHRASE) as amina:
        summary = engine_for(amina, sign_in(amina, proxy.url), proxy.url).run()
        # Her registration went up; the committee decision did not go under her token.
        assert summary.pushed == 1 and summary.left == 1 and not summary.ok
        assert summary.waiting_for_sign_in == [SUPERVISOR]
        assert summary.error == st.NOT_SIGNED_IN
    with Store.open(folder, SUPERVISOR, SUPERVISOR_PASSPHRASE) as sup:
        creds = sign_in(sup, proxy.url, "supervisor_07", SUPERVISOR_PASSPHRASE)
        summary = engine_for(sup, creds, proxy.url).run()
        assert summary.ok and summary.pushed == 1 and summary.rejected == 0, summary
    assert server_records(sync_server.url)[record.id]["version"] == 1


def test_a_revoked_token_asks_her_to_sign_in_again_and_loses_nothing(tmp_path, definitions,
                                                                    proxy, sync_server):
    store = new_device(tmp_path / "d", definitions)
    creds = sign_in(store, proxy.url)
    token = creds[store.agent]
    RawClient(sync_server.url, token.token, sync_state.device_id(store)).post("/v1/auth/logout")
    ids = [enrol_one(store).id for _ in range(2)]
    engine = engine_for(store, creds, proxy.url)
    summary = engine.run()
    assert summary.error == st.SIGN_IN_AGAIN and summary.left == 2
    assert engine.status().state == st.State.NEEDS_ATTENTION
    assert credentials(store, DEVICE_PASSPHRASE) == {}  # never presented again
    again = engine_for(store, sign_in(store, proxy.url), proxy.url).run()
    assert again.ok and again.pushed == 2
    on_server = server_records(sync_server.url)
    assert all(on_server[i]["version"] == 1 for i in ids)
    store.close()
