"""Typed inputs of a form: text, codes (phone, CIN), long text, numbers, dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QLineEdit,
    QTextEdit,
    QWidget,
)

from jisr_desktop.models.programme.validation import DOB_FIELD
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.field_widget import FieldWidget, is_latin_field

# The calendar of a birth date opens this many years back.
BIRTH_YEARS_BACK = 35
# Arabic keyboards type Arabic-Indic or Persian digits; the validator coerces both.
_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"


class TextWidget(FieldWidget):
    def _build(self) -> QWidget:
        line = QLineEdit()
        if self.field.max_length:
            # A little slack: the validator reports "too long" rather than the box
            # silently swallowing the end of a pasted name.
            line.setMaxLength(int(self.field.max_length) + 20)
        if is_latin_field(self.field) or self.field.type in ("cin", "phone"):
            line.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        line.textEdited.connect(self._emit)
        self.line = line
        return line

    def value(self) -> Any:
        return self.line.text()

    def _set(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))


class CodeWidget(TextWidget):
    """CIN and phone: Latin letters and digits, always left to right."""

    def _build(self) -> QWidget:
        line = super()._build()
        line.setInputMethodHints(
            Qt.InputMethodHint.ImhPreferLatin
            | (
                Qt.InputMethodHint.ImhDialableCharactersOnly
                if self.field.type == "phone"
                else Qt.InputMethodHint.ImhPreferUppercase
            )
        )
        return line

    def _retranslate_input(self, lang: str, label: str) -> None:
        super()._retranslate_input(lang, label)
        if self.field.type == "phone":
            self.line.setPlaceholderText("06 12 34 56 78")
        else:
            self.line.setPlaceholderText("AB123456")


class LongTextWidget(FieldWidget):
    def _build(self) -> QWidget:
        # QTextEdit in plain-text mode rather than QPlainTextEdit: the latter leaves Arabic
        # paragraphs on the left edge of a right-to-left form (seen with Qt 6.12).
        box = QTextEdit()
        box.setAcceptRichText(False)
        box.setTabChangesFocus(True)  # Tab moves on, as in every other input
        box.setFixedHeight(box.fontMetrics().lineSpacing() * 4 + 12)
        box.textChanged.connect(self._emit)
        self.box = box
        return box

    def value(self) -> Any:
        return self.box.toPlainText()

    def _set(self, value: Any) -> None:
        self.box.setPlainText("" if value is None else str(value))


class NumberWidget(TextWidget):
    """A line edit that only takes digits (any script); bounds are the domain's job, so
    "0" for a household of at least one is typed and then explained, not refused silently."""

    def _build(self) -> QWidget:
        line = super()._build()
        if self.field.type == "integer":
            pattern = f"[-+]?{_DIGIT}{{0,9}}"
        else:
            pattern = f"[-+]?{_DIGIT}{{0,12}}([.,\u066b]{_DIGIT}{{0,6}})?"
        line.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), line))
        line.setMaximumWidth(160)
        return line


class DateWidget(FieldWidget):
    """A date that may be left empty (a QDateEdit cannot be): typed as people write it, or
    picked from a calendar (`DateInput`)."""

    def _build(self) -> QWidget:
        if self.field.name == DOB_FIELD:
            # A woman of the programme is usually in her thirties; she is not born yet
            # tomorrow.
            self.date_input = DateInput(years_back=BIRTH_YEARS_BACK, latest=date.today())
        else:
            self.date_input = DateInput()
        self.date_input.edited.connect(self._emit)
        self.line = self.date_input.line
        self.pick = self.date_input.pick
        return self.date_input

    @property
    def calendar(self) -> QCalendarWidget | None:
        return self.date_input.calendar

    def focus_chain(self) -> list[QWidget]:
        return [self.line, self.pick]

    def _retranslate_input(self, lang: str, label: str) -> None:
        self.date_input.retranslate(lang, label)

    def _open_calendar(self) -> None:
        self.date_input.open_calendar()

    def value(self) -> Any:
        return self.date_input.value()

    def _set(self, value: Any) -> None:
        self.date_input.set_value(value)

