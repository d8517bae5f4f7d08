"""Signing in to the server from the sync panel.

Her device token is sealed for her alone, under her passphrase, so the panel asks for it:
once ever with the server's address, her user name and password (online), then once per
session to open the saved token. Nothing of it is kept outside the encrypted store.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.sync import messages
from jisr_desktop.user_messages import error_text


def sign_in_error(code: str) -> str:
    if code == "wrong_passphrase":
        return error_text(code)
    return messages.text(code)


class SignInBox(QGroupBox):
    unlockRequested = Signal(str)  # passphrase
    signInRequested = Signal(str, str, str, str)  # url, username, password, passphrase

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.saved: Any = None
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.url = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self._go)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a01010;")
        self.button = QPushButton()
        self.button.clicked.connect(self._go)
        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.labels, (self.url, self.username, self.password,
                                              self.passphrase), strict=True):
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.button)
        self.set_saved(None)

    def set_saved(self, saved: Any) -> None:
        """`saved`: the tokens.SignInState of this agent, or None (never signed in, or the
        server refused her token: then she signs in again with her password)."""
        self.saved = saved if saved is not None and not saved.refused else None
        if saved is not None:
            self.url.setText(saved.server_url)
            self.username.setText(saved.username)
        for row in range(3):
            self.form.setRowVisible(row, self.saved is None)
        self.retranslate()

    def show_error(self, code: str) -> None:
        self.error.setText(sign_in_error(code))
        self.button.setEnabled(True)
        self.passphrase.selectAll()

    def _go(self) -> None:
        self.error.setText("")
        if not self.passphrase.text():
            self.error.setText(_("The passphrase cannot be empty."))
            return
        self.button.setEnabled(False)
        if self.saved is not None:
            self.unlockRequested.emit(self.passphrase.text())
        else:
            self.signInRequested.emit(self.url.text().strip(), self.username.text().strip(),
                                      self.password.text(), self.passphrase.text())
        self.password.clear()
        self.passphrase.clear()

    def retranslate(self) -> None:
        self.setTitle(_("Sign in to the server"))
        if self.saved is not None:
            self.explain.setText(_("Type your passphrase to send and receive with your "
                                   "account on this computer."))
            self.button.setText(_("Unlock sending"))
        else:
            self.explain.setText(_("Once, while online: the server's address, your user name "
                                   "and password, and the passphrase of this computer."))
            self.button.setText(_("Sign in"))
        for label, text in zip(self.labels, (_("Server address"), _("User name"),
                                             _("Password"), _("Passphrase")), strict=True):
            label.setText(text)
