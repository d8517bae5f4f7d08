"""Her category-2 path at Entraide Nationale (programme document, 186-232): the steps
recorded (programme, enrolment, completion, what she did after) and one step to record.
The choices come from the programme paths' lists and, for the enrolment, from the EN
centres of the directory; the rules (the order, category 2) are the workflow's."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.programme_paths import (
    COMPLETION,
    EN_PLACE_KINDS,
    EN_STEPS,
    ENROLMENT,
    OUTCOME,
    PROGRAMME,
)
from jisr_desktop.models.store.en_path import EnPathRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.referrals import directory_in_force
from jisr_desktop.models.workflows.en_path import record_en_step
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate
from jisr_desktop.ui.path_box import PathBox, date_edit, shipped_lists

# The list each step chooses from (the enrolment: the directory's EN centres).
_LISTS = {PROGRAMME: "en_programmes", COMPLETION: "en_results", OUTCOME: "en_outcomes"}


def step_text(step: str) -> str:
    return {PROGRAMME: _("EN programme"), ENROLMENT: _("Enrolment"),
            COMPLETION: _("Completion"), OUTCOME: _("What she did after")}[step]


class EnPathBox(PathBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 3, parent)
        # The shipped lists until the store's newest arrive with her record (no query here:
        # the store is read only through the task runner).
        self.catalogue, self.directory = shipped_lists()
        form = QFormLayout(self)
        form.addRow(self.table)
        self.step, self.choice, self.on = QComboBox(), QComboBox(), date_edit()
        self.notes = QLineEdit()
        self.step_label, self.choice_label, self.on_label, self.notes_label = (
            QLabel() for _i in "1234")
        for label, widget in ((self.step_label, self.step), (self.choice_label, self.choice),
                              (self.on_label, self.on), (self.notes_label, self.notes)):
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.button = QPushButton()
        self.button.clicked.connect(self.record_step)
        form.addRow(self.message, self.button)
        self.step.currentIndexChanged.connect(lambda _i: self._fill_choices())
        self.retranslate()

    def show_record(self, record_id: str) -> None:
        self.record_id = record_id
        self.message.clear()
        steps, repo = EnPathRepository(self.ctx.store), self.ctx.repo
        self.load(lambda: (catalogue_in_force(repo), directory_in_force(repo),
                           steps.in_force(record_id)), self._show)

    def _show(self, found: tuple[Any, Any, dict[str, Any]]) -> None:
        catalogue, directory, path = found
        if (catalogue.version, directory.version) != (self.catalogue.version,
                                                      self.directory.version):
            self.catalogue, self.directory = catalogue, directory
            self._fill_choices()
        self.fill([(step_text(s), self._value_text(s, i), i.on or "") for s, i in path.items()])

    def _value_text(self, step: str, info: Any) -> str:
        if step == ENROLMENT:
            place = self.directory.get(info.place_id or "")
            return localized(place.name, self.ctx.lang) if place else (info.place_id or "")
        value = info.programme_id or info.result or info.outcome or ""
        return self.catalogue.label(_LISTS[step], value, self.ctx.lang) if value else ""

    def _fill_choices(self) -> None:
        step = self.step.currentData()
        self.choice.clear()
        if step == ENROLMENT:
            for place in self.directory.places:
                if place.kind in EN_PLACE_KINDS:
                    self.choice.addItem(localized(place.name, self.ctx.lang), place.id)
        elif step in _LISTS:
            for item in self.catalogue.ids(_LISTS[step]):
                self.choice.addItem(self.catalogue.label(_LISTS[step], item, self.ctx.lang),
                                    item)

    def record_step(self) -> None:
        step, value, record_id = self.step.currentData(), self.choice.currentData(), self.record_id
        if record_id is None or step is None:
            return
        key = {PROGRAMME: "programme_id", ENROLMENT: "place_id", COMPLETION: "result",
               OUTCOME: "outcome"}[step]
        on, notes, repo = from_qdate(self.on.date()), self.notes.text(), self.ctx.repo
        self.save(lambda: record_en_step(repo, record_id, step, on=on, notes=notes,
                                         **{key: value}),
                  _("The step is recorded."), lambda _info: self.show_record(record_id))

    def retranslate(self) -> None:
        self.setTitle(_("Entraide Nationale path"))
        self.table.setHorizontalHeaderLabels([_("Step"), _("Choice"), _("Date")])
        self.step_label.setText(_("Step"))
        self.choice_label.setText(_("Choice"))
        self.on_label.setText(_("Date"))
        self.notes_label.setText(_("Notes"))
        apply_date_format(self.on, self.ctx.lang)
        self.button.setText(_("Record the step"))
        current = self.step.currentData()
        self.step.blockSignals(True)
        self.step.clear()
        for step in EN_STEPS:
            self.step.addItem(step_text(step), step)
        self.step.setCurrentIndex(max(0, self.step.findData(current)))
        self.step.blockSignals(False)
        self._fill_choices()
