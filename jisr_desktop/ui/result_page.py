"""The result of a registration: who she is and what to do next at the top (Back, her
record, the skills assessment, the orientation card, and why she is not eligible when she
is not), then the score explained, the proposal and its confirmation, the committee's
decision and the history of decisions.

A refused consent shows what she refused and what can still be done (record a later
consent), not an empty score. The texts come from the Qt-free `result_model`; the boxes
are `score_view.ScoreView` and `decision_boxes`. Loading runs through `ctx.tasks`.
"""

from __future__ import annotations

import logging
from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.cards.for_record import has_orientation
from jisr_desktop.i18n import _
from jisr_desktop.ui.card_preview import CardPreviewDialog, can_print, open_card_preview
from jisr_desktop.ui.committee_box import CommitteeBox
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import (
    ERROR_STYLE,
    HistoryBox,
    ProposalBox,
    wrapped_label,
)
from jisr_desktop.ui.result_model import (
    ResultData,
    is_refused,
    load_result,
    not_eligible_reasons,
    refusal,
    subtitle_text,
    title_text,
)
from jisr_desktop.ui.score_view import ScoreView
from jisr_desktop.ui.tasks import DECISIONS, RECORDS, Changes

log = logging.getLogger(__name__)


def bold_label(extra: int) -> QLabel:
    label = wrapped_label()
    font = label.font()
    font.setPointSize(font.pointSize() + extra)
    font.setBold(True)
    label.setFont(font)
    return label


class RefusalBox(QGroupBox):
    """A refused consent: what she refused, when, by whom, and the way back."""

    recordConsent = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what, self.when, self.note, self.next_step = (wrapped_label() for _i in "1234")
        self.consent_button = QPushButton()
        self.consent_button.setObjectName("laterConsent")
        self.consent_button.clicked.connect(self.recordConsent)
        layout = QVBoxLayout(self)
        for label in (self.what, self.when, self.note, self.next_step):
            layout.addWidget(label)
        row = QHBoxLayout()
        row.addWidget(self.consent_button)
        row.addStretch(1)
        layout.addLayout(row)

    def show_data(self, data: ResultData, lang: str, can_enrol: bool) -> None:
        info = refusal(data, lang)
        self.what.setText(_("She was asked: {question}").format(question=info.what))
        self.when.setText(f"{info.when} · {info.by}")
        self.note.setText(_("Note: {note}").format(note=info.note) if info.note else "")
        self.note.setVisible(bool(info.note))
        self.next_step.setText(info.next_step)
        self.consent_button.setVisible(can_enrol)

    def retranslate(self) -> None:
        self.setTitle(_("She did not consent to registration"))
        self.consent_button.setText(_("Record a later consent…"))


