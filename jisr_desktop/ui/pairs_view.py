"""Possible duplicates: the flag on a record, and a supervisor's list to settle.

`PairFlagBanner` is the amber line a record shows while the server holds an open pair on
it. `PairsView` lists a supervisor's pairs (both registrations side by side) with
"keep this one" on each side (a merge) and "two different women" (a dismissal). The
calls go through the adapter, on the network lane (pairs_model.py has the words).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _, ngettext
from jisr_desktop.models.programme.form import Form
from jisr_desktop.ui.form_model import paragraph_mark
from jisr_desktop.ui.pairs_model import PairFlag, PairRow, SideView, flag_text, pair_rows

AMBER = "background: #fff4e0; border: 1px solid #e0a040;"


class PairFlagBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairFlag")
        self.setStyleSheet(f"#pairFlag {{ {AMBER} }}")
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)
        self.flag: PairFlag | None = None
        self.setVisible(False)

    def set_flag(self, flag: PairFlag | None, form: Form, lang: str) -> None:
        self.flag = flag
        self.setVisible(flag is not None)
        if flag is not None:
            self.text.setText(paragraph_mark(lang) + flag_text(flag, form, lang))


class SideBox(QFrame):
    def __init__(self, side: SideView, mark: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        for index, line in enumerate(side.lines):
            label = QLabel(mark + line)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if index == 0:
                font = label.font()
                font.setBold(True)
                label.setFont(font)
            layout.addWidget(label)
        self.keep = QPushButton(_("Keep this registration"))
        self.keep.setVisible(side.visible)
        layout.addWidget(self.keep)


class PairBox(QFrame):
    def __init__(self, row: PairRow, mark: str, settle: Callable[[str, str | None], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setObjectName("pairBox")
        self.setStyleSheet(f"#pairBox {{ {AMBER} }}")
        reasons = QLabel(mark + row.reasons_text)
        reasons.setWordWrap(True)
        sides = QHBoxLayout()
        self.boxes = [SideBox(side, mark) for side in row.sides]
        for box in self.boxes:
            box.keep.setEnabled(row.settleable)
            box.keep.clicked.connect(lambda _c=False, rid=box.side.record_id:
                                     settle(row.pair_id, rid))
            sides.addWidget(box, 1)
        self.dismiss = QPushButton(_("Two different women"))
        self.dismiss.setEnabled(row.settleable)
        self.dismiss.clicked.connect(lambda: settle(row.pair_id, None))
        layout = QVBoxLayout(self)
        layout.addWidget(reasons)
        layout.addLayout(sides)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss)
        layout.addLayout(buttons)


class PairsView(QWidget):
    """`confirm(question) -> bool` asks before a merge (a dialog; tests answer it)."""

    def __init__(self, adapter: Any, lang: Callable[[], str], form: Callable[[], Form],
                 confirm: Callable[[str], bool] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.adapter, self.lang, self.form = adapter, lang, form
        self.confirm = confirm or self._ask
        self.raw: list[dict[str, Any]] = []
        self.boxes: list[PairBox] = []
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(adapter.load_pairs)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.refresh_button)
        self.list_box = QWidget()
        self.list_layout = QVBoxLayout(self.list_box)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.list_box)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        adapter.pairsLoaded.connect(self.set_pairs)
        adapter.pairsFailed.connect(self._failed)
        self.retranslate()

    def set_pairs(self, pairs: list[dict[str, Any]]) -> None:
        self.raw = list(pairs)
        self.message.setText("")
        lang = self.lang()
        mark = paragraph_mark(lang)
        for box in self.boxes:
            box.hide()  # at once: deleteLater waits for the event loop
            self.list_layout.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for row in pair_rows(self.raw, self.form(), lang):
            box = PairBox(row, mark, self.settle, self.list_box)
            self.list_layout.insertWidget(self.list_layout.count() - 1, box)
            self.boxes.append(box)
        self._title()

    def settle(self, pair_id: str, keep: str | None) -> None:
        question = (_("Merge the two registrations, keeping the chosen one? The other one "
                      "is removed and its decisions and assessments move over.")
                    if keep else _("Mark these as two different women? The flag is lifted "
                                   "on both registrations."))
        if not self.confirm(question):
            return
        for box in self.boxes:
            if box.row.pair_id == pair_id:
                box.setEnabled(False)
        self.adapter.settle_pair(pair_id, keep)

    def _ask(self, question: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, _("Possible duplicates"), question,
                          parent=self)
        yes = box.addButton(_("Confirm"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def _failed(self, _error: BaseException) -> None:
        for box in self.boxes:
            box.setEnabled(True)
        self.message.setText(paragraph_mark(self.lang()) + _(
            "The server could not be reached or refused the request: try again when online."))

    def _title(self) -> None:
        n = len(self.boxes)
        self.title.setText(paragraph_mark(self.lang()) + (
            ngettext("{n} pair of registrations may be the same woman",
                     "{n} pairs of registrations may be the same woman", n).format(n=n)
            if n else _("No possible duplicates to settle.")))

    def retranslate(self) -> None:
        self.refresh_button.setText(_("Refresh"))
        if self.raw:
            self.set_pairs(self.raw)
        else:
            self._title()
