"""Incubation (issue 12; programme document, 423-428): the selection committee's choice
(which committee, the day; recording it is the decision to incubate, the programme
incubating only the projects the committee selected), the funding (amount in dirhams,
source, day), and the contract: its first day, its end (12 months of commercial
domiciliation at the incubator, computed), the logistics lent. A warning shows when the
contract ends within 30 days, or has ended. The committee may also put the project on
its waiting list or refuse it, with the reason: that answer is recorded instead of the
incubation, shown here and on her record.

Recording is the committee's secretariat's (`Action.DECIDE`); incubator staff see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from jisr_desktop.formatting import format_date
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme import incubation as rules
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.incubations import (
    NOT_SELECTED,
    REFUSED,
    WAITING_LIST,
    IncubationInfo,
    IncubationRepository,
    SelectionDecision,
)
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.decision_boxes import wrapped_label
from jisr_desktop.ui.language import QT_LOCALES
from jisr_desktop.ui.programme_dialog import ProgrammeDialog
from jisr_desktop.ui.result_model import ResultData, title_text
from jisr_desktop.ui.tasks import RECORDS

INCUBATIONS = "incubations"  # a change kind of the runner
SOURCES = {"programme": N_("The programme"), "indh": N_("INDH"), "other": N_("Other")}
WARNING_STYLE = "color: #8a4b00; font-weight: bold;"


@dataclass(frozen=True)
class IncubationView:
    record_id: str
    title: str
    incubation: IncubationInfo | None
    selection: IncubationInfo | SelectionDecision | None = None


def load_incubation_view(ctx: AppContext, record_id: str) -> IncubationView | None:
    """db lane."""
    record = ctx.repo.get(record_id)
    if record is None:
        return None
    return IncubationView(record_id, title_text(ResultData(record, None, None, None), ctx.lang),
                          IncubationRepository(ctx.store).latest(record_id),
                          IncubationRepository(ctx.store).selection(record_id))


SELECTED = "selected"
OUTCOMES = {SELECTED: N_("Selected for incubation"), WAITING_LIST: N_("Waiting list"),
            REFUSED: N_("Refused")}


def selection_text(info: IncubationInfo | SelectionDecision | None, today: date,
                   lang: str) -> str:
    """What her record says of the selection committee's answer: a waiting list or a
    refusal with its day and reason; for a selected project, the contract's warning."""
    if isinstance(info, SelectionDecision):
        return _("Selection committee: {outcome} on {date}. Reason: {reason}").format(
            outcome=_(OUTCOMES[info.outcome]), date=isolate(format_date(info.decided_on, lang)),
            reason=isolate(info.reason))
    return warning_text(info, today, lang)


def warning_text(info: IncubationInfo | None, today: date, lang: str) -> str:
    """The contract's warning as she reads it, or "" when there is none."""
    if info is None:
        return ""
    found = info.warning(today)
    end = isolate(format_date(info.contract_end, lang))
    if found == rules.ENDED:
        return _("The incubation contract ended on {date}: plan her post-incubation "
                 "follow-up.").format(date=end)
    if found == rules.ENDING_SOON:
        return _("The incubation contract ends on {date}, within a month: plan her "
                 "post-incubation follow-up.").format(date=end)
    return ""


