"""What the programme's dialogs after orientation share (the referral to a place, the
service card editor, the incubation, the follow-up visits): her name at the top, a
status line, loading her state on the db lane, writing through the runner, and a
refused write told in one translated sentence with nothing typed lost.

Each dialog gives a loader (plain data, on the db lane), a `show_view(view)` that fills
its widgets, and `retranslate_body()`; a write names its messages by exception type.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import DONE_STYLE, ERROR_STYLE, wrapped_label
from jisr_desktop.ui.screen_fit import fit
from jisr_desktop.ui.tasks import Changes

log = logging.getLogger(__name__)

Messages = Mapping[type[BaseException], Callable[[], str]]


class ProgrammeDialog(QDialog):
    """Base of the dialogs opened on one woman's record."""

    size_hint = (900, 640)  # fits a 1366 × 768 laptop with its taskbar

    def __init__(self, ctx: AppContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.view: Any = None
        self._status: tuple[Callable[[], str] | None, bool] = (None, False)
        self.heading = wrapped_label()
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.name_label = wrapped_label()
        # The body scrolls: on a 768-pixel screen, or with a long history, nothing is
        # squeezed until its text overlaps.
        holder = QWidget()
        self.body = QVBoxLayout(holder)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(holder)
        self.status = wrapped_label()
        self.status.setObjectName("status")
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        self.actions = QHBoxLayout()  # the dialog's main action, kept out of the scrolling
        bottom.addLayout(self.actions)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.name_label)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(bottom)
        ctx.language.changed.connect(self._language_changed)
        ctx.tasks.changed.connect(self._store_changed)
        self.finished.connect(lambda _r: self._disconnect())

    def start(self) -> None:
        """Called by the subclass once its widgets exist."""
        self.retranslate()
        fit(self, *self.size_hint)
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def loader(self) -> Callable[[], Any]:  # pragma: no cover - every dialog has its own
        raise NotImplementedError

    def show_view(self, view: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def reload(self) -> None:
        self.ctx.tasks.run(self.loader(), key=f"programme.{id(self)}.load",
                           on_done=self._loaded, on_error=self._load_failed)

    def _loaded(self, view: Any) -> None:
        if view is None:
            self.say(lambda: _("This record no longer exists."), error=True)
            return
        self.view = view
        self.name_label.setText(getattr(view, "title", ""))
        self.show_view(view)

    def _load_failed(self, error: BaseException) -> None:
        log.error("programme dialog: load failed", exc_info=error)
        self.say(lambda: _("The record could not be read. Details are in the log file."),
                 error=True)

    def _store_changed(self, changes: Changes) -> None:
        if changes.origin is not self and (not changes.record_ids
                                           or self.record_id in changes.record_ids):
            self.reload()

    # -- writing ------------------------------------------------------------------------------

    def write(self, fn: Callable[[], Any], kinds: set[str], messages: Messages,
              done: Callable[[], str], button: QPushButton | None = None,
              on_done: Callable[[Any], None] | None = None) -> None:
        """Write on the db lane; success says `done` and reloads; a refusal says the
        message of its exception type (the first that matches), and keeps the inputs."""
        if button is not None:
            button.setEnabled(False)

        def finished(result: Any) -> None:
            self.say(done)
            if on_done is not None:
                on_done(result)
            self.reload()

        def failed(error: BaseException) -> None:
            for kind, message in messages.items():
                if isinstance(error, kind):
                    self.say(message, error=True)
                    return
            log.error("programme dialog: write failed", exc_info=error)
            self.say(lambda: _("This could not be recorded. Details are in the log file."),
                     error=True)

        self.ctx.tasks.write(
            fn, changes=Changes.of(kinds, record_ids={self.record_id}, origin=self),
            on_done=finished, on_error=failed,
            always=(lambda: button.setEnabled(True)) if button is not None else None)

    # -- status and language -----------------------------------------------------------------

    def say(self, text: Callable[[], str] | None, error: bool = False) -> None:
        """A function giving the translated text, so a change of language redoes it."""
        self._status = (text, error)
        self._show_status()

    def _show_status(self) -> None:
        text, error = self._status
        self.status.setText(text() if text else "")
        self.status.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()
        if self.view is not None:
            self.show_view(self.view)

    def retranslate_body(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def retranslate(self) -> None:
        self.close_button.setText(_("Close"))
        self.retranslate_body()
        self._show_status()

    def _disconnect(self) -> None:
        # A closed dialog must not reload on every later write.
        for signal, slot in ((self.ctx.language.changed, self._language_changed),
                             (self.ctx.tasks.changed, self._store_changed)):
            with contextlib.suppress(RuntimeError, TypeError):
                signal.disconnect(slot)


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def list_table(columns: int, stretch: tuple[int, ...] | None = None) -> QTableWidget:
    """A read-only list; the `stretch` columns (default: from the third on) share the room
    left and wrap, the others fit their content (a day, a name)."""
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch if stretch is not None else range(2, columns):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setMinimumHeight(150)
    # Wrapped rows grow again when the columns get their final width.
    header.sectionResized.connect(lambda *_args: table.resizeRowsToContents())
    return table
