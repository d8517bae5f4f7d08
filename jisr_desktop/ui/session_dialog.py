"""A committee session on screen (issue 12): the provincial committee opens its session
(date, place, members present), records its decisions in it, woman by woman down the
ranked list, and saves the session's minutes as PDF in Arabic and in French.

The decisions are the result page's committee box (`committee_box.py`, the same rules and
the same change of category and path), dated the session's day: the minutes list the
decisions of that day (`cards/minutes.py`). Every read and write goes through the task
runner; the minutes are drawn on the print lane.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.cards.minutes import write_minutes
from jisr_desktop.formatting import format_date, format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.store.sessions import SessionInfo, SessionRepository
from jisr_desktop.models.workflows.committee import CommitteeList, ranking
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.committee_box import CommitteeBox
from jisr_desktop.ui.committee_model import CommitteeModel
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate, to_qdate
from jisr_desktop.ui.decision_boxes import say, wrapped_label
from jisr_desktop.ui.result_model import ResultData, load_result

log = logging.getLogger(__name__)

SESSIONS = "sessions"  # the change kind of a session opened (ui/tasks.Changes)
NEW = ""  # the picker's "new session" item


class SessionDialog(QDialog):
    """One province's (and category's) committee session: open it, decide, print."""

    def __init__(self, ctx: AppContext, province_code: str, category: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.province_code, self.category = ctx, province_code, category
        self.session: SessionInfo | None = None
        self.result: CommitteeList | None = None
        self.sessions: dict[str, SessionInfo] = {}
        self.names = CommitteeModel(ctx, self)  # its texts: names and decisions
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_session())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_table())
        self.box = CommitteeBox(ctx)
        self.box.saved.connect(lambda _rid: self._reload())
        self.box.setEnabled(False)
        splitter.addWidget(self.box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 760])  # the box's reason field shows its hint whole
        layout.addWidget(splitter, 1)
        layout.addLayout(self._build_minutes())
        self.retranslate()
        self.box.retranslate()
        self._show_session(None)
        self._load_sessions()

    # -- building -----------------------------------------------------------------------------

    def _build_session(self) -> QGroupBox:
        self.session_box = QGroupBox()
        form = QFormLayout(self.session_box)
        self.picker = QComboBox()
        self.picker.addItem("", NEW)
        self.picker.currentIndexChanged.connect(lambda _i: self._picked())
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDate(QDate.currentDate())
        self.held_on.setMaximumDate(QDate.currentDate())
        self.place = QLineEdit()
        self.members = QPlainTextEdit()
        self.members.setTabChangesFocus(True)
        self.members.setMaximumHeight(70)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_session)
        self.session_message = wrapped_label()
        self.labels = [QLabel() for _i in range(4)]
        for label, widget in zip(self.labels, (self.picker, self.held_on, self.place,
                                               self.members), strict=True):
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.session_message, self.open_button)
        return self.session_box

    def _build_table(self) -> QTableWidget:
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch,
                                       QHeaderView.ResizeMode.ResizeToContents,
                                       QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        self.table.itemSelectionChanged.connect(self._selected)
        return self.table

    def _build_minutes(self) -> QHBoxLayout:
        self.minutes_status = wrapped_label()
        self.minutes_buttons = {lang: QPushButton() for lang in ("ar", "fr")}
        row = QHBoxLayout()
        row.addWidget(self.minutes_status, 1)
        for lang, button in self.minutes_buttons.items():
            button.clicked.connect(lambda _c=False, lg=lang: self.save_minutes(lg))
            row.addWidget(button)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        return row

    # -- the session --------------------------------------------------------------------------

    def _load_sessions(self) -> None:
        store, code = self.ctx.store, self.province_code
        self.ctx.tasks.run(lambda: SessionRepository(store).in_province(code),
                           on_done=self._sessions_loaded, on_error=self._failed,
                           key="session.list")

    def _sessions_loaded(self, sessions: list[SessionInfo]) -> None:
        self.picker.blockSignals(True)
        while self.picker.count() > 1:
            self.picker.removeItem(1)
        self.sessions = {s.id: s for s in sessions if s.category in (None, self.category)}
        for info in self.sessions.values():
            self.picker.addItem(self._session_label(info), info.id)
        index = self.picker.findData(self.session.id) if self.session else 0
        self.picker.setCurrentIndex(max(0, index))
        self.picker.blockSignals(False)

    def _session_label(self, info: SessionInfo) -> str:
        return f"{isolate(format_date(info.held_on, self.ctx.lang))} · {info.place}"

    def _picked(self) -> None:
        self._show_session(self.sessions.get(self.picker.currentData() or NEW))

    def _show_session(self, info: SessionInfo | None) -> None:
        """A session held: its details, read only, and its list; none: the fields to open one."""
        self.session = info
        for widget in (self.held_on, self.place, self.members, self.open_button):
            widget.setEnabled(info is None)
        if info is not None:
            self.held_on.setDate(to_qdate(date.fromisoformat(info.held_on)))
            self.place.setText(info.place)
            self.members.setPlainText("\n".join(info.members))
            self.box.decided_on.setDate(to_qdate(date.fromisoformat(info.held_on)))
        self.box.decided_on.setEnabled(False)  # the session's day, always
        for button in self.minutes_buttons.values():
            button.setEnabled(info is not None)
        self.box.setEnabled(False)
        self._reload()

    def open_session(self) -> None:
        place = self.place.text().strip()
        members = [m.strip() for m in self.members.toPlainText().splitlines() if m.strip()]
        if not place or not members:
            say(self.session_message, _("A session needs its place and the members present "
                                        "(one a line)."), True)
            (self.place if not place else self.members).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        store, code, category = self.ctx.store, self.province_code, self.category
        held_on: date = from_qdate(self.held_on.date())
        self.open_button.setEnabled(False)
        self.ctx.tasks.write(
            lambda: SessionRepository(store).open(code, held_on=held_on, place=place,
                                                  members=members, category=category),
            changes={SESSIONS}, on_done=self._opened, on_error=self._failed)

    def _opened(self, info: SessionInfo) -> None:
        self.sessions[info.id] = info
        self.session = info
        say(self.session_message, _("The session is open: record its decisions below."), False)
        self._load_sessions()
        self._show_session(info)

    def _failed(self, error: BaseException) -> None:
        self.open_button.setEnabled(self.session is None)
        if isinstance(error, PermissionError):
            say(self.session_message,
                _("Only a supervisor may record the committee's decision."), True)
            return
        log.error("committee session failed", exc_info=error)
        say(self.session_message, _("The list could not be read. Details are in the log file."),
            True)

    # -- the list and the decisions -----------------------------------------------------------

    def _reload(self) -> None:
        if self.session is None:
            self.table.setRowCount(0)
            return
        repo, code, category = self.ctx.repo, self.province_code, self.category
        self.ctx.tasks.run(lambda: ranking(repo, code, category), on_done=self._listed,
                           on_error=self._failed, key="session.ranking")

    def _listed(self, result: CommitteeList) -> None:
        self.result = result
        self.names.set_entries(result.entries)
        selected = self.selected_record()
        self.table.setRowCount(len(result.entries))
        for row, entry in enumerate(result.entries):
            texts = (format_number(entry.rank, self.ctx.lang),
                     self.names.text(entry, "name"),
                     format_number(entry.total, self.ctx.lang),
                     self.names.text(entry, "decision"))
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.record_id)
                self.table.setItem(row, column, item)
            if entry.record_id == selected:
                self.table.selectRow(row)
        self.table.resizeRowsToContents()

    def selected_record(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _selected(self) -> None:
        record_id = self.selected_record()
        if record_id is None or record_id == self.box.record_id or self.session is None:
            return
        self.box.reset(record_id)
        self.box.decided_on.setDate(to_qdate(date.fromisoformat(self.session.held_on)))
        ctx = self.ctx
        ctx.tasks.run(lambda: load_result(ctx, record_id), on_done=self._woman,
                      on_error=self._failed, key="session.woman")

    def _woman(self, data: ResultData | None) -> None:
        if data is None or data.record.id != self.box.record_id:
            return
        self.box.show_data(data)

    # -- the minutes --------------------------------------------------------------------------

    def save_minutes(self, lang: str, target: str | None = None) -> None:
        """The session's minutes in `lang` as PDF, where she chooses (`target` in tests)."""
        session = self.session
        if session is None:
            return
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Save the minutes as PDF"),
                str(Path.home() / f"minutes-{session.held_on}-{lang}.pdf"),
                _("PDF documents (*.pdf)"))
            if not target:
                return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        repo = self.ctx.repo
        self.minutes_status.setText(_("Writing the minutes…"))
        self.ctx.tasks.run(lambda: write_minutes(repo, session, target, lang),
                           on_done=lambda _done: self._saved(target),
                           on_error=self._not_saved, lane="print")

    def _saved(self, target: str) -> None:
        say(self.minutes_status, _("Minutes saved: {name}").format(name=Path(target).name),
            False)

    def _not_saved(self, error: BaseException) -> None:
        log.error("minutes not written", exc_info=error)
        say(self.minutes_status, _("The PDF could not be saved."), True)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Committee session"))
        self.session_box.setTitle(_("Committee session"))
        for label, text in zip(self.labels, (_("Session"), _("Date"), _("Place"),
                                             _("Members present")), strict=True):
            label.setText(text)
        self.picker.setItemText(0, _("New session"))
        apply_date_format(self.held_on, self.ctx.lang)
        self.members.setPlaceholderText(_("One member a line, with the body she represents"))
        self.members.setAccessibleName(_("Members present"))
        self.open_button.setText(_("Open the session"))
        self.table.setHorizontalHeaderLabels([_("Rank"), _("Name"), _("Total"),
                                              _("Committee decision")])
        self.table.setAccessibleName(_("Registrations ranked by score"))
        self.minutes_buttons["ar"].setText(_("Minutes in Arabic (PDF)…"))
        self.minutes_buttons["fr"].setText(_("Minutes in French (PDF)…"))
        self.close_button.setText(_("Close"))
