"""The widget for a field's type (`make_field_widget`), and the two kinds that take no
input: a calculated value and a note. See `field_widget` for the interface they share."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.models.programme.form import Field
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.ui.choice_widgets import ChecksWidget, ComboWidget, RadioWidget, ReferenceWidget
from jisr_desktop.ui.field_widget import FieldWidget
from jisr_desktop.ui.form_model import paragraph_mark
from jisr_desktop.ui.text_widgets import (
    CodeWidget,
    DateWidget,
    LongTextWidget,
    NumberWidget,
    TextWidget,
)

# Texts allowed longer than this get a multi-line box (the "long text").
LONG_TEXT = 100
# Up to this many choices are shown as radio buttons (yes/no, rural/urban): one click,
# every option visible, nothing to unfold.
MAX_RADIOS = 3


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
