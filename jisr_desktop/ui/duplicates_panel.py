"""The "she may already be registered" panel shown above the form while the agent types.

Plain data in (`DuplicateView`, fetched on the db worker by the page), one row per
candidate with the reasons it matched and a button to open the existing record instead.
A match is a warning, never a verdict: two women may share a name and a birthday.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.form import Form
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.form_model import DuplicateView, paragraph_mark, reason_text


class DuplicateRow(QWidget):
    def __init__(self, view: DuplicateView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.who = QLabel()
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setObjectName("duplicateReasons")
        self.open_button = QPushButton()
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.who)
        text.addWidget(self.reasons)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.addLayout(text, 1)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)

    def retranslate(self, form: Form, lang: str) -> None:
        v = self.view
        # Each piece isolated: a Latin name or a CIN inside Arabic text must not scramble
        # its neighbours.
        parts = [isolate(n) for n in (v.name_ar, v.name_lat) if n]
        if v.cin:
            parts.append(isolate_ltr(v.cin))
        # The line's own direction follows the interface, not whichever script comes first.
        mark = paragraph_mark(lang)
        self.who.setText(mark + (" · ".join(parts) or isolate_ltr(v.record_id[:8])))
        self.reasons.setText("\n".join(mark + reason_text(r, form, lang) for r in v.reasons))
        self.open_button.setText(_("Open this record"))
        self.open_button.setAccessibleName(
            _("Open the existing record of {name}").format(name=" ".join(parts))
        )


class DuplicatesPanel(QFrame):
    openRecord = Signal(str)

    def __init__(self, form: Form, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.lang = "ar"
        self.views: list[DuplicateView] = []
        self.rows: list[DuplicateRow] = []
        self.setObjectName("duplicatesPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Amber, like the field warnings: look before going on, but nothing is wrong yet.
        self.setStyleSheet(
            "#duplicatesPanel { background: #fff4e0; border: 1px solid #e0a040; }"
        )
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 6, 8, 6)
        self.layout_.addWidget(self.title)
        self.setVisible(False)

    def set_form(self, form: Form) -> None:
        self.form = form

    def set_matches(self, views: list[DuplicateView]) -> None:
        if views == self.views:
            return
        self.views = list(views)
        for row in self.rows:
            self.layout_.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for view in self.views:
            row = DuplicateRow(view, self)
            row.open_button.clicked.connect(
                lambda _checked=False, rid=view.record_id: self.openRecord.emit(rid)
            )
            row.retranslate(self.form, self.lang)
            self.layout_.addWidget(row)
            self.rows.append(row)
        self.setVisible(bool(self.views))

    def clear(self) -> None:
        self.set_matches([])

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.title.setText(_("This woman may already be registered:"))
        for row in self.rows:
            row.retranslate(self.form, lang)
