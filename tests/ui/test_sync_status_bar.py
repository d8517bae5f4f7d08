"""The status bar's word on sync, and the window built over a damaged store.

"Everything is sent" only when nothing waits and nothing needs a person (a conflict, a
refusal); the sync state is read on the task runner's db lane, never while the window is
built, so a store damaged in the pages the sync state lives in is a message, not a crash.
"""

from __future__ import annotations

from jisr_desktop.i18n import _
from jisr_desktop.models.store import database, sync_state
from jisr_desktop.models.store.sync_state import Settled
from jisr_desktop.ui.main_window import MainWindow
from jisr_desktop.user_messages import ERROR_MESSAGES
from tests.sync.conftest import enrol_one
from tests.test_store_damage import _store_with_records
from tests.ui.conftest import AGENT, close_window, make_context
from tests.ui.test_store_check import _damage_table


def _window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sync_panel.session.adapter.stop_probing()
    window.show()
    ctx.tasks.wait_idle(30)
    return window


def _close(window: MainWindow, ctx) -> None:
    window.sync_panel.session.adapter.stop_probing()
    close_window(window)
    ctx.tasks.wait_idle(30)
    ctx.tasks.shutdown()
    ctx.store.close()
    ctx.language.set_language("ar")


def _answer(store, status: str, **result) -> None:
    """The server's answer to the oldest pending op, settled as the engine settles it."""
    batch = sync_state.claim_batch(store, [AGENT], 1)
    row = batch.rows[0]
    sync_state.settle(store, [Settled(row.op_id, row.record_id, status, 1, {
        "op_id": row.op_id, "record_id": row.record_id, "status": status, **result})],
        lambda _s, _c: None)


def test_the_status_bar_says_a_conflict_needs_attention(qapp, qtbot, tmp_path):
    ctx = make_context(tmp_path / "laptop", lang="fr")
    ctx.language.set_language("fr")
    window = _window(qtbot, ctx)
    try:
        label = window.sync_label
        assert label.text() == "Tout est envoyé"
        enrol_one(ctx.store)
        enrol_one(ctx.store)
        window.refresh_status()
        ctx.tasks.wait_idle(30)
        assert label.text() == "2 modifications en attente d'envoi"
        # The server answered "conflict" for the first: nothing is left to send, yet it
        # is not "sent": someone has to choose between the two copies.
        _answer(ctx.store, "conflict", version=2, server=None)
        _answer(ctx.store, "applied")
        window.refresh_status()
        ctx.tasks.wait_idle(30)
        assert label.text() == "1 conflit à régler"
        assert "envoyé" not in label.text()
    finally:
        _close(window, ctx)


def test_a_refusal_is_not_sent_either(qapp, qtbot, tmp_path):
    ctx = make_context(tmp_path / "laptop", lang="fr")
    ctx.language.set_language("fr")
    window = _window(qtbot, ctx)
    try:
        enrol_one(ctx.store)
        enrol_one(ctx.store)
        _answer(ctx.store, "rejected", code="invalid")
        window.refresh_status()
        ctx.tasks.wait_idle(30)
        assert window.sync_label.text() == ("1 modification refusée par le serveur · "
                                            "1 modification en attente d'envoi")
    finally:
        _close(window, ctx)


def test_a_window_over_a_store_damaged_where_sync_lives_shows_the_message(
        qapp, qtbot, tmp_path, definitions, monkeypatch):
    folder = tmp_path / "store"
    first = make_context(folder)
    _store_with_records(first.store, definitions, 40)
    sync_state.set_values(first.store, server_url="http://127.0.0.1:9", last_error=None)
    sync_state.device_id(first.store)
    # The sync engine read its server from this table as the window was built: the store
    # raised StoreDamaged on the UI thread and the window never opened.
    _damage_table(folder, first, "sync_state")
    # A large store: the quick check at open runs out of time before the damaged pages.
    monkeypatch.setattr(database, "quick_check", lambda _engine, seconds=0.0: False)
    ctx = make_context(folder, lang="fr")
    ctx.language.set_language("fr")
    window = MainWindow(ctx)  # no read of the sync state here: nothing to raise
    qtbot.addWidget(window)
    window.sync_panel.session.adapter.stop_probing()
    window.show()
    try:
        ctx.tasks.wait_idle(60)
        told = _(ERROR_MESSAGES["store_damaged"], "fr")
        check = window.store_check
        assert check.problems
        assert check.banner.isVisible() and check.banner.text() == told
        assert check.dialog is not None and check.dialog.text() == told
    finally:
        _close(window, ctx)


def test_definitions_a_sync_installed_are_used_without_a_restart(qapp, qtbot, tmp_path):
    import json
    from dataclasses import replace

    from jisr_desktop.models.programme.definitions import parse_definition
    from jisr_desktop.sync.status import SyncSummary

    ctx = make_context(tmp_path / "laptop", lang="fr")
    window = _window(qtbot, ctx)
    try:
        grid = ctx.defs.grid
        newer = parse_definition(json.dumps({**grid.data, "version": grid.version + 1}),
                                 "server:grid")
        ctx.repo.install_definitions([newer])  # what sync/definitions.refresh does
        seen: list = []
        ctx.tasks.changed.connect(seen.append)
        adapter = window.sync_panel.session.adapter
        adapter.finished.emit(replace(SyncSummary(), ok=True))  # a run that installed none
        ctx.tasks.wait_idle(30)
        assert ctx.defs.grid.version == grid.version and not seen
        adapter.finished.emit(replace(SyncSummary(), ok=True, definitions_installed=1))
        ctx.tasks.wait_idle(30)
        qtbot.waitUntil(lambda: ctx.defs.grid.version == grid.version + 1, timeout=5000)
        assert any(c.touches("definitions") for c in seen)  # the pages are told
    finally:
        _close(window, ctx)
