"""Conflicts: a registration changed on this computer and on the server at once.

A list on one side; the chosen conflict on the other, the two copies side by side, one
line per answer that differs. The agent keeps her copy, the server's, or picks answer by
answer (a radio button per side on each line). The choice goes to the adapter, which
resolves it on the db lane and sends it up with the next run (conflicts_model.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.form import Form
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.conflicts_model import (
    LOCAL,
    SERVER,
    ConflictView,
    choice,
    conflict_view,
    side_caption,
)
from jisr_desktop.ui.form_model import paragraph_mark


class ConflictsView(QWidget):
    countChanged = Signal(int)

    def __init__(self, adapter: Any, lang: Callable[[], str],
                 form_of: Callable[[Any], Form | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.adapter, self.lang, self.form_of = adapter, lang, form_of
        self.raw: list[Any] = []
        self.views: list[ConflictView] = []
        self.current: ConflictView | None = None
        self.groups: dict[str, QButtonGroup] = {}
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.keep_local = QPushButton()
        self.keep_local.clicked.connect(lambda: self._resolve(LOCAL))
        self.keep_server = QPushButton()
        self.keep_server.clicked.connect(lambda: self._resolve(SERVER))
        self.keep_picked = QPushButton()
        self.keep_picked.clicked.connect(lambda: self._resolve(None))
        buttons = QHBoxLayout()
        for button in (self.keep_local, self.keep_server, self.keep_picked):
            buttons.addWidget(button)
        buttons.addStretch(1)
        detail = QWidget()
        right = QVBoxLayout(detail)
        for widget in (self.title, self.explain):
            right.addWidget(widget)
        right.addWidget(self.table, 1)
        right.addLayout(buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        left_layout.addWidget(self.empty)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(detail)
        split.setStretchFactor(1, 3)
        self.detail = detail
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        adapter.conflictsLoaded.connect(self.set_conflicts)
        self.retranslate()

    def set_conflicts(self, conflicts: list[Any]) -> None:
        keep = self.current.record_id if self.current else None
        self.raw = list(conflicts)
        lang = self.lang()
        self.views = [conflict_view(c, self.form_of(c), lang) for c in self.raw]
        self.list.blockSignals(True)
        self.list.clear()
        for view in self.views:
            item = QListWidgetItem(paragraph_mark(lang) + isolate(view.title))
            item.setData(Qt.ItemDataRole.UserRole, view.record_id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(not self.views)
        self.detail.setVisible(bool(self.views))
        ids = [v.record_id for v in self.views]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else (0 if ids else -1))
        if not ids:
            self.current = None
        self.countChanged.emit(len(self.views))

    def select(self, record_id: str) -> None:
        ids = [v.record_id for v in self.views]
        if record_id in ids:
            self.list.setCurrentRow(ids.index(record_id))

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.views):
            return
        view = self.current = self.views[row]
        lang = self.lang()
        mark = paragraph_mark(lang)
        self.title.setText(mark + isolate(view.title))
        self.explain.setText(mark + self._explanation(view))
        self.table.setHorizontalHeaderLabels(
            [_("Answer"), side_caption(view, LOCAL), side_caption(view, SERVER)])
        self._clear_table()
        self.table.setRowCount(len(view.diffs))
        self.groups = {}
        for index, diff in enumerate(view.diffs):
            self.table.setItem(index, 0, QTableWidgetItem(diff.label))
            group = QButtonGroup(self.table)
            for column, (side, text) in enumerate(
                    ((LOCAL, diff.local_text), (SERVER, diff.server_text)), start=1):
                radio = QRadioButton(text)
                radio.setProperty("side", side)
                radio.setChecked(side == SERVER)
                radio.setEnabled(view.can_pick_fields)
                group.addButton(radio)
                self.table.setCellWidget(index, column, radio)
            self.groups[diff.name] = group
        self.table.resizeRowsToContents()
        self.keep_local.setEnabled(True)
        self.keep_server.setEnabled(True)
        self.keep_picked.setEnabled(view.can_pick_fields)

    def _clear_table(self) -> None:
        # The radio buttons of the previous conflict (or language) are hidden at once:
        # Qt deletes replaced cell widgets later, and would draw both until then.
        for row in range(self.table.rowCount()):
            for column in (1, 2):
                widget = self.table.cellWidget(row, column)
                if widget is not None:
                    widget.hide()
                    self.table.removeCellWidget(row, column)
        self.table.setRowCount(0)

    def _explanation(self, view: ConflictView) -> str:
        if view.merged_into:
            return _("A supervisor merged this registration into another one of the same "
                     "woman. Keep the server's version unless this copy must be restored.")
        if view.server_deleted:
            return _("This registration was deleted on the server and changed here.")
        if view.local_deleted:
            return _("This registration was deleted here and changed on the server.")
        return _("The answers below differ. Choose, line by line, the answer to keep, or "
                 "keep one whole copy.")

    def picks(self) -> dict[str, str]:
        out = {}
        for name, group in self.groups.items():
            checked = group.checkedButton()
            out[name] = str(checked.property("side")) if checked else SERVER
        return out

    def pick(self, field_name: str, side: str) -> None:
        for button in self.groups[field_name].buttons():
            if button.property("side") == side:
                button.setChecked(True)

    def _resolve(self, side: str | None) -> None:
        view = self.current
        if view is None:
            return
        decided = side if side is not None else choice(view, self.picks())
        for button in (self.keep_local, self.keep_server, self.keep_picked):
            button.setEnabled(False)  # until the list comes back without this conflict
        self.adapter.resolve(view.record_id, decided)

    def retranslate(self) -> None:
        self.keep_local.setText(_("Keep this computer's copy"))
        self.keep_server.setText(_("Keep the server's copy"))
        self.keep_picked.setText(_("Keep the chosen answers"))
        self.empty.setText(_("No conflicts: every registration is the same here and on the "
                             "server."))
        if self.raw:
            self.set_conflicts(self.raw)
