"""The beneficiaries page's layout: the search box, the count row, the table and its
column widths, the page's own shortcuts and the tab order. A mixin of
`BeneficiariesPage`, which searches, counts and opens."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from jisr_desktop.ui.record_model import COLUMN_INDEX

SEARCH_DEBOUNCE_MS = 150
# Starting widths of the columns; each grows to fit its header in the current language.
COLUMN_WIDTHS = {"name_ar": 200, "name_lat": 200, "cin": 110, "province": 170, "category": 120,
                 "score": 70}
HEADER_PADDING = 28  # the sort arrow and the margins


class BeneficiariesLayout:
    """Builds `BeneficiariesPage`'s widgets; see the module docstring."""

    def _build_search(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("search")
        self.search.textChanged.connect(self._on_text_changed)
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)  # Down moves into the list
        self.scan_message = QLabel()
        self.scan_message.setObjectName("scanMessage")
        self.scan_message.setWordWrap(True)
        self.scan_message.setStyleSheet("color: #b00020;")
        self.scan_message.setVisible(False)
        self._scan_msgid = ""
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self._search_now)
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.newRegistration)
        self.new_button.setVisible(self.ctx.account.can_enrol)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        return top

    def _build_count_row(self) -> QHBoxLayout:
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.open_button = QPushButton()
        self.open_button.setObjectName("openRecord")
        self.open_button.clicked.connect(self.open_current)
        self.answers_button = QPushButton()
        self.answers_button.clicked.connect(lambda: self.open_current(answers=True))
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.answers_button)
        row.addWidget(self.open_button)
        return row

    def _build_table(self) -> QTableView:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        # Fixed row heights: with a resizable header Qt would measure 100,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # The indicator first, so enabling sorting asks for the order already loading.
        header.setSortIndicator(COLUMN_INDEX["updated"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        # `activated` is Enter on a row, and a double-click (or a single click where the
        # platform's style says so): the platform's own gesture for "open".
        self.table.activated.connect(self._open_index)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._update_open())
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setVisible(False)
        return self.table

    def _size_columns(self) -> None:
        """Wide enough for the data and for the header in the current language (the
        Arabic CIN header was cut at a fixed 110 px)."""
        metrics = self.table.horizontalHeader().fontMetrics()
        for key, width in COLUMN_WIDTHS.items():
            column = COLUMN_INDEX[key]
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            needed = metrics.horizontalAdvance(str(title)) + HEADER_PADDING
            self.table.setColumnWidth(column, max(width, needed))

    def _build_shortcuts(self) -> None:
        # Ctrl+F / Ctrl+N also live in the main window's menus; the page brings its own so
        # it works on its own, and gives them up when its window binds the same keys (two
        # live bindings of one key make Qt fire neither).
        self.find_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        self.find_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.find_shortcut.activated.connect(self.focus_search)
        self.new_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        self.new_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.new_shortcut.activated.connect(self._new_from_shortcut)

    def _set_tab_order(self) -> None:
        chain = [self.search, self.new_button, *(w for _l, w in self.filters.pairs()),
                 self.reset_button, self.table, self.answers_button, self.open_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
