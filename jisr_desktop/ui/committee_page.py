"""The provincial committee's list: a province's eligible registrations ranked by score,
every tie explained, the decisions so far, and the count against the province's quota.

The ranking itself is the domain's (`models/committee.py`); this page only shows it.
Double-click (or Enter) on a row opens the woman's result page, where a supervisor
records the committee's decision.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
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

from jisr_desktop.formatting import format_date, format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.store.decisions import ACCEPTED, REFUSED, WAITING_LIST
from jisr_desktop.models.workflows.committee import (
    BY_REGISTRATION_DATE,
    NO_TIE,
    TIED,
    CommitteeEntry,
    CommitteeList,
    ranking,
)
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.batch_print import BatchOutcome, BatchPrint
from jisr_desktop.ui.card_preview import can_print
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.grid_notice import grid_notice

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
PRINTED = N_("{n} card printed.")  # ngettext's singular; the plural is "{n} cards printed."
COLUMNS = ("rank", "name", "total", "vulnerability", "readiness", "tie", "decision")
NUMERIC = {"rank", "total", "vulnerability", "readiness"}


def outcome_text(outcome: str | None) -> str:
    return {
        ACCEPTED: _("Accepted"),
        WAITING_LIST: _("Waiting list"),
        REFUSED: _("Refused"),
    }.get(outcome or "", _("Pending"))


class CommitteeModel(QAbstractTableModel):
    """Rows of `CommitteeEntry` (plain data); texts are made in the current language."""

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[CommitteeEntry] = []
        self.group_labels: dict[str, dict[str, str]] = {}

    def set_entries(self, entries: list[CommitteeEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        groups = self.ctx.defs.grid.data.get("groups") or ()
        self.group_labels = {g["id"]: g.get("label") or {} for g in groups}
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.entries) - 1, len(COLUMNS) - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            "rank": _("Rank"),
            "name": _("Name"),
            "total": _("Total"),
            "vulnerability": _("Vulnerability"),
            "readiness": _("Readiness"),
            "tie": _("Tie"),
            "decision": _("Committee decision"),
        }[COLUMNS[section]]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.entries):
            return None
        entry = self.entries[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "name":
                parts = [isolate(n) for n in (entry.name_ar, entry.name_lat) if n]
                if entry.cin:
                    parts.append(_("CIN {cin}").format(cin=isolate_ltr(entry.cin)))
                return "\n".join(parts)
            if column == "decision" and entry.decision and entry.decision.reason:
                return entry.decision.reason
            return self._text(entry, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return entry.record_id
        return None

    def _text(self, entry: CommitteeEntry, column: str) -> str:
        lang = self.ctx.lang
        if column == "rank":
            return format_number(entry.rank, lang)
        if column == "name":
            first, second = (
                (entry.name_ar, entry.name_lat) if lang == "ar" else (entry.name_lat, entry.name_ar)
            )
            return first or second
        if column == "total":
            return format_number(entry.total, lang)
        if column == "vulnerability":
            return format_number(entry.vulnerability, lang)
        if column == "readiness":
            return format_number(entry.readiness, lang)
        if column == "tie":
            return self.tie_text(entry)
        decision = entry.decision
        if decision is None:
            return outcome_text(None)
        return _("{outcome} on {date}").format(
            outcome=outcome_text(decision.outcome),
            date=isolate(format_date(decision.decided_on, lang)),
        )

    def tie_text(self, entry: CommitteeEntry) -> str:
        note = entry.tie_note
        if note == NO_TIE:
            return ""
        if note == TIED:
            return _("Fully tied: same score and subtotals, registered the same day")
        if note == BY_REGISTRATION_DATE:
            return _("Same score and subtotals: earlier registration first")
        group = localized(self.group_labels.get(note), self.ctx.lang) or note
        return _("Same total: separated by {group}").format(group=group)


class CommitteePage(QWidget):
    openRecord = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: CommitteeList | None = None
        self._generation = 0
        self._shown_once = False

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
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.grid_note = QLabel()  # the grid's points are our proposal (issue 12)
        self.grid_note.setWordWrap(True)

        # Batch printing of the orientation cards. By default the accepted women only: a
        # committee's secretary prints after the session, for the women it admitted (a
        # waiting list or a refusal sends no one anywhere, so it has no card). "All ranked"
        # is there for a centre that hands cards out as the committee decides.
        self.print_scope = QComboBox()
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
        can = can_print(ctx.account, "orientation")
        for widget in (self.print_scope, self.print_button, self.print_status):
            widget.setVisible(can)

        self.model = CommitteeModel(ctx, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for i, column in enumerate(COLUMNS):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column in ("name", "tie")
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(i, mode)
        # Double-click and Enter both "activate" a row (the platform's own convention).
        self.table.activated.connect(self._open)

        top = QHBoxLayout()
        top.addWidget(self.province_label)
        top.addWidget(self.province, 1)
        top.addWidget(self.category_label)
        top.addWidget(self.category)
        top.addStretch(1)
        top.addWidget(self.quota)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.grid_note)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.print_status, 1)
        actions.addWidget(self.print_scope)
        actions.addWidget(self.print_button)
        layout.addLayout(actions)
        QWidget.setTabOrder(self.province, self.table)
        QWidget.setTabOrder(self.table, self.print_scope)
        QWidget.setTabOrder(self.print_scope, self.print_button)

        self._fill_provinces()
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

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
        self._generation += 1
        generation = self._generation
        repo = self.ctx.repo
        category = self.category.currentData()
        self.status.setText(_("Loading…"))
        self.ctx.tasks.run(
            lambda: ranking(repo, code, category),
            on_done=lambda result: self._loaded(generation, result),
            on_error=lambda error: self._failed(generation, error),
        )

    def _loaded(self, generation: int, result: CommitteeList) -> None:
        if generation != self._generation:
            return
        self.result = result
        self.model.set_entries(result.entries)
        self._render_counts()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
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
                _("Accepted / quota: {n} / {quota}").format(
                    n=n(result.accepted, lang), quota=n(result.quota, lang)
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

    def _open(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if record_id:
            self.openRecord.emit(record_id)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Committee list"))
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
