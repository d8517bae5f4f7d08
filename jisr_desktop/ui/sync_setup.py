"""Puts sync into the main window: the panel as a page, its action, the background probe.

`install_sync(window)` is the main window's one hook; everything sync-related is built
and wired here, so the window keeps knowing nothing but that a page exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store import pair_flags
from jisr_desktop.ui.conflicts_view import ConflictsView
from jisr_desktop.ui.pairs_model import open_flags
from jisr_desktop.ui.pairs_view import PairFlagBanner, PairsView
from jisr_desktop.ui.sync_adapter import SyncSession
from jisr_desktop.ui.sync_panel import SyncPanel
from jisr_desktop.ui.sync_sign_in import SignInBox
from jisr_desktop.ui.tasks import DEFINITIONS, RECORDS

log = logging.getLogger(__name__)


def build_panel(ctx: Any, session: SyncSession) -> SyncPanel:
    """The panel with its conflicts tab and, for a role that settles duplicates, its
    pairs tab, wired to the session."""
    adapter = session.adapter

    def form(*_args: Any) -> Form:
        # The active form's labels: reading each record's own version would mean a
        # database call on the UI thread for a label that hardly ever changes.
        return from_definition(ctx.defs.form)

    def lang() -> str:
        return ctx.lang

    conflicts = ConflictsView(adapter, lang, form)
    pairs = (PairsView(adapter, lang, form)
             if may(ctx.account.role, Action.SETTLE_DUPLICATES) else None)
    panel = SyncPanel(adapter, lang, form, conflicts=conflicts, pairs=pairs)
    box = SignInBox()
    panel.sign_in = box
    panel.status_tab.layout().insertWidget(1, box)
    box.unlockRequested.connect(session.unlock)
    box.signInRequested.connect(session.sign_in)
    session.signInFailed.connect(box.show_error)
    session.signedIn.connect(lambda _token: box.setVisible(False))
    if pairs is not None:
        session.signedIn.connect(lambda _token: adapter.load_pairs())
    ctx.language.changed.connect(lambda _lang: (panel.retranslate(), box.retranslate()))
    return panel


def _flag_banner(window: Any) -> Callable[[str], None]:
    """The amber line on the record page while the server holds an open pair on it."""
    ctx = window.ctx
    banner = PairFlagBanner()
    window.result.layout().insertWidget(0, banner)

    def show(record_id: str) -> None:
        def work() -> Any:
            return open_flags(pair_flags.open_items(ctx.store)).get(record_id)

        ctx.tasks.run(work, on_done=lambda flag: banner.set_flag(
            flag, from_definition(ctx.defs.form), ctx.lang))

    window.flag_banner = banner
    return show


def install_sync(window: Any) -> SyncPanel:
    """Add the sync page and its action to `window` (ui.main_window.MainWindow)."""
    ctx = window.ctx
    session = SyncSession(ctx.tasks, ctx.store, parent=window)
    panel = build_panel(ctx, session)
    panel.session = session
    window.stack.addWidget(panel)
    panel.openRecord.connect(window.open_record)
    action = QAction(window)
    action.triggered.connect(lambda: (window.show_page(panel), session.adapter.refresh(),
                                      session.adapter.load_conflicts()))
    window.menu_go.addAction(action)
    window.toolbar.addAction(action)
    panel.action = action
    panel.show_flag = _flag_banner(window)

    def retranslate(_lang: str = "") -> None:
        action.setText(_("Sync"))

    retranslate()
    ctx.language.changed.connect(retranslate)
    # A run that ends changes what the status bar counts as waiting to be sent.
    session.adapter.finished.connect(lambda _summary: window.refresh_status())
    session.adapter.finished.connect(lambda summary: reload_definitions(ctx, summary))
    # Everything the panel shows is read on the db lane, never while the window is
    # built: a store damaged in its last pages is then a message, not a crash.
    session.adapter.statusFailed.connect(window.store_error)
    ctx.tasks.run(session.sign_in_state, on_done=panel.sign_in.set_saved,
                  on_error=window.store_error)
    session.adapter.refresh()
    session.adapter.load_conflicts()
    session.adapter.start_probing()
    return panel


def reload_definitions(ctx: Any, summary: Any) -> None:
    """After a run that installed definitions, the pages use the versions now in force
    (a new grid scores, a new form opens for the next registration; a draft keeps its
    own): read them on the db lane, then say so to every page."""
    if not getattr(summary, "definitions_installed", 0):
        return

    def use(defs: Any) -> None:
        ctx.defs = defs
        ctx.tasks.announce({DEFINITIONS, RECORDS})

    ctx.tasks.run(ctx.repo.active_definitions, on_done=use,
                  on_error=lambda e: log.warning("definitions not reloaded", exc_info=e))
