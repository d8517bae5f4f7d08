"""The committee's decision on the result page: a supervisor's act. Nothing is
preselected, and accepting a woman who is not eligible needs the override box ticked and a
reason (issue 11, point 7); the store still checks the reasons the rules demand."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.store.decisions import ACCEPTED, REFUSED, WAITING_LIST
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate
from jisr_desktop.ui.decision_boxes import SavingBox, form_rows, say, wrapped_label
from jisr_desktop.ui.result_model import (
    ResultData,
    committee_problem,
    is_not_eligible,
    outcome_text,
)

CHOOSE = ""  # item data of "choose…" (not None: see beneficiaries_page.ANY)


class CommitteeBox(SavingBox):
    """The committee's decision: nothing preselected; a not-eligible woman is accepted
    only through the override box, with a reason."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        form = QFormLayout(self)
        self.outcome = QComboBox()
        self.outcome.currentIndexChanged.connect(lambda _i: self._update())
        self.decided_on = QDateEdit()
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDate(QDate.currentDate())
        self.decided_on.setMaximumDate(QDate.currentDate())
        self.override = QCheckBox()
        self.override.toggled.connect(lambda _on: self._update())
        self.committee_reason = QLineEdit()
        self.outcome_label, self.decided_on_label = QLabel(), QLabel()
        self.committee_reason_label = QLabel()
        form_rows(
            form,
            [
                (self.outcome_label, self.outcome),
                (self.decided_on_label, self.decided_on),
                (self.committee_reason_label, self.committee_reason),
            ],
        )
        form.addRow(self.override)
        self.committee_button = QPushButton()
        self.committee_button.clicked.connect(self.record_committee_decision)
        self.committee_message = wrapped_label()
        form.addRow(self.committee_message, self.committee_button)

    def focus_chain(self) -> list[QWidget]:
        return [self.outcome, self.decided_on, self.committee_reason, self.override,
                self.committee_button]

    def reset(self, record_id: str | None) -> None:
        """Another woman: forget what was typed for the previous one."""
        self.data, self.record_id = None, record_id
        self.committee_reason.clear()
        self.committee_message.clear()
        self.override.setChecked(False)
        self.outcome.setCurrentIndex(0)  # "choose…": no outcome is ever preselected
        self._update()

    def show_data(self, data: ResultData) -> None:
        self.data = data
        self.setEnabled(data.record.status == "registered" and bool(data.record.evaluation))
        self._update()

    def _update(self) -> None:
        not_eligible = self.data is not None and is_not_eligible(self.data)
        self.override.setVisible(not_eligible and self.outcome.currentData() == ACCEPTED)
        self.committee_button.setEnabled(bool(self.outcome.currentData()))

    def record_committee_decision(self) -> None:
        if self.data is None or not self.ctx.account.can_decide:
            return
        outcome = self.outcome.currentData() or None
        reason = self.committee_reason.text().strip()
        problem = committee_problem(self.data, outcome, reason, self.override.isChecked())
        if problem:
            say(self.committee_message, problem, True)
            focus = self.outcome if not outcome else self.committee_reason
            if outcome == ACCEPTED and self.override.isVisible() and not self.override.isChecked():
                focus = self.override
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        record_id = self.record_id
        decided_on = from_qdate(self.decided_on.date()).isoformat()
        decisions = self.decisions
        override = self.override.isChecked() and is_not_eligible(self.data)
        self._save(
            lambda: decisions.committee_decide(record_id, outcome=outcome,
                                               decided_on=decided_on, reason=reason or None,
                                               override=override),
            self.committee_message,
            _("The committee's decision is recorded."),
        )

    def after_save(self) -> None:
        # Back to "choose…": a second click must not record the same decision again.
        self.committee_reason.clear()
        self.override.setChecked(False)
        self.outcome.setCurrentIndex(0)

    def set_busy(self, busy: bool) -> None:
        self.committee_button.setEnabled(not busy and bool(self.outcome.currentData()))

    def retranslate(self) -> None:
        self.setTitle(_("Committee decision"))
        self.outcome_label.setText(_("Decision"))
        self.decided_on_label.setText(_("Date"))
        apply_date_format(self.decided_on, self.ctx.lang)
        self.committee_reason_label.setText(_("Reason"))
        self.outcome.setAccessibleName(_("Committee decision"))
        self.decided_on.setAccessibleName(_("Date of the committee decision"))
        self.committee_reason.setAccessibleName(_("Reason for the committee decision"))
        self.committee_reason.setPlaceholderText(_("Required for a waiting list or a refusal"))
        self.override.setText(_("Accept her although she is not eligible (reason required)"))
        current = self.outcome.currentData()
        self.outcome.blockSignals(True)
        self.outcome.clear()
        self.outcome.addItem(_("Choose…"), CHOOSE)
        for value in (ACCEPTED, WAITING_LIST, REFUSED):
            self.outcome.addItem(outcome_text(value), value)
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(current)))
        self.outcome.blockSignals(False)
        self.committee_button.setText(_("Record the decision"))
        self._update()
