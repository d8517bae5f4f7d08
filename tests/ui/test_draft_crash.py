"""A draft survives a killed process: nothing typed is lost to a crash or a power cut."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from jisr_desktop.ui.form_page import RegistrationPage
from tests.ui.conftest import make_context
from tests.ui.draft_child import TYPED

ROOT = Path(__file__).resolve().parents[2]


def close(context) -> None:
    context.tasks.wait_idle()
    context.tasks.shutdown()
    context.store.close()


def read_line(proc: subprocess.Popen, timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return ""


def test_draft_survives_sigkill(qapp, qtbot, tmp_path) -> None:
    folder = tmp_path / "store"
    close(make_context(folder))  # the store exists before the child opens it
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "ui" / "draft_child.py"), str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = read_line(proc, timeout=30)
        assert line.startswith("READY"), (line, proc.poll())
        draft_id = line.split()[1]
        proc.send_signal(signal.SIGKILL)  # no clean-up, no flush: a power cut
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()

    ctx = make_context(folder)
    try:
        drafts = ctx.repo.drafts()
        assert [d.id for d in drafts] == [draft_id]
        for name, value in TYPED.items():
            assert drafts[0].answers[name] == value
        page = RegistrationPage(ctx)
        qtbot.addWidget(page)
        page.resume_draft(draft_id)
        assert ctx.tasks.wait_idle()
        for name, value in TYPED.items():
            assert page.widgets[name].value() == value
        assert page.widgets["household_size"].value() == "6"
        assert page.widgets["consent"].value() == "yes"
        assert not page.section_boxes["identity"].isHidden()
        page.stop_timers()
    finally:
        close(ctx)
