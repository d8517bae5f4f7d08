"""The drafts on this laptop: whose, when, how far; open one to continue it, or delete it.

A draft is written after every pause in the form, so an interrupted registration (a
crash, a power cut, another woman's record opened from the duplicates panel) is never
lost; this page is where she finds it again, at any time, not only at start-up.

How far a draft is comes from the same `FormModel` the form uses (required answers given
and acceptable, of those asked), computed on the db lane with the drafts themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_datetime, format_number
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.store.repository import DraftInfo, Repository, full_name
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.form_model import FormModel
from jisr_desktop.ui.tasks import DRAFTS, Changes

COLUMNS = (N_("Woman"), N_("Agent"), N_("Last change"), N_("Required answers"))
KEY_LIST = "drafts.list"


@dataclass(frozen=True)
class DraftRow:
    id: str
    agent: str
    updated_at: str
    name: str  # what was typed of her name, in either script ("" if nothing yet)
    answered: int
    total: int
    editing: bool  # a correction of a saved record, not a new registration


def summarise(draft: DraftInfo, form: Form, reference: ReferenceData) -> DraftRow:
    model = FormModel(form, reference)
    state = model.reset(draft.answers)
    name = full_name(draft.answers, "ar") or full_name(draft.answers, "lat")
    return DraftRow(draft.id, draft.agent, draft.updated_at, name, state.answered,
                    state.total_required, draft.record_id is not None)


def read_drafts(repo: Repository, form: Form, reference: ReferenceData) -> list[DraftRow]:
    """Every draft, newest first, with how far it is (runs on the db lane)."""
    return [summarise(d, form, reference) for d in repo.drafts()]


class DraftsPage(QWidget):
    openDraft = Signal(str)  # draft id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[DraftRow] = []
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setColumnCount(len(COLUMNS))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):  # dates and counts are never cut
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemActivated.connect(lambda _item, _col: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._selection_changed()
        ctx.tasks.changed.connect(self._store_changed)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    # -- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        ctx = self.ctx
        repo, form, reference = ctx.repo, from_definition(ctx.defs.form), ctx.reference
        ctx.tasks.run(lambda: read_drafts(repo, form, reference), on_done=self.show_rows,
                      key=KEY_LIST)

    def _store_changed(self, changes: Changes) -> None:
        if DRAFTS in changes and self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def show_rows(self, rows: list[DraftRow]) -> None:
        chosen = self.selected_id()
        self.rows = rows
        self.table.clear()
        lang = self.ctx.lang
        for row in rows:
            item = QTreeWidgetItem([
                isolate(row.name) if row.name else "—",
                isolate(row.agent),
                isolate(format_datetime(row.updated_at, lang)),
                _("{answered} of {total}").format(answered=format_number(row.answered, lang),
                                                  total=format_number(row.total, lang)),
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            if row.editing:
                item.setToolTip(0, _("A correction of a saved registration"))
            self.table.addTopLevelItem(item)
            if row.id == chosen:
                item.setSelected(True)
        if rows and not self.table.selectedItems():
            self.table.topLevelItem(0).setSelected(True)
        self.table.setCurrentItem(self.table.selectedItems()[0] if rows else None)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        self._selection_changed()

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _selection_changed(self) -> None:
        chosen = self.selected_id() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- acting -------------------------------------------------------------------------------

    def open_selected(self) -> None:
        draft_id = self.selected_id()
        if draft_id is not None:
            self.openDraft.emit(draft_id)

    def delete_selected(self) -> None:
        draft_id = self.selected_id()
        if draft_id is None or not self.confirm_delete():
            return
        self.ctx.tasks.write(lambda: self.ctx.repo.delete_draft(draft_id), changes={DRAFTS},
                             origin=self)

    def confirm_delete(self) -> bool:
        """Asked first; Enter keeps the draft (the safe answer is the default)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(_("Delete the draft"))
        box.setText(_("Delete this draft and everything typed in it? This cannot be undone."))
        delete = box.addButton(_("Delete the draft"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("Keep the draft"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.confirm_box = box
        box.exec()
        return box.clickedButton() is delete

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Drafts"))
        self.empty.setText(_("No drafts: every registration started here was saved or "
                             "deleted."))
        self.table.setHeaderLabels([_(c) for c in COLUMNS])
        self.open_button.setText(_("Continue this registration"))
        self.delete_button.setText(_("Delete the draft…"))
        if self.rows:
            self.show_rows(self.rows)
