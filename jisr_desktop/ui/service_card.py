"""The service card on the assessment page: what the saved assessment recommended, what
was delivered, when and by whom, and the "Mark as delivered" action.

Marking asks first, with Cancel as the default button (Enter must not record what she did
not mean); once confirmed the delivery shows at once and is written after UNDO_SECONDS,
unless she undoes it, or as soon as she leaves the page. Nothing is sent before it is
written, so an undo needs nothing from the store or the server.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date, format_number
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.store.assessments import AssessmentRecord, AssessmentRepository
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.card_preview import can_print
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format
from jisr_desktop.ui.tasks import DELIVERIES, Changes

SERVICE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
UNDO_SECONDS = 10  # how long a delivery just marked can be taken back before it is written


@dataclass(frozen=True)
class PendingDelivery:
    """A delivery she confirmed, shown at once, written when the undo window closes."""

    assessment_id: str
    record_id: str
    service_id: str
    delivered_on: str
    delivered_by: str

    def as_delivery(self) -> dict[str, Any]:
        return {"service_id": self.service_id, "delivered_on": self.delivered_on,
                "delivered_by": self.delivered_by}


class ServiceCardPanel(QWidget):
    status = Signal(str)  # a msgid for the page's status line
    failed = Signal(str, object)  # message, error
    printRequested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessments = AssessmentRepository(ctx.store)
        self.current: AssessmentRecord | None = None  # the last saved assessment
        self.pending: PendingDelivery | None = None
        self.recommended_now: list[str] = []  # what the answers on screen recommend
        self._can = False
        self.confirm_box: QMessageBox | None = None
        self.title = QLabel()
        self.card_note = QLabel()
        self.card_note.setWordWrap(True)
        self.card = self._card_table()
        self.title.setBuddy(self.card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.card_note)
        layout.addWidget(self.card, 1)
        layout.addLayout(self._build_delivery_row())
        layout.addLayout(self._build_undo_row())
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_SECONDS * 1000)
        self.undo_timer.timeout.connect(self.write_pending_delivery)

    def _card_table(self) -> QTableWidget:
        card = QTableWidget(0, 3)
        card.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        card.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        card.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        card.setTabKeyNavigation(False)
        card.verticalHeader().setVisible(False)
        header = card.horizontalHeader()
        # Service and status share the width; a long status must not squeeze the
        # service name out of sight (full texts are in the tooltips).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        card.setWordWrap(True)
        card.itemSelectionChanged.connect(self.update_buttons)
        return card

    def _build_delivery_row(self) -> QHBoxLayout:
        self.delivered_on_label = QLabel()
        self.delivered_on = QDateEdit()
        self.delivered_on.setCalendarPopup(True)
        self.delivered_on.setDate(QDate.currentDate())
        self.delivered_on.setMaximumDate(QDate.currentDate())
        self.delivered_on_label.setBuddy(self.delivered_on)
        self.deliver_button = QPushButton()
        self.deliver_button.clicked.connect(self.mark_selected_delivered)
        self.print_button = QPushButton()
        self.print_button.setObjectName("serviceCard")
        self.print_button.clicked.connect(self.printRequested)
        # The incubator's staff hand the service card; it exists once an assessment is
        # saved, and the button appears then (`update_buttons`).
        self.print_button.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.delivered_on_label)
        row.addWidget(self.delivered_on)
        row.addWidget(self.deliver_button)
        row.addStretch(1)
        row.addWidget(self.print_button)
        return row

    def _build_undo_row(self) -> QHBoxLayout:
        self.undo_label = QLabel()
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton()
        self.undo_button.clicked.connect(self.undo_delivery)
        row = QHBoxLayout()
        row.addWidget(self.undo_label, 1)
        row.addWidget(self.undo_button)
        self.undo_label.setVisible(False)
        self.undo_button.setVisible(False)
        return row

    def focus_chain(self) -> list[QWidget]:
        return [self.card, self.delivered_on, self.deliver_button, self.undo_button,
                self.print_button]

    # -- state --------------------------------------------------------------------------------

    def set_enabled_for(self, can: bool) -> None:
        """Whether she may record deliveries now (her role, a record, nothing running)."""
        self._can = can
        self.update_buttons()

    def set_recommended(self, ids: list[str]) -> None:
        self.recommended_now = list(ids)
        self._refresh_note()

    def update_buttons(self) -> None:
        can = self._can and self.current is not None
        service = self.selected_service()
        self.deliver_button.setEnabled(
            can and self.pending is None and service is not None
            and self.delivery_of(service) is None
        )
        self.delivered_on.setEnabled(can)
        self.undo_label.setVisible(self.pending is not None)
        self.undo_button.setVisible(self.pending is not None)
        self.print_button.setVisible(
            self.current is not None and can_print(self.ctx.account, "service")
        )

    # -- the card -----------------------------------------------------------------------------

    def _service(self, service_id: str) -> dict[str, Any]:
        for service in self.ctx.defs.services.data.get("services") or ():
            if service["id"] == service_id:
                return service
        return {}

    def delivery_of(self, service_id: str) -> dict[str, Any] | None:
        if self.current is None:
            return None
        pending = self.pending
        if pending and (pending.assessment_id, pending.service_id) == (self.current.id, service_id):
            return pending.as_delivery()
        for delivery in self.current.deliveries or ():
            if delivery.get("service_id") == service_id:
                return delivery
        return None

    def refresh(self) -> None:
        lang = self.ctx.lang
        types = self.ctx.defs.services.data.get("types") or {}
        chosen = self.selected_service()
        # The card as the incubator's staff edited it (a service added by hand too).
        ids = list(self.current.on_card) if self.current else []
        self.card.setRowCount(len(ids))
        for row, service_id in enumerate(ids):
            service = self._service(service_id)
            name = QTableWidgetItem(localized(service.get("label"), lang) or service_id)
            name.setData(SERVICE_ID_ROLE, service_id)
            kind = QTableWidgetItem(
                localized((types.get(service.get("type", "")) or {}).get("label"), lang)
            )
            status = QTableWidgetItem(self._status_text(service_id))
            for column, item in enumerate((name, kind, status)):
                item.setToolTip(item.text())
                self.card.setItem(row, column, item)
            if service_id == chosen:
                self._select_row(row)
        self.card.resizeRowsToContents()
        self._refresh_note()
        self.update_buttons()

    def _status_text(self, service_id: str) -> str:
        delivery = self.delivery_of(service_id)
        if not delivery:
            return _("Pending")
        # Isolated: an Arabic date carries RLMs that would pull a Latin sentence apart,
        # and a Latin name would do the same to an Arabic one.
        return _("Delivered on {date} by {name}").format(
            date=isolate(format_date(delivery.get("delivered_on"), self.ctx.lang, "medium")),
            name=isolate(delivery.get("delivered_by") or ""),
        )

    def _refresh_note(self) -> None:
        if self.current is None:
            note = _("The service card is made when the assessment is saved.")
        elif list(self.current.recommended) != self.recommended_now:
            note = _("The recommendations changed: save to update the service card.")
        else:
            note = ""
        self.card_note.setText(note)
        self.card_note.setVisible(bool(note))

    def selected_service(self) -> str | None:
        model = self.card.selectionModel()
        rows = sorted({i.row() for i in model.selectedIndexes()}) if model else []
        if not rows:
            return None
        item = self.card.item(rows[0], 0)
        return item.data(SERVICE_ID_ROLE) if item else None

    def select_service(self, service_id: str) -> bool:
        for row in range(self.card.rowCount()):
            item = self.card.item(row, 0)
            if item and item.data(SERVICE_ID_ROLE) == service_id:
                self._select_row(row)
                return True
        return False

    def _select_row(self, row: int) -> None:
        # Through the selection model: QTableView.selectRow picks its column from the
        # header's geometry, which is not laid out yet on a page that was just filled.
        index = self.card.model().index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.card.selectionModel().setCurrentIndex(index, flags)

    # -- delivering ---------------------------------------------------------------------------

    def mark_selected_delivered(self) -> None:
        """Ask first (a delivery is sent to the ministry); see the module's docstring."""
        service_id = self.selected_service()
        if service_id is None or self.current is None or not self._can or self.pending:
            return
        if self.delivery_of(service_id) is not None:
            return
        chosen = self.delivered_on.date()
        pending = PendingDelivery(
            assessment_id=self.current.id,
            record_id=self.current.record_id,
            service_id=service_id,
            delivered_on=date(chosen.year(), chosen.month(), chosen.day()).isoformat(),
            delivered_by=self.ctx.account.name,
        )
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Mark as delivered"))
        box.setText(
            _("Mark “{service}” as delivered on {date}?").format(
                service=localized(self._service(service_id).get("label"), self.ctx.lang),
                date=isolate(format_date(pending.delivered_on, self.ctx.lang, "medium")),
            )
        )
        self.confirm_yes = box.addButton(_("Mark as delivered"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # Enter must not record what she did not mean
        box.setEscapeButton(cancel)
        box.buttonClicked.connect(
            lambda button: self._confirmed(pending) if button is self.confirm_yes else None
        )
        self.confirm_box = box
        box.open()

    def _confirmed(self, pending: PendingDelivery) -> None:
        if self.current is None or self.current.id != pending.assessment_id:
            return  # another woman's page meanwhile
        self.pending = pending
        self.undo_timer.start()
        self.status.emit(N_("Service marked as delivered."))
        self.refresh()

    def undo_delivery(self) -> None:
        """Take back the delivery just marked: nothing was written, nothing is sent."""
        if self.pending is None:
            return
        self.undo_timer.stop()
        self.pending = None
        self.status.emit(N_("Delivery taken back: nothing was recorded."))
        self.refresh()

    def write_pending_delivery(self) -> None:
        """Write the marked delivery now (the undo window closed, or she left the page)."""
        self.undo_timer.stop()
        pending, self.pending = self.pending, None
        if pending is None:
            return
        assessments = self.assessments

        def work() -> AssessmentRecord | None:
            assessments.mark_delivered(
                pending.assessment_id, pending.service_id,
                delivered_on=pending.delivered_on, delivered_by=pending.delivered_by,
            )
            return assessments.latest(pending.record_id)

        if self.current is not None and self.current.id == pending.assessment_id:
            # Shown as delivered while the write runs (and after, if she stays).
            deliveries = [*(self.current.deliveries or ()), pending.as_delivery()]
            self.current = dataclasses.replace(self.current, deliveries=deliveries)
        self.ctx.tasks.write(
            work,
            changes=Changes.of({DELIVERIES}, record_ids={pending.record_id}),
            on_done=self._delivered,
            on_error=lambda error: self.failed.emit(
                _("The delivery could not be recorded."), error
            ),
        )
        self.refresh()

    def _delivered(self, latest: AssessmentRecord | None) -> None:
        if self.current is not None and latest is not None and self.current.id == latest.id:
            self.current = latest
            self.refresh()

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Service card"))
        self.card.setHorizontalHeaderLabels([_("Service"), _("Type"), _("Status")])
        self.card.setAccessibleName(_("Service card"))
        self.delivered_on_label.setText(_("Delivered on"))
        apply_date_format(self.delivered_on, self.ctx.lang)
        self.delivered_on.setAccessibleName(_("Date of delivery"))
        self.deliver_button.setText(_("Mark as delivered"))
        self.deliver_button.setAccessibleName(_("Mark the selected service as delivered"))
        self.print_button.setText(_("Service card…"))
        self.print_button.setAccessibleName(_("Preview and print the service card"))
        self.undo_button.setText(_("Undo"))
        self.undo_button.setAccessibleName(_("Undo the delivery just marked"))
        self.undo_label.setText(
            _("The delivery is written in {n} seconds; until then it can be undone.").format(
                n=format_number(UNDO_SECONDS, self.ctx.lang)
            )
        )
        self.refresh()
