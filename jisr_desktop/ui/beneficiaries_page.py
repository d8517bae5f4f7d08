"""Beneficiaries: search as you type, filters, sorting and a count over the whole store.

The list is a `RecordTableModel` (pages read on the db lane), so typing never waits for the
database: each keystroke restarts a short debounce, then asks the model for a new
generation; answers for older generations are dropped by the model.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.identity import cin_looks_standard, normalize_cin
from jisr_desktop.models.store.repository import RecordFilter
from jisr_desktop.ui.beneficiaries_layout import BeneficiariesLayout
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.list_filters import ListFilters
from jisr_desktop.ui.record_model import RecordTableModel
from jisr_desktop.ui.tasks import DECISIONS, RECORDS, Changes

log = logging.getLogger(__name__)

# Shown under the search box when a scanned code has the card's shape but its check value
# is wrong (a misread, a worn card, a typo when typed by hand).
BAD_CARD_CODE = N_(
    "This card code does not check out: scan it again, or search by her name or CIN."
)


def search_text(raw: str) -> str:
    """What to search for: a CIN typed with a space or a dash ("VA 675756") as the form
    stores it ("VA675756"); anything else as typed."""
    text = raw.strip()
    cin = normalize_cin(text)
    if cin != text and any(ch.isdigit() for ch in cin) and cin_looks_standard(cin):
        return cin
    return text


class BeneficiariesPage(BeneficiariesLayout, QWidget):
    openRecord = Signal(str)
    openAnswers = Signal(str)  # her record view (every answer, Edit, the audit trail)
    newRegistration = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = RecordTableModel(ctx, self)
        self.model.loaded.connect(self._on_loaded)
        self.model.counted.connect(self._on_counted)
        self.model.loadFailed.connect(self._on_failed)
        self._count: int | None = None
        self._failed = False
        self._shown_before = False
        self._open_when_loaded = False  # Enter was pressed before the answer came
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_search())
        layout.addWidget(self.scan_message)
        self.filters = ListFilters(ctx)
        self.filters.changed.connect(self._apply_filter)
        for name in ("province", "category", "status", "date_from", "date_to", "reset_button"):
            setattr(self, name, getattr(self.filters, name))  # the tests' names
        layout.addWidget(self.filters)
        layout.addLayout(self._build_count_row())
        table = self._build_table()
        layout.addWidget(self.empty_hint)  # under the count, where her eyes are
        layout.addWidget(table, 1)
        self._build_shortcuts()
        self._set_tab_order()
        ctx.tasks.changed.connect(self._store_changed)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()
        self.model.reload()

    # -- public -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Read the list again (a record was saved elsewhere)."""
        self.model.reload()

    def current_filter(self) -> RecordFilter:
        return RecordFilter(text=search_text(self.search.text()), **self.filters.values())

    def reset_filters(self) -> None:
        self.filters.reset()

    def _filter_pairs(self) -> list:
        return self.filters.pairs()

    # -- search -------------------------------------------------------------------------------

    def _on_text_changed(self, _text: str) -> None:
        if self._scan_msgid:
            self._show_scan_message("")
        self.debounce.start()  # restarts: one query once she pauses, not one per letter

    def _search_entered(self) -> None:
        """Enter in the search box: a scanned card opens its record; one match opens; with
        several, the list takes the focus on the first, so Enter again opens it."""
        self.debounce.stop()
        text = self.search.text().strip()
        if self._open_card(text):
            return
        if self.current_filter() != self.model.filter or self.model.loading:
            self._apply_filter()
            self._open_when_loaded = True
            return
        self._enter_list()

    def _enter_list(self) -> None:
        self._open_when_loaded = False
        if self.model.rowCount() == 1:
            self._open_index(self.model.index(0, 0))
        elif self.model.rowCount() > 1:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(max(0, self.table.currentIndex().row()))

    def open_current(self, answers: bool = False) -> None:
        index = self.table.currentIndex()
        record_id = self.model.record_id(index.row()) if index.isValid() else None
        if record_id:
            (self.openAnswers if answers else self.openRecord).emit(record_id)

    def _update_open(self) -> None:
        has = self.table.currentIndex().isValid() and self.model.rowCount() > 0
        self.open_button.setEnabled(has)
        self.answers_button.setEnabled(has)

    def _store_changed(self, changes: Changes) -> None:
        # A registration saved, corrected, imported, re-scored: the list shows it now if
        # it is on screen, else when it is next shown (showEvent).
        if self.isVisible() and changes.touches(RECORDS, DECISIONS):
            self.model.reload()

    def _search_now(self) -> None:
        self.debounce.stop()
        text = self.search.text().strip()
        if self._open_card(text):
            return
        self._apply_filter()

    def _open_card(self, text: str) -> bool:
        """A scanned card QR (the scanner types it like a keyboard): open that record."""
        if len(text) < 8:
            return False
        # Imported here: the cards package brings reportlab, which start-up need not load.
        from jisr_desktop.cards.qr import is_card_code, parse_qr_payload

        try:
            parsed = parse_qr_payload(text)
        except Exception:  # a parser bug must not break searching
            log.exception("card QR parser failed")
            return False
        if not parsed:
            if is_card_code(text):
                # Searching for it as a name would find nothing and say nothing useful.
                self._show_scan_message(BAD_CARD_CODE)
                self.search.selectAll()  # the next scan replaces it
                return True
            return False
        record_id = parsed[0]
        self.search.blockSignals(True)
        self.search.clear()  # the payload is not a name to search for
        self.search.blockSignals(False)
        self.openRecord.emit(record_id)
        return True

    def _show_scan_message(self, msgid: str) -> None:
        self._scan_msgid = msgid
        self.scan_message.setText(_(msgid) if msgid else "")
        self.scan_message.setVisible(bool(msgid))

    def _apply_filter(self, *_args: object) -> None:
        record_filter = self.current_filter()
        if record_filter == self.model.filter and self.model.ever_loaded:
            return
        self.model.set_filter(record_filter)
        self._show_count()

    # -- results ------------------------------------------------------------------------------

    def _on_loaded(self, count: int) -> None:
        self._failed = False
        if count and not self.table.currentIndex().isValid():
            # Down then Enter opens the first match right after typing a name.
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.clearSelection()
        self._update_open()

    def _on_counted(self, count: int) -> None:
        self._count = count
        self._show_count()
        self._update_open()
        if self._open_when_loaded:
            self._enter_list()

    def _on_failed(self, _error: BaseException) -> None:
        self._failed = True
        self._show_count()

    def _show_count(self) -> None:
        if self._failed:
            text = _("The list could not be read. Details are in the log file.")
        elif self._count is None:
            text = _("Loading…")
        else:
            n = self._count
            text = ngettext("{n} beneficiary", "{n} beneficiaries", n).format(
                n=format_number(n, self.ctx.lang)
            )
            if self.model.loading:
                text += " …"
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text)
        nothing = self._count == 0 and not self._failed and not self.model.loading
        searched = bool(self.model.filter.text)
        self.empty_hint.setVisible(nothing)
        if nothing:
            self.empty_hint.setText(
                _(
                    "No registration matches “{text}”. Check the spelling, try the Latin or "
                    "the Arabic name, the CIN or the phone number, or clear the filters."
                ).format(text=self.model.filter.text)
                if searched
                else _("No registration matches these filters.")
            )

    def _open_index(self, index: QModelIndex) -> None:
        record_id = self.model.record_id(index.row()) if index.isValid() else None
        if record_id:
            self.openRecord.emit(record_id)

    def _new_from_shortcut(self) -> None:
        if self.ctx.account.can_enrol:
            self.newRegistration.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(max(0, self.table.currentIndex().row()))
            return True
        if watched is self.table and key == Qt.Key.Key_Escape:
            self.focus_search()
            return True
        if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
            return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._yield_shortcuts_to_window()
        # Coming back from a registration or a record: what was saved meanwhile must show.
        # (The first show needs nothing: the constructor already asked for the list.)
        if self._shown_before and not event.spontaneous():
            self.model.reload()
        self._shown_before = True

    def _yield_shortcuts_to_window(self) -> None:
        window = self.window()
        if window is self:
            return
        bound = {
            action.shortcut().toString()
            for action in window.findChildren(QAction)
            if not action.shortcut().isEmpty()
        }
        for shortcut in (self.find_shortcut, self.new_shortcut):
            shortcut.setEnabled(shortcut.key().toString() not in bound)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search by name, CIN or phone (Ctrl+F)"))
        self.search.setAccessibleName(_("Search beneficiaries"))
        self.new_button.setText(_("New registration"))
        self.new_button.setToolTip(_("Ctrl+N"))
        self.new_button.setAccessibleName(_("New registration"))
        self.open_button.setText(_("Open"))
        self.open_button.setAccessibleName(_("Open the selected registration"))
        self.answers_button.setText(_("Her record"))
        self.answers_button.setAccessibleName(_("Every answer, corrections and their history"))
        self.table.setAccessibleName(_("Beneficiaries"))
        self._show_scan_message(self._scan_msgid)
        self.filters.retranslate()
        self.model.retranslate()
        self._size_columns()
        self._show_count()
