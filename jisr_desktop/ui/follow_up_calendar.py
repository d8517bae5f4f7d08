"""The follow-up calendar of an incubator (issue 12): what comes up for the women of its
region, by day: the next steps planned at their follow-up visits, and the incubation
contracts that end within 60 days or have ended (their post-incubation follow-up is due).
A list over plain rows (`CalendarModel`); a double-click opens her record.

The incubator is chosen among the directory's regional incubators, hers first (the region
of the account's province). Read only; the rows come from the store on the db lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme import incubation as rules
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.places import REGIONAL_INCUBATOR
from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.models.store.referrals import directory_in_force
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import wrapped_label
from jisr_desktop.ui.follow_up_dialog import topic_text
from jisr_desktop.ui.result_model import ResultData, title_text

Index = QModelIndex | QPersistentModelIndex
AHEAD_DAYS = 60  # contract ends shown this far ahead (our proposal)
STEP, CONTRACT_ENDS, CONTRACT_ENDED = "step", "contract_ends", "contract_ended"
KINDS = {STEP: N_("Next follow-up step"), CONTRACT_ENDS: N_("Contract ends"),
         CONTRACT_ENDED: N_("Contract ended")}
COLUMNS = (N_("Day"), N_("What"), N_("Woman"), N_("Province"), N_("Details"))


@dataclass(frozen=True)
class CalendarRow:
    day: str
    kind: str
    record_id: str
    name: str
    province: str
    detail: str  # the next step's text, or the contract's logistics
    topic: str | None = None


def load_calendar(ctx: AppContext, region: str, today: date) -> list[CalendarRow]:
    """db lane: the region's next steps from today on and its contracts ending, by day."""
    visits, incubations = FollowUpRepository(ctx.store), IncubationRepository(ctx.store)
    rows: list[CalendarRow] = []
    names: dict[str, str] = {}

    def name(record_id: str) -> str:
        if record_id not in names:
            record = ctx.repo.get(record_id)
            names[record_id] = (title_text(ResultData(record, None, None, None), ctx.lang)
                                if record else record_id[:8])
        return names[record_id]

    for province in ctx.reference.provinces_of(region):
        for v in visits.calendar(province.code, today):
            rows.append(CalendarRow(v.next_on or "", STEP, v.record_id, name(v.record_id),
                                    province.code, v.next_step or "", v.topic))
        for info, warning in incubations.warnings(province.code, today, AHEAD_DAYS):
            kind = CONTRACT_ENDED if warning == rules.ENDED else CONTRACT_ENDS
            rows.append(CalendarRow(info.contract_end, kind, info.record_id,
                                    name(info.record_id), province.code, info.logistics or ""))
    return sorted(rows, key=lambda r: (r.day, r.name))


class CalendarModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[CalendarRow] = []

    def set_rows(self, rows: list[CalendarRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row.record_id
        if role == Qt.ItemDataRole.ForegroundRole and row.kind == CONTRACT_ENDED:
            from PySide6.QtGui import QColor

            return QColor("#8a4b00")
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        return self.text(row, index.column())

    def text(self, row: CalendarRow, column: int) -> str:
        lang = self.ctx.lang
        if column == 0:
            return isolate(format_date(row.day, lang))
        if column == 1:
            what = _(KINDS[row.kind])
            return f"{what} — {topic_text(row.topic)}" if row.topic else what
        if column == 2:
            return row.name
        if column == 3:
            try:
                return self.ctx.reference.name("provinces", row.province, lang)
            except KeyError:
                return row.province
        return isolate(row.detail) if row.detail else ""


class FollowUpCalendarPage(QWidget):
    openRecord = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followUpCalendar")
        self.ctx = ctx
        self.today = today
        self.title = wrapped_label()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.incubator_label = QLabel()
        self.incubator = QComboBox()
        self.incubator.setObjectName("incubator")
        self.incubator_label.setBuddy(self.incubator)
        self.incubator.currentIndexChanged.connect(lambda _i: self.refresh())
        self.note = wrapped_label()
        self.model = CalendarModel(ctx, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self._open)
        top = QHBoxLayout()
        top.addWidget(self.incubator_label)
        top.addWidget(self.incubator, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        self.places: list[Any] = []
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        ctx.tasks.changed.connect(lambda _c: self.refresh())
        self.retranslate()

    def load_incubators(self) -> None:
        ctx = self.ctx
        ctx.tasks.run(lambda: directory_in_force(ctx.repo).of_kind(REGIONAL_INCUBATOR),
                      key="calendar.incubators", on_done=self._incubators)

    def _incubators(self, places: list[Any]) -> None:
        province = self.ctx.reference.provinces.get(self.ctx.account.province_code or "")
        mine = province.region_code if province else None
        chosen = self.incubator.currentData()
        self.places = sorted(places, key=lambda p: (p.region != mine, p.region, p.id))
        self.incubator.blockSignals(True)
        self.incubator.clear()
        for p in self.places:
            self.incubator.addItem(localized(p.name, self.ctx.lang), p.id)
        self.incubator.setCurrentIndex(max(self.incubator.findData(chosen), 0))
        self.incubator.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        place = next((p for p in self.places if p.id == self.incubator.currentData()), None)
        if place is None:
            return
        ctx, region, today = self.ctx, place.region, self.today or date.today()
        ctx.tasks.run(lambda: load_calendar(ctx, region, today), key="calendar.rows",
                      on_done=self._rows)

    def _rows(self, rows: list[CalendarRow]) -> None:
        self.model.set_rows(rows)
        self.view.resizeRowsToContents()
        self.note.setText("" if rows else _("Nothing planned for the women of this "
                                            "incubator's region."))

    def _open(self, index: QModelIndex) -> None:
        record_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if record_id:
            self.openRecord.emit(record_id)

    def retranslate(self) -> None:
        self.title.setText(_("Follow-up calendar"))
        self.incubator_label.setText(_("Incubator"))
        self.view.setAccessibleName(_("Follow-up steps and contract ends coming up"))
        for i, p in enumerate(self.places):
            self.incubator.setItemText(i, localized(p.name, self.ctx.lang))
        self.model.retranslate()
        if not self.model.rows and self.places:
            self._rows([])
