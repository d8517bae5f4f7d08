"""The score explained criterion by criterion: the total, one line per group (its
subtotal) and per criterion (her answer, the points, why), every text whole and wrapped."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.ui.grid_notice import grid_notice
from jisr_desktop.ui.result_model import ResultData, score_rows, total_text

Index = QModelIndex | QPersistentModelIndex


class WrappingDelegate(QStyledItemDelegate):
    """Row heights from the text wrapped at its column's width. Qt's own size hint measures
    a cell as one line, so long texts were elided to a few words; here they wrap whole."""

    PADDING = 8

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view
        view.header().sectionResized.connect(lambda *_a: view.scheduleDelayedItemsLayout())

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return base
        width = self.view.header().sectionSize(index.column()) - self.PADDING
        if width <= 0:
            return base
        metrics = option.fontMetrics
        font = index.data(Qt.ItemDataRole.FontRole)
        if font is not None:
            metrics = QFontMetrics(font)
        rect = metrics.boundingRect(QRect(0, 0, width, 100_000), wrap_flags(), str(text))
        return QSize(base.width(), max(base.height(), rect.height() + self.PADDING))

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideNone


def wrap_flags() -> int:
    return int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeading)


class ScoreView(QGroupBox):
    COLUMNS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total = QLabel()
        font = self.total.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.total.setFont(font)
        self.total.setWordWrap(True)
        self.grid_note = QLabel()  # the grid's points are our proposal (issue 12)
        self.grid_note.setWordWrap(True)
        self.criteria = self._tree()
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addWidget(self.grid_note)
        layout.addWidget(self.criteria, 1)

    def _tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setColumnCount(self.COLUMNS)
        tree.setRootIsDecorated(False)
        tree.setWordWrap(True)
        tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        tree.setUniformRowHeights(False)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = tree.header()
        header.setStretchLastSection(False)
        # The explanation takes what the short columns leave: it is the long one.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        tree.setColumnWidth(0, 190)
        tree.setColumnWidth(1, 120)
        tree.setItemDelegate(WrappingDelegate(tree))
        tree.setMinimumHeight(260)
        return tree

    def show_score(self, data: ResultData, lang: str) -> None:
        self.criteria.clear()
        self.total.setText(total_text(data, lang))
        self.grid_note.setText(grid_notice(data.grid, lang))
        bold = self.criteria.font()
        bold.setBold(True)
        for row in score_rows(data, lang):
            label = row.label if row.is_group else "    " + row.label
            item = QTreeWidgetItem([label, row.answer, row.points, row.why])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignCenter)
            if row.is_group:
                for column in range(self.COLUMNS):
                    item.setFont(column, bold)
            self.criteria.addTopLevelItem(item)

    def retranslate(self) -> None:
        self.setTitle(_("Score"))
        self.criteria.setHeaderLabels([_("Criterion"), _("Her answer"), _("Points"), _("Why")])
        self.criteria.setAccessibleName(_("Score explained by criterion"))
