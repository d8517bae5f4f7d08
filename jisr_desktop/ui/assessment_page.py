"""Skills assessment (bilan de compétences) for incubator staff, and its service card.

The three phases are built from the assessment definition (`assessment_form`), so a new
version from the ministry changes the page without a release. The recommended services
follow the answers live (`recommend`, the same rules the server runs); saving stores the
answers and the recommended services, which become the service card. Services are later
marked as delivered, with the date and who delivered them.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_datetime, format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.assessment import Recommendation, recommend, validate_assessment
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import Form, assessment_form
from jisr_desktop.models.store.assessments import AssessmentRecord, AssessmentRepository
from jisr_desktop.models.store.repository import RecordDetail, full_name
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.assessment_layout import AssessmentLayout
from jisr_desktop.ui.card_preview import CardPreviewDialog, open_card_preview
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.service_card import ServiceCardPanel
from jisr_desktop.ui.tasks import ASSESSMENTS, Changes

log = logging.getLogger(__name__)

MISSING_ANSWERS = N_("{n} answer is missing or not valid.")
# Plural forms of the status messages that carry a count: singular msgid -> plural msgid.
PLURALS = {MISSING_ANSWERS: N_("{n} answers are missing or not valid.")}


class AssessmentPage(AssessmentLayout, QWidget):
    saved = Signal(str)  # record id
    openRecord = Signal(str)  # back to the woman's result page

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.assessments = AssessmentRepository(ctx.store)
        self.form: Form = assessment_form(ctx.defs.assessment)
        self.record_id: str | None = None
        self.record: RecordDetail | None = None
        self.recommendations: list[Recommendation] = []
        self._show_errors = False
        self._loading = False
        self._busy = False
        self._status: tuple[str | None, int | None] = (None, None)
        self.card_dialog: CardPreviewDialog | None = None
        self.service_card = ServiceCardPanel(ctx)
        self.service_card.status.connect(lambda msgid: self._set_status(msgid))
        self.service_card.failed.connect(self._task_failed)
        self.service_card.printRequested.connect(self._print)
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

    # The service card's parts under the page's names (tests, the card preview).
    current = property(
        lambda self: self.service_card.current,
        lambda self, value: setattr(self.service_card, "current", value),
    )
    card = property(lambda self: self.service_card.card)
    card_note = property(lambda self: self.service_card.card_note)
    deliver_button = property(lambda self: self.service_card.deliver_button)
    delivered_on = property(lambda self: self.service_card.delivered_on)
    print_button = property(lambda self: self.service_card.print_button)
    undo_button = property(lambda self: self.service_card.undo_button)
    confirm_box = property(lambda self: self.service_card.confirm_box)
    confirm_yes = property(lambda self: self.service_card.confirm_yes)

    def delivery_of(self, service_id: str) -> dict[str, Any] | None:
        return self.service_card.delivery_of(service_id)

    def select_service(self, service_id: str) -> bool:
        return self.service_card.select_service(service_id)

    def write_pending_delivery(self) -> None:
        self.service_card.write_pending_delivery()

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
        self.recommendations_view.show_recommendations(self.recommendations)
        self.service_card.set_recommended(self.recommended_ids())

    def recommended_ids(self) -> list[str]:
        return [r.service_id for r in self.recommendations]

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        if self.record_id is None or self._busy or not self.ctx.account.can_assess:
            return
        result = validate_assessment(self.ctx.defs.assessment, self.answers())
        if not result.ok:
            self._show_invalid({i.field for i in result.errors})
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

    def _show_invalid(self, failing: set[str]) -> None:
        """Refused: the messages at their fields, the first one in view and focused."""
        self._show_errors = True
        self.refresh_recommendations()
        first = next((n for n in self.inputs if n in failing), None)
        if first:
            widget = self.inputs[first].focus_target()
            self.scroll.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_status(MISSING_ANSWERS, len(failing))

    def _saved(self, saved: AssessmentRecord) -> None:
        self.current = saved
        self._set_status(N_("Assessment saved."))
        self.retranslate()
        self.saved.emit(saved.record_id)

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
        account = self.ctx.account
        ready = self.record is not None and not self._busy
        self.save_button.setEnabled(account.can_assess and ready and not self._loading)
        self.service_card.set_enabled_for(account.can_deliver and ready)

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
        self.recommendations_view.retranslate()
        # The style's back arrow points the way of the language (right in Arabic); the
        # style picks it from the direction at the time of asking, so ask again here.
        self.back_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_button.setText(_("Back to her record"))
        self.refresh_recommendations()
        self.service_card.retranslate()
        self._show_status()

    def _who_text(self) -> str:
        if self.record is None:
            return ""
        answers = self.record.answers
        name_ar, name_lat = full_name(answers, "ar"), full_name(answers, "lat")
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
