"""Unlock: choose the agent, type the passphrase. On a machine without a store, the same
dialog creates one (first agent, her province, the centre, a passphrase typed twice).

Every box has its label (Alt+letter reaches it), Tab walks them top to bottom, and the
cursor starts where the title points: the agent's name on a first start, the passphrase
otherwise. A new passphrase must pass the programme's policy (models/programme/
passphrase.py), and the dialog says plainly that a forgotten one cannot be recovered.

The key derivation takes ~0.1 s, so it runs on the task runner, never on the UI thread.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
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
from jisr_desktop.models.programme.normalize import normalize_name
from jisr_desktop.models.programme.passphrase import problems
from jisr_desktop.models.programme.reference import ReferenceData, place_name
from jisr_desktop.models.store.database import KEYRING_FILE, Store
from jisr_desktop.models.store.errors import StoreError
from jisr_desktop.models.store.keyring import Keyring, KeyringError
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner
from jisr_desktop.user_messages import error_text, passphrase_text

LANG_NAMES = {"ar": "العربية", "fr": "Français", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}
ERROR_STYLE = "color: #b00020;"
NOTE_STYLE = "color: #5f6368;"


def province_rows(reference: ReferenceData, lang: str) -> list[tuple[str, str]]:
    """(name, code) of the provinces that have communes, by name in `lang` (Arabic names
    in the Arabic interface, French ones otherwise), ignoring accents and hamza forms."""
    rows = [
        (place_name(p, lang), p.code)
        for p in reference.provinces.values()
        if reference.communes_of(p.code)
    ]
    return sorted(rows, key=lambda row: (normalize_name(row[0]), row[0]))


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
        language: LanguageManager | None = None,
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
        self._build(agent)
        if language is not None:
            self.follow(language)
        self.retranslate()
        self._place_focus()
        if self.keyring_problem is not None:
            self.show_error(error_text(self.keyring_problem))
            self.ok.setEnabled(False)

    # -- building -----------------------------------------------------------------------------

    def _build(self, agent: str) -> None:
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        self.title.setFont(font)
        self.language = QComboBox()
        for code, name in LANG_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANG_NAMES).index(self.lang))
        self.language.currentIndexChanged.connect(self._language_picked)
        self.agent = QComboBox()
        self.agent.setEditable(self.creating)
        self.keyring_problem: str | None = None
        if not self.creating:
            try:
                self.agent.addItems(Store.agents(self.folder))
            except KeyringError as exc:  # a damaged keyring: say so, never a traceback
                self.keyring_problem = exc.code
            if agent:
                self.agent.setCurrentText(agent)
        self.agent.setEnabled(not self.lock_only)
        self.province = self._province_box()
        self.centre = QLineEdit()
        self.centre.setMaxLength(120)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.textChanged.connect(self._judge_passphrase)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.strength = QLabel()  # what the policy says of the new passphrase, as typed
        self.strength.setWordWrap(True)
        self.strength.setStyleSheet(NOTE_STYLE)
        self.no_recovery = QLabel()
        self.no_recovery.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.ok = QPushButton()
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        self.labels: dict[str, QLabel] = {}
        rows: list[tuple[str, QWidget]] = [("language", self.language), ("agent", self.agent)]
        if self.creating:
            rows += [("province", self.province), ("centre", self.centre)]
        rows.append(("passphrase", self.passphrase))
        if self.creating:
            rows.append(("confirm", self.confirm))
        self.form = QFormLayout()
        for name, box in rows:
            label = QLabel()
            label.setBuddy(box)
            self.labels[name] = label
            self.form.addRow(label, box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        if self.creating:
            # Outside the form: a wrapped label in a form row is given one line's height
            # and overlaps the next row (Qt's heightForWidth in QFormLayout).
            layout.addWidget(self.strength)
            layout.addWidget(self.no_recovery)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok)
        layout.addLayout(row)
        chain = [box for _name, box in rows] + [self.ok]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.setMinimumWidth(460)

    def _province_box(self) -> QComboBox:
        # Editable with a completer: she types "tiz" and finds Tiznit; nothing is chosen
        # for her.
        box = QComboBox()
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        return box

    def _fill_provinces(self) -> None:
        chosen = self.province_code()
        self.province.blockSignals(True)
        self.province.clear()
        for name, code in province_rows(self.reference, self.lang):
            self.province.addItem(name, code)
        self.province.setCurrentIndex(self.province.findData(chosen) if chosen else -1)
        if not chosen:
            self.province.setEditText("")
        self.province.blockSignals(False)

    def _place_focus(self) -> None:
        if self.creating:
            self.agent.setFocus()
        else:
            self.passphrase.setFocus()

    # -- language -----------------------------------------------------------------------------

    def follow(self, language: LanguageManager) -> None:
        """Re-label in place whenever the language changes, wherever it was changed."""
        language.changed.connect(self._language_changed)

    def _language_picked(self, _index: int) -> None:
        self.languageChosen.emit(self.language.currentData())

    def _language_changed(self, lang: str) -> None:
        if self.language.currentData() != lang:
            self.language.blockSignals(True)
            self.language.setCurrentIndex(self.language.findData(lang))
            self.language.blockSignals(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.lang = self.language.currentData() or self.lang
        self.setWindowTitle(_("Al Jisr — enrolment"))
        if self.creating:
            self.title.setText(_("Create the local store: first, the agent's name"))
            self.ok.setText(_("Create"))
        else:
            self.title.setText(_("Locked") if self.lock_only else _("Unlock the store"))
            self.ok.setText(_("Unlock"))
        texts = {
            "language": _("&Language"),
            "agent": _("Agent's &name") if self.creating else _("&Agent"),
            "province": _("&Province"),
            "centre": _("&Centre"),
            "passphrase": _("&Passphrase"),
            "confirm": _("Passphrase &again"),
        }
        for name, label in self.labels.items():
            label.setText(texts[name])
            self.labels[name].buddy().setAccessibleName(texts[name].replace("&", ""))
        if self.creating:
            self._fill_provinces()
            self.province.lineEdit().setPlaceholderText(_("Type to find the province"))
            self.centre.setPlaceholderText(_("Printed on the cards"))
            self.no_recovery.setText(_(
                "Write the passphrase down and keep it in a safe place. If it is forgotten, "
                "nobody can recover it: the data on this laptop cannot be opened again."
            ))
            self._judge_passphrase(self.passphrase.text())

    # -- checking and opening -----------------------------------------------------------------

    def province_code(self) -> str | None:
        index = self.province.currentIndex()
        if index < 0 or self.province.itemText(index) != self.province.currentText():
            match = self.province.findText(self.province.currentText().strip(),
                                           Qt.MatchFlag.MatchFixedString)
            index = match
        return self.province.itemData(index) if index >= 0 else None

    def centre_name(self) -> str:
        return " ".join(self.centre.text().split())

    def _policy_problems(self, passphrase: str) -> list[str]:
        inputs = [self.agent.currentText().strip(), self.centre_name()]
        return problems(passphrase, user_inputs=[i for i in inputs if i])

    def _judge_passphrase(self, text: str) -> None:
        if not self.creating:
            return
        found = self._policy_problems(text) if text else []
        self.strength.setText(passphrase_text(found[0]) if found else "")
        self.strength.setVisible(bool(found))

    def show_error(self, text: str, focus: QWidget | None = None) -> None:
        self.message.setText(text)
        self.ok.setEnabled(True)
        target = focus or self.passphrase
        if isinstance(target, QLineEdit):
            target.selectAll()
        target.setFocus()

    def _refusal(self, agent: str, passphrase: str) -> tuple[str, QWidget] | None:
        """What stops the form from being sent, and where to fix it."""
        if not agent:
            return _("Type the agent's name."), self.agent
        if self.creating and self.province_code() is None:
            return _("Choose the province from the list."), self.province
        if not passphrase:
            return _("The passphrase cannot be empty."), self.passphrase
        if self.creating:
            found = self._policy_problems(passphrase)
            if found:
                return passphrase_text(found[0]), self.passphrase
            if passphrase != self.confirm.text():
                return _("The two passphrases differ."), self.confirm
        return None

    def submit(self) -> None:
        agent = self.agent.currentText().strip()
        passphrase = self.passphrase.text()
        refusal = self._refusal(agent, passphrase)
        if refusal is not None:
            self.show_error(*refusal)
            return
        self.ok.setEnabled(False)
        self.message.setText(_("Opening…"))
        folder, province = self.folder, self.province_code()
        lock_only, creating = self.lock_only, self.creating

        def work() -> Store | None:
            if lock_only:
                # The store stays open while locked; only the passphrase is checked.
                Keyring(folder / KEYRING_FILE).unlock(agent, passphrase)
                return None
            if creating:
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
