"""The committee's decision on the result page: a supervisor's act. Nothing is
preselected, and accepting a woman who is not eligible needs the override box ticked and a
reason (issue 11, point 7); the committee may also change the category and the path, with
a reason (issue 12). What stops a decision is `check_decision`'s answer, said in words
(`result_model.committee_problem`); the store checks it again."""

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
    allowed_for_category,
    category_text,
    committee_problem,
    is_not_eligible,
    orientation_label,
    outcome_text,
    proposal,
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
        # The committee's change of the category or the path; "unchanged" (None) keeps hers.
        self.new_category, self.new_path = QComboBox(), QComboBox()
        self.new_category.currentIndexChanged.connect(lambda _i: self._fill_paths())
        self.outcome_label, self.decided_on_label = QLabel(), QLabel()
        self.committee_reason_label = QLabel()
        self.new_category_label, self.new_path_label = QLabel(), QLabel()
        form_rows(
            form,
            [
                (self.outcome_label, self.outcome),
                (self.decided_on_label, self.decided_on),
                (self.new_category_label, self.new_category),
                (self.new_path_label, self.new_path),
                (self.committee_reason_label, self.committee_reason),
            ],
        )
        form.addRow(self.override)
        self.committee_button = QPushButton()
        self.committee_button.clicked.connect(self.record_committee_decision)
        self.committee_message = wrapped_label()
        form.addRow(self.committee_message, self.committee_button)

    def focus_chain(self) -> list[QWidget]:
        return [self.outcome, self.decided_on, self.new_category, self.new_path,
                self.committee_reason, self.override, self.committee_button]

    def reset(self, record_id: str | None) -> None:
        """Another woman: forget what was typed for the previous one."""
        self.data, self.record_id = None, record_id
        self.committee_reason.clear()
        self.committee_message.clear()
        self.override.setChecked(False)
        self.outcome.setCurrentIndex(0)  # "choose…": no outcome is ever preselected
        self.new_category.setCurrentIndex(0)
        self._update()

    def show_data(self, data: ResultData) -> None:
        self.data = data
        self.setEnabled(data.record.status == "registered" and bool(data.record.evaluation))
        self._fill_categories()
        self._update()

    def changes(self) -> tuple[int | None, str | None]:
        """The category and the path the committee sets (None: unchanged)."""
        return self.new_category.currentData(), self.new_path.currentData()

    def _fill_categories(self) -> None:
        current = self.new_category.currentData()
        grid = self.data.grid.data if self.data and self.data.grid else {}
        self.new_category.blockSignals(True)
        self.new_category.clear()
        self.new_category.addItem(_("Unchanged"), None)
        for rule in grid.get("classification") or ():
            self.new_category.addItem(category_text(self.data, rule["category"], self.ctx.lang),
                                      rule["category"])
        self.new_category.setCurrentIndex(max(0, self.new_category.findData(current)))
        self.new_category.blockSignals(False)
        self._fill_paths()

    def _fill_paths(self) -> None:
        """Only the paths the orientation rules give to the category she will be in."""
        current = self.new_path.currentData()
        category = self.new_category.currentData()
        if category is None and self.data is not None:
            category = proposal(self.data)[0]
        self.new_path.clear()
        self.new_path.addItem(_("Unchanged"), None)
        for key in allowed_for_category(self.data, "paths", category):
            self.new_path.addItem(orientation_label(self.data, "paths", key, self.ctx.lang), key)
        self.new_path.setCurrentIndex(max(0, self.new_path.findData(current)))

    def _update(self) -> None:
        not_eligible = self.data is not None and is_not_eligible(self.data)
        self.override.setVisible(not_eligible and self.outcome.currentData() == ACCEPTED)
        self.committee_button.setEnabled(bool(self.outcome.currentData()))

    def record_committee_decision(self) -> None:
        if self.data is None or not self.ctx.account.can_decide:
            return
        outcome = self.outcome.currentData() or None
        reason = self.committee_reason.text().strip()
        category, path = self.changes()
        problem = committee_problem(self.data, outcome, reason, self.override.isChecked(),
                                    role=self.ctx.account.role, category=category, path=path)
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
                                               override=override, category=category,
                                               path=path),
            self.committee_message,
            _("The committee's decision is recorded."),
        )

    def after_save(self) -> None:
        # Back to "choose…": a second click must not record the same decision again.
        self.committee_reason.clear()
        self.override.setChecked(False)
        self.outcome.setCurrentIndex(0)
        self.new_category.setCurrentIndex(0)

    def set_busy(self, busy: bool) -> None:
        self.committee_button.setEnabled(not busy and bool(self.outcome.currentData()))

    def retranslate(self) -> None:
        self.setTitle(_("Committee decision"))
        self.outcome_label.setText(_("Decision"))
        self.decided_on_label.setText(_("Date"))
        apply_date_format(self.decided_on, self.ctx.lang)
        self.committee_reason_label.setText(_("Reason"))
        self.new_category_label.setText(_("Category set by the committee"))
        self.new_path_label.setText(_("Path set by the committee"))
        self.new_category.setAccessibleName(_("Category set by the committee"))
        self.new_path.setAccessibleName(_("Path set by the committee"))
        self.outcome.setAccessibleName(_("Committee decision"))
        self.decided_on.setAccessibleName(_("Date of the committee decision"))
        self.committee_reason.setAccessibleName(_("Reason for the committee decision"))
        self.committee_reason.setPlaceholderText(
            _("Required for a waiting list, a refusal or a change"))
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
        self._fill_categories()
        self._update()
