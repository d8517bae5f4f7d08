"""The service card editor (issue 12): the card starts as the skills assessment's
recommendations; the incubator's staff add a service of the catalogue, take one off or
plan one on a day, each with its reason (a reason is needed to add or remove), mark any
service of the card delivered (one added by hand too), and reprint the card, which shows
the edits. Every edit stays in the history below.

The role table decides: editing is `Action.ASSESS`, a delivery `Action.DELIVER`; other
roles see the card and its history only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date, format_datetime
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.assessments import AssessmentRecord, AssessmentRepository
from jisr_desktop.models.store.decisions import ReasonRequired
from jisr_desktop.models.store.service_edits import (
    ADD,
    REMOVE,
    SCHEDULE,
    ServiceEditInfo,
    ServiceEdits,
    services_in_force,
)
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.programme_dialog import ProgrammeDialog, list_table
from jisr_desktop.ui.result_model import ResultData, title_text
from jisr_desktop.ui.tasks import ASSESSMENTS, DELIVERIES

SERVICE_EDITS = "service_edits"  # a change kind of the runner
SERVICE_ID = Qt.ItemDataRole.UserRole
ACTION_NAMES = {ADD: N_("Added"), REMOVE: N_("Taken off"), SCHEDULE: N_("Planned")}


@dataclass(frozen=True)
class CardView:
    record_id: str
    title: str
    assessment: AssessmentRecord | None
    services: tuple[str, ...]  # on her card now
    planned: dict[str, str]
    history: tuple[ServiceEditInfo, ...]


def load_card_view(ctx: AppContext, record_id: str) -> CardView | None:
    """db lane."""
    record = ctx.repo.get(record_id)
    if record is None:
        return None
    title = title_text(ResultData(record, None, None, None), ctx.lang)
    assessment = AssessmentRepository(ctx.store).latest(record_id)
    if assessment is None:
        return CardView(record_id, title, None, (), {}, ())
    history = ServiceEdits(ctx.store).history(record_id, assessment.id)
    services, planned = services_in_force(assessment.recommended, history)
    return CardView(record_id, title, assessment, tuple(services), planned, tuple(history))


class ServiceCardEditor(ProgrammeDialog):
    size_hint = (960, 680)

    def __init__(self, ctx: AppContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, parent)
        self.setObjectName("serviceCardEditor")
        self.may_edit = may(ctx.account.role, Action.ASSESS)
        self.may_deliver = may(ctx.account.role, Action.DELIVER)
        self.catalogue = {s["id"]: s for s in ctx.defs.services.data["services"]}
        self.card_box = QGroupBox()
        self.card = list_table(3, stretch=(0, 2))
        self.card.itemSelectionChanged.connect(self._update_buttons)
        QVBoxLayout(self.card_box).addWidget(self.card)
        self.body.addWidget(self.card_box, 2)
        self.body.addWidget(self._edit_box())
        self.history_box = QGroupBox()
        self.history = list_table(4)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.body.addWidget(self.history_box, 1)
        self.start()

    def loader(self):
        ctx, record_id = self.ctx, self.record_id
        return lambda: load_card_view(ctx, record_id)

    def _edit_box(self) -> QGroupBox:
        self.edit_box = QGroupBox()
        self.labels = {k: QLabel() for k in ("add", "reason", "day")}
        self.new_service = QComboBox()
        self.new_service.setObjectName("newService")
        self.new_service.setMinimumContentsLength(40)
        self.new_service.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_service)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.day = DateInput()
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove_selected)
        self.schedule_button = QPushButton()
        self.schedule_button.clicked.connect(self.schedule_selected)
        self.deliver_button = QPushButton()
        self.deliver_button.clicked.connect(self.deliver_selected)
        self.print_button = QPushButton()
        self.print_button.setObjectName("reprint")
        self.print_button.clicked.connect(self.reprint)
        adding = QHBoxLayout()
        adding.addWidget(self.new_service, 1)
        adding.addWidget(self.add_button)
        selected = QHBoxLayout()
        for button in (self.remove_button, self.schedule_button, self.deliver_button):
            selected.addWidget(button)
        selected.addStretch(1)
        selected.addWidget(self.print_button)
        form = QFormLayout(self.edit_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.labels["reason"], self.reason)
        form.addRow(self.labels["day"], self.day)
        form.addRow(self.labels["add"], adding)
        form.addRow("", selected)
        self.labels["reason"].setBuddy(self.reason)
        self.labels["add"].setBuddy(self.new_service)
        self.edit_box.setEnabled(self.may_edit or self.may_deliver)
        for widget in (self.new_service, self.add_button, self.remove_button,
                       self.schedule_button):
            widget.setVisible(self.may_edit)
        self.deliver_button.setVisible(self.may_deliver)
        return self.edit_box

    # -- showing ------------------------------------------------------------------------------

    def _name(self, service_id: str) -> str:
        return localized((self.catalogue.get(service_id) or {}).get("label"),
                         self.ctx.lang) or service_id

    def show_view(self, view: CardView) -> None:
        lang = self.ctx.lang
        if view.assessment is None:
            self.say(lambda: _("This record has no skills assessment yet."), error=True)
        delivered = {d["service_id"]: d for d in (view.assessment.deliveries
                                                  if view.assessment else ())}
        recommended = set(view.assessment.recommended) if view.assessment else set()
        chosen = self.selected()
        self.card.setRowCount(len(view.services))
        for row, service_id in enumerate(view.services):
            origin = _("Recommended") if service_id in recommended else _("Added by hand")
            if service_id in delivered:
                status = _("Delivered on {date}").format(
                    date=isolate(format_date(delivered[service_id]["delivered_on"], lang)))
            elif service_id in view.planned:
                status = _("Planned on {date}").format(
                    date=isolate(format_date(view.planned[service_id], lang)))
            else:
                status = _("Pending")
            for col, text in enumerate((self._name(service_id), origin, status)):
                item = QTableWidgetItem(text)
                item.setData(SERVICE_ID, service_id)
                item.setToolTip(text)
                self.card.setItem(row, col, item)
            if service_id == chosen:
                self.card.selectRow(row)
        self.card.resizeRowsToContents()
        self.new_service.clear()
        for service_id in self.catalogue:
            if service_id not in view.services:
                self.new_service.addItem(self._name(service_id), service_id)
        rows = [(isolate(format_datetime(e.at, lang)), isolate(e.agent),
                 f"{_(ACTION_NAMES[e.action])} — {self._name(e.service_id)}",
                 " · ".join(filter(None, [
                     format_date(e.scheduled_on, lang) if e.scheduled_on else "",
                     isolate(e.reason) if e.reason else ""])))
                for e in reversed(view.history)]
        self.history.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                self.history.setItem(i, j, QTableWidgetItem(text))
        self.history.resizeRowsToContents()
        self._update_buttons()

    def selected(self) -> str | None:
        items = self.card.selectedItems()
        return items[0].data(SERVICE_ID) if items else None

    def select(self, service_id: str) -> None:
        for row in range(self.card.rowCount()):
            if self.card.item(row, 0).data(SERVICE_ID) == service_id:
                self.card.selectRow(row)

    def _update_buttons(self) -> None:
        has = self.view is not None and self.view.assessment is not None
        chosen = self.selected() is not None
        self.add_button.setEnabled(has and self.new_service.count() > 0)
        for button in (self.remove_button, self.schedule_button, self.deliver_button):
            button.setEnabled(has and chosen)
        self.print_button.setEnabled(has)

    # -- editing ------------------------------------------------------------------------------

    def _edit(self, action: str, service_id: str | None, day: date | None) -> None:
        if self.view is None or self.view.assessment is None or service_id is None:
            return
        store, services = self.ctx.store, self.ctx.defs.services
        record_id, assessment_id, reason = self.record_id, self.view.assessment.id, \
            self.reason.text()

        def done(_info: Any) -> None:
            self.reason.clear()

        self.write(
            lambda: ServiceEdits(store).edit(record_id, assessment_id, services, action=action,
                                             service_id=service_id, reason=reason,
                                             scheduled_on=day),
            {SERVICE_EDITS, ASSESSMENTS},
            {PermissionError: lambda: _("Only incubator staff may edit a service card."),
             ReasonRequired: lambda: _("Adding or taking off a service needs its reason.")},
            lambda: _("The service card was changed: reprint it for her."), on_done=done)

    def _day(self) -> tuple[bool, date | None]:
        """(ok, the day typed or None); a text that is not a date is refused."""
        if not self.day.line.text().strip():
            return True, None
        day = self.day.date()
        if day is None:
            self.say(lambda: _("The day is not a date."), error=True)
            return False, None
        return True, day

    def add_service(self) -> None:
        ok, day = self._day()
        if ok:
            self._edit(ADD, self.new_service.currentData(), day)

    def remove_selected(self) -> None:
        self._edit(REMOVE, self.selected(), None)

    def schedule_selected(self) -> None:
        ok, day = self._day()
        if not ok:
            return
        if day is None:
            self.say(lambda: _("Planning a service needs its day."), error=True)
            return
        self._edit(SCHEDULE, self.selected(), day)

    def deliver_selected(self) -> None:
        service_id = self.selected()
        if self.view is None or self.view.assessment is None or service_id is None:
            return
        ok, day = self._day()
        if not ok:
            return
        repo, assessment_id = AssessmentRepository(self.ctx.store), self.view.assessment.id
        by, on = self.ctx.account.name, (day or date.today())
        self.write(
            lambda: repo.mark_delivered(assessment_id, service_id, delivered_on=on,
                                        delivered_by=by),
            {DELIVERIES, ASSESSMENTS},
            {ValueError: lambda: _("This service is no longer on her card.")},
            lambda: _("Service marked as delivered."))

    def reprint(self) -> None:
        from jisr_desktop.ui.card_preview import open_card_preview

        self.preview = open_card_preview(self.ctx, self.record_id, "service", self)

    # -- language -----------------------------------------------------------------------------

    def retranslate_body(self) -> None:
        self.setWindowTitle(_("Service card"))
        self.heading.setText(_("Service card: services and their planning"))
        self.card_box.setTitle(_("On her card"))
        self.card.setHorizontalHeaderLabels([_("Service"), _("From"), _("Status")])
        self.edit_box.setTitle(_("Change the card"))
        self.labels["add"].setText(_("Service to add"))
        self.labels["reason"].setText(_("Reason"))
        self.labels["day"].setText(_("Day"))
        self.day.retranslate(self.ctx.lang, _("Day planned or delivered"))
        self.reason.setPlaceholderText(_("Needed to add or take off a service"))
        self.add_button.setText(_("Add"))
        self.remove_button.setText(_("Take off the card"))
        self.schedule_button.setText(_("Plan on the day"))
        self.deliver_button.setText(_("Mark as delivered"))
        self.print_button.setText(_("Service card…"))
        self.history_box.setTitle(_("History"))
        self.history.setHorizontalHeaderLabels([_("When"), _("By"), _("What"), _("Details")])
