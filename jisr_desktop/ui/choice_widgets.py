"""Chosen inputs of a form: radio buttons, drop-down lists, reference lists (places,
filtered by their parent) and check boxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QRadioButton,
    QSizePolicy,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import Field
from jisr_desktop.models.programme.reference import ReferenceData, place_name
from jisr_desktop.ui.field_widget import FieldWidget
from jisr_desktop.ui.place_completer import make_searchable

# Item data of a combo's "— choose —" entry. Not None: PySide6 drops a reference to None
# when an empty QVariant comes back to Python (seen on 6.12 / Python 3.11).
NO_CHOICE = ""


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