class IncubationDialog(ProgrammeDialog):
    size_hint = (820, 680)

    def __init__(self, ctx: AppContext, record_id: str, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(ctx, record_id, parent)
        self.setObjectName("incubationDialog")
        self.today = today or date.today()
        self.may_record = may(ctx.account.role, Action.DECIDE)
        self.warning = wrapped_label()
        self.warning.setObjectName("warning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.body.addWidget(self.warning)
        self.labels: dict[str, QLabel] = {}
        self.body.addWidget(self._selection_box())
        self.body.addWidget(self._funding_box())
        self.body.addWidget(self._contract_box())
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveIncubation")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.may_record)
        self.save_button.setDefault(True)
        self.actions.addWidget(self.save_button)
        self.body.addStretch(1)
        for box in (self.selection_box, self.funding_box, self.contract_box):
            box.setEnabled(self.may_record)
        self._outcome_changed()
        self.start()

    def loader(self):
        ctx, record_id = self.ctx, self.record_id
        return lambda: load_incubation_view(ctx, record_id)

    def _form(self, box: QGroupBox, rows: list[tuple[str, QWidget]]) -> None:
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, widget in rows:
            label = self.labels.setdefault(key, QLabel())
            label.setBuddy(widget)
            form.addRow(label, widget)

    def _selection_box(self) -> QGroupBox:
        self.selection_box = QGroupBox()
        self.committee = QLineEdit()
        self.committee.setObjectName("committee")
        self.selected_on = DateInput()
        self.decision = wrapped_label()
        self.outcome = QComboBox()
        self.outcome.setObjectName("selectionOutcome")
        for code in OUTCOMES:
            self.outcome.addItem("", code)
        self.outcome.currentIndexChanged.connect(lambda _i: self._outcome_changed())
        self.reason = QLineEdit()
        self.reason.setObjectName("selectionReason")
        self._form(self.selection_box, [("committee", self.committee),
                                        ("selected_on", self.selected_on),
                                        ("outcome", self.outcome), ("reason", self.reason),
                                        ("decision", self.decision)])
        return self.selection_box

    def _funding_box(self) -> QGroupBox:
        self.funding_box = QGroupBox()
        self.amount = QSpinBox()
        self.amount.setObjectName("amount")
        self.amount.setRange(0, 10_000_000)
        self.amount.setSingleStep(1000)
        self.amount.setGroupSeparatorShown(True)
        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.addItem("", None)
        for code in SOURCES:
            self.source.addItem("", code)
        self.funded_on = DateInput()
        self._form(self.funding_box, [("amount", self.amount), ("source", self.source),
                                      ("funded_on", self.funded_on)])
        return self.funding_box

    def _contract_box(self) -> QGroupBox:
        self.contract_box = QGroupBox()
        self.start_on = DateInput()
        self.start_on.edited.connect(self._show_end)
        self.start_on.line.textChanged.connect(lambda _t: self._show_end())
        self.end = wrapped_label()
        self.end.setObjectName("contractEnd")
        self.logistics = QPlainTextEdit()
        self.logistics.setObjectName("logistics")
        self.logistics.setMaximumHeight(70)
        self._form(self.contract_box, [("start", self.start_on), ("end", self.end),
                                       ("logistics", self.logistics)])
        return self.contract_box

    def _outcome_changed(self) -> None:
        """Not selected: the reason is asked for, and funding and contract do not apply."""
        selected = self.outcome.currentData() == SELECTED
        self.reason.setEnabled(self.may_record and not selected)
        # "Selected for incubation (...)" says what recording the incubation means.
        self.decision.setVisible(selected)
        self.labels["decision"].setVisible(selected)
        for box in (self.funding_box, self.contract_box):
            box.setEnabled(self.may_record and selected)
        self._show_save_text()

    def _show_save_text(self) -> None:
        selected = self.outcome.currentData() == SELECTED
        self.save_button.setText(_("Record the incubation") if selected
                                 else _("Record the committee's answer"))

    # -- showing ------------------------------------------------------------------------------

    def show_view(self, view: IncubationView) -> None:
        info, lang = view.incubation, self.ctx.lang
        text = selection_text(view.selection, self.today, lang)
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        chosen = view.selection
        if isinstance(chosen, SelectionDecision) and not self.reason.text():
            self.outcome.setCurrentIndex(max(self.outcome.findData(chosen.outcome), 0))
            self.reason.setText(chosen.reason)
            self.committee.setText(chosen.committee or "")
            self.selected_on.set_value(chosen.decided_on)
        if info is not None and not self.committee.text():
            self.committee.setText(info.committee or "")
            self.selected_on.set_value(info.selected_on)
            self.amount.setValue(info.funding_amount or 0)
            self.source.setCurrentIndex(max(self.source.findData(info.funding_source), 0))
            self.funded_on.set_value(info.funded_on)
            self.start_on.set_value(info.contract_start)
            self.logistics.setPlainText(info.logistics or "")
        self._show_end()

    def _show_end(self) -> None:
        start = self.start_on.date()
        if start is None:
            self.end.setText(_("Twelve months after the first day"))
            return
        end = rules.contract_end(start)
        self.end.setText(_("{date} (12 months of domiciliation at the incubator)").format(
            date=isolate(format_date(end, self.ctx.lang))))

    # -- writing ------------------------------------------------------------------------------

    def save(self) -> None:
        if not self.may_record:
            return
        if self.outcome.currentData() in NOT_SELECTED:
            self._save_not_selected()
            return
        days = {}
        for key, box, needed in (("selected_on", self.selected_on, True),
                                 ("funded_on", self.funded_on, False),
                                 ("start", self.start_on, True)):
            text, day = box.line.text().strip(), box.date()
            if (needed and not text) or (text and day is None):
                self.say(lambda: _("The day of the selection and the first day of the "
                                   "contract are needed, as dates."), error=True)
                return
            days[key] = day
        store, record_id = self.ctx.store, self.record_id
        amount = self.amount.value() or None
        source, committee = self.source.currentData(), self.committee.text()
        logistics = self.logistics.toPlainText()
        self.write(
            lambda: IncubationRepository(store).record(
                record_id, selected_on=days["selected_on"], contract_start=days["start"],
                funding_amount=amount, funding_source=source, funded_on=days["funded_on"],
                logistics=logistics, committee=committee),
            {INCUBATIONS, RECORDS},
            {PermissionError: lambda: _("Only incubator staff or a supervisor may "
                                        "record an incubation."),
             ValueError: lambda: _("The contract cannot start before the selection.")},
            lambda: _("The incubation was recorded."), self.save_button)

    def _save_not_selected(self) -> None:
        day, reason = self.selected_on.date(), self.reason.text().strip()
        if day is None or not reason:
            self.say(lambda: _("A waiting list or a refusal needs its day and its reason."),
                     error=True)
            (self.reason if day is not None else self.selected_on.line).setFocus()
            return
        store, record_id = self.ctx.store, self.record_id
        outcome, committee = self.outcome.currentData(), self.committee.text()
        self.write(
            lambda: IncubationRepository(store).not_selected(
                record_id, outcome=outcome, decided_on=day, reason=reason,
                committee=committee),
            {INCUBATIONS, RECORDS},
            {PermissionError: lambda: _("Only incubator staff or a supervisor may "
                                        "record an incubation."),
             ValueError: lambda: _("A waiting list or a refusal needs its day and its "
                                   "reason.")},
            lambda: _("The selection committee's answer was recorded."), self.save_button)

    # -- language -----------------------------------------------------------------------------

    def retranslate_body(self) -> None:
        lang = self.ctx.lang
        self.setWindowTitle(_("Incubation"))
        self.heading.setText(_("Incubation: selection, funding, contract"))
        self.selection_box.setTitle(_("The selection committee"))
        self.funding_box.setTitle(_("Funding"))
        self.contract_box.setTitle(_("Incubation contract"))
        for key, text in (("committee", _("Committee")), ("selected_on", _("Day of the selection")),
                          ("decision", _("Decision")), ("outcome", _("Committee decision")),
                          ("reason", _("Reason")), ("amount", _("Amount (dirhams)")),
                          ("source", _("Source")), ("funded_on", _("Day of the funding")),
                          ("start", _("First day")), ("end", _("End")),
                          ("logistics", _("Logistics lent by the incubator"))):
            self.labels[key].setText(text)
        self.decision.setText(_("Selected for incubation (only a project the committee "
                                "selected is incubated)"))
        self.committee.setPlaceholderText(_("e.g. provincial selection committee"))
        for box, label in ((self.selected_on, _("Day of the selection")),
                           (self.funded_on, _("Day of the funding")),
                           (self.start_on, _("First day of the contract"))):
            box.retranslate(lang, label)
        self.amount.setSpecialValueText("—")
        self.amount.setLocale(QLocale(QT_LOCALES.get(lang, "ar_MA")))  # 50 000 in French
        self.source.setItemText(0, "—")
        for i, code in enumerate(SOURCES, start=1):
            self.source.setItemText(i, _(SOURCES[code]))
        for i, code in enumerate(OUTCOMES):
            self.outcome.setItemText(i, _(OUTCOMES[code]))
        self.reason.setPlaceholderText(_("Required for a waiting list or a refusal"))
        self._show_save_text()
        self._show_end()
