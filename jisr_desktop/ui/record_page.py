"""The woman's record: every answer, in the form's sections (phone, commune... not only
the scored ones), an Edit that opens the form on her record (saving makes a new version),
and the audit trail: who changed what, and when.

`install(window)` adds the page to the main window and wires its ways in and out (from the
list and the result page; Edit; Back), so the window itself needs one line for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date, format_datetime, format_number
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.form import Field, Form, from_definition
from jisr_desktop.models.store.audit import AuditInfo
from jisr_desktop.models.store.repository import RecordDetail
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import ERROR_STYLE, wrapped_label
from jisr_desktop.ui.result_model import ResultData, record_form, title_text
from jisr_desktop.ui.tasks import RECORDS, Changes

log = logging.getLogger(__name__)

ACTIONS = {
    "create": N_("Registered"),
    "update": N_("Corrected"),
    "import": N_("Imported"),
    "decision.confirm": N_("Proposal confirmed"),
    "decision.change": N_("Proposal changed"),
    "decision.committee": N_("Committee decision"),
    "assessment.create": N_("Skills assessment"),
    "assessment.update": N_("Skills assessment corrected"),
    "delivery": N_("Service delivered"),
}
LTR_TYPES = frozenset({"cin", "phone"})


# The record view shows this many of her newest audit entries.
RECORD_TRAIL_LIMIT = 200


@dataclass
class RecordView:
    record: RecordDetail
    form: Form
    trail: list[AuditInfo]


def load_record_view(ctx: AppContext, record_id: str) -> RecordView | None:
    """Runs on the db lane."""
    record = ctx.repo.get(record_id)
    if record is None:
        return None
    definition = record_form(ctx, record)
    trail = ctx.repo.audit_trail(record_id, limit=RECORD_TRAIL_LIMIT)
    return RecordView(record, from_definition(definition), trail)


def value_text(fld: Field | None, value: Any, reference: Any, lang: str) -> str:
    """An answer as the agent reads it: the choice's label, the place's name, a date."""
    if value is None or value == "" or value == []:
        return "—"
    if fld is None:
        return str(value)
    if fld.reference:
        try:
            return reference.name(fld.reference, str(value), lang)
        except KeyError:
            return str(value)
    if fld.type == "date":
        return isolate(format_date(str(value), lang))
    if fld.type == "phone" and str(value).startswith("+212"):
        return isolate_ltr("0" + str(value)[4:])  # as she gives it, not as stored (E.164)
    if fld.type in LTR_TYPES:
        return isolate_ltr(value)
    labels = {str(c.value): localized(c.label, lang) for c in fld.choices}
    values = value if isinstance(value, list) else [value]
    parts = []
    for v in values:
        if str(v) in labels:
            parts.append(labels[str(v)])
        elif isinstance(v, int | float) and not isinstance(v, bool):
            parts.append(format_number(v, lang))
        else:
            parts.append(str(v))
    return ("، " if lang == "ar" else ", ").join(parts)


def section_rows(view: RecordView, reference: Any, lang: str) -> list[tuple[str, list]]:
    """(section title, [(label, value)]) for each section she has answers in."""
    answers = view.record.answers
    out = []
    for section in view.form.sections:
        rows = [
            (localized(f.label, lang), value_text(f, answers.get(f.name), reference, lang))
            for f in section.fields
            # An optional question left empty (a refusal note when she agreed) is noise.
            if f.is_answer and (f.name in answers or f.required is True)
        ]
        if any(f.name in answers for f in section.fields):
            out.append((localized(section.label, lang), rows))
    return out


def trail_rows(view: RecordView, reference: Any, lang: str) -> list[tuple[str, str, str, str]]:
    """When, who, what, which answers changed (before → after), newest first."""
    fields = {f.name: f for f in view.form.fields}
    rows = []
    for entry in view.trail:
        lines = []
        if entry.action != "create":  # a first registration "changes" every answer
            for name, (before, after) in entry.changed.items():
                fld = fields.get(name)
                label = localized(fld.label, lang) if fld else name
                lines.append(
                    _("{field}: {after} (before: {before})").format(
                        field=label,
                        before=value_text(fld, before, reference, lang),
                        after=value_text(fld, after, reference, lang),
                    )
                )
        what = _(ACTIONS[entry.action]) if entry.action in ACTIONS else entry.action
        rows.append(
            (isolate(format_datetime(entry.at, lang)), isolate(entry.agent), what,
             "\n".join(lines))
        )
    return rows


class RecordPage(QWidget):
    edit = Signal(str)  # open the form on her record
    showResult = Signal(str)
    back = Signal()
    loaded = Signal(str)  # her record is on screen (the programme's buttons follow it)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id: str | None = None
        self.view: RecordView | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top())
        # The programme's steps after orientation put their buttons here
        # (ui/programme_actions.py), as the role table allows.
        self.programme_row = QHBoxLayout()
        layout.addLayout(self.programme_row)
        self.message = wrapped_label()
        layout.addWidget(self.message)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        self.trail_box = QGroupBox()
        self.trail = self._trail_table()
        QVBoxLayout(self.trail_box).addWidget(self.trail)
        ctx.tasks.changed.connect(self._store_changed)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    def _build_top(self) -> QHBoxLayout:
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.back)
        self.title = wrapped_label()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editRecord")
        self.edit_button.clicked.connect(lambda: self._emit(self.edit))
        self.edit_button.setVisible(self.ctx.account.can_enrol)
        self.result_button = QPushButton()
        self.result_button.clicked.connect(lambda: self._emit(self.showResult))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.edit_button)
        top.addWidget(self.result_button)
        return top

    @staticmethod
    def _trail_table() -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setWordWrap(True)
        table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(160)
        return table

    # -- loading ------------------------------------------------------------------------------

    def show_record(self, record_id: str) -> None:
        self.record_id = record_id
        self.message.setText(_("Loading…"))
        self.message.setStyleSheet("")
        ctx = self.ctx
        ctx.tasks.run(lambda: load_record_view(ctx, record_id), on_done=self._loaded,
                      on_error=self._failed, key="record.view")

    def _store_changed(self, changes: Changes) -> None:
        if self.record_id and changes.touches(RECORDS) and (
            not changes.record_ids or self.record_id in changes.record_ids
        ):
            self.show_record(self.record_id)

    def _loaded(self, view: RecordView | None) -> None:
        self.view = view
        if view is None:
            self.message.setText(_("This record no longer exists."))
            self.message.setStyleSheet(ERROR_STYLE)
            return
        self.message.clear()
        self._render()
        self.loaded.emit(view.record.id)

    def _failed(self, error: BaseException) -> None:
        log.error("record view: load failed", exc_info=error)
        self.message.setText(_("The record could not be read. Details are in the log file."))
        self.message.setStyleSheet(ERROR_STYLE)

    def _render(self) -> None:
        view, lang, reference = self.view, self.ctx.lang, self.ctx.reference
        if view is None:
            return
        self.title.setText(title_text(ResultData(view.record, None, None, None), lang))
        self.trail_box.setParent(None)  # kept across renders: moved to the new holder
        holder = QWidget()
        column = QVBoxLayout(holder)
        self.section_boxes: dict[str, QGroupBox] = {}
        for title, rows in section_rows(view, reference, lang):
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            for label, value in rows:
                # Not wrapped: a long question then puts its answer on the next line
                # (WrapLongRows) rather than squeezing both into a narrow column.
                question = QLabel(label)
                shown = wrapped_label()
                shown.setText(value)
                # Aligned with the page, not with the text: an Arabic name on a French
                # page stays beside its label instead of running to the far edge.
                shown.setAlignment(self._value_alignment())
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(question, shown)
            column.addWidget(box)
            self.section_boxes[title] = box
        column.addWidget(self.trail_box)
        column.addStretch(1)
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll.setWidget(holder)
        rows = trail_rows(view, reference, lang)
        self.trail.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                self.trail.setItem(i, j, QTableWidgetItem(text))
        self.trail.resizeRowsToContents()

    def _value_alignment(self) -> Qt.AlignmentFlag:
        side = Qt.AlignmentFlag.AlignRight if self.ctx.lang == "ar" else Qt.AlignmentFlag.AlignLeft
        return Qt.AlignmentFlag.AlignAbsolute | side | Qt.AlignmentFlag.AlignVCenter

    def _emit(self, signal: Signal) -> None:
        if self.record_id:
            signal.emit(self.record_id)

    def retranslate(self) -> None:
        # The style's back arrow points the way of the language (right in Arabic); the
        # style picks it from the direction at the time of asking, so ask again here.
        self.back_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.back_button.setText(_("Back"))
        self.edit_button.setText(_("Edit…"))
        self.edit_button.setAccessibleName(_("Correct her answers"))
        self.result_button.setText(_("Score and decisions"))
        self.trail_box.setTitle(_("Changes: who, when, what"))
        self.trail.setHorizontalHeaderLabels(
            [_("When"), _("By"), _("What"), _("Answers changed")]
        )
        self.trail.setAccessibleName(_("History of changes to this record"))
        if self.view is not None:
            self._render()


def install(window: Any) -> RecordPage:
    """Add the record view to the main window and wire the ways in and out: the list's
    and the result page's "her record", Edit, Back, and the assessment's way back."""
    page = RecordPage(window.ctx)
    window.stack.addWidget(page)
    came_from: list[QWidget] = [window.beneficiaries]

    def open_answers(record_id: str) -> None:
        came_from[0] = window.stack.currentWidget()
        page.show_record(record_id)
        window.show_page(page)

    def edit(record_id: str) -> None:
        window.registration.edit(record_id)
        window.show_page(window.registration)

    window.result.showAnswers.connect(open_answers)
    window.result.editRecord.connect(edit)
    window.result.back.connect(lambda: window.show_page(window.beneficiaries))
    window.beneficiaries.openAnswers.connect(open_answers)
    window.assessment.openRecord.connect(window.open_record)
    page.edit.connect(edit)
    page.showResult.connect(window.open_record)
    page.back.connect(lambda: window.show_page(came_from[0]))
    return page
