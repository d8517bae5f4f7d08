"""One copy of the app per store: a second one is refused with a clear message and brings
the first forward; a lock left by a copy that died is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jisr_desktop.i18n import _
from jisr_desktop.ui.single_instance import LOCK_FILE, SingleInstance, already_open_box

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")


def _first_copy(folder: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, str(ROOT / "tests/ui/instance_child.py"),
                              str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    line = child.stdout.readline()
    assert line.startswith("READY"), line
    return child


def test_a_second_copy_is_refused_and_brings_the_first_forward(qapp, tmp_path) -> None:
    folder = tmp_path / "data"
    first = _first_copy(folder)
    try:
        second = SingleInstance(folder)
        assert not second.acquire()
        assert second.holder_pid() == first.pid  # the lock file names the first copy
        assert second.ask_first_to_show()
        assert first.stdout.readline().strip() == "RAISED"
        box = already_open_box(second, True)
        assert box.text() == _("Al Jisr is already open on this computer: its window has "
                               "been brought to the front.")
    finally:
        first.kill()
        first.wait(10)


def test_a_lock_left_by_a_dead_copy_is_taken_over(qapp, tmp_path) -> None:
    folder = tmp_path / "data"
    first = _first_copy(folder)
    os.kill(first.pid, signal.SIGKILL)  # a crash or a power cut: no unlock
    first.wait(10)
    assert (folder / LOCK_FILE).exists()
    again = SingleInstance(folder)
    began = time.monotonic()
    assert again.acquire()
    assert time.monotonic() - began < 2
    assert again.holder_pid() == os.getpid()  # the lock file now names this copy
    # A third copy is now refused, because this one holds it.
    assert not SingleInstance(folder).acquire()
    again.release()
    assert SingleInstance(folder).acquire()
