"""The beneficiaries list as a Qt model over the repository, fetched in pages.

Why a block cache rather than canFetchMore/fetchMore: with 100,000 records the scroll bar
must show the whole list at once (jump to the end, drag anywhere) while only the pages on
screen are read. The row count comes from `count_matching`; each block of `PAGE` rows is
read on the `db` lane the first time the view asks for one of its rows, and only plain
`RecordSummary` dataclasses ever reach `data()` — never live ORM objects, which would tie
the view to a database session on another thread.

Every reload (filter, sort) bumps a generation number; results that come back for an older
generation are dropped, so a slow query for an earlier keystroke can never overwrite the
list of a newer one.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from jisr_desktop.formatting import format_date, format_datetime, format_number
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.store.repository import RecordFilter, RecordSummary
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.context import AppContext

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str  # what the cell shows
    sort_key: str  # the repository's sort key for this column
    title: str  # msgid, translated when shown


COLUMNS: tuple[Column, ...] = (
    Column("name_ar", "name_ar", N_("Name (Arabic)")),
    Column("name_lat", "name_lat", N_("Name (Latin)")),
    Column("cin", "cin", N_("CIN")),
    Column("province", "province_code", N_("Province")),
    Column("category", "category", N_("Category")),
    Column("score", "score_total", N_("Score")),
    Column("updated", "updated_at", N_("Updated")),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
DEFAULT_SORT = "updated_at"

RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2

# data() runs a few thousand times per repaint (every visible cell, for every role the view
# and its style ask about): roles as plain ints, flags and alignments computed once, and
# the roles the model does not serve answered before any look-up. Qt passes roles as ints.
_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)})
_DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP_ROLE = int(Qt.ItemDataRole.ToolTipRole)
_SUMMARY_ROLES = frozenset({int(RECORD_ID_ROLE), int(SUMMARY_ROLE), _TOOLTIP_ROLE})
_ALIGN_SCORE = int(Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_TEXT = int(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_SCORE_COLUMN = COLUMN_INDEX["score"]


class RecordTableModel(QAbstractTableModel):
    """Rows of `RecordSummary`, `PAGE` at a time, for a `RecordFilter` and a sort key."""

    # Emitted on the UI thread once the first page of a reload is shown (rows so far)…
    loaded = Signal(int)
    # …and once the matches are counted (the row count from then on).
    counted = Signal(int)
    # A reload or a page failed; the page shows the message (the log has the details).
    loadFailed = Signal(object)

    PAGE = 200
    # Pages kept in memory; least recently used ones are dropped beyond this (a fast scroll
    # through 100,000 rows must not keep them all). Far more than a screen ever shows.
    MAX_BLOCKS = 50

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._filter = RecordFilter()
        self._sort = DEFAULT_SORT
        self._descending = True
        self._count = 0
        self._blocks: OrderedDict[int, list[RecordSummary]] = OrderedDict()
        self._in_flight: set[int] = set()
        self._cells: dict[int, tuple[str, ...]] = {}  # formatted cells per row, per language
        self._generation = 0
        self._loading = False
        self._ever_loaded = False
        # For tests and the bench: how many page queries ran, and when a reload was asked.
        self.page_requests = 0
        self.reload_started_at = 0.0

    # -- what is shown ------------------------------------------------------------------------

    @property
    def filter(self) -> RecordFilter:
        return self._filter

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def loading(self) -> bool:
        """True until the newest reload is shown and counted."""
        return self._loading

    @property
    def ever_loaded(self) -> bool:
        return self._ever_loaded

    @property
    def generation(self) -> int:
        return self._generation

    def loaded_blocks(self) -> list[int]:
        return sorted(self._blocks)

    def set_filter(self, record_filter: RecordFilter) -> int:
        """Show the records matching `record_filter`; returns the new generation."""
        self._filter = record_filter
        return self.reload()

    def set_sort(self, sort_key: str, descending: bool) -> int | None:
        if (sort_key, descending) == (self._sort, self._descending):
            return None
        self._sort, self._descending = sort_key, descending
        return self.reload()

    def reload(self) -> int:
        """Read the first page again on the db lane, then count. The rows on screen stay
        until the answer comes, so the list never flashes empty while she types.

        The first page is applied before the count is known: counting every match can take
        far longer than reading 200 of them (it visits each matching row), and the agent
        should see the list meanwhile; the remaining rows are inserted once counted.
        """
        self._generation += 1
        generation = self._generation
        self._loading = True
        self.reload_started_at = time.perf_counter()
        self.ctx.tasks.run(
            self._page_query(generation, 0),
            on_done=lambda rows: self._apply_reload(generation, rows),
            on_error=lambda error: self._failed(generation, error),
        )
        return generation

    def _page_query(
        self, generation: int, block_no: int
    ) -> Callable[[], list[RecordSummary] | None]:
        """The db-lane work that reads one page of the current filter and sort. It reads
        everything it needs now, on the UI thread, so a later change of filter cannot leak
        into a query already queued."""
        record_filter, sort_key, descending = self._filter, self._sort, self._descending
        repo, limit = self.ctx.repo, self.PAGE
        self.page_requests += 1

        def work() -> list[RecordSummary] | None:
            # Superseded while queued behind other work: skip the query altogether.
            if generation != self._generation:
                return None
            return repo.page(record_filter, sort=sort_key, descending=descending,
                             offset=block_no * limit, limit=limit)

        return work

    def _apply_reload(self, generation: int, rows: list[RecordSummary] | None) -> None:
        if generation != self._generation or rows is None:
            return  # an older keystroke's answer: the newer one is on its way
        self.beginResetModel()
        self._count = len(rows)
        self._blocks.clear()
        self._in_flight.clear()
        self._cells.clear()
        if rows:
            self._blocks[0] = rows
        self.endResetModel()
        self._ever_loaded = True
        self.loaded.emit(self._count)
        if len(rows) < self.PAGE:
            # A short first page is the whole result: nothing more to count.
            self._apply_count(generation, len(rows))
            return
        record_filter, repo = self._filter, self.ctx.repo

        def count() -> int | None:
            if generation != self._generation:
                return None
            return repo.count_matching(record_filter)

        self.ctx.tasks.run(
            count,
            on_done=lambda n: self._apply_count(generation, n),
            on_error=lambda error: self._failed(generation, error),
        )

    def _apply_count(self, generation: int, count: int | None) -> None:
        if generation != self._generation or count is None:
            return
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:  # records deleted between the page and the count
            self.beginRemoveRows(QModelIndex(), count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        self._loading = False
        self.counted.emit(count)

    def _failed(self, generation: int, error: BaseException) -> None:
        log.error("loading the beneficiaries list failed", exc_info=error)
        if generation == self._generation:
            self._loading = False
            self.loadFailed.emit(error)

    # -- pages --------------------------------------------------------------------------------

    def summary(self, row: int) -> RecordSummary | None:
        """The summary at `row` if its page is in memory; else asks for the page."""
        if not 0 <= row < self._count:
            return None
        block_no, offset = divmod(row, self.PAGE)
        block = self._blocks.get(block_no)
        if block is None:
            self._request_block(block_no)
            return None
        self._blocks.move_to_end(block_no)
        return block[offset] if offset < len(block) else None

    def _request_block(self, block_no: int) -> None:
        if block_no in self._in_flight:
            return
        self._in_flight.add(block_no)
        generation = self._generation
        self.ctx.tasks.run(
            self._page_query(generation, block_no),
            on_done=lambda rows: self._apply_block(generation, block_no, rows),
            on_error=lambda error: self._block_failed(generation, block_no, error),
        )

    def _block_failed(self, generation: int, block_no: int, error: BaseException) -> None:
        # Forget the request, so scrolling back over these rows asks for them again
        # instead of leaving them blank until the next search.
        self._in_flight.discard(block_no)
        self._failed(generation, error)

    def _apply_block(
        self, generation: int, block_no: int, rows: list[RecordSummary] | None
    ) -> None:
        if generation != self._generation or rows is None:
            return
        self._in_flight.discard(block_no)
        self._blocks[block_no] = rows
        while len(self._blocks) > self.MAX_BLOCKS:
            dropped, _rows = self._blocks.popitem(last=False)
            start = dropped * self.PAGE
            for row in range(start, start + self.PAGE):
                self._cells.pop(row, None)
        first = block_no * self.PAGE
        last = min(first + self.PAGE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _(COLUMNS[section].title)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in _TEXT_ROLES:
            row = index.row()
            cells = self._cells.get(row)
            if cells is None:
                if not index.isValid():
                    return None
                summary = self.summary(row)
                if summary is None:
                    return "…" if index.column() == 0 and role == _DISPLAY_ROLE else None
                cells = self._cells[row] = self._format(summary)
            return cells[index.column()]
        if role == _ALIGNMENT_ROLE:
            if not index.isValid():
                return None
            return _ALIGN_SCORE if index.column() == _SCORE_COLUMN else _ALIGN_TEXT
        if role not in _SUMMARY_ROLES or not index.isValid():
            return None
        summary = self.summary(index.row())
        if summary is None:
            return None
        if role == RECORD_ID_ROLE:
            return summary.id
        if role == SUMMARY_ROLE:
            return summary
        return self._tooltip(summary, index.column())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Re-query in the new order: sorting 100,000 rows in memory would need them all.
        if 0 <= column < len(COLUMNS):
            self.set_sort(COLUMNS[column].sort_key, order == Qt.SortOrder.DescendingOrder)

    def record_id(self, row: int) -> str | None:
        summary = self.summary(row)
        return summary.id if summary else None

    def retranslate(self) -> None:
        """New language: headers and cells (province names, dates, categories) again."""
        self._cells.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))

    # -- formatting ---------------------------------------------------------------------------

    def _format(self, s: RecordSummary) -> tuple[str, ...]:
        lang = self.ctx.lang
        name_ar, name_lat = s.name_ar, s.name_lat
        if s.status == "refused_consent" and not (name_ar or name_lat):
            # Nothing but the refusal is kept: say so rather than leave a blank line.
            name_ar, name_lat = _("Name not kept (consent refused)"), "—"
        return (
            name_ar,
            name_lat,
            s.cin,
            self.province_name(s.province_code),
            self.category_text(s),
            format_number(s.score_total, lang) if s.score_total is not None else "",
            format_date(s.updated_at, lang, "medium"),
        )

    def province_name(self, code: str) -> str:
        if not code:
            return ""
        try:
            return self.ctx.reference.name("provinces", code, self.ctx.lang)
        except KeyError:
            return code

    def category_text(self, s: RecordSummary) -> str:
        if s.status == "refused_consent":
            return _("Consent refused")
        if s.eligible is False or s.category is None:
            return _("Not eligible")
        return _("Category {n}").format(n=format_number(s.category, self.ctx.lang))

    def _category_label(self, category: int | None) -> str:
        for rule in self.ctx.defs.grid.data.get("classification") or ():
            if rule.get("category") == category:
                return localized(rule.get("label"), self.ctx.lang)
        return ""

    def _tooltip(self, s: RecordSummary, column: int) -> str:
        key = COLUMNS[column].key
        if key == "category" and s.category is not None:
            return self._category_label(s.category)
        if key == "updated":
            return format_datetime(s.updated_at, self.ctx.lang, "medium")
        # The Latin name and the CIN sit inside Arabic text here: isolated, they keep their
        # own order instead of being torn apart by the bidi algorithm.
        parts = [p for p in (s.name_ar, isolate(s.name_lat) if s.name_lat else "") if p]
        if s.cin:
            parts.append(isolate_ltr(s.cin))
        return " · ".join(parts)
