"""What the boxes of the programme's later paths share (the EN path, licences and labels,
applicant groups: en_path_box.py, licences_box.py, group_box.py): a table of what is
recorded, a line for the outcome of the last action, and reads and writes through the one
task runner. A refusal of the rules is said next to the fields, translated; anything else
goes to the error dialog."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import load_places, load_programme_paths
from jisr_desktop.models.programme.places import Directory
from jisr_desktop.models.programme.programme_paths import Catalogue
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import say, wrapped_label
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.tasks import Changes
from jisr_desktop.user_messages import path_refusal_text

PATHS = "programme_paths"  # the change kind these boxes announce


def refusal(error: BaseException) -> str | None:
    """The sentence for a refusal of the rules or the role table, else None."""
    if isinstance(error, PermissionError):
        return _("This role may not record this.")
    if isinstance(error, ValueError) and hasattr(error, "code"):
        return path_refusal_text(error)
    return None


def shipped_lists() -> tuple[Catalogue, Directory]:
    """The programme paths' lists and the directory shipped with the app (files, no query)."""
    paths, places = load_programme_paths(), load_places()
    if paths is None or places is None:
        raise LookupError("the app ships without its programme paths or directory")
    return Catalogue(paths), Directory(places)


def date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDate(QDate.currentDate())
    return edit


class PathBox(QGroupBox):
    def __init__(self, ctx: AppContext, columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id: str | None = None
        self.table = QTableWidget(0, columns)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.message = wrapped_label()

    def fill(self, rows: Sequence[Sequence[str]]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def load(self, read: Callable[[], Any], show: Callable[[Any], None]) -> None:
        """Read in the background; show the answer unless another read came after it."""
        self.ctx.tasks.run(read, on_done=show, key=f"{type(self).__name__}:{id(self)}",
                           on_error=lambda e: show_error(self, _("This could not be read."), e))

    def save(self, write: Callable[[], Any], done_text: str,
             after: Callable[[Any], None]) -> None:
        record_id = self.record_id

        def done(result: Any) -> None:
            say(self.message, done_text, False)
            after(result)

        def failed(error: BaseException) -> None:
            text = refusal(error)
            if text is None:
                show_error(self, _("This could not be saved."), error)
            else:
                say(self.message, text, True)

        self.ctx.tasks.write(write, changes=Changes.of({PATHS}, record_ids={record_id}
                                                       if record_id else set(), origin=self),
                             on_done=done, on_error=failed)
