"""Skills assessment (bilan de compétences) for incubator staff, and its service card.

The three phases are built from the assessment definition (`assessment_form`), so a new
version from the ministry changes the page without a release. The recommended services
follow the answers live (`recommend`, the same rules the server runs); saving stores the
answers and the recommended services, which become the service card. Services are later
marked as delivered, with the date and who delivered them.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date, format_datetime, format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.assessment import Recommendation, recommend, validate_assessment
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import LEVELS_LIST, Form, assessment_form
from jisr_desktop.models.store.assessments import AssessmentRecord, AssessmentRepository
from jisr_desktop.models.store.repository import RecordDetail
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.card_preview import CardPreviewDialog, can_print, open_card_preview
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.form_widgets import FieldWidget, make_field_widget
from jisr_desktop.ui.tasks import ASSESSMENTS, DELIVERIES, Changes

log = logging.getLogger(__name__)

SERVICE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
UNDO_SECONDS = 10  # how long a delivery just marked can be taken back before it is written
MISSING_ANSWERS = N_("{n} answer is missing or not valid.")
# Plural forms of the status messages that carry a count: singular msgid -> plural msgid.
PLURALS = {MISSING_ANSWERS: N_("{n} answers are missing or not valid.")}


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


class AssessmentPage(QWidget):
    saved = Signal(str)  # record id
    openRecord = Signal(str)  # back to the woman's result page

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessments = AssessmentRepository(ctx.store)
        self.form: Form = assessment_form(ctx.defs.assessment)
        self.record_id: str | None = None
        self.record: RecordDetail | None = None
        self.current: AssessmentRecord | None = None  # the last saved assessment
        self.recommendations: list[Recommendation] = []
        self.pending: PendingDelivery | None = None  # marked, not yet written (undo window)
        self._show_errors = False
        self._loading = False
        self._busy = False
        self._status: tuple[str | None, int | None] = (None, None)
        self.card_dialog: CardPreviewDialog | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_header())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_phases())
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._build_bottom())
        self._set_tab_order()
        self._build_timers()
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()
        self._set_editable(False)

    # -- building -----------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        self.back_button = QPushButton()
        self.back_button.setObjectName("backToRecord")
        self.back_button.clicked.connect(self._back)
        self.title = QLabel()
        self.title.setObjectName("title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.who = QLabel()
        self.who.setWordWrap(True)
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_saved = QLabel()
        names = QVBoxLayout()
        for label in (self.title, self.who, self.last_saved):
            names.addWidget(label)
        header = QHBoxLayout()
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(names, 1)
        return header

    def _build_phases(self) -> QScrollArea:
        """The three phases, one box each, built from the assessment definition."""
        self.inputs: dict[str, FieldWidget] = {}
        self.phase_boxes: list[tuple[QGroupBox, Any]] = []
        self.competence_headers: dict[str, QLabel] = {}
        holder = QWidget()
        column = QVBoxLayout(holder)
        phase_data = {p["name"]: p for p in self.ctx.defs.assessment.data.get("phases") or ()}
        for section in self.form.sections:
            box = QGroupBox()
            box.setObjectName(f"section_{section.name}")
            box_layout = QVBoxLayout(box)
            if phase_data[section.name].get("competences"):
                header = QLabel()
                header.setWordWrap(True)
                self.competence_headers[section.name] = header
                box_layout.addWidget(header)
            for fld in section.fields:
                # The competence levels are a scale: radios along a row, four or not.
                item = make_field_widget(fld, self.ctx.reference, radio_lists=(LEVELS_LIST,))
                item.setObjectName(f"field_{fld.name}")
                item.edited.connect(self._answers_changed)
                self.inputs[fld.name] = item
                box_layout.addWidget(item)
            self.phase_boxes.append((box, section))
            column.addWidget(box)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        return self.scroll

    def _build_side(self) -> QWidget:
        """Live recommendations above, the service card and its deliveries below."""
        self.recommended_title = QLabel()
        self.recommended = QTreeWidget()
        self.recommended.setColumnCount(2)
        self.recommended.setRootIsDecorated(True)
        self.recommended.setWordWrap(True)
        self.recommended.header().setStretchLastSection(False)
        self.recommended.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.recommended.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.recommended_title.setBuddy(self.recommended)
        self.card_title = QLabel()
        self.card_note = QLabel()
        self.card_note.setWordWrap(True)
        self.card = self._card_table()
        self.card_title.setBuddy(self.card)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.recommended_title)
        side_layout.addWidget(self.recommended, 2)
        side_layout.addWidget(self.card_title)
        side_layout.addWidget(self.card_note)
        side_layout.addWidget(self.card, 2)
        side_layout.addLayout(self._build_delivery_row())
        side_layout.addLayout(self._build_undo_row())
        return side

    def _card_table(self) -> QTableWidget:
        card = QTableWidget(0, 3)
        card.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        card.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        card.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        card.setTabKeyNavigation(False)
        card.verticalHeader().setVisible(False)
        card_header = card.horizontalHeader()
        # Service and status share the width; a long status must not squeeze the
        # service name out of sight (full texts are in the tooltips).
        card_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        card_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        card_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        card.setWordWrap(True)
        card.itemSelectionChanged.connect(self._update_buttons)
        return card

    def _build_delivery_row(self) -> QHBoxLayout:
        self.delivered_on_label = QLabel()
        self.delivered_on = QDateEdit()
        self.delivered_on.setCalendarPopup(True)
        self.delivered_on.setDisplayFormat("yyyy-MM-dd")
        self.delivered_on.setDate(QDate.currentDate())
        self.delivered_on.setMaximumDate(QDate.currentDate())
        self.delivered_on_label.setBuddy(self.delivered_on)
        self.deliver_button = QPushButton()
        self.deliver_button.clicked.connect(self.mark_selected_delivered)
        self.print_button = QPushButton()
        self.print_button.setObjectName("serviceCard")
        self.print_button.clicked.connect(self._print)
        # The incubator's staff hand the service card; it exists once an assessment is
        # saved, and the button appears then (`_update_buttons`).
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

    def _build_bottom(self) -> QHBoxLayout:
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        return bottom

    def _build_timers(self) -> None:
        # Recomputing on every keystroke in a text box is cheap, but coalescing keeps the
        # tree from being rebuilt several times per event loop turn.
        self.recompute_timer = QTimer(self)
        self.recompute_timer.setSingleShot(True)
        self.recompute_timer.setInterval(0)
        self.recompute_timer.timeout.connect(self.refresh_recommendations)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.setInterval(UNDO_SECONDS * 1000)
        self.undo_timer.timeout.connect(self.write_pending_delivery)

    def _back(self) -> None:
        if self.record_id:
            self.openRecord.emit(self.record_id)

    # -- opening ------------------------------------------------------------------------------

    def open_for(self, record_id: str) -> None:
        """Show the assessment of `record_id`: the last saved one, or a blank one."""
        self.write_pending_delivery()  # what was marked for the woman she leaves is kept
        # Answers still on their way for the previous woman are dropped.
        self.ctx.tasks.discard("assessment.save")
        self.record_id = record_id
        self.record = None
        self.current = None
        self._show_errors = False
        self._loading = True
        self._fill({})
        self._set_editable(False)
        self._set_status(N_("Loading…"))
        repo, assessments = self.ctx.repo, self.assessments

        def work() -> tuple[RecordDetail | None, AssessmentRecord | None]:
            return repo.get(record_id), assessments.latest(record_id)

        self.ctx.tasks.run(
            work,
            on_done=self._opened,
            on_error=lambda error: self._task_failed(
                _("The assessment could not be opened."), error
            ),
            key="assessment.open",
        )

    def _opened(self, result: tuple[RecordDetail | None, AssessmentRecord | None]) -> None:
        self.record, self.current = result
        self._loading = False
        self._fill(self.current.answers if self.current else {})
        self._set_editable(self.record is not None and self.ctx.account.can_assess)
        if self.record is None:
            self._set_status(N_("This record no longer exists."))
        elif not self.ctx.account.can_assess:
            self._set_status(N_("Only incubator staff can change an assessment."))
        else:
            self._set_status(None)
        self.retranslate()
        first = self.form.fields[0].name if self.form.fields else None
        if first and self.ctx.account.can_assess:
            self.inputs[first].focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill(self, answers: dict[str, Any]) -> None:
        for name, item in self.inputs.items():
            item.set_value(answers.get(name))
            item.set_message(None)
        self.refresh_recommendations()

    # -- answers and recommendations ----------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        """What is typed and chosen, empty answers left out (as validation expects)."""
        out: dict[str, Any] = {}
        for name, item in self.inputs.items():
            value = item.value()
            if isinstance(value, str):
                value = value.strip()  # the box keeps what was typed; the answer does not
            if value in (None, "", []):
                continue
            out[name] = value
        return out

    def _answers_changed(self, _name: str = "") -> None:
        if not self._loading:
            self.recompute_timer.start()

    def refresh_recommendations(self) -> None:
        lang = self.ctx.lang
        result = validate_assessment(self.ctx.defs.assessment, self.answers())
        self.recommendations = recommend(
            self.ctx.defs.assessment, self.ctx.defs.services, result.answers
        )
        if self._show_errors:
            messages = result.messages(self.form, lang, severity="error")
            for name, item in self.inputs.items():
                item.set_message(" ".join(messages.get(name, [])) or None, "error")
        types = self.ctx.defs.services.data.get("types") or {}
        self.recommended.clear()
        for rec in self.recommendations:
            top = QTreeWidgetItem(
                [
                    localized(rec.label, lang),
                    localized((types.get(rec.type) or {}).get("label"), lang),
                ]
            )
            top.setData(0, SERVICE_ID_ROLE, rec.service_id)
            top.setToolTip(0, top.text(0))
            for reason in rec.reasons:
                child = QTreeWidgetItem([localized(reason, lang), ""])
                child.setToolTip(0, child.text(0))
                top.addChild(child)
            self.recommended.addTopLevelItem(top)
            # Spanning is a property of the view: only possible once the item is in it.
            for i in range(top.childCount()):
                top.child(i).setFirstColumnSpanned(True)
        self.recommended.expandAll()
        n = len(self.recommendations)
        self.recommended_title.setText(
            ngettext("{n} recommended service", "{n} recommended services", n).format(
                n=format_number(n, lang)
            )
        )
        self._refresh_card_note()

    def recommended_ids(self) -> list[str]:
        return [r.service_id for r in self.recommendations]

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        if self.record_id is None or self._busy or not self.ctx.account.can_assess:
            return
        result = validate_assessment(self.ctx.defs.assessment, self.answers())
        if not result.ok:
            self._show_errors = True
            self.refresh_recommendations()
            first = next((n for n in self.inputs if n in {i.field for i in result.errors}), None)
            if first:
                widget = self.inputs[first].focus_target()
                self.scroll.ensureWidgetVisible(widget)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
            count = len({i.field for i in result.errors})
            self._set_status(MISSING_ANSWERS, count)
            return
        self._show_errors = False
        answers = result.answers
        recommended = [
            r.service_id
            for r in recommend(self.ctx.defs.assessment, self.ctx.defs.services, answers)
        ]
        record_id = self.record_id
        assessment_id = self.current.id if self.current else None
        definition = self.ctx.defs.assessment
        assessments = self.assessments
        self._set_busy(True)
        self._set_status(N_("Saving…"))

        def work() -> AssessmentRecord:
            return assessments.save(
                record_id,
                answers,
                recommended,
                definition=definition,
                assessment_id=assessment_id,
            )

        self.ctx.tasks.write(
            work,
            changes=Changes.of({ASSESSMENTS}, record_ids={record_id}),
            on_done=self._saved,
            on_error=lambda error: self._task_failed(
                _("The assessment could not be saved."), error
            ),
            always=lambda: self._set_busy(False),
            key="assessment.save",
        )

    def _saved(self, saved: AssessmentRecord) -> None:
        self.current = saved
        self._set_status(N_("Assessment saved."))
        self.retranslate()
        self.saved.emit(saved.record_id)

    # -- service card -------------------------------------------------------------------------

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

    def _refresh_card(self) -> None:
        lang = self.ctx.lang
        types = self.ctx.defs.services.data.get("types") or {}
        chosen = self.selected_service()
        ids = list(self.current.recommended) if self.current else []
        self.card.setRowCount(len(ids))
        for row, service_id in enumerate(ids):
            service = self._service(service_id)
            name = QTableWidgetItem(localized(service.get("label"), lang) or service_id)
            name.setData(SERVICE_ID_ROLE, service_id)
            kind = QTableWidgetItem(
                localized((types.get(service.get("type", "")) or {}).get("label"), lang)
            )
            delivery = self.delivery_of(service_id)
            if delivery:
                # Isolated: an Arabic date carries RLMs that would pull a Latin
                # sentence apart, and a Latin name would do the same to an Arabic one.
                text = _("Delivered on {date} by {name}").format(
                    date=isolate(format_date(delivery.get("delivered_on"), lang, "medium")),
                    name=isolate(delivery.get("delivered_by") or ""),
                )
            else:
                text = _("Pending")
            status = QTableWidgetItem(text)
            for column, item in enumerate((name, kind, status)):
                item.setToolTip(item.text())
                self.card.setItem(row, column, item)
            if service_id == chosen:
                self._select_row(row)
        self.card.resizeRowsToContents()
        self._refresh_card_note()
        self._update_buttons()

    def _refresh_card_note(self) -> None:
        if self.current is None:
            note = _("The service card is made when the assessment is saved.")
        elif list(self.current.recommended) != self.recommended_ids():
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

    def mark_selected_delivered(self) -> None:
        """Ask first (a delivery is sent to the ministry); once confirmed it shows as
        delivered at once and is written after UNDO_SECONDS, unless she undoes it."""
        service_id = self.selected_service()
        if service_id is None or self.current is None or self._busy or self.pending:
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
        self._set_status(N_("Service marked as delivered."))
        self.retranslate()

    def undo_delivery(self) -> None:
        """Take back the delivery just marked: nothing was written, nothing is sent."""
        if self.pending is None:
            return
        self.undo_timer.stop()
        self.pending = None
        self._set_status(N_("Delivery taken back: nothing was recorded."))
        self.retranslate()

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
            on_done=lambda latest: self._delivered(pending, latest),
            on_error=lambda error: self._task_failed(
                _("The delivery could not be recorded."), error
            ),
        )
        self.retranslate()

    def _delivered(self, pending: PendingDelivery, latest: AssessmentRecord | None) -> None:
        if self.current is not None and latest is not None and self.current.id == latest.id:
            self.current = latest
            self.retranslate()

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page (or the lock hiding it) ends the undo window: write it now.
        self.write_pending_delivery()
        super().hideEvent(event)

    def _print(self) -> None:
        if not self.record_id or self.current is None:
            return
        self.card_dialog = open_card_preview(self.ctx, self.record_id, "service", self)

    # -- state --------------------------------------------------------------------------------

    def _task_failed(self, message: str, error: BaseException) -> None:
        self._set_busy(False)
        self._loading = False
        self._set_status(None)
        show_error(self, message, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _set_editable(self, editable: bool) -> None:
        for item in self.inputs.values():
            item.set_editable(editable)
        self._update_buttons()

    def _update_buttons(self) -> None:
        can = self.ctx.account.can_assess and self.record is not None and not self._busy
        self.save_button.setEnabled(can and not self._loading)
        service = self.selected_service()
        self.deliver_button.setEnabled(
            can
            and self.current is not None
            and service is not None
            and self.delivery_of(service) is None
        )
        self.delivered_on.setEnabled(can and self.current is not None)
        self.undo_label.setVisible(self.pending is not None)
        self.undo_button.setVisible(self.pending is not None)
        self.print_button.setVisible(
            self.current is not None and can_print(self.ctx.account, "service")
        )
        self.print_button.setEnabled(self.current is not None)

    def _set_status(self, msgid: str | None, n: int | None = None) -> None:
        # Kept as a msgid (and count) so a language switch re-translates it in place.
        self._status = (msgid, n)
        self._show_status()

    def _show_status(self) -> None:
        msgid, n = self._status
        if msgid is None:
            text = ""
        elif n is not None and msgid in PLURALS:
            text = ngettext(msgid, PLURALS[msgid], n).format(n=format_number(n, self.ctx.lang))
        else:
            text = _(msgid)
        self.status.setText(text)

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for item in self.inputs.values():
            chain.extend(item.focus_chain())
        chain += [
            self.save_button,
            self.recommended,
            self.card,
            self.delivered_on,
            self.deliver_button,
            self.print_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        lang = self.ctx.lang
        self.title.setText(localized(self.ctx.defs.assessment.data.get("title"), lang))
        self.who.setText(self._who_text())
        self.last_saved.setText(self._last_saved_text())
        self.last_saved.setVisible(bool(self.last_saved.text()))
        for box, section in self.phase_boxes:
            box.setTitle(localized(section.label, lang))
            box.setAccessibleName(localized(section.label, lang))
        for header in self.competence_headers.values():
            header.setText(_("Rate each competence on the scale."))
        for item in self.inputs.values():
            item.retranslate(lang)
        self.save_button.setText(_("Save the assessment"))
        self.save_button.setToolTip(_("Ctrl+S"))
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setAccessibleName(_("Save the assessment"))
        self.recommended.setHeaderLabels([_("Service"), _("Type")])
        self.recommended.setAccessibleName(_("Recommended services"))
        self.card_title.setText(_("Service card"))
        self.card.setHorizontalHeaderLabels([_("Service"), _("Type"), _("Status")])
        self.card.setAccessibleName(_("Service card"))
        self.delivered_on_label.setText(_("Delivered on"))
        self.delivered_on.setAccessibleName(_("Date of delivery"))
        self.deliver_button.setText(_("Mark as delivered"))
        self.deliver_button.setAccessibleName(_("Mark the selected service as delivered"))
        self.print_button.setText(_("Service card…"))
        # The style's back arrow points the way of the language (right in Arabic); the
        # style picks it from the direction at the time of asking, so ask again here.
        self.back_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_button.setText(_("Back to her record"))
        self.undo_button.setText(_("Undo"))
        self.undo_button.setAccessibleName(_("Undo the delivery just marked"))
        self.undo_label.setText(
            _("The delivery is written in {n} seconds; until then it can be undone.").format(
                n=format_number(UNDO_SECONDS, lang)
            )
        )
        self.print_button.setAccessibleName(_("Preview and print the service card"))
        self.refresh_recommendations()
        self._refresh_card()
        self._show_status()

    def _who_text(self) -> str:
        if self.record is None:
            return ""
        answers = self.record.answers
        name_ar = " ".join(
            p for p in (answers.get("first_name_ar"), answers.get("last_name_ar")) if p
        )
        name_lat = " ".join(
            p for p in (answers.get("first_name_lat"), answers.get("last_name_lat")) if p
        )
        # The Latin name and the CIN sit inside a sentence of either direction: isolated,
        # neither scrambles the other.
        parts = [p for p in (name_ar, isolate(name_lat) if name_lat else "") if p]
        cin = answers.get("cin")
        if cin:
            parts.append(_("CIN {cin}").format(cin=isolate_ltr(cin)))
        return _("Beneficiary: {name}").format(name=" — ".join(parts))

    def _last_saved_text(self) -> str:
        if self.current is None:
            return ""
        return _("Last saved {when} by {agent}").format(
            when=isolate(format_datetime(self.current.created_at, self.ctx.lang, "medium")),
            agent=isolate(self.current.agent),
        )
