"""The row every field of a form is shown in: `FieldWidget`, the interface the pages see.

Each `FieldWidget` is a whole row: the label (with the required mark), the input, the
hint and the message line. The page sees only this interface: `value()`, `set_value()`,
`edited`, `retranslate()`, `set_message()`, `set_required()`, `set_editable()`,
`focus_chain()`. Values are the raw answers as typed (text for numbers and dates); the
domain coerces and judges them. The kinds of input are in `text_widgets` and
`choice_widgets`; `form_widgets.make_field_widget` picks one for a field.

`set_value` never emits `edited`: only the agent's own changes count as edits, so loading
a draft or a record does not write a draft back or mark fields as touched.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import Field

ERROR_STYLE = "color: #b00020; font-weight: bold;"
WARNING_STYLE = "color: #8a5a00;"
HINT_STYLE = "color: #5f6368;"  # palette(mid) is too faint on the light theme


def is_latin_field(fld: Field) -> bool:
    """Latin-script names stay left to right even in the Arabic interface."""
    return fld.name.endswith("_lat")


class FieldWidget(QWidget):
    """A labelled input for one field. Subclasses build the input and read/write it."""

    edited = Signal(str)  # field name; only for the agent's own changes

    def __init__(self, fld: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = fld
        self._quiet = False
        self._required = fld.required is True
        self._label = ""
        self._description = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setObjectName(f"label_{fld.name}")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setVisible(bool(fld.hint))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.message.setObjectName(f"message_{fld.name}")
        self.severity: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        self.input = self._build()
        if self.input is not None:
            layout.addWidget(self.input)
            if self.focus_chain():  # Alt+letter on the label jumps to the input
                self.label.setBuddy(self.focus_chain()[0])
        layout.addWidget(self.hint)
        layout.addWidget(self.message)

    # -- to be provided by each kind ----------------------------------------------------------

    def _build(self) -> QWidget | None:
        raise NotImplementedError

    def value(self) -> Any:
        return None

    def _set(self, value: Any) -> None:
        pass

    def _retranslate_input(self, lang: str, label: str) -> None:
        for widget in self.focus_chain():
            widget.setAccessibleName(label)

    def focus_chain(self) -> list[QWidget]:
        return [self.input] if self.input is not None else []

    # -- shared -------------------------------------------------------------------------------

    def set_value(self, value: Any) -> None:
        self._quiet = True
        try:
            self._set(value)
        finally:
            self._quiet = False

    def _emit(self, *_args: Any) -> None:
        if not self._quiet:
            self.edited.emit(self.field.name)

    def focus_target(self) -> QWidget:
        chain = self.focus_chain()
        return chain[0] if chain else self

    def set_editable(self, editable: bool) -> None:
        """Read-only or not: the input is disabled, the label, hint and message stay
        readable (a page shown to someone who may not change it)."""
        if self.input is not None:
            self.input.setEnabled(editable)

    def set_required(self, required: bool) -> None:
        if required != self._required:
            self._required = required
            self._set_label_text()

    def _set_label_text(self) -> None:
        self.label.setText(f"{self._label} *" if self._required else self._label)

    def set_message(self, text: str | None, severity: str | None = None) -> None:
        """An error or a warning under the input; warnings look milder than errors."""
        if not text and self.severity is None:
            return  # the common case on every keystroke: nothing shown, nothing to do
        if not text:
            if not self.message.isHidden():
                self.message.setVisible(False)
            for widget in self.focus_chain():
                widget.setAccessibleDescription(self._description)
            self.severity = None
            return
        if severity != self.severity:
            self.message.setStyleSheet(ERROR_STYLE if severity == "error" else WARNING_STYLE)
            self.severity = severity
        shown_again = self.message.isHidden()
        if self.message.text() != text:
            self.message.setText(text)
        elif not shown_again:
            return
        for widget in self.focus_chain():
            widget.setAccessibleDescription(text)
        if shown_again:
            self.message.setVisible(True)

    def retranslate(self, lang: str) -> None:
        fld = self.field
        self._label = localized(fld.label, lang)
        self._set_label_text()
        hint = localized(fld.hint, lang) if fld.hint else ""
        self.hint.setText(hint)
        self._retranslate_input(lang, self._label)
        # The "*" is not read out by every screen reader: say "required" in words too.
        required = _("Required") if self._required else ""
        self._description = " ".join(p for p in (required, hint) if p)
        for widget in self.focus_chain():
            widget.setToolTip(hint)
            if self.message.isHidden():
                widget.setAccessibleDescription(self._description)

