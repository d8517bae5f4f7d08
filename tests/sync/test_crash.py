"""The real `jisr-desktop sync` killed (SIGKILL) at random moments, again and again, with
edits made between the kills: after a last clean run, the server holds every record
exactly once with its last content, and both ends agree."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from tests.sync.conftest import (
    DEVICE_PASSPHRASE,
    edit,
    enrol_one,
    new_device,
    server_records,
    sign_in,
)

AGENT = "Amina Agent"


def _sync_process(folder) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISR_")}
    env.update(JISR_DATA_DIR=str(folder), JISR_PASSPHRASE=DEVICE_PASSPHRASE, JISR_AGENT=AGENT,
               JISR_LANG="fr")
    return subprocess.Popen([sys.executable, "-m", "jisr_desktop", "sync", "--budget", "60"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sync_killed_50_times_at_random_loses_nothing_and_duplicates_nothing(
        tmp_path, definitions, proxy, sync_server, slow):
    rng = random.Random(20261202)
    kills = 150 if slow else 50
    folder = tmp_path / "device"
    store = new_device(folder, definitions)
    sign_in(store, proxy.url)
    # The server is shared by the session's sync tests: the live records it already holds
    # in her scope come down to this device too.
    already = {rid for rid, c in server_records(sync_server.url, "agent_a").items()
               if not c.get("deleted")}
    # How long the real CLI takes here to start, unlock and run a sync with nothing to send:
    # the kills below are timed from it, so that on a slow or loaded machine they still land
    # while batches are in flight rather than before the process has claimed one.
    store.close()
    started = time.monotonic()
    idle = _sync_process(folder)
    idle.communicate(timeout=120)
    startup = time.monotonic() - started
    store = Store.open(folder, AGENT, DEVICE_PASSPHRASE)
    ids = [enrol_one(store).id for _ in range(120)]
    store.close()
    # A slow link, so that kills land in the middle of batches and pulls.
    proxy.delay, proxy.rate = 0.02, 60_000
    killed_in_flight = 0
    for _ in range(kills):
        proc = _sync_process(folder)
        time.sleep(rng.uniform(0.5 * startup, startup + 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        with Store.open(folder, AGENT, DEVICE_PASSPHRASE) as s:
            killed_in_flight += bool(sync_state.in_flight_batches(s))
            # An edit between kills: sometimes on a record whose op is in flight.
            if rng.random() < 0.4:
                edit(s, rng.choice(ids), household_size=rng.randint(1, 12))
            if rng.random() < 0.2:
                ids.append(enrol_one(s).id)
    proxy.delay, proxy.rate = 0.0, 0.0
    final = _sync_process(folder)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    summary = json.loads(out)
    assert summary["left"] == 0 and summary["conflicts"] == 0 and summary["rejected"] == 0
    assert killed_in_flight > 0  # some kills did land between claim and answer

    on_server = server_records(sync_server.url)
    with Store.open(folder, AGENT, DEVICE_PASSPHRASE) as s:
        repo = Repository(s)
        assert repo.count() == len(set(ids) | already)
        for rid in ids:
            local = repo.get(rid)
            remote = on_server[rid]
            # Each applied op adds one version: equal versions mean none applied twice.
            assert remote["version"] == local.version
            assert remote["answers"] == dict(local.answers)
        counts = sync_state.counts(s)
        assert set(counts) == {"acked"}