class ResultPage(QWidget):
    openRecord = Signal(str)
    assess = Signal(str)
    showAnswers = Signal(str)  # her record view: every answer, Edit, the audit trail
    editRecord = Signal(str)  # the form on her record (a later consent)
    back = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: ResultData | None = None
        self.record_id: str | None = None
        self.card_dialog: CardPreviewDialog | None = None
        self.score_view = ScoreView()
        self.proposal_box = ProposalBox(ctx)
        self.committee_box = CommitteeBox(ctx)
        self.history_box = HistoryBox(ctx)
        self.refusal_box = RefusalBox()
        # Its height, not the page's: alone on the page it would spread its lines apart.
        self.refusal_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.refusal_box.recordConsent.connect(self._record_consent)
        # A decision saved here, an edit in her record view, a sync: the runner says what
        # changed and the page reads her again.
        ctx.tasks.changed.connect(self._store_changed)
        # The boxes' widgets under the page's names (the tests, the tab order).
        for box, names in (
            (self.proposal_box, ("change_button", "change_box", "new_category", "new_path",
                                 "new_destination", "change_reason", "change_message",
                                 "decision_message", "confirm_button")),
            (self.committee_box, ("outcome", "override", "committee_reason",
                                  "committee_message", "committee_button", "decided_on")),
        ):
            for name in names:
                setattr(self, name, getattr(box, name))
        outer = QVBoxLayout(self)
        outer.addLayout(self._build_top())
        outer.addWidget(self._build_body(), 1)
        self._set_tab_order()
        self._set_loaded(False)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    # Parts the tests and the main window reach by their old names.
    criteria = property(lambda self: self.score_view.criteria)
    total = property(lambda self: self.score_view.total)
    score_box = property(lambda self: self.score_view)
    history = property(lambda self: self.history_box.history)

    def confirm_proposal(self) -> None:
        self.proposal_box.confirm_proposal()

    def save_change(self) -> None:
        self.proposal_box.save_change()

    def record_committee_decision(self) -> None:
        self.committee_box.record_committee_decision()

    # -- building -----------------------------------------------------------------------------

    def _build_top(self) -> QVBoxLayout:
        """Always in view (outside the scroll): who, why not eligible, what to do next."""
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back)
        self.title = bold_label(4)
        self.subtitle = wrapped_label()
        self.message = wrapped_label()  # load errors, "not found"
        self.answers_button = QPushButton()
        self.answers_button.setObjectName("herRecord")
        self.answers_button.clicked.connect(lambda: self._emit(self.showAnswers))
        self.assess_button = QPushButton()
        self.assess_button.clicked.connect(lambda: self._emit(self.assess))
        self.print_button = QPushButton()
        self.print_button.setObjectName("orientationCard")
        self.print_button.clicked.connect(self._print)
        self.not_eligible = wrapped_label()
        self.not_eligible.setObjectName("notEligible")
        self.not_eligible.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        actions = QHBoxLayout()
        actions.addWidget(self.back_button)
        actions.addWidget(self.title, 1)
        for button in (self.answers_button, self.assess_button, self.print_button):
            actions.addWidget(button)
        top = QVBoxLayout()
        top.addLayout(actions)
        top.addWidget(self.subtitle)
        top.addWidget(self.message)
        top.addWidget(self.not_eligible)
        return top

    def _build_body(self) -> QScrollArea:
        right = QVBoxLayout()
        right.addWidget(self.proposal_box)
        right.addWidget(self.committee_box)
        right.addWidget(self.history_box, 1)
        columns = QHBoxLayout()
        columns.addWidget(self.score_view, 3)
        columns.addLayout(right, 2)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.refusal_box)
        body_layout.addLayout(columns, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        return self.scroll

    def _set_tab_order(self) -> None:
        chain = [self.back_button, self.answers_button, self.assess_button, self.print_button,
                 self.refusal_box.consent_button, *self.proposal_box.focus_chain(),
                 *self.committee_box.focus_chain(), self.history]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- loading ------------------------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        """Show a record (the load runs on the db lane; the page fills in when it is back;
        a newer load, for her or another woman, supersedes it)."""
        self.record_id = record_id
        self.data = None
        self.proposal_box.reset(record_id)
        self.committee_box.reset(record_id)
        self._set_loaded(False)
        self.message.setText(_("Loading…"))
        self._load(record_id)

    def _load(self, record_id: str) -> None:
        ctx = self.ctx
        ctx.tasks.run(
            lambda: load_result(ctx, record_id),
            on_done=self._loaded,
            on_error=self._load_failed,
            key="result.load",
        )

    def reload(self) -> None:
        if self.record_id:
            self.show_record(self.record_id)

    def _store_changed(self, changes: Changes) -> None:
        """Her record or its decisions changed (here, in her record view, by a sync): read
        it again, keeping what is typed in the boxes."""
        if self.record_id is None or not changes.touches(RECORDS, DECISIONS):
            return
        if not changes.record_ids or self.record_id in changes.record_ids:
            self._load(self.record_id)

    def _loaded(self, data: ResultData | None) -> None:
        self.data = data
        if data is None:
            self.message.setText(_("This record no longer exists."))
            self.message.setStyleSheet(ERROR_STYLE)
            self._set_loaded(False)
            return
        self.message.clear()
        self.message.setStyleSheet("")
        self.proposal_box.show_data(data)
        self.committee_box.show_data(data)
        self._set_loaded(True)
        self._render()

    def _load_failed(self, error: BaseException) -> None:
        log.error("result page: load failed", exc_info=error)
        self.message.setText(_("The record could not be read. Details are in the log file."))
        self.message.setStyleSheet(ERROR_STYLE)

    def _set_loaded(self, loaded: bool) -> None:
        data = self.data if loaded else None
        refused = data is not None and is_refused(data)
        scored = data is not None and not refused
        account = self.ctx.account
        for box in (self.score_view, self.proposal_box, self.history_box):
            box.setVisible(scored)
        self.committee_box.setVisible(scored and account.can_decide)
        self.refusal_box.setVisible(refused)
        self.answers_button.setVisible(data is not None)
        self.assess_button.setVisible(scored and account.can_assess)
        # The orientation card: for a record with an orientation (scored, eligible), and
        # for those who hand it to her (the enrolling agent, a supervisor).
        self.print_button.setVisible(
            scored and has_orientation(data.record) and can_print(account, "orientation")
        )
        if data is None:
            self.not_eligible.setVisible(False)

    # -- rendering ----------------------------------------------------------------------------

    def _render(self) -> None:
        data, lang = self.data, self.ctx.lang
        if data is None:
            return
        self.title.setText(title_text(data, lang))
        self.subtitle.setText(subtitle_text(data, self.ctx.reference, lang))
        reasons = not_eligible_reasons(data, lang)
        self.not_eligible.setText("\n".join([_("Not eligible:"), *("• " + r for r in reasons)]))
        self.not_eligible.setVisible(bool(reasons))
        if is_refused(data):
            self.refusal_box.show_data(data, lang, self.ctx.account.can_enrol)
            return
        self.score_view.show_score(data, lang)
        self.proposal_box.render()
        self.history_box.show_data(data)

    # -- actions ------------------------------------------------------------------------------

    def _emit(self, signal: Signal) -> None:
        if self.record_id:
            signal.emit(self.record_id)

    def _record_consent(self) -> None:
        self._emit(self.editRecord)

    def _print(self) -> None:
        if self.record_id:
            self.card_dialog = open_card_preview(self.ctx, self.record_id, "orientation", self)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        # The style's back arrow points the way of the language (right in Arabic); the
        # style picks it from the direction at the time of asking, so ask again here.
        self.back_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_button.setText(_("Back"))
        self.back_button.setAccessibleName(_("Back"))
        self.answers_button.setText(_("Her record"))
        self.answers_button.setAccessibleName(_("Every answer, corrections and their history"))
        self.assess_button.setText(_("Skills assessment"))
        self.print_button.setText(_("Orientation card…"))
        self.print_button.setAccessibleName(_("Preview and print the orientation card"))
        for part in (self.score_view, self.proposal_box, self.committee_box, self.history_box,
                     self.refusal_box):
            part.retranslate()
        if self.data is not None:
            self._render()
