"""Issue 14 point 4: after unlock the whole store is checked in the background; damage in
a page the quick check had no time for is told plainly, and nothing more is written."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QApplication, QMainWindow

from jisr_desktop.i18n import _
from jisr_desktop.models.store import database
from jisr_desktop.models.store.errors import StoreDamaged
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.main_window import MainWindow
from jisr_desktop.user_messages import ERROR_MESSAGES
from tests.conftest import TODAY, make_submission
from tests.test_store_damage import _store_with_records
from tests.ui.conftest import close_window, make_context


def _damage_table(folder, ctx, table: str) -> None:
    """Spoil the root page of one table the window does not read at start (the audit
    trail): as a damaged page deep in a large store, which the quick check never reached."""
    with ctx.store.engine.connect() as conn:
        page = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).scalar_one()
    ctx.tasks.shutdown()
    ctx.store.close()
    path = folder / "store.db"
    data = bytearray(path.read_bytes())
    start = (page - 1) * 4096
    data[start + 200 : start + 300] = os.urandom(100)
    path.write_bytes(bytes(data))


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.tasks.wait_idle()
    return window


def _close(window: MainWindow, ctx) -> None:
    close_window(window)
    ctx.tasks.wait_idle()
    ctx.tasks.shutdown()
    ctx.store.close()
    ctx.language.set_language("ar")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_damage_found_after_unlock_is_told_and_stops_writes(qapp, qtbot, tmp_path,
                                                           definitions, monkeypatch, lang):
    folder = tmp_path / "store"
    first = make_context(folder)
    _store_with_records(first.store, definitions, 40)
    _damage_table(folder, first, "audit")
    # A large store: the quick check at open runs out of time before the damaged pages.
    monkeypatch.setattr(database, "quick_check", lambda _engine, seconds=0.0: False)
    ctx = make_context(folder, lang=lang)
    ctx.language.set_language(lang)
    assert ctx.store.damage is None  # nothing known at unlock
    before = (folder / "store.db").read_bytes()
    window = _window(qtbot, ctx)
    try:
        check = window.store_check
        told = _(ERROR_MESSAGES["store_damaged"], lang)
        assert check.problems  # the background check ran and found the damage
        assert check.banner.isVisible() and check.banner.text() == told
        assert check.dialog is not None and check.dialog.isVisible()
        assert check.dialog.text() == told
        if lang == "fr":
            assert "endommagé" in told and "sauvegarde" in told
        with pytest.raises(StoreDamaged):  # the store refuses writes from now on
            enrol(Repository(ctx.store), ctx.defs, make_submission(cin="ZZ999999"),
                  today=TODAY)
    finally:
        _close(window, ctx)
    assert (folder / "store.db").read_bytes() == before  # nothing written into it


def test_a_sound_store_says_nothing(ctx, qtbot):
    window = _window(qtbot, ctx)
    try:
        assert window.store_check.problems == []
        assert not window.store_check.banner.isVisible()
        assert window.store_check.dialog is None
        enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)  # writes go on
    finally:
        window.registration.draft_timer.stop()
        window.registration.dup_timer.stop()
        window.idle_timer.stop()
        QApplication.instance().removeEventFilter(window.idle)


def test_the_pages_reads_and_saves_do_not_wait_for_the_full_check(ctx, qtbot):
    """On a large store the full check takes seconds: the list's count and a save go on
    beside it (its own lane, its own connection), they do not queue behind it."""
    import threading

    from jisr_desktop.ui.store_check import StoreCheck

    release, started = threading.Event(), threading.Event()
    real_check = ctx.store.full_check

    def slow_check() -> list[str]:
        started.set()
        release.wait(30)
        return real_check()

    ctx.store.full_check = slow_check
    check = StoreCheck(QMainWindow(), ctx)
    try:
        check.start()
        assert started.wait(10)
        saved: list = []
        ctx.tasks.write(lambda: enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY),
                        changes=(), on_done=saved.append)
        ctx.tasks.run(ctx.repo.count, on_done=saved.append)
        qtbot.waitUntil(lambda: len(saved) == 2, timeout=10_000)  # the check still runs
        assert saved[0].saved and saved[1] >= 1 and check.problems is None
    finally:
        release.set()
        ctx.tasks.wait_idle()
    assert check.problems == []
