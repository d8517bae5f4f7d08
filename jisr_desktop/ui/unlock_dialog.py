"""Unlock: choose the agent, type the passphrase. On a machine without a store, the same
dialog creates one (first agent, her province, a passphrase typed twice).

The key derivation takes ~0.1 s, so it runs on the task runner, never on the UI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.store.database import KEYRING_FILE, Store, StoreError
from jisr_desktop.models.store.keyring import Keyring, KeyringError
from jisr_desktop.ui.tasks import TaskRunner
from jisr_desktop.user_messages import error_text

LANG_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}


class UnlockDialog(QDialog):
    """`unlocked(Store)` fires with the open store; `languageChosen(str)` on a switch."""

    unlocked = Signal(object)
    languageChosen = Signal(str)

    def __init__(
        self,
        folder: Path,
        tasks: TaskRunner,
        reference: ReferenceData,
        *,
        lang: str,
        agent: str = "",
        lock_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.tasks = tasks
        self.reference = reference
        self.lang = lang
        self.lock_only = lock_only  # re-unlock after idle: same agent, store already open
        self.creating = not Store.exists(folder)
        self.setModal(True)

        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        self.title.setFont(font)
        self.language = QComboBox()
        for code, name in LANG_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANG_NAMES).index(lang))
        self.language.currentIndexChanged.connect(
            lambda _i: self.languageChosen.emit(self.language.currentData())
        )
        self.agent = QComboBox()
        self.agent.setEditable(self.creating)
        keyring_problem = None
        if not self.creating:
            try:
                self.agent.addItems(Store.agents(folder))
            except KeyringError as exc:  # a damaged keyring: say so, never a traceback
                keyring_problem = exc.code
            if agent:
                self.agent.setCurrentText(agent)
        self.agent.setEnabled(not lock_only)
        self.province = QComboBox()
        for province in sorted(reference.provinces.values(), key=lambda p: p.code):
            if reference.communes_of(province.code):
                self.province.addItem(
                    f"{province.code} {province.name_fr} {province.name_ar}", province.code
                )
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.ok = QPushButton()
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)

        self.form = QFormLayout()
        self.form.addRow("", self.language)
        self.form.addRow("", self.agent)
        if self.creating:
            self.form.addRow("", self.province)
        self.form.addRow("", self.passphrase)
        if self.creating:
            self.form.addRow("", self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.retranslate()
        self.passphrase.setFocus()
        if keyring_problem is not None:
            self.show_error(error_text(keyring_problem))
            self.ok.setEnabled(False)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Al Jisr — enrolment"))
        if self.creating:
            self.title.setText(_("Create the local store"))
            self.ok.setText(_("Create"))
        else:
            self.title.setText(_("Locked") if self.lock_only else _("Unlock the store"))
            self.ok.setText(_("Unlock"))
        labels = [_("Language"), _("Agent")]
        if self.creating:
            labels.append(_("Province"))
        labels.append(_("Passphrase"))
        if self.creating:
            labels.append(_("Passphrase again"))
        for row, text in enumerate(labels):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label is not None and label.widget() is not None:
                label.widget().setText(text)
        self.agent.setAccessibleName(_("Agent"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.confirm.setAccessibleName(_("Passphrase again"))
        self.province.setAccessibleName(_("Province"))
        self.language.setAccessibleName(_("Language"))

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.ok.setEnabled(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def submit(self) -> None:
        agent = self.agent.currentText().strip()
        passphrase = self.passphrase.text()
        if not agent:
            self.show_error(_("Type the agent's name."))
            return
        if not passphrase:
            self.show_error(_("The passphrase cannot be empty."))
            return
        if self.creating and passphrase != self.confirm.text():
            self.show_error(_("The two passphrases differ."))
            return
        self.ok.setEnabled(False)
        self.message.setText(_("Opening…"))
        folder, province = self.folder, self.province.currentData()

        def work() -> Store | None:
            if self.lock_only:
                # The store stays open while locked; only the passphrase is checked.
                Keyring(folder / KEYRING_FILE).unlock(agent, passphrase)
                return None
            if self.creating:
                return Store.create(folder, agent, passphrase, role="admin", province_code=province)
            return Store.open(folder, agent, passphrase)

        self.tasks.run(work, on_done=self._opened, on_error=self._failed)

    def _opened(self, store: Store | None) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.unlocked.emit(store)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        code = error.code if isinstance(error, StoreError | KeyringError) else "store_error"
        self.show_error(error_text(code))
