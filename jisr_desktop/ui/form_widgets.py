"""One input widget per field type of a form definition.

Each `FieldWidget` is a whole row: the label (with the required mark), the input, the
hint and the message line. The page sees only this interface: `value()`, `set_value()`,
`edited`, `retranslate()`, `set_message()`, `set_required()`, `set_editable()`,
`focus_chain()`. Values are the raw answers as typed (text for numbers and dates); the
domain coerces and judges them.

`set_value` never emits `edited`: only the agent's own changes count as edits, so loading
a draft or a record does not write a draft back or mark fields as touched.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import Field
from jisr_desktop.models.programme.reference import ReferenceData, place_name
from jisr_desktop.models.programme.validation import DOB_FIELD
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.form_model import paragraph_mark
from jisr_desktop.ui.place_completer import make_searchable

# Texts allowed longer than this get a multi-line box (the "long text").
LONG_TEXT = 100
# Up to this many choices are shown as radio buttons (yes/no, rural/urban): one click,
# every option visible, nothing to unfold.
MAX_RADIOS = 3
# The calendar of a birth date opens this many years back.
BIRTH_YEARS_BACK = 35
# Item data of a combo's "— choose —" entry. Not None: PySide6 drops a reference to None
# when an empty QVariant comes back to Python (seen on 6.12 / Python 3.11).
NO_CHOICE = ""
ERROR_STYLE = "color: #b00020; font-weight: bold;"
WARNING_STYLE = "color: #8a5a00;"
HINT_STYLE = "color: #5f6368;"  # palette(mid) is too faint on the light theme
# Arabic keyboards type Arabic-Indic or Persian digits; the validator coerces both.
_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"


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


class RadioWidget(FieldWidget):
    """A short choice list (≤ 3) as radio buttons."""

    def _build(self) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(holder)
        self.radios: list[QRadioButton] = []
        for i, _choice in enumerate(self.field.choices):
            radio = QRadioButton()
            self.group.addButton(radio, i)
            self.radios.append(radio)
            row.addWidget(radio)
        row.addStretch(1)
        self.group.idToggled.connect(lambda _id, on: on and self._emit())
        return holder

    def focus_chain(self) -> list[QWidget]:
        return list(self.radios)

    def value(self) -> Any:
        checked = self.group.checkedId()
        return self.field.choices[checked].value if checked >= 0 else None

    def _set(self, value: Any) -> None:
        # An exclusive group cannot be emptied by unchecking; lift it for a moment.
        self.group.setExclusive(False)
        for choice, radio in zip(self.field.choices, self.radios, strict=True):
            radio.setChecked(value is not None and str(choice.value) == str(value))
        self.group.setExclusive(True)

    def choose(self, value: Any) -> None:
        """Check the radio for `value` as a click would (tests, keyboard helpers)."""
        for choice, radio in zip(self.field.choices, self.radios, strict=True):
            if str(choice.value) == str(value):
                radio.click()

    def _retranslate_input(self, lang: str, label: str) -> None:
        for choice, radio in zip(self.field.choices, self.radios, strict=True):
            text = localized(choice.label, lang)
            radio.setText(text)
            radio.setAccessibleName(f"{label}: {text}")


class ComboWidget(FieldWidget):
    """A longer choice list as a combo box, with an explicit "— choose —" entry."""

    def _build(self) -> QWidget:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        combo.setMinimumWidth(220)  # one column of even boxes, not a ragged edge
        combo.addItem("", NO_CHOICE)
        for choice in self.field.choices:
            combo.addItem("", choice.value)
        combo.activated.connect(self._emit)  # user choices only, not programmatic sets
        self.combo = combo
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(combo)
        row.addStretch(1)
        return holder

    def focus_chain(self) -> list[QWidget]:
        return [self.combo]

    def value(self) -> Any:
        data = self.combo.currentData()
        return None if data == NO_CHOICE else data

    def _set(self, value: Any) -> None:
        index = self.combo.findData(NO_CHOICE if value is None else value)
        if index < 0 and value is not None:  # "07" stored, 7 in the list, or the reverse
            index = next(
                (i for i in range(self.combo.count()) if str(self.combo.itemData(i)) == str(value)),
                0,
            )
        self.combo.setCurrentIndex(max(index, 0))

    def choose(self, value: Any) -> None:
        """Select `value` as the agent would (emits `edited`)."""
        self._set(value)
        self._emit()

    def _retranslate_input(self, lang: str, label: str) -> None:
        self.combo.setItemText(0, _("— choose —"))
        for i, choice in enumerate(self.field.choices, start=1):
            self.combo.setItemText(i, localized(choice.label, lang))
        self.combo.setAccessibleName(label)


class ReferenceWidget(ComboWidget):
    """Region, province or commune: HCP codes, named in the interface language, and
    filtered by the parent field's code (provinces of the region, communes of the
    province)."""

    def __init__(
        self, fld: Field, reference: ReferenceData, parent: QWidget | None = None
    ) -> None:
        self.reference = reference
        self.parent_code: str | None = None
        self.lang = "ar"
        super().__init__(fld, parent)
        self.completer = make_searchable(self.combo)  # either spelling (issue 12)
        self._populate()

    def _rows(self) -> list[Any]:
        kind = self.field.reference
        if kind == "regions":
            return list(self.reference.regions.values())
        if not self.field.filter_by:
            table = getattr(self.reference, kind or "", {})
            return list(table.values())
        if not self.parent_code:
            return []
        if kind == "provinces":
            return self.reference.provinces_of(self.parent_code)
        if kind == "communes":
            return self.reference.communes_of(self.parent_code)
        return []

    def _populate(self) -> None:
        """(Re)fill the list, keeping the chosen code when it is still offered."""
        current = self.value()
        rows = self._rows()
        names = [(place_name(r, self.lang), r.code) for r in rows]
        if self.field.reference != "regions":
            names.sort()  # a commune is found by its name; regions keep the official order
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_("— choose —"), NO_CHOICE)
        for name, code in names:
            self.combo.addItem(name, code)
        self.combo.setEnabled(bool(names))
        index = self.combo.findData(current) if current is not None else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)

    def set_parent_code(self, code: Any) -> bool:
        """Filter by a new parent; True when the chosen value had to be dropped."""
        code = str(code) if code not in (None, "") else None
        if code == self.parent_code:
            return False
        before = self.value()
        self.parent_code = code
        self._populate()
        return before is not None and self.value() is None

    def _retranslate_input(self, lang: str, label: str) -> None:
        self.lang = lang
        self._populate()
        self.combo.setAccessibleName(label)


class ChecksWidget(FieldWidget):
    """select_multiple: one check box per choice."""

    def _build(self) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        self.checks: list[QCheckBox] = []
        for i, _choice in enumerate(self.field.choices):
            check = QCheckBox()
            check.toggled.connect(self._emit)
            self.checks.append(check)
            grid.addWidget(check, i // 3, i % 3)
        grid.setColumnStretch(3, 1)
        return holder

    def focus_chain(self) -> list[QWidget]:
        return list(self.checks)

    def value(self) -> Any:
        pairs = zip(self.field.choices, self.checks, strict=True)
        return [c.value for c, box in pairs if box.isChecked()]

    def _set(self, value: Any) -> None:
        if isinstance(value, str):
            value = value.split()
        chosen = {str(v) for v in (value or ())}
        for choice, box in zip(self.field.choices, self.checks, strict=True):
            box.setChecked(str(choice.value) in chosen)

    def _retranslate_input(self, lang: str, label: str) -> None:
        for choice, box in zip(self.field.choices, self.checks, strict=True):
            text = localized(choice.label, lang)
            box.setText(text)
            box.setAccessibleName(f"{label}: {text}")


class CalculatedWidget(FieldWidget):
    """A computed value (the age): shown, never typed."""

    def _build(self) -> QWidget:
        self.shown = QLabel()
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.calculated: Any = None
        self.lang = "ar"
        return self.shown

    def focus_chain(self) -> list[QWidget]:
        return []  # nothing to type: Tab skips it

    def show_value(self, value: Any) -> None:
        self.calculated = value
        if value is None or value == "":
            text = "—"
        elif isinstance(value, int | float):
            text = format_number(value, self.lang)
        else:
            text = str(value)
        text = paragraph_mark(self.lang) + text
        if self.shown.text() != text:
            self.shown.setText(text)

    def _retranslate_input(self, lang: str, label: str) -> None:
        self.lang = lang
        self.shown.setAccessibleName(label)
        self.show_value(self.calculated)


class NoteWidget(FieldWidget):
    """A note: the label alone."""

    def _build(self) -> None:
        return None

    def focus_chain(self) -> list[QWidget]:
        return []


def make_field_widget(
    fld: Field, reference: ReferenceData, *, radio_lists: Collection[str] = ()
) -> FieldWidget:
    """The widget kind for a field's type. Choice lists named in `radio_lists` are radio
    buttons however many choices they have: a rating scale reads along one row."""
    builders: dict[str, Callable[[Field], FieldWidget]] = {
        "integer": NumberWidget,
        "decimal": NumberWidget,
        "date": DateWidget,
        "phone": CodeWidget,
        "cin": CodeWidget,
        "select_multiple": ChecksWidget,
        "calculate": CalculatedWidget,
        "note": NoteWidget,
    }
    if fld.reference:
        return ReferenceWidget(fld, reference)
    if fld.type == "select_one":
        radios = len(fld.choices) <= MAX_RADIOS or fld.choice_list in radio_lists
        return RadioWidget(fld) if radios else ComboWidget(fld)
    if fld.type == "text" and (fld.max_length or 0) > LONG_TEXT:
        return LongTextWidget(fld)
    return builders.get(fld.type, TextWidget)(fld)
