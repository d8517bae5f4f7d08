"""The committee list's table model: rows of `CommitteeEntry` (plain data), texts made in
the current language; tie notes and decisions whole (the view wraps them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from jisr_desktop.formatting import format_date, format_number
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.workflows.committee import (
    BY_REGISTRATION_DATE,
    NO_TIE,
    TIED,
    CommitteeEntry,
)
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.result_model import committee_changes, outcome_text

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("rank", "name", "total", "vulnerability", "readiness", "tie", "decision")
NUMERIC = {"rank", "total", "vulnerability", "readiness"}
# The catalogue's names of the grid's two groups, for a grid (a stored or published
# version) whose group label has no text in the screen's language: without them a
# Tamazight tie line fell back to the label's French.
GROUP_NAMES = {"vulnerability": N_("Vulnerability"), "readiness": N_("Readiness")}


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

    def text(self, entry: CommitteeEntry, column: str) -> str:
        """A cell's text in the current language (the session dialog's table reuses it)."""
        return self._text(entry, column)

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
        text = _("{outcome} on {date}").format(
            outcome=outcome_text(decision.outcome),
            date=isolate(format_date(decision.decided_on, lang)),
        )
        # The override and the committee's changes are part of what it decided (issue 12).
        return " · ".join([text, *committee_changes(self.ctx.defs, decision, lang)])

    def tie_text(self, entry: CommitteeEntry) -> str:
        note = entry.tie_note
        if note == NO_TIE:
            return ""
        if note == TIED:
            return _("Fully tied: same score and subtotals, registered the same day")
        if note == BY_REGISTRATION_DATE:
            return _("Same score and subtotals: earlier registration first")
        return _("Same total: separated by {group}").format(group=self.group_name(note))

    def group_name(self, group_id: str) -> str:
        """The grid group's label in the screen's language, else the catalogue's name for
        it, else the label in French or Arabic."""
        label = self.group_labels.get(group_id) or {}
        if label.get(self.ctx.lang):
            return label[self.ctx.lang]
        if group_id in GROUP_NAMES:
            return _(GROUP_NAMES[group_id])
        return localized(label, self.ctx.lang) or group_id
