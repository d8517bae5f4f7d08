"""The result of a registration: the score explained criterion by criterion, eligibility,
the proposed category and orientation, the agent's confirmation or change (a change needs
a reason), the history of decisions, and, for a supervisor, the committee's decision.

Labels and rationales are read from the definition versions the record names, not from
the active ones: a woman scored under grid version 1 is explained with version 1's words.
Everything is loaded and saved through `ctx.tasks`; the widgets only show plain data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.cards.for_record import has_orientation
from jisr_desktop.formatting import format_date, format_datetime, format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.store.decisions import (
    ACCEPTED,
    AGENT_CONFIRMATION,
    COMMITTEE,
    REFUSED,
    WAITING_LIST,
    DecisionInfo,
    DecisionRepository,
    ReasonRequired,
)
from jisr_desktop.models.store.repository import RecordDetail
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.card_preview import CardPreviewDialog, can_print, open_card_preview
from jisr_desktop.ui.committee_page import outcome_text
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.grid_notice import grid_notice

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b00020;"
DONE_STYLE = "color: #1b5e20;"


@dataclass
class ResultData:
    """Everything the page shows, read on the worker in one go."""

    record: RecordDetail
    grid: Definition | None
    orientation: Definition | None
    form: Definition | None
    history: list[DecisionInfo] = field(default_factory=list)


def load_result(ctx: AppContext, record_id: str) -> ResultData | None:
    """Runs on the db lane: the record, the definition versions it names, its decisions."""
    repo = ctx.repo
    record = repo.get(record_id)
    if record is None:
        return None
    versions = (record.evaluation or {}).get("versions") or {}

    def named(kind: str, fallback: Definition) -> Definition | None:
        v = versions.get(kind)
        if not v:
            return fallback
        if (v.get("id"), v.get("version")) == (fallback.id, fallback.version):
            return fallback  # the active one: no need to parse it again
        return repo.definition(v["id"], int(v["version"])) or fallback

    form = (
        ctx.defs.form
        if (record.form_id, record.form_version) == (ctx.defs.form.id, ctx.defs.form.version)
        else repo.definition(record.form_id, record.form_version)
    )
    return ResultData(
        record=record,
        grid=named("grid", ctx.defs.grid),
        orientation=named("orientation", ctx.defs.orientation),
        form=form,
        history=DecisionRepository(ctx.store).history(record_id),
    )


def _form_fields(form: Definition | None) -> dict[str, Mapping[str, Any]]:
    if form is None:
        return {}
    return {f["name"]: f for s in form.data.get("sections") or () for f in s.get("fields") or ()}


def answer_text(form: Definition | None, field_name: str | None, answer: Any, lang: str) -> str:
    """Her answer as she would read it: the choice's label, a formatted number."""
    if field_name is None:
        return ""
    if answer is None or answer == "" or answer == []:
        return "—"
    fld = _form_fields(form).get(field_name) or {}
    choices = (form.data.get("choices") or {}).get(fld.get("choices") or "", ()) if form else ()
    labels = {str(c["value"]): localized(c.get("label"), lang) for c in choices}
    values = answer if isinstance(answer, list) else [answer]
    parts = []
    for value in values:
        if str(value) in labels:
            parts.append(labels[str(value)])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            parts.append(format_number(value, lang))
        else:
            parts.append(str(value))
    return "، ".join(parts) if lang == "ar" else ", ".join(parts)


def criterion_maximum(raw: Mapping[str, Any]) -> float:
    if "bands" in raw:
        return max((b.get("points", 0) for b in raw["bands"]), default=0)
    points = raw.get("points", 0)
    if isinstance(points, Mapping):
        return max(points.values(), default=0)
    return points


