"""The full integrity check of the store, once after unlock, in the background (issue 14,
point 4).

The quick check at open stops after a quarter second on a large store; `Store.full_check` reads
every page (SQLCipher's HMAC, then SQLite's integrity_check). It runs on a lane of its
own ("check"): a read on its own connection, which the WAL lets go on beside the pages'
reads and the agent's saves, so none of them waits for it. When it finds
damage the store already refuses every write (`Store.damage`); this module tells the
agent what to do, in the same words as the CLI's `check`, and keeps saying it in the
status bar while the window is open.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from jisr_desktop.i18n import _
from jisr_desktop.models.store.errors import StoreError
from jisr_desktop.ui.context import AppContext
from jisr_desktop.user_messages import error_text

log = logging.getLogger(__name__)

KEY = "store.full_check"
DAMAGE_STYLE = "color: #b3261e; font-weight: bold;"


class StoreCheck:
    """Runs the check for one window and shows what it found."""

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        self.window, self.ctx = window, ctx
        self.problems: list[str] | None = None  # None until the check has run
        self.banner = QLabel()
        self.banner.setObjectName("storeDamage")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(DAMAGE_STYLE)
        self.banner.setVisible(False)
        self.dialog: QMessageBox | None = None
        window.statusBar().addWidget(self.banner, 1)
        ctx.language.changed.connect(lambda _lang: self.retranslate())

    def start(self) -> None:
        store = self.ctx.store
        self.ctx.tasks.run(store.full_check, on_done=self._done, on_error=self._failed,
                           key=KEY, lane="check")

    def _failed(self, error: BaseException) -> None:
        # A damaged page may also surface as an error of the check itself.
        if isinstance(error, StoreError) or self.ctx.store.damage:
            self._done([str(error)])
            return
        log.warning("the full store check could not run: %s", type(error).__name__)

    def report(self, error: BaseException) -> None:
        """Another read of the window failed (the sync state, the status bar's count): a
        damaged store is told as the check tells it, once; anything else is logged."""
        if isinstance(error, StoreError) or self.ctx.store.damage:
            if not self.problems:
                self._done([str(error)])
            return
        log.error("a read of the store failed: %s", type(error).__name__)

    def _done(self, problems: list[str]) -> None:
        self.problems = list(problems)
        if not problems:
            log.info("full store check: sound")
            return
        # Counts only: the problem texts name tables and pages, never what is in them.
        log.error("full store check: %d problem(s); writes stopped", len(problems))
        self.banner.setVisible(True)
        self.retranslate()
        if self.dialog is not None:
            return  # told once (a read failed before the check found the damage)
        self.dialog = QMessageBox(QMessageBox.Icon.Critical, _("The store is damaged"),
                                  error_text("store_damaged"), QMessageBox.StandardButton.Ok,
                                  self.window)
        self.dialog.open()  # not exec(): the window stays usable for reading

    def retranslate(self) -> None:
        if self.problems:
            self.banner.setText(error_text("store_damaged"))
            if self.dialog is not None:
                self.dialog.setWindowTitle(_("The store is damaged"))
                self.dialog.setText(error_text("store_damaged"))


def install(window: QMainWindow, ctx: AppContext) -> StoreCheck:
    check = StoreCheck(window, ctx)
    check.start()
    return check
