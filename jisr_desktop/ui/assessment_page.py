"""Skills assessment (bilan de compétences) for incubator staff, and its service card.

The three phases are built from the assessment definition (`assessment_form`), so a new
version from the ministry changes the page without a release. The recommended services
follow the answers live (`recommend`, the same rules the server runs); saving stores the
answers and the recommended services, which become the service card. Services are later
marked as delivered, with the date and who delivered them.
"""

from __future__ import annotations

import logging
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
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

log = logging.getLogger(__name__)

SERVICE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
MISSING_ANSWERS = N_("{n} answer is missing or not valid.")
# Plural forms of the status messages that carry a count: singular msgid -> plural msgid.
PLURALS = {MISSING_ANSWERS: N_("{n} answers are missing or not valid.")}


class AssessmentPage(QWidget):
    saved = Signal(str)  # record id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessments = AssessmentRepository(ctx.store)
        self.form: Form = assessment_form(ctx.defs.assessment)
        self.record_id: str | None = None
        self.record: RecordDetail | None = None
        self.current: AssessmentRecord | None = None  # the last saved assessment
        self.recommendations: list[Recommendation] = []
        self._show_errors = False
        self._loading = False
        self._busy = False
        self._status: tuple[str | None, int | None] = (None, None)
        self._generation = 0  # open_for() calls; a late answer for another woman is dropped

        self.title = QLabel()
        self.title.setObjectName("title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.who = QLabel()
        self.who.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_saved = QLabel()

        # -- the three phases -----------------------------------------------------------------
        self.inputs: dict[str, FieldWidget] = {}
        self.phase_boxes: list[tuple[QGroupBox, Any]] = []
        self.competence_headers: dict[str, QLabel] = {}
        phases_holder = QWidget()
        phases_layout = QVBoxLayout(phases_holder)
        phase_data = {p["name"]: p for p in ctx.defs.assessment.data.get("phases") or ()}
        for section in self.form.sections:
            box = QGroupBox()
            box.setObjectName(f"section_{section.name}")
            box_layout = QVBoxLayout(box)
            competences = {c["name"] for c in phase_data[section.name].get("competences") or ()}
            if competences:
                header = QLabel()
                header.setWordWrap(True)
                self.competence_headers[section.name] = header
                box_layout.addWidget(header)
            for fld in section.fields:
                # The competence levels are a scale: radios along a row, four or not.
                item = make_field_widget(fld, ctx.reference, radio_lists=(LEVELS_LIST,))
                item.setObjectName(f"field_{fld.name}")
                item.edited.connect(self._answers_changed)
                self.inputs[fld.name] = item
                box_layout.addWidget(item)
            self.phase_boxes.append((box, section))
            phases_layout.addWidget(box)
        phases_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(phases_holder)

        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)

        # -- live recommendations -------------------------------------------------------------
        self.recommended_title = QLabel()
        self.recommended = QTreeWidget()
        self.recommended.setColumnCount(2)
        self.recommended.setRootIsDecorated(True)
        self.recommended.setWordWrap(True)
        self.recommended.header().setStretchLastSection(False)
        self.recommended.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.recommended.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.recommended_title.setBuddy(self.recommended)

        # -- service card ---------------------------------------------------------------------
        self.card_title = QLabel()
        self.card_note = QLabel()
        self.card_note.setWordWrap(True)
        self.card = QTableWidget(0, 3)
        self.card.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.card.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.card.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.card.setTabKeyNavigation(False)
        self.card.verticalHeader().setVisible(False)
        card_header = self.card.horizontalHeader()
        # Service and status share the width; a long status must not squeeze the
        # service name out of sight (full texts are in the tooltips).
        card_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        card_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        card_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.card.setWordWrap(True)
        self.card.itemSelectionChanged.connect(self._update_buttons)
        self.card_title.setBuddy(self.card)
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
        self.card_dialog: CardPreviewDialog | None = None

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.recommended_title)
        side_layout.addWidget(self.recommended, 2)
        side_layout.addWidget(self.card_title)
        side_layout.addWidget(self.card_note)
        side_layout.addWidget(self.card, 2)
        deliver_row = QHBoxLayout()
        deliver_row.addWidget(self.delivered_on_label)
        deliver_row.addWidget(self.delivered_on)
        deliver_row.addWidget(self.deliver_button)
        deliver_row.addStretch(1)
        deliver_row.addWidget(self.print_button)
        side_layout.addLayout(deliver_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addWidget(self.last_saved)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self._set_tab_order()
        # Recomputing on every keystroke in a text box is cheap, but coalescing keeps the
        # tree from being rebuilt several times per event loop turn.
        self.recompute_timer = QTimer(self)
        self.recompute_timer.setSingleShot(True)
        self.recompute_timer.setInterval(0)
        self.recompute_timer.timeout.connect(self.refresh_recommendations)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()
        self._set_editable(False)

    # -- opening ------------------------------------------------------------------------------

    def open_for(self, record_id: str) -> None:
        """Show the assessment of `record_id`: the last saved one, or a blank one."""
        self._generation += 1
        generation = self._generation
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
            on_done=lambda result: self._opened(generation, result),
            on_error=lambda error: self._task_failed(
                generation, _("The assessment could not be opened."), error
            ),
        )

    def _opened(
        self, generation: int, result: tuple[RecordDetail | None, AssessmentRecord | None]
    ) -> None:
        if generation != self._generation:
            return
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
        generation = self._generation
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

        self.ctx.tasks.run(
            work,
            on_done=lambda saved: self._saved(generation, saved),
            on_error=lambda error: self._task_failed(
                generation, _("The assessment could not be saved."), error
            ),
        )

    def _saved(self, generation: int, saved: AssessmentRecord) -> None:
        self._set_busy(False)
        if generation != self._generation:
            return
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
        service_id = self.selected_service()
        if service_id is None or self.current is None or self._busy:
            return
        if self.delivery_of(service_id) is not None:
            return
        chosen = self.delivered_on.date()
        delivered_on = date(chosen.year(), chosen.month(), chosen.day()).isoformat()
        delivered_by = self.ctx.account.name
        assessment_id, record_id = self.current.id, self.current.record_id
        assessments = self.assessments
        generation = self._generation
        self._set_busy(True)

        def work() -> AssessmentRecord | None:
            assessments.mark_delivered(
                assessment_id, service_id, delivered_on=delivered_on, delivered_by=delivered_by
            )
            return assessments.latest(record_id)

        self.ctx.tasks.run(
            work,
            on_done=lambda latest: self._delivered(generation, latest),
            on_error=lambda error: self._task_failed(
                generation, _("The delivery could not be recorded."), error
            ),
        )

    def _delivered(self, generation: int, latest: AssessmentRecord | None) -> None:
        self._set_busy(False)
        if generation != self._generation:
            return
        self.current = latest
        self._set_status(N_("Service marked as delivered."))
        self.retranslate()

    def _print(self) -> None:
        if not self.record_id or self.current is None:
            return
        self.card_dialog = open_card_preview(self.ctx, self.record_id, "service", self)

    # -- state --------------------------------------------------------------------------------

    def _task_failed(self, generation: int, message: str, error: BaseException) -> None:
        self._set_busy(False)
        self._loading = False
        if generation == self._generation:
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
