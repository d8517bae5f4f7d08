"""Print many orientation cards at once (a committee session's), in the background.

Two steps, each on its own lane, one progress dialog and one cancel flag for both:
1. db lane: the cards' data, read record by record (`cards.for_record.orientation_cards`);
2. print lane: `render_batch`, four A6 cards per A4 sheet with crop marks, into a file in
   the data folder's tmp/. The renderer polls the cancel flag before each card and leaves
   no partial file behind.
Then she opens the PDF in the system viewer (to print it there) or saves it elsewhere.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from jisr_desktop.cards import BatchItem, BatchResult, CardData, render_batch
from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _, ngettext
from jisr_desktop.ui.card_work import card_template, temp_folder
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.tasks import TaskState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch left: the PDF (None when cancelled or nothing to print) and counts."""

    pdf: Path | None
    cards: int
    pages: int
    cancelled: bool


def collect_cards(
    ctx: AppContext, record_ids: list[str], state: TaskState
) -> list[CardData] | None:
    """db lane: the orientation cards of `record_ids`, in that order; None if cancelled.
    Only the small `CardData` are kept (a few kB each), never the records."""
    from jisr_desktop.cards.for_record import orientation_cards

    cards: list[CardData] = []
    total = len(record_ids)
    step = max(1, total // 100)
    for data in orientation_cards(ctx.repo, ctx.defs, record_ids, reference=ctx.reference,
                                  centre=ctx.settings.centre, agent=ctx.account.name):
        if state.cancelled:
            return None
        cards.append(data)
        if len(cards) % step == 0:
            state.progress(len(cards), total)
    return None if state.cancelled else cards


def print_cards(template: Any, cards: list[CardData], layout: str, out: Path,
                state: TaskState) -> BatchResult:
    """print lane: the batch PDF. Progress about every 1 % (each signal is a repaint)."""
    total = len(cards)
    step = max(1, total // 100)

    def progress(done: int, _total: int) -> None:
        if done % step == 0 or done == total:
            state.progress(done, total)

    items = (BatchItem(template, data, layout) for data in cards)
    return render_batch(items, out, progress=progress, cancelled=lambda: state.cancelled,
                        total=total)


class BatchPrint(QObject):
    """One batch: start it, it shows its progress, and says when it is over (`finished`)."""

    finished = Signal(object)  # BatchOutcome

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.state = TaskState()
        self.progress: QProgressDialog | None = None
        self.done_box: QMessageBox | None = None
        self.outcome: BatchOutcome | None = None
        self.pdf: Path | None = None
        self.phase = ""  # "reading", then "printing"
        self.handed_to_viewer = False  # a viewer given the PDF may still be reading it

    def start(self, record_ids: list[str], layout: str = "ar+fr", name: str = "cards") -> None:
        ctx, state = self.ctx, self.state
        total = len(record_ids)
        dialog = QProgressDialog(self.parent_widget)
        dialog.setWindowTitle(_("Printing the cards"))
        dialog.setLabelText(_("Reading the records…"))
        dialog.setCancelButtonText(_("Cancel"))
        dialog.setRange(0, max(total, 1))
        dialog.setValue(0)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(state.cancel)
        state.progressed.connect(self._progressed)
        dialog.show()
        self.progress = dialog
        self.phase = "reading"
        today = date.today().isoformat()
        self.pdf = temp_folder(ctx) / f"{name}-{today}-{uuid.uuid4().hex[:8]}.pdf"
        # The template is read with the cards: the one installed in the store, if any.
        ctx.tasks.run(lambda: (collect_cards(ctx, record_ids, state),
                               card_template(ctx, "orientation")),
                      on_done=lambda found: self._collected(*found, layout),
                      on_error=self._failed)

    def cancel(self) -> None:
        self.state.cancel()

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))

    def _collected(self, cards: list[CardData] | None, template: Any, layout: str) -> None:
        if cards is None or self.state.cancelled:
            self._finish(BatchOutcome(None, 0, 0, True))
            return
        if not cards:
            self._finish(BatchOutcome(None, 0, 0, False))
            return
        if self.progress is not None:
            self.progress.setLabelText(
                ngettext("Printing {n} card…", "Printing {n} cards…", len(cards)).format(
                    n=format_number(len(cards), self.ctx.lang)
                )
            )
            self.progress.setRange(0, len(cards))
            self.progress.setValue(0)
        self.phase = "printing"
        out, state = self.pdf, self.state
        self.ctx.tasks.run(lambda: print_cards(template, cards, layout, out, state),
                           on_done=self._printed, on_error=self._failed, lane="print")

    def _printed(self, result: BatchResult) -> None:
        pdf = None if result.cancelled else self.pdf
        self._finish(BatchOutcome(pdf, result.cards, result.pages, result.cancelled))

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        self.outcome = BatchOutcome(None, 0, 0, False)
        show_error(self.parent_widget, _("The cards could not be printed."), error)
        self.finished.emit(self.outcome)
        self.deleteLater()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.state.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _finish(self, outcome: BatchOutcome) -> None:
        self._close_progress()
        self.outcome = outcome
        if outcome.pdf is not None:
            self._offer(outcome)  # the box's buttons need this object: it goes with the box
        self.finished.emit(outcome)
        if outcome.pdf is None:
            self.deleteLater()

    # -- the finished PDF -------------------------------------------------------------------

    def _offer(self, outcome: BatchOutcome) -> None:
        """Open or save the PDF: a message box shown without blocking (`show`, not `exec`),
        so the page stays usable and a test can press its buttons."""
        lang = self.ctx.lang
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(_("Printing the cards"))
        box.setText(
            ngettext(
                "{n} card is ready, on {pages} A4 sheets to cut in four.",
                "{n} cards are ready, on {pages} A4 sheets to cut in four.",
                outcome.cards,
            ).format(n=format_number(outcome.cards, lang),
                     pages=format_number(outcome.pages, lang))
        )
        self.open_button = box.addButton(_("Open PDF"), QMessageBox.ButtonRole.AcceptRole)
        self.save_button = box.addButton(_("Save PDF…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(_("Close"), QMessageBox.ButtonRole.RejectRole)
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._closed())
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.show()
        self.done_box = box

    def _closed(self) -> None:
        # The box closes on any of its buttons, before the button's own slot runs: after
        # "Save PDF…" the copy is still to be made, and save_pdf discards the file itself.
        clicked = self.done_box.clickedButton() if self.done_box is not None else None
        if clicked is not self.save_button:
            self._discard()
        self.deleteLater()

    def _discard(self) -> None:
        """The sheets carry names and CINs in clear: they leave the disk once she is done
        with them, unless a PDF viewer was given the file (it may still be reading it; the
        start-up sweep of tmp/ removes it after a day)."""
        if self.outcome and self.outcome.pdf and not self.handed_to_viewer:
            self.outcome.pdf.unlink(missing_ok=True)

    def open_pdf(self) -> None:
        if self.outcome and self.outcome.pdf:
            self.handed_to_viewer = True
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.pdf)))

    def save_pdf(self) -> None:
        if not (self.outcome and self.outcome.pdf):
            return
        try:
            self._save_copy(self.outcome.pdf)
        finally:
            self._discard()  # the box that offered the file is closed by now

    def _save_copy(self, pdf: Path) -> None:
        target, _filter = QFileDialog.getSaveFileName(
            self.parent_widget, _("Save the cards as PDF"),
            str(Path.home() / pdf.name.rsplit("-", 1)[0]) + ".pdf",
            _("PDF documents (*.pdf)"),
        )
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        try:
            shutil.copyfile(pdf, target)
        except OSError as error:
            show_error(self.parent_widget, _("The PDF could not be saved."), error)
