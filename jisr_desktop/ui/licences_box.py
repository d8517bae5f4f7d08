"""Her licences and labels after incubation (programme document, 440-444): each with its
status in force and the day of each status, and a status to record. The lists and the
changes allowed are the programme paths' data; the store checks them."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from jisr_desktop.i18n import _
from jisr_desktop.models.store.licences import LicenceRepository, LicenceState
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate
from jisr_desktop.ui.path_box import PathBox, date_edit, shipped_lists


class LicencesBox(PathBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 3, parent)
        self.catalogue = shipped_lists()[0]  # the store's newest come with her record
        form = QFormLayout(self)
        form.addRow(self.table)
        self.licence, self.status, self.on = QComboBox(), QComboBox(), date_edit()
        self.name = QLineEdit()
        self.licence_label, self.status_label, self.on_label, self.name_label = (
            QLabel() for _i in "1234")
        for label, widget in ((self.licence_label, self.licence), (self.name_label, self.name),
                              (self.status_label, self.status), (self.on_label, self.on)):
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.button = QPushButton()
        self.button.clicked.connect(self.record_status)
        form.addRow(self.message, self.button)
        self.retranslate()

    def show_record(self, record_id: str) -> None:
        self.record_id = record_id
        self.message.clear()
        licences, repo = LicenceRepository(self.ctx.store), self.ctx.repo
        self.load(lambda: (catalogue_in_force(repo), licences.in_force(record_id)), self._show)

    def _show(self, found: tuple[Any, list[LicenceState]]) -> None:
        catalogue, states = found
        if catalogue.version != self.catalogue.version:
            self.catalogue = catalogue
            self.retranslate()
        lang = self.ctx.lang
        self.fill([(s.name or self.catalogue.label("licences", s.licence_id, lang),
                    self.catalogue.label("licence_statuses", s.status, lang),
                    " · ".join(f"{self.catalogue.label('licence_statuses', k, lang)} {v}"
                               for k, v in s.dates.items())) for s in states])

    def record_status(self) -> None:
        record_id = self.record_id
        if record_id is None:
            return
        licence, status = self.licence.currentData(), self.status.currentData()
        on, name = from_qdate(self.on.date()), self.name.text()
        licences, repo = LicenceRepository(self.ctx.store), self.ctx.repo
        self.save(lambda: licences.set_status(record_id, catalogue_in_force(repo), licence,
                                              status, on, name=name),
                  _("The status is recorded."), lambda _info: self.show_record(record_id))

    def retranslate(self) -> None:
        lang = self.ctx.lang
        self.setTitle(_("Licences and labels"))
        self.table.setHorizontalHeaderLabels([_("Licence or label"), _("Status"), _("Dates")])
        self.licence_label.setText(_("Licence or label"))
        self.name_label.setText(_("Name, for another licence"))
        self.status_label.setText(_("Status"))
        self.on_label.setText(_("Date"))
        apply_date_format(self.on, lang)
        self.button.setText(_("Record the status"))
        for combo, section in ((self.licence, "licences"), (self.status, "licence_statuses")):
            current = combo.currentData()
            combo.clear()
            for item in self.catalogue.ids(section):
                combo.addItem(self.catalogue.label(section, item, lang), item)
            combo.setCurrentIndex(max(0, combo.findData(current)))
