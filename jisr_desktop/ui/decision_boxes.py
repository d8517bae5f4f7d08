"""The decision boxes of the result page: the agent's confirmation or change of the
proposal (a change needs a reason, and offers only what the orientation rules allow for the
chosen category) and the history of decisions, whole and wrapped; and the saving part
they share with the committee's box (`committee_box.py`).

Each box saves through `ctx.tasks` and emits `saved(record_id)`; a save whose answer comes
back after the page moved to another woman says nothing next to her fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.store.decisions import (
    DecisionInfo,
    DecisionRepository,
    OverrideRequired,
    ReasonRequired,
)
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.result_model import (
    ResultData,
    allowed_for_category,
    can_confirm,
    category_text,
    history_rows,
    in_force_text,
    orientation_label,
    proposal,
)
from jisr_desktop.ui.tasks import DECISIONS, Changes

ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"


def say(label: QLabel, text: str, error: bool) -> None:
    label.setText(text)
    label.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)


def wrapped_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def form_rows(form: QFormLayout, rows: list[tuple[QLabel, QWidget]]) -> None:
    for label, widget in rows:
        label.setBuddy(widget)
        form.addRow(label, widget)


class SavingBox(QGroupBox):
    saved = Signal(str)  # record id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.decisions = DecisionRepository(ctx.store)
        self.data: ResultData | None = None
        self.record_id: str | None = None

    def _save(self, work: Callable[[], DecisionInfo], message: QLabel, done_text: str) -> None:
        record_id = self.record_id
        self.set_busy(True)

        def done(_info: DecisionInfo) -> None:
            self.set_busy(False)
            if self.record_id != record_id:
                return  # saved; she has opened another woman's record meanwhile
            self.after_save()
            self.saved.emit(record_id)
            say(message, done_text, False)

        self.ctx.tasks.write(
            work,
            changes=Changes.of({DECISIONS}, record_ids={record_id}, origin=self),
            on_done=done,
            on_error=lambda error: self._failed(error, message, record_id),
        )

    def _failed(self, error: BaseException, where: QLabel, record_id: str | None) -> None:
        self.set_busy(False)
        if self.record_id != record_id:
            # The page shows another record now: a message next to its fields would be
            # read as being about her, so only the dialog (and the log) tell.
            show_error(self, _("The decision could not be saved."), error)
        elif isinstance(error, OverrideRequired):
            say(where, _("She is not eligible: accepting her needs the override box ticked "
                         "and a reason."), True)
        elif isinstance(error, ReasonRequired):
            say(where, _("Please give the reason for this change."), True)
        elif isinstance(error, PermissionError):
            say(where, _("Only a supervisor may record the committee's decision."), True)
        else:
            show_error(self, _("The decision could not be saved."), error)

    def set_busy(self, busy: bool) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def after_save(self) -> None:
        """Clear what was typed for the decision just recorded."""


class ProposalBox(SavingBox):
    """The grid's proposal and the agent's confirmation or change of it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.category_label, self.path_label, self.destination_label = (QLabel() for _i in "123")
        self.category_value, self.path_value, self.destination_value = (
            wrapped_label() for _i in "123"
        )
        shown = QFormLayout()
        for label, value in (
            (self.category_label, self.category_value),
            (self.path_label, self.path_value),
            (self.destination_label, self.destination_value),
        ):
            shown.addRow(label, value)
        self.in_force = wrapped_label()
        self.confirm_button = QPushButton()
        self.confirm_button.clicked.connect(self.confirm_proposal)
        self.change_button = QPushButton()
        self.change_button.setCheckable(True)
        self.change_button.toggled.connect(self._show_change)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.change_button)
        buttons.addStretch(1)
        self._build_change_box()
        self.decision_message = wrapped_label()
        layout = QVBoxLayout(self)
        layout.addLayout(shown)
        layout.addWidget(self.in_force)
        layout.addLayout(buttons)
        layout.addWidget(self.change_box)
        layout.addWidget(self.decision_message)

    def _build_change_box(self) -> None:
        self.change_box = QWidget()
        form = QFormLayout(self.change_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.new_category, self.new_path, self.new_destination = (QComboBox() for _i in "123")
        self.new_category.currentIndexChanged.connect(lambda _i: self._fill_orientation(True))
        self.change_reason = QLineEdit()
        self.new_category_label, self.new_path_label = QLabel(), QLabel()
        self.new_destination_label, self.change_reason_label = QLabel(), QLabel()
        form_rows(
            form,
            [
                (self.new_category_label, self.new_category),
                (self.new_path_label, self.new_path),
                (self.new_destination_label, self.new_destination),
                (self.change_reason_label, self.change_reason),
            ],
        )
        self.save_change_button = QPushButton()
        self.save_change_button.clicked.connect(self.save_change)
        self.change_message = wrapped_label()
        form.addRow(self.change_message, self.save_change_button)
        self.change_box.setVisible(False)

    def focus_chain(self) -> list[QWidget]:
        return [self.confirm_button, self.change_button, self.new_category, self.new_path,
                self.new_destination, self.change_reason, self.save_change_button]

    def reset(self, record_id: str | None) -> None:
        """Another woman: forget what was typed for the previous one."""
        self.data, self.record_id = None, record_id
        self.change_button.setChecked(False)
        self.change_reason.clear()
        for label in (self.change_message, self.decision_message):
            label.clear()

    def show_data(self, data: ResultData) -> None:
        self.data = data
        self.fill_pickers()
        self.render()

    def render(self) -> None:
        data, lang = self.data, self.ctx.lang
        if data is None:
            return
        category, path, destination = proposal(data)
        self.category_value.setText(category_text(data, category, lang))
        self.path_value.setText(orientation_label(data, "paths", path, lang))
        self.destination_value.setText(orientation_label(data, "destinations", destination, lang))
        confirmable = can_confirm(data)
        self.confirm_button.setEnabled(confirmable)
        self.change_button.setEnabled(confirmable)
        if not confirmable:
            self.change_button.setChecked(False)
        self.in_force.setText(in_force_text(data, lang))

    def fill_pickers(self, keep: bool = False) -> None:
        """The change pickers offer what the record's definitions allow, set to the
        proposal, so the agent changes only what she means to (`keep`: to what she picked,
        when only the language changed)."""
        lang = self.ctx.lang
        category, path, destination = proposal(self.data) if self.data else (None, None, None)
        if keep and self.new_category.count():
            category = self.new_category.currentData()
            path, destination = self.new_path.currentData(), self.new_destination.currentData()
        grid = self.data.grid.data if self.data and self.data.grid else {}
        self.new_category.blockSignals(True)
        self.new_category.clear()
        for rule in grid.get("classification") or ():
            self.new_category.addItem(category_text(self.data, rule["category"], lang),
                                      rule["category"])
        self.new_category.setCurrentIndex(max(0, self.new_category.findData(category)))
        self.new_category.blockSignals(False)
        self._fill_orientation(False, path, destination)

    def _fill_orientation(self, keep: bool, path: str | None = None,
                          destination: str | None = None) -> None:
        """Paths and destinations the rules allow for the chosen category, no others."""
        orientation = self.data.orientation.data if self.data and self.data.orientation else {}
        category = self.new_category.currentData()
        for combo, table, current in (
            (self.new_path, "paths", path),
            (self.new_destination, "destinations", destination),
        ):
            if keep:
                current = combo.currentData()
            combo.clear()
            entries = orientation.get(table) or {}
            for key in allowed_for_category(self.data, table, category):
                combo.addItem(localized(entries[key].get("label"), self.ctx.lang), key)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def _show_change(self, shown: bool) -> None:
        self.change_box.setVisible(shown)
        self.change_message.clear()
        if shown:
            self.fill_pickers()
            self.new_category.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm_proposal(self) -> None:
        if self.data is None:
            return
        category, path, destination = proposal(self.data)
        self._confirm(category, path, destination, None, self.decision_message)

    def save_change(self) -> None:
        if self.data is None:
            return
        chosen = (
            self.new_category.currentData(),
            self.new_path.currentData(),
            self.new_destination.currentData(),
        )
        reason = self.change_reason.text().strip()
        if chosen != proposal(self.data) and not reason:
            # Checked here for an immediate answer; the domain checks again on save.
            say(self.change_message, _("Please give the reason for this change."), True)
            self.change_reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._confirm(*chosen, reason or None, self.change_message)

    def _confirm(self, category: int | None, path: str | None, destination: str | None,
                 reason: str | None, where: QLabel) -> None:
        record_id, decisions = self.record_id, self.decisions
        self._save(
            lambda: decisions.confirm(record_id, category=category, path=path,
                                      destination=destination, reason=reason),
            where,
            _("The decision is recorded."),
        )

    def after_save(self) -> None:
        self.change_button.setChecked(False)
        self.change_reason.clear()

    def set_busy(self, busy: bool) -> None:
        self.confirm_button.setEnabled(not busy)
        self.save_change_button.setEnabled(not busy)

    def retranslate(self) -> None:
        self.setTitle(_("Proposed category and orientation"))
        self.category_label.setText(_("Category"))
        self.path_label.setText(_("Path"))
        self.destination_label.setText(_("Referred to"))
        self.confirm_button.setText(_("Confirm the proposal"))
        self.confirm_button.setAccessibleName(_("Confirm the proposal"))
        self.change_button.setText(_("Change…"))
        self.change_button.setAccessibleName(_("Change the proposal"))
        for label, combo, text in (
            (self.new_category_label, self.new_category, _("New category")),
            (self.new_path_label, self.new_path, _("New path")),
            (self.new_destination_label, self.new_destination, _("New destination")),
            (self.change_reason_label, self.change_reason, _("Reason for the change")),
        ):
            label.setText(text)
            combo.setAccessibleName(text)
        self.change_reason.setPlaceholderText(_("Required when the proposal is changed"))
        self.save_change_button.setText(_("Save the change"))
        if self.data is not None:
            self.fill_pickers(keep=True)
            self.render()


class HistoryBox(QGroupBox):
    """Decisions, newest first; dates, names, decisions and reasons whole, wrapped."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.history = QTableWidget(0, 4)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.history.setWordWrap(True)
        self.history.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.history.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.addWidget(self.history)

    def show_data(self, data: ResultData) -> None:
        rows = history_rows(data, self.ctx.lang)
        self.history.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for column, value in enumerate(cells):
                self.history.setItem(i, column, QTableWidgetItem(value))
        self.history.resizeRowsToContents()

    def retranslate(self) -> None:
        self.setTitle(_("Decisions"))
        self.history.setHorizontalHeaderLabels([_("When"), _("By"), _("Decision"), _("Reason")])
        self.history.setAccessibleName(_("History of decisions"))
