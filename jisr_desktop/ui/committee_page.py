"""The provincial committee's list: a province's eligible registrations ranked by score,
every tie explained, the decisions so far, and the count against the province's quota.

The ranking itself is the domain's (`models/committee.py`); this page only shows it.
Double-click (or Enter) on a row opens the woman's result page, where a supervisor
records the committee's decision.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.store.decisions import ACCEPTED
from jisr_desktop.models.workflows.committee import (
    CommitteeList,
    ranking,
)
from jisr_desktop.ui.batch_print import BatchOutcome, BatchPrint
from jisr_desktop.ui.card_preview import can_print
from jisr_desktop.ui.committee_model import COLUMNS, CommitteeModel
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.grid_notice import grid_notice
from jisr_desktop.ui.result_model import fraction
from jisr_desktop.ui.tasks import DECISIONS, RECORDS, Changes

log = logging.getLogger(__name__)

PRINTED = N_("{n} card printed.")  # ngettext's singular; the plural is "{n} cards printed."


class CommitteePage(QWidget):
    openRecord = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: CommitteeList | None = None
        self._shown_once = False
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top())
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.grid_note = QLabel()  # the grid's points are our proposal (issue 12)
        self.grid_note.setWordWrap(True)
        layout.addWidget(self.counts)
        layout.addWidget(self.grid_note)
        layout.addWidget(self.status)
        layout.addWidget(self._build_table(), 1)
        layout.addLayout(self._build_print())
        QWidget.setTabOrder(self.province, self.table)
        QWidget.setTabOrder(self.table, self.print_scope)
        QWidget.setTabOrder(self.print_scope, self.print_button)

        self._fill_provinces()
        ctx.tasks.changed.connect(self._store_changed)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    # -- building -----------------------------------------------------------------------------

    def _build_top(self) -> QVBoxLayout:
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.province_label = QLabel()
        self.province = QComboBox()
        self.province.setMinimumContentsLength(24)
        self.province_label.setBuddy(self.province)
        self.province.currentIndexChanged.connect(lambda _i: self.reload())
        # One ranking per province and category, each with its quota (issue 12).
        self.category_label = QLabel()
        self.category = QComboBox()
        for value in (None, 1, 2):
            self.category.addItem("", value)
        self.category_label.setBuddy(self.category)
        self.category.currentIndexChanged.connect(lambda _i: self.reload())
        self.quota = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.province_label)
        row.addWidget(self.province, 1)
        row.addWidget(self.category_label)
        row.addWidget(self.category)
        row.addStretch(1)
        row.addWidget(self.quota)
        # The committee's session (issue 12): decisions of the day and the minutes.
        self.session_button = QPushButton()
        self.session_button.setObjectName("committeeSession")
        self.session_button.clicked.connect(self.open_session)
        self.session_button.setVisible(self.ctx.account.can_decide)
        row.addWidget(self.session_button)
        top = QVBoxLayout()
        top.addWidget(self.title)
        top.addLayout(row)
        return top

    def _build_table(self) -> QTableView:
        self.model = CommitteeModel(self.ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # Tie notes and decisions whole, wrapped: cut short, they were cut mid-date.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column in ("name", "tie", "decision")
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(i, mode)
        # Double-click and Enter both "activate" a row (the platform's own convention).
        self.table.activated.connect(self._open)
        return self.table

    def _build_print(self) -> QHBoxLayout:
        """Batch printing of the orientation cards. By default the accepted women only: a
        committee's secretary prints after the session, for the women it admitted (a
        waiting list or a refusal sends no one anywhere, so it has no card). "All ranked"
        is there for a centre that hands cards out as the committee decides."""
        self.print_scope = QComboBox()
        self.print_scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.print_scope.addItem("", ACCEPTED)
        self.print_scope.addItem("", "ranked")
        self.print_scope.currentIndexChanged.connect(lambda _i: self._update_print())
        self.print_button = QPushButton()
        self.print_button.setObjectName("printCards")
        self.print_button.clicked.connect(self.print_cards)
        self.print_status = QLabel()
        self.print_status.setWordWrap(True)
        self._print_msg: tuple[str, int] = ("", 0)
        self.batch: BatchPrint | None = None
        can = can_print(self.ctx.account, "orientation")
        for widget in (self.print_scope, self.print_button, self.print_status):
            widget.setVisible(can)
        actions = QHBoxLayout()
        actions.addWidget(self.print_status, 1)
        actions.addWidget(self.print_scope)
        actions.addWidget(self.print_button)
        return actions

    # -- provinces ----------------------------------------------------------------------------

    def _fill_provinces(self) -> None:
        lang = self.ctx.lang
        current = self.province.currentData() or self.ctx.account.province_code
        self.province.blockSignals(True)
        self.province.clear()
        reference = self.ctx.reference
        for region_code in reference.regions:
            for p in reference.provinces_of(region_code):
                self.province.addItem(reference.name("provinces", p.code, lang), p.code)
        index = self.province.findData(current)
        self.province.setCurrentIndex(index if index >= 0 else 0)
        self.province.blockSignals(False)

    def set_province(self, code: str) -> None:
        index = self.province.findData(code)
        if index < 0:
            return
        if index != self.province.currentIndex():
            self.province.setCurrentIndex(index)  # reloads through the signal
        elif self.result is None or self.result.province_code != code:
            self.reload()

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Decisions are taken on the result page: read the list again each time it is shown.
        self.reload()

    def reload(self) -> None:
        code = self.province.currentData()
        if not code:
            return
        repo = self.ctx.repo
        category = self.category.currentData()
        self.status.setText(_("Loading…"))
        self.ctx.tasks.run(  # a newer province's list supersedes this one
            lambda: ranking(repo, code, category), on_done=self._loaded, on_error=self._failed,
            key="committee.list",
        )

    def _store_changed(self, changes: Changes) -> None:
        # A decision or a registration changes the ranking; hidden, the next show reads it.
        if self.isVisible() and changes.touches(RECORDS, DECISIONS):
            self.reload()

    def _loaded(self, result: CommitteeList) -> None:
        self.result = result
        self.model.set_entries(result.entries)
        self._render_counts()

    def _failed(self, error: BaseException) -> None:
        log.error("committee list failed", exc_info=error)
        self.status.setText(_("The list could not be read. Details are in the log file."))

    def _render_counts(self) -> None:
        result = self.result
        lang = self.ctx.lang
        if result is None:
            self.counts.clear()
            self.quota.clear()
            return
        n = format_number
        self.counts.setText(
            _(
                "{ranked} ranked · accepted {accepted} · waiting list {waiting} · "
                "refused {refused} · pending {pending} · not eligible {not_eligible}"
            ).format(
                ranked=n(len(result.entries), lang),
                accepted=n(result.accepted, lang),
                waiting=n(result.waiting, lang),
                refused=n(result.refused, lang),
                pending=n(result.pending, lang),
                not_eligible=n(result.not_eligible, lang),
            )
        )
        if result.quota is None:
            self.quota.setText(
                _("Accepted: {n} (no quota known)").format(n=n(result.accepted, lang))
            )
            self.quota.setStyleSheet("")  # the previous province may have been over quota
        else:
            self.quota.setText(
                _("Accepted / quota: {fraction}").format(
                    fraction=fraction(n(result.accepted, lang), n(result.quota, lang))
                )
            )
            over = result.accepted > result.quota
            self.quota.setStyleSheet("color: #b00020; font-weight: bold;" if over else "")
        self.status.setText("" if result.entries else _("No scored registration in this province."))
        self._update_print()

    # -- printing the cards -----------------------------------------------------------------

    def cards_to_print(self) -> list[str]:
        """Record ids whose cards the batch prints, in the ranking's order (the order the
        committee read them out, so the pile matches the minutes)."""
        if self.result is None:
            return []
        scope = self.print_scope.currentData()
        return [
            e.record_id for e in self.result.entries if scope != ACCEPTED or e.outcome == ACCEPTED
        ]

    def _update_print(self) -> None:
        busy = self.batch is not None
        n = len(self.cards_to_print())
        self.print_button.setEnabled(n > 0 and not busy)
        self.print_scope.setEnabled(not busy)
        self.print_button.setToolTip(
            ngettext("{n} card", "{n} cards", n).format(n=format_number(n, self.ctx.lang))
        )

    def print_cards(self) -> None:
        ids = self.cards_to_print()
        if not ids or self.batch is not None:
            return
        code = self.result.province_code if self.result else "cards"
        self._say_print("", 0)
        self.batch = BatchPrint(self.ctx, self)
        self.batch.finished.connect(self._printed)
        self._update_print()
        self.batch.start(ids, name=f"cards-{code}")

    def _printed(self, outcome: BatchOutcome) -> None:
        self.batch = None
        self._update_print()
        if outcome.cancelled:
            self._say_print(N_("Printing cancelled: no file was kept."), 0)
        elif outcome.pdf is None:
            self._say_print(N_("None of these records has an orientation to print."), 0)
        else:
            self._say_print(PRINTED, outcome.cards)

    def _say_print(self, msgid: str, n: int) -> None:
        self._print_msg = (msgid, n)
        if not msgid:
            text = ""
        elif msgid == PRINTED:
            text = ngettext(PRINTED, "{n} cards printed.", n)
        else:
            text = _(msgid)
        self.print_status.setText(text.format(n=format_number(n, self.ctx.lang)))

    def open_session(self) -> None:
        from jisr_desktop.ui.session_dialog import SessionDialog

        code = self.province.currentData()
        if not code or not self.ctx.account.can_decide:
            return
        self.session_dialog = SessionDialog(self.ctx, code, self.category.currentData(), self)
        self.session_dialog.resize(1200, 680)
        self.session_dialog.finished.connect(lambda _r: self.reload())
        self.session_dialog.show()

    def _open(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if record_id:
            self.openRecord.emit(record_id)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Committee list"))
        self.session_button.setText(_("Committee session…"))
        self.grid_note.setText(grid_notice(self.ctx.defs.grid, self.ctx.lang))
        self.category_label.setText(_("Category"))
        self.category.setItemText(0, _("Both categories"))
        for i in (1, 2):
            number = format_number(i, self.ctx.lang)
            self.category.setItemText(i, _("Category {n}").format(n=number))
        self.province_label.setText(_("Province"))
        self.province.setAccessibleName(_("Province of the committee"))
        self.table.setAccessibleName(_("Registrations ranked by score"))
        self.quota.setToolTip(
            _(
                "Quota: the region's 3,000 places shared by the provinces' populations "
                "(2024 census)."
            )
        )
        self.print_scope.setItemText(0, _("Accepted women"))
        self.print_scope.setItemText(1, _("All ranked women"))
        self.print_scope.setAccessibleName(_("Whose cards to print"))
        self.print_button.setText(_("Print the cards…"))
        self.print_button.setAccessibleName(_("Print the orientation cards"))
        self._say_print(*self._print_msg)
        self._fill_provinces()
        self.model.retranslate()
        self._render_counts()