class ResultPage(QWidget):
    openRecord = Signal(str)
    assess = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.decisions = DecisionRepository(ctx.store)
        self.data: ResultData | None = None
        self.record_id: str | None = None
        self._generation = 0
        self._build()
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.message = QLabel()  # load errors, "not found"
        self.message.setWordWrap(True)

        # Score and its explanation.
        self.score_box = QGroupBox()
        self.total = QLabel()
        total_font = self.total.font()
        total_font.setPointSize(total_font.pointSize() + 2)
        total_font.setBold(True)
        self.total.setFont(total_font)
        self.criteria = QTreeWidget()
        self.criteria.setColumnCount(4)
        self.criteria.setRootIsDecorated(False)
        self.criteria.setWordWrap(True)
        self.criteria.setUniformRowHeights(False)
        self.criteria.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.criteria.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.criteria.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.criteria.setMinimumHeight(260)
        self.eligibility = QLabel()
        self.grid_note = QLabel()  # the grid's points are our proposal (issue 12)
        self.grid_note.setWordWrap(True)
        self.eligibility.setWordWrap(True)
        score_layout = QVBoxLayout(self.score_box)
        score_layout.addWidget(self.total)
        score_layout.addWidget(self.grid_note)
        score_layout.addWidget(self.criteria)
        score_layout.addWidget(self.eligibility)

        # The proposal, and the agent's confirmation or change of it.
        self.proposal_box = QGroupBox()
        self.proposal_form = QFormLayout()
        self.category_label = QLabel()
        self.category_value = QLabel()
        self.category_value.setWordWrap(True)
        self.path_label = QLabel()
        self.path_value = QLabel()
        self.path_value.setWordWrap(True)
        self.destination_label = QLabel()
        self.destination_value = QLabel()
        self.destination_value.setWordWrap(True)
        self.proposal_form.addRow(self.category_label, self.category_value)
        self.proposal_form.addRow(self.path_label, self.path_value)
        self.proposal_form.addRow(self.destination_label, self.destination_value)
        self.in_force = QLabel()
        self.in_force.setWordWrap(True)
        self.confirm_button = QPushButton()
        self.confirm_button.clicked.connect(self.confirm_proposal)
        self.change_button = QPushButton()
        self.change_button.setCheckable(True)
        self.change_button.toggled.connect(self._show_change)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.change_button)
        buttons.addStretch(1)

        self.change_box = QWidget()
        change_form = QFormLayout(self.change_box)
        change_form.setContentsMargins(0, 0, 0, 0)
        self.new_category = QComboBox()
        self.new_path = QComboBox()
        self.new_destination = QComboBox()
        self.change_reason = QLineEdit()
        self.new_category_label = QLabel()
        self.new_path_label = QLabel()
        self.new_destination_label = QLabel()
        self.change_reason_label = QLabel()
        for label, widget in (
            (self.new_category_label, self.new_category),
            (self.new_path_label, self.new_path),
            (self.new_destination_label, self.new_destination),
            (self.change_reason_label, self.change_reason),
        ):
            label.setBuddy(widget)
            change_form.addRow(label, widget)
        self.save_change_button = QPushButton()
        self.save_change_button.clicked.connect(self.save_change)
        self.change_message = QLabel()
        self.change_message.setWordWrap(True)
        change_form.addRow(self.change_message, self.save_change_button)
        self.change_box.setVisible(False)
        self.decision_message = QLabel()
        self.decision_message.setWordWrap(True)

        proposal_layout = QVBoxLayout(self.proposal_box)
        proposal_layout.addLayout(self.proposal_form)
        proposal_layout.addWidget(self.in_force)
        proposal_layout.addLayout(buttons)
        proposal_layout.addWidget(self.change_box)
        proposal_layout.addWidget(self.decision_message)

        # The committee's decision: a supervisor's act, hidden from everyone else.
        self.committee_box = QGroupBox()
        committee_form = QFormLayout(self.committee_box)
        self.outcome = QComboBox()
        self.decided_on = QDateEdit()
        self.decided_on.setCalendarPopup(True)
        self.decided_on.setDisplayFormat("yyyy-MM-dd")
        self.decided_on.setDate(QDate.currentDate())
        self.decided_on.setMaximumDate(QDate.currentDate())
        self.committee_reason = QLineEdit()
        self.outcome_label = QLabel()
        self.decided_on_label = QLabel()
        self.committee_reason_label = QLabel()
        for label, widget in (
            (self.outcome_label, self.outcome),
            (self.decided_on_label, self.decided_on),
            (self.committee_reason_label, self.committee_reason),
        ):
            label.setBuddy(widget)
            committee_form.addRow(label, widget)
        self.committee_button = QPushButton()
        self.committee_button.clicked.connect(self.record_committee_decision)
        self.committee_message = QLabel()
        self.committee_message.setWordWrap(True)
        committee_form.addRow(self.committee_message, self.committee_button)
        self.committee_box.setVisible(self.ctx.account.can_decide)

        # History of decisions, newest first.
        self.history_box = QGroupBox()
        self.history = QTableWidget(0, 4)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.verticalHeader().setVisible(False)
        self.history.setWordWrap(True)
        hh = self.history.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.history.setMinimumHeight(120)
        history_layout = QVBoxLayout(self.history_box)
        history_layout.addWidget(self.history)

        self.assess_button = QPushButton()
        self.assess_button.clicked.connect(self._assess)
        self.assess_button.setVisible(self.ctx.account.can_assess)
        self.print_button = QPushButton()
        self.print_button.setObjectName("orientationCard")
        self.print_button.clicked.connect(self._print)
        self.print_button.setVisible(False)  # shown once an eligible record is loaded
        self.card_dialog: CardPreviewDialog | None = None
        actions = QHBoxLayout()
        actions.addWidget(self.assess_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(self.score_box, 1)
        right = QVBoxLayout()
        right.addWidget(self.proposal_box)
        right.addWidget(self.committee_box)
        right.addWidget(self.history_box, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.title)
        body_layout.addWidget(self.subtitle)
        body_layout.addWidget(self.message)
        body_layout.addLayout(columns, 1)
        body_layout.addLayout(actions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        chain = [
            self.confirm_button,
            self.change_button,
            self.new_category,
            self.new_path,
            self.new_destination,
            self.change_reason,
            self.save_change_button,
            self.outcome,
            self.decided_on,
            self.committee_reason,
            self.committee_button,
            self.history,
            self.assess_button,
            self.print_button,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._set_loaded(False)

    # -- loading ------------------------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        """Show a record (the load runs on the db lane; the page fills in when it is back)."""
        self._generation += 1
        generation = self._generation
        self.record_id = record_id
        self.data = None
        self._clear_messages()
        self.change_button.setChecked(False)
        self.change_reason.clear()
        self.committee_reason.clear()
        self._set_loaded(False)
        self.message.setText(_("Loading…"))
        ctx = self.ctx
        self.ctx.tasks.run(
            lambda: load_result(ctx, record_id),
            on_done=lambda data: self._loaded(generation, data),
            on_error=lambda error: self._load_failed(generation, error),
        )

    def reload(self) -> None:
        if self.record_id:
            self.show_record(self.record_id)

    def _loaded(self, generation: int, data: ResultData | None) -> None:
        if generation != self._generation:
            return  # another record was asked for meanwhile
        self.data = data
        if data is None:
            self.message.setText(_("This record no longer exists."))
            self.message.setStyleSheet(ERROR_STYLE)
            return
        self.message.clear()
        self.message.setStyleSheet("")
        self._set_loaded(True)
        self._fill_pickers()
        self._render()

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        log.error("result page: load failed", exc_info=error)
        self.message.setText(_("The record could not be read. Details are in the log file."))
        self.message.setStyleSheet(ERROR_STYLE)

    def _set_loaded(self, loaded: bool) -> None:
        for box in (self.score_box, self.proposal_box, self.history_box):
            box.setVisible(loaded)
        self.committee_box.setVisible(loaded and self.ctx.account.can_decide)
        self.assess_button.setVisible(loaded and self.ctx.account.can_assess)
        # The orientation card: for a record with an orientation (scored, eligible), and
        # for those who hand it to her (the enrolling agent, a supervisor).
        record = self.data.record if loaded and self.data else None
        self.print_button.setVisible(
            record is not None
            and has_orientation(record)
            and can_print(self.ctx.account, "orientation")
        )

    # -- rendering ----------------------------------------------------------------------------

    def _render(self) -> None:
        data = self.data
        if data is None:
            return
        lang = self.ctx.lang
        record = data.record
        answers = record.answers
        name_ar = " ".join(
            p for p in (answers.get("first_name_ar"), answers.get("last_name_ar")) if p
        )
        name_lat = " ".join(
            p for p in (answers.get("first_name_lat"), answers.get("last_name_lat")) if p
        )
        names = [isolate(n) for n in ((name_ar, name_lat) if lang == "ar" else (name_lat, name_ar))]
        self.title.setText(" — ".join(n for n in names if n.strip("\u2068\u2069")) or "—")
        parts = []
        if answers.get("cin"):
            parts.append(_("CIN {cin}").format(cin=isolate_ltr(answers["cin"])))
        if answers.get("province"):
            try:
                province = self.ctx.reference.name("provinces", answers.get("province"), lang)
            except KeyError:
                province = str(answers.get("province"))
            parts.append(isolate(province))
        parts.append(
            _("Registered on {date}").format(date=isolate(format_date(record.created_at, lang)))
        )
        self.subtitle.setText(" · ".join(parts))
        self._render_score(data, lang)
        self._render_proposal(data, lang)
        self._render_history(data, lang)

    def _render_score(self, data: ResultData, lang: str) -> None:
        evaluation = data.record.evaluation
        self.criteria.clear()
        if data.record.status == "refused_consent" or not evaluation:
            self.total.setText(_("No score: the woman did not consent to registration."))
            self.eligibility.setText("")
            self.criteria.setVisible(False)
            return
        self.criteria.setVisible(True)
        self.grid_note.setText(grid_notice(data.grid, lang))
        grid = data.grid.data if data.grid else {}
        raw_criteria = {c["id"]: c for c in grid.get("criteria") or ()}
        points = evaluation.get("points") or {}
        subtotals = evaluation.get("subtotals") or {}
        maximum = sum(criterion_maximum(c) for c in raw_criteria.values())
        self.total.setText(
            _("Total score: {total} out of {maximum}").format(
                total=format_number(evaluation.get("total", 0), lang),
                maximum=format_number(maximum, lang),
            )
        )
        bold = self.criteria.font()
        bold.setBold(True)
        for group in grid.get("groups") or ():
            members = [c for c in raw_criteria.values() if c.get("group") == group["id"]]
            top = QTreeWidgetItem(
                [
                    localized(group.get("label"), lang),
                    "",
                    _("{points} / {maximum}").format(
                        points=format_number(subtotals.get(group["id"], 0), lang),
                        maximum=format_number(sum(criterion_maximum(c) for c in members), lang),
                    ),
                    "",
                ]
            )
            for column in range(4):
                top.setFont(column, bold)
            top.setFirstColumnSpanned(False)
            self.criteria.addTopLevelItem(top)
            for raw in members:
                field_name = raw.get("field")
                answer = answer_text(
                    data.form, field_name, data.record.answers.get(field_name), lang
                )
                if field_name is None:
                    answer = _("yes") if points.get(raw["id"], 0) else _("no")
                rationale = localized(raw.get("rationale"), lang)
                item = QTreeWidgetItem(
                    [
                        "    " + localized(raw.get("label"), lang),
                        answer,
                        format_number(points.get(raw["id"], 0), lang),
                        rationale,
                    ]
                )
                item.setToolTip(3, rationale)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
                self.criteria.addTopLevelItem(item)
            top.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
        reasons = {r["id"]: r.get("reason") for r in grid.get("eligibility") or ()}
        if evaluation.get("eligible"):
            self.eligibility.setText(_("Eligible: no exclusion rule applies."))
            self.eligibility.setStyleSheet(DONE_STYLE)
        else:
            lines = [
                "• " + (localized(reasons.get(rid), lang) or rid)
                for rid in evaluation.get("not_eligible") or ()
            ]
            self.eligibility.setText("\n".join([_("Not eligible:"), *lines]))
            self.eligibility.setStyleSheet(ERROR_STYLE)

    def _category_text(self, category: int | None, lang: str) -> str:
        if category is None:
            return _("None (not eligible)")
        grid = self.data.grid.data if self.data and self.data.grid else {}
        for rule in grid.get("classification") or ():
            if rule.get("category") == category and rule.get("label"):
                return localized(rule["label"], lang)
        return _("Category {n}").format(n=format_number(category, lang))

    def _orientation_label(self, table: str, key: str | None, lang: str) -> str:
        if not key:
            return "—"
        data = self.data.orientation.data if self.data and self.data.orientation else {}
        entry = (data.get(table) or {}).get(key)
        return localized(entry.get("label"), lang) if entry else key

    def _proposal(self) -> tuple[int | None, str | None, str | None]:
        record = self.data.record
        orientation = (record.evaluation or {}).get("orientation") or {}
        return record.category, orientation.get("path"), orientation.get("destination")

    def _render_proposal(self, data: ResultData, lang: str) -> None:
        category, path, destination = self._proposal()
        self.category_value.setText(self._category_text(category, lang))
        self.path_value.setText(self._orientation_label("paths", path, lang))
        self.destination_value.setText(self._orientation_label("destinations", destination, lang))
        scored = data.record.status == "registered" and bool(data.record.evaluation)
        can_confirm = scored and category is not None
        self.confirm_button.setEnabled(can_confirm)
        self.change_button.setEnabled(can_confirm)
        if not can_confirm:
            self.change_button.setChecked(False)
        self.committee_box.setEnabled(scored)
        latest = next((d for d in reversed(data.history) if d.kind == AGENT_CONFIRMATION), None)
        if latest is None:
            self.in_force.setText(_("The agent has not yet confirmed this proposal."))
        else:
            self.in_force.setText(
                _("In force: {decision}").format(decision=self._decision_text(latest, lang))
            )

    def _decision_text(self, d: DecisionInfo, lang: str) -> str:
        if d.kind == COMMITTEE:
            return _("Committee: {outcome}, on {date}").format(
                outcome=self._outcome_text(d.outcome),
                date=isolate(format_date(d.decided_on, lang)),
            )
        chosen = (d.category, d.path, d.destination)
        what = " · ".join(
            (
                self._category_text(d.category, lang),
                self._orientation_label("paths", d.path, lang),
                self._orientation_label("destinations", d.destination, lang),
            )
        )
        if self.data and chosen == self._proposal():
            return _("Proposal confirmed: {what}").format(what=what)
        return _("Proposal changed: {what}").format(what=what)

    @staticmethod
    def _outcome_text(outcome: str | None) -> str:
        return {
            ACCEPTED: _("accepted"),
            WAITING_LIST: _("waiting list"),
            REFUSED: _("refused"),
        }.get(outcome or "", outcome or "")

    def _render_history(self, data: ResultData, lang: str) -> None:
        rows = list(reversed(data.history))
        self.history.setRowCount(len(rows))
        for i, d in enumerate(rows):
            cells = (
                format_datetime(d.at, lang),
                isolate(d.agent),
                self._decision_text(d, lang),
                d.reason or "",
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.history.setItem(i, column, item)
        self.history.resizeRowsToContents()

    def _fill_pickers(self, keep: bool = False) -> None:
        """The change pickers offer what the record's definitions allow, set to the
        proposal, so the agent changes only what she means to (`keep`: to what she picked,
        when only the language changed)."""
        lang = self.ctx.lang
        category, path, destination = self._proposal() if self.data else (None, None, None)
        if keep and self.new_category.count():
            category = self.new_category.currentData()
            path = self.new_path.currentData()
            destination = self.new_destination.currentData()
        grid = self.data.grid.data if self.data and self.data.grid else {}
        orientation = self.data.orientation.data if self.data and self.data.orientation else {}
        self.new_category.blockSignals(True)
        self.new_category.clear()
        for rule in grid.get("classification") or ():
            self.new_category.addItem(self._category_text(rule["category"], lang), rule["category"])
        self.new_category.setCurrentIndex(max(0, self.new_category.findData(category)))
        self.new_category.blockSignals(False)
        for combo, table, current in (
            (self.new_path, "paths", path),
            (self.new_destination, "destinations", destination),
        ):
            combo.clear()
            for key, entry in (orientation.get(table) or {}).items():
                combo.addItem(localized(entry.get("label"), lang), key)
            combo.setCurrentIndex(max(0, combo.findData(current)))

    # -- actions ------------------------------------------------------------------------------

    def _show_change(self, shown: bool) -> None:
        self.change_box.setVisible(shown)
        self.change_message.clear()
        if shown:
            self._fill_pickers()
            self.new_category.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirm_proposal(self) -> None:
        if self.data is None:
            return
        category, path, destination = self._proposal()
        self._save_confirmation(category, path, destination, None, self.decision_message)

    def save_change(self) -> None:
        if self.data is None:
            return
        chosen = (
            self.new_category.currentData(),
            self.new_path.currentData(),
            self.new_destination.currentData(),
        )
        reason = self.change_reason.text().strip()
        if chosen != self._proposal() and not reason:
            # Checked here for an immediate answer; the domain checks again on save.
            self._say(self.change_message, _("Please give the reason for this change."), True)
            self.change_reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._save_confirmation(*chosen, reason or None, self.change_message)

    def _save_confirmation(
        self,
        category: int | None,
        path: str | None,
        destination: str | None,
        reason: str | None,
        where: QLabel,
    ) -> None:
        record_id = self.record_id
        decisions = self.decisions
        self._busy(True)

        def done(_info: DecisionInfo) -> None:
            self._busy(False)
            if self.record_id != record_id:
                return  # saved; she has opened another woman's record meanwhile
            self.change_button.setChecked(False)
            self.change_reason.clear()
            self.reload()
            self._say(self.decision_message, _("The decision is recorded."), False)

        self.ctx.tasks.run(
            lambda: decisions.confirm(
                record_id, category=category, path=path, destination=destination, reason=reason
            ),
            on_done=done,
            on_error=lambda error: self._save_failed(error, where, record_id),
        )

    def record_committee_decision(self) -> None:
        if self.data is None or not self.ctx.account.can_decide:
            return
        outcome = self.outcome.currentData()
        reason = self.committee_reason.text().strip()
        if outcome in (WAITING_LIST, REFUSED) and not reason:
            self._say(
                self.committee_message,
                _("A waiting list or a refusal needs its reason."),
                True,
            )
            self.committee_reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        record_id = self.record_id
        decided_on = self.decided_on.date().toString("yyyy-MM-dd")
        decisions = self.decisions
        self._busy(True)

        def done(_info: DecisionInfo) -> None:
            self._busy(False)
            if self.record_id != record_id:
                return  # saved; she has opened another woman's record meanwhile
            self.committee_reason.clear()
            self.reload()
            self._say(self.committee_message, _("The committee's decision is recorded."), False)

        self.ctx.tasks.run(
            lambda: decisions.committee_decide(
                record_id, outcome=outcome, decided_on=decided_on, reason=reason or None
            ),
            on_done=done,
            on_error=lambda error: self._save_failed(error, self.committee_message, record_id),
        )

    def _save_failed(self, error: BaseException, where: QLabel, record_id: str | None) -> None:
        self._busy(False)
        if self.record_id != record_id:
            # The page shows another record now: a message next to its fields would be
            # read as being about her, so only the dialog (and the log) tell.
            show_error(self, _("The decision could not be saved."), error)
        elif isinstance(error, ReasonRequired):
            self._say(where, _("Please give the reason for this change."), True)
        elif isinstance(error, PermissionError):
            self._say(where, _("Only a supervisor may record the committee's decision."), True)
        else:
            show_error(self, _("The decision could not be saved."), error)

    def _busy(self, busy: bool) -> None:
        for button in (self.confirm_button, self.save_change_button, self.committee_button):
            button.setEnabled(not busy)

    @staticmethod
    def _say(label: QLabel, text: str, error: bool) -> None:
        label.setText(text)
        label.setStyleSheet(ERROR_STYLE if error else DONE_STYLE)

    def _clear_messages(self) -> None:
        for label in (self.change_message, self.decision_message, self.committee_message):
            label.clear()

    def _assess(self) -> None:
        if self.record_id:
            self.assess.emit(self.record_id)

    def _print(self) -> None:
        if not self.record_id:
            return
        self.card_dialog = open_card_preview(self.ctx, self.record_id, "orientation", self)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.score_box.setTitle(_("Score"))
        self.criteria.setHeaderLabels([_("Criterion"), _("Her answer"), _("Points"), _("Why")])
        self.criteria.setAccessibleName(_("Score explained by criterion"))
        self.proposal_box.setTitle(_("Proposed category and orientation"))
        self.category_label.setText(_("Category"))
        self.path_label.setText(_("Path"))
        self.destination_label.setText(_("Referred to"))
        self.confirm_button.setText(_("Confirm the proposal"))
        self.confirm_button.setAccessibleName(_("Confirm the proposal"))
        self.change_button.setText(_("Change…"))
        self.change_button.setAccessibleName(_("Change the proposal"))
        self.new_category_label.setText(_("New category"))
        self.new_path_label.setText(_("New path"))
        self.new_destination_label.setText(_("New destination"))
        self.change_reason_label.setText(_("Reason for the change"))
        self.new_category.setAccessibleName(_("New category"))
        self.new_path.setAccessibleName(_("New path"))
        self.new_destination.setAccessibleName(_("New destination"))
        self.change_reason.setAccessibleName(_("Reason for the change"))
        self.change_reason.setPlaceholderText(_("Required when the proposal is changed"))
        self.save_change_button.setText(_("Save the change"))
        self.committee_box.setTitle(_("Committee decision"))
        self.outcome_label.setText(_("Decision"))
        self.decided_on_label.setText(_("Date"))
        self.committee_reason_label.setText(_("Reason"))
        self.outcome.setAccessibleName(_("Committee decision"))
        self.decided_on.setAccessibleName(_("Date of the committee decision"))
        self.committee_reason.setAccessibleName(_("Reason for the committee decision"))
        self.committee_reason.setPlaceholderText(_("Required for a waiting list or a refusal"))
        current = self.outcome.currentData()
        self.outcome.clear()
        for value in (ACCEPTED, WAITING_LIST, REFUSED):
            self.outcome.addItem(outcome_text(value), value)
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(current)))
        self.committee_button.setText(_("Record the decision"))
        self.history_box.setTitle(_("Decisions"))
        self.history.setHorizontalHeaderLabels([_("When"), _("By"), _("Decision"), _("Reason")])
        self.history.setAccessibleName(_("History of decisions"))
        self.assess_button.setText(_("Skills assessment"))
        self.print_button.setText(_("Orientation card…"))
        self.print_button.setAccessibleName(_("Preview and print the orientation card"))
        if self.data is not None:
            self._fill_pickers(keep=True)
            self._render()
