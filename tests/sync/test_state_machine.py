"""A stateful property over the real client, the real server process and the proxy.

Two devices create, edit and delete registrations offline; they sync through a link that
fails at named points (mid-body, before the server commits; after it committed, before
the reply; a black hole; a captive portal); a client is killed between claiming a batch
and sending it, and restarted. After a last clean sync (conflicts settled by a person's
choice), every record is on the server once with its last content, and both devices hold
the same records. Bounded: a fixed seed and a few steps; `--slow` for many more."""

from __future__ import annotations

import itertools
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as hs
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.sync.conflicts import Choice, list_conflicts, resolve
from tests.sync.conftest import (
    DEVICE_PASSPHRASE,
    edit,
    engine_for,
    enrol_one,
    new_device,
    quick_client,
    server_records,
    sign_in,
)

FAULTS = [None, "reset_after", "drop_reply", "black_hole", "portal"]
_counter = itertools.count()


@pytest.fixture
def machine_env(tmp_path, definitions, proxy, sync_server, slow):
    SyncMachine.env = {"tmp": tmp_path, "definitions": definitions, "proxy": proxy,
                       "server": sync_server}
    SyncMachine.TestCase.settings = settings(
        max_examples=12 if slow else 2, stateful_step_count=30 if slow else 12,
        deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck))
    yield
    SyncMachine.env = {}


class SyncMachine(RuleBasedStateMachine):
    env: ClassVar[dict] = {}
    records = Bundle("records")

    @initialize()
    def devices(self) -> None:
        n = next(_counter)
        self.proxy = self.env["proxy"]
        self.folders = []
        self.stores = []
        self.creds = []
        for side in ("a", "b"):
            folder = self.env["tmp"] / f"m{n}{side}"
            store = new_device(folder, self.env["definitions"])
            self.creds.append(sign_in(store, self.proxy.url))
            self.folders.append(folder)
            self.stores.append(store)
        self.known: set[str] = set()

    def _engine(self, i: int):
        store = self.stores[i]
        return engine_for(store, self.creds[i], self.proxy.url, max_attempts=3,
                          client=quick_client(store, self.proxy.url))

    @rule(target=records, device=hs.integers(0, 1))
    def create(self, device: int) -> str:
        rid = enrol_one(self.stores[device]).id
        self.known.add(rid)
        return rid

    @rule(device=hs.integers(0, 1), rid=records, size=hs.integers(1, 12))
    def edit(self, device: int, rid: str, size: int) -> None:
        if Repository(self.stores[device]).get(rid) is not None:
            edit(self.stores[device], rid, household_size=size)

    @rule(device=hs.integers(0, 1), rid=consumes(records))
    def delete(self, device: int, rid: str) -> None:
        Repository(self.stores[device]).delete(rid)

    @rule(device=hs.integers(0, 1), fault=hs.sampled_from(FAULTS))
    def sync(self, device: int, fault: str | None) -> None:
        if fault:
            self.proxy.fault_next(fault, n=300)
        self._engine(device).run()
        self.proxy.faults.clear()

    @rule(device=hs.integers(0, 1))
    def killed_after_claiming(self, device: int) -> None:
        """The batch is claimed and committed, then the process dies before sending."""
        store = self.stores[device]
        sync_state.claim_batch(store, self.creds[device], 5)
        store.close()
        self.stores[device] = Store.open(self.folders[device], store.agent, DEVICE_PASSPHRASE)

    @invariant()
    def nothing_is_lost_locally(self) -> None:
        for store in getattr(self, "stores", []):
            counts = sync_state.counts(store)
            assert counts.get("rejected", 0) == 0

    def teardown(self) -> None:
        if not getattr(self, "stores", None):
            return
        try:
            self._settle_everything()
        finally:
            for store in self.stores:
                store.close()

    def _settle_everything(self) -> None:
        self.proxy.faults.clear()
        self.proxy.set_always(None)
        for _round in range(4):
            for i in (0, 1, 0):
                self._engine(i).run()
            pending = [list_conflicts(s) for s in self.stores]
            if not any(pending):
                break
            for store, conflicts in zip(self.stores, pending, strict=True):
                for c in conflicts:
                    resolve(store, c.record_id,
                            Choice.KEEP_SERVER if c.server_deleted else Choice.KEEP_LOCAL)
        for _ in range(2):
            for i in (0, 1):
                assert self._engine(i).run().ok
        on_server = server_records(self.env["server"].url)
        live = []
        for store in self.stores:
            assert set(sync_state.counts(store)) <= {"acked", "resolved"}
            repo = Repository(store)
            mine = {}
            for rid in self.known:
                local = repo.get(rid)
                remote = on_server.get(rid)
                if local is None:
                    assert remote is None or remote["deleted"]
                    continue
                assert remote is not None and not remote["deleted"]
                assert remote["version"] == local.version
                assert remote["answers"] == dict(local.answers)
                mine[rid] = local.version
            live.append(mine)
        assert live[0] == live[1]


def test_sync_state_machine(machine_env) -> None:
    SyncMachine.TestCase("runTest").runTest()
