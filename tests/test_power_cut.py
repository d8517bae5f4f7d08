"""A saved registration survives a power cut (issue 14, point 17).

What a power cut keeps is what reached the disk: the bytes the kernel was told to sync
(fsync/fdatasync) before the lights went out. SQLite with `synchronous=NORMAL` in WAL mode
tells the agent "saved" with the commit's frames still in the page cache; with `FULL` it
syncs the WAL at every commit. So the test watches the system calls (strace) of a real save
into a real store that stays open, as the app keeps it (closing checkpoints, which syncs
whatever the setting): before "saved" is said, every byte written to the store's WAL has
been synced. Against `synchronous=NORMAL` it fails: the commit's WAL frames are still
unsynced when "saved" is written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import AGENT, PASSPHRASE

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")

# e.g.  1234  pwrite64(7</tmp/x/store.db-wal>, "...", 4120, 0) = 4120
ROOT = Path(__file__).resolve().parents[1]
_CALL = re.compile(r"^\d+\s+(?P<call>\w+)\((?P<fd>\d+)<(?P<path>[^>]*)>")


def _calls(log: str) -> list[tuple[str, str, str]]:
    found = []
    for line in log.splitlines():
        match = _CALL.match(line)
        if match:
            found.append((match["call"], match["fd"], match["path"]))
    return found


# The app as an agent uses it: the store stays open after a save (closing it checkpoints,
# which syncs whatever the setting); "saved" is what the screen would say.
_SAVE_AND_STAY_OPEN = """
import sys
from datetime import date
from pathlib import Path
from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol
from tests.conftest import AGENT, PASSPHRASE, make_submission

store = Store.open(Path(sys.argv[1]), AGENT, PASSPHRASE)
outcome = enrol(Repository(store), load_directory(), make_submission(), today=date(2026, 11, 22))
assert outcome.saved
sys.stdout.write("saved " + outcome.record.id + "\\n")
sys.stdout.flush()
store.close()
"""


def test_the_wal_is_synced_before_the_agent_is_told_saved(tmp_path, definitions):
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository

    folder = tmp_path / "data"
    made = Store.create(folder, AGENT, PASSPHRASE, role="admin", province_code="07.351")
    Repository(made).install_definitions(definitions.all())
    made.close()
    trace = tmp_path / "strace.log"
    done = subprocess.run(
        ["strace", "-f", "-y", "-o", str(trace), "-e",
         "trace=write,pwrite64,writev,pwritev,fsync,fdatasync",
         sys.executable, "-c", _SAVE_AND_STAY_OPEN, str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("saved ")
    calls = _calls(trace.read_text(encoding="utf-8", errors="replace"))
    told = next(i for i, (call, fd, _) in enumerate(calls) if fd == "1" and "write" in call)
    wal = [(i, call) for i, (call, _, path) in enumerate(calls[:told])
           if path.endswith("store.db-wal")]
    writes = [i for i, call in wal if "write" in call]
    syncs = [i for i, call in wal if call in ("fsync", "fdatasync")]
    assert writes, "the registration was not written to the WAL before 'saved'"
    assert syncs and syncs[-1] > writes[-1], "a WAL write was not synced before 'saved'"
