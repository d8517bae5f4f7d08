"""The beneficiaries list's filters: province, category, status, and a date range, each
label above its box, so a long French label never squeezes its box (at 1366 px the five
label-box pairs in one row clipped "Statut" and "Du")."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QGridLayout, QLabel, QPushButton, QWidget

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.reference import place_name
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format

# The "any date" end of the date filters: QDateEdit cannot be empty, so its minimum shows
# the special text instead of a date.
NO_DATE = QDate(2000, 1, 1)
NOT_ELIGIBLE = 0  # RecordFilter.category for "not eligible"
# Item data of the "all …" entries. Not None: PySide6 6.12 on Python 3.11 drops a reference
# to None each time a QVariant holding nothing comes back to Python (currentData()), and
# after a few thousand searches the interpreter aborts ("deallocating None").
ANY = ""


def _or_none(value: object) -> object:
    return None if value == ANY else value


class ListFilters(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.province, self.category, self.status = QComboBox(), QComboBox(), QComboBox()
        self.date_from, self.date_to = self._date_edit(), self._date_edit()
        self.province_label, self.category_label, self.status_label = QLabel(), QLabel(), QLabel()
        self.date_from_label, self.date_to_label = QLabel(), QLabel()
        self.province.setMinimumContentsLength(14)
        self.province.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for combo in (self.category, self.status):
            # As wide as their longest entry: "Toutes les catégories" was cut to "Toutes les".
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.fill()
        for combo in (self.province, self.category, self.status):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.reset_button = QPushButton()
        self.reset_button.clicked.connect(self.reset)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, (label, widget) in enumerate(self.pairs()):
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.reset_button, 1, 5)
        grid.setColumnStretch(6, 1)

    def pairs(self) -> list[tuple[QLabel, QWidget]]:
        return [
            (self.province_label, self.province),
            (self.category_label, self.category),
            (self.status_label, self.status),
            (self.date_from_label, self.date_from),
            (self.date_to_label, self.date_to),
        ]

    def values(self) -> dict[str, Any]:
        """The RecordFilter fields these boxes set."""
        return {
            "province_code": self.province.currentData() or None,
            "category": _or_none(self.category.currentData()),
            "status": self.status.currentData() or None,
            "date_from": self._date_value(self.date_from),
            "date_to": self._date_value(self.date_to),
        }

    def reset(self) -> None:
        """Every filter back to "all", announced once."""
        widgets = [w for _l, w in self.pairs()]
        for widget in widgets:
            widget.blockSignals(True)
        for combo in (self.province, self.category, self.status):
            combo.setCurrentIndex(0)
        for edit in (self.date_from, self.date_to):
            edit.setDate(NO_DATE)
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()

    @staticmethod
    def _date_edit() -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        # The language's one format (set again on each language change, in fill).
        apply_date_format(edit, "ar")
        edit.setMinimumDate(NO_DATE)
        edit.setMaximumDate(QDate(2100, 12, 31))
        edit.setDate(NO_DATE)
        return edit

    @staticmethod
    def _date_value(edit: QDateEdit) -> str | None:
        value = edit.date()
        if value == NO_DATE:
            return None
        return date(value.year(), value.month(), value.day()).isoformat()

    def fill(self) -> None:
        """(Re)label the filter lists in the current language, keeping what is chosen."""
        lang = self.ctx.lang
        provinces = sorted(
            self.ctx.reference.provinces.values(),
            key=lambda p: place_name(p, lang),
        )
        self._refill(
            self.province,
            [(_("All provinces"), ANY)]
            + [(self.ctx.reference.name("provinces", p.code, lang), p.code) for p in provinces],
        )
        self._refill(
            self.category,
            [
                (_("All categories"), ANY),
                (_("Category {n}").format(n=format_number(1, lang)), 1),
                (_("Category {n}").format(n=format_number(2, lang)), 2),
                (_("Not eligible"), NOT_ELIGIBLE),
            ],
        )
        self._refill(
            self.status,
            [
                (_("Any status"), ANY),
                (_("Registered"), "registered"),
                (_("Consent refused"), "refused_consent"),
            ],
        )
        for edit in (self.date_from, self.date_to):
            apply_date_format(edit, lang)
            edit.setSpecialValueText(_("Any date"))

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(chosen)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def retranslate(self) -> None:
        self.province_label.setText(_("Province"))
        self.category_label.setText(_("Category"))
        self.status_label.setText(_("Status"))
        self.date_from_label.setText(_("From"))
        self.date_to_label.setText(_("To"))
        self.province.setAccessibleName(_("Filter by province"))
        self.category.setAccessibleName(_("Filter by category"))
        self.status.setAccessibleName(_("Filter by status"))
        self.date_from.setAccessibleName(_("Registered or updated from"))
        self.date_to.setAccessibleName(_("Registered or updated until"))
        self.reset_button.setText(_("Clear filters"))
        self.reset_button.setAccessibleName(_("Clear filters"))
        self.fill()
