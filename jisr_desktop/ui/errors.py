"""Calibre-style error dialog: one line for the user, the details behind a button with a
copy button for the support call. Everything shown is also in the rotating log file."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.logs import describe_exception, scrub
from jisr_desktop.ui.screen_fit import client_room

log = logging.getLogger(__name__)


def details_of(error: BaseException) -> str:
    return describe_exception(error)


class ErrorDialog(QDialog):
    def __init__(self, message: str, details: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Something went wrong"))
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setAccessibleName(_("Details"))
        self.toggle = QPushButton(_("Details"))
        self.toggle.setCheckable(True)
        self.toggle.setEnabled(bool(details))
        self.toggle.toggled.connect(self.details.setVisible)
        self.copy = QPushButton(_("Copy"))
        self.copy.setEnabled(bool(details))
        self.copy.clicked.connect(self._copy)
        close = QPushButton(_("Close"))
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.toggle, self.copy):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.setMaximumSize(client_room(parent))  # a long message wraps, never off screen

    def _copy(self) -> None:
        QApplication.clipboard().setText(f"{self.message.text()}\n\n{self.details.toPlainText()}")


def show_error(parent: QWidget | None, message: str, error: BaseException | None = None) -> None:
    details = details_of(error) if error is not None else ""
    if error is not None:
        log.error("%s", scrub(message), exc_info=error)
    ErrorDialog(message, details, parent).exec()
