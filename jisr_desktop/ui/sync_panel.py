"""The sync panel: is this computer in step with the server, and what needs a person.

Three tabs: the state (offline, syncing, up to date, needs attention) with what was sent
and what is left, the link's speed, the last successful sync and each refusal in words
with a button to open its record; the conflicts (conflicts_view); and, for a supervisor,
the possible duplicates to settle (pairs_view). It only applies `PanelView`s
(sync_model.py); every run goes through the adapter, on the network lane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _, ngettext
from jisr_desktop.models.programme.form import Form
from jisr_desktop.ui.form_model import paragraph_mark
from jisr_desktop.ui.sync_model import (
    NEEDS_ATTENTION,
    OFFLINE,
    SYNCING,
    UP_TO_DATE,
    FailureView,
    PanelView,
    panel_view,
    progress_text,
)

# Colours of the state line: the same amber as warnings elsewhere; green only when all
# is sent, so a glance tells whether the laptop may be taken back to the village.
STATE_STYLES = {
    OFFLINE: "background: #eef0f3; color: #333; border: 1px solid #c5cad3;",
    SYNCING: "background: #e6f0fb; color: #113; border: 1px solid #8db3e2;",
    UP_TO_DATE: "background: #e5f5e9; color: #0b3d1a; border: 1px solid #7cc08f;",
    NEEDS_ATTENTION: "background: #fff4e0; color: #4a2c00; border: 1px solid #e0a040;",
}


class FailureRow(QWidget):
    def __init__(self, view: FailureView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.text = QLabel(view.text)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(_("Resolve") if self.view.conflict else _("Open the registration"))


class StatusTab(QWidget):
    syncRequested = Signal()
    cancelRequested = Signal()
    openRecord = Signal(str)
    openConflict = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: PanelView | None = None
        self.state = QLabel()
        self.state.setObjectName("syncState")
        font = self.state.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.state.setFont(font)
        self.state.setMargin(10)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.counts = QLabel()
        self.speed = QLabel()
        self.last_sync = QLabel()
        self.progress_line = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.sync_button = QPushButton()
        self.sync_button.clicked.connect(self.syncRequested)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.cancel_button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.failures_title = QLabel()
        bold = self.failures_title.font()
        bold.setBold(True)
        self.failures_title.setFont(bold)
        self.failures_box = QWidget()
        self.failures_layout = QVBoxLayout(self.failures_box)
        self.failures_layout.setContentsMargins(0, 0, 0, 0)
        self.failures_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.failures_box)
        self.rows: list[FailureRow] = []
        layout = QVBoxLayout(self)
        for widget in (self.state, self.problem, self.counts, self.speed, self.last_sync,
                       self.progress_line, self.progress):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.failures_title)
        layout.addWidget(scroll, 1)

    def apply(self, view: PanelView, lang: str) -> None:
        self.view = view
        mark = paragraph_mark(lang)
        self.state.setText(mark + view.state_text)
        self.state.setStyleSheet(f"#syncState {{ {STATE_STYLES.get(view.state, '')} }}")
        self.problem.setText(mark + view.problem_text)
        self.problem.setVisible(bool(view.problem_text))
        self.counts.setText("\n".join(mark + line for line in view.counts_text.split("\n")))
        self.speed.setText(mark + view.speed_text)
        self.last_sync.setText(mark + view.last_sync_text)
        syncing = view.state == SYNCING
        self.progress.setVisible(syncing)
        self.progress_line.setVisible(syncing)
        self.sync_button.setEnabled(view.can_sync)
        self.cancel_button.setVisible(syncing)
        self._set_failures(view.failures, mark)

    def _set_failures(self, failures: list[FailureView], mark: str) -> None:
        for row in self.rows:
            # Hidden at once: deleteLater waits for the event loop, and until then the old
            # row (in the previous language) would still be drawn beside the new one.
            row.hide()
            self.failures_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for failure in failures:
            row = FailureRow(FailureView(failure.record_id, mark + failure.text,
                                         failure.conflict), self.failures_box)
            signal = self.openConflict if failure.conflict else self.openRecord
            row.button.clicked.connect(lambda _c=False, rid=failure.record_id, s=signal:
                                       s.emit(rid))
            self.failures_layout.insertWidget(self.failures_layout.count() - 1, row)
            self.rows.append(row)
        self.failures_title.setText(
            ngettext("{n} change needs you", "{n} changes need you", len(failures))
            .format(n=len(failures)))
        self.failures_title.setVisible(bool(failures))

    def show_progress(self, progress: Any, lang: str) -> None:
        self.progress_line.setText(paragraph_mark(lang) + progress_text(progress, lang))

    def retranslate(self) -> None:
        self.sync_button.setText(_("Sync now"))
        self.cancel_button.setText(_("Stop"))
        for row in self.rows:
            row.retranslate()


class SyncPanel(QWidget):
    """The page. `form_of(record_id)` names the form a record was made with (labels of
    the fields a refusal is about); `pairs` is the supervisor's tab or None."""

    openRecord = Signal(str)

    def __init__(self, adapter: Any, lang: Callable[[], str],
                 form_of: Callable[[str], Form | None], conflicts: QWidget | None = None,
                 pairs: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.adapter, self.lang, self.form_of = adapter, lang, form_of
        self.last_status: Any = None
        self.status_tab = StatusTab()
        self.tabs = QTabWidget()
        # The status tab (with the sign-in box) scrolls rather than stretching the window
        # past a 1366 × 768 screen at 125 %.
        status_scroll = QScrollArea()
        status_scroll.setWidgetResizable(True)
        status_scroll.setFrameShape(QFrame.Shape.NoFrame)
        status_scroll.setWidget(self.status_tab)
        self.tabs.addTab(status_scroll, "")
        self.conflicts, self.pairs = conflicts, pairs
        for extra in (conflicts, pairs):
            if extra is not None:
                self.tabs.addTab(extra, "")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.tabs)
        self.status_tab.syncRequested.connect(self.sync_now)
        self.status_tab.cancelRequested.connect(adapter.cancel)
        self.status_tab.openRecord.connect(self.openRecord)
        self.status_tab.openConflict.connect(self.open_conflict)
        if conflicts is not None:
            conflicts.countChanged.connect(lambda _n: self._tab_titles())
        adapter.statusChanged.connect(self.show_status)
        adapter.progressed.connect(lambda p: self.status_tab.show_progress(p, self.lang()))
        self.retranslate()

    def sync_now(self) -> None:
        self.adapter.sync_now()

    def show_status(self, status: Any) -> None:
        self.last_status = status
        self.status_tab.apply(panel_view(status, self.form_of, self.lang()), self.lang())
        self._tab_titles()

    def open_conflict(self, record_id: str) -> None:
        if self.conflicts is not None:
            self.tabs.setCurrentWidget(self.conflicts)
            self.conflicts.select(record_id)

    def _tab_titles(self) -> None:
        self.tabs.setTabText(0, _("Sync"))
        if self.conflicts is not None:
            count = len(getattr(self.conflicts, "views", []))
            self.tabs.setTabText(self.tabs.indexOf(self.conflicts),
                                 ngettext("{n} conflict", "{n} conflicts", count).format(n=count))
        if self.pairs is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.pairs), _("Possible duplicates"))

    def retranslate(self) -> None:
        self.status_tab.retranslate()
        for extra in (self.conflicts, self.pairs):
            if extra is not None:
                extra.retranslate()
        if self.last_status is not None:
            self.show_status(self.last_status)
        self._tab_titles()
