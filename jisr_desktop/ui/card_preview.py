"""Preview, print and save one woman's card (orientation or service).

The card's data and the template in force (installed in the store by an administrator,
else shipped: `models/workflows/card_templates.py`) are read on the db lane
(`ui/card_work.py`), then the PDF is rendered on
the print lane into a temporary file in the data folder (deleted when the dialog closes:
the card names her and shows her CIN, and the data folder is where the app keeps what is
hers).

The picture on screen is not a rendering of the PDF: PySide6-Essentials has no QtPdf and a
Windows PC has no poppler. It is the same drawing replayed with QPainter
(`ui/card_painting.py`) with the same font files, so the preview and the PDF come from
one layout.
Printing paints that drawing on the printer (vector text, through the system's print
dialog); "Open PDF" hands the PDF to the system viewer, for those who prefer it.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QPageSize,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.cards.data import CardData
from jisr_desktop.cards.drawing import CardDrawing
from jisr_desktop.i18n import N_, _
from jisr_desktop.textdir import isolate_ltr
from jisr_desktop.ui.card_painting import card_image, print_drawings
from jisr_desktop.ui.card_painting import paint_card as paint_card  # where it was before
from jisr_desktop.ui.card_work import card_template, load_card, render_preview, temp_folder
from jisr_desktop.ui.context import AccountInfo, AppContext
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.screen_fit import fit

try:  # QtPrintSupport is part of PySide6-Essentials, but a trimmed bundle may lack it
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
except ImportError:  # pragma: no cover - then "Print…" opens the PDF in the system viewer
    QPrintDialog = QPrinter = None  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

# The card's languages, in the order offered; the bilingual card is the default (official
# papers in Morocco are Arabic and French).
LAYOUTS: tuple[tuple[str, str], ...] = (
    ("ar+fr", N_("Arabic and French")),
    ("ar", N_("Arabic")),
    ("fr", N_("French")),
    ("zgh", N_("Tamazight")),
)
KIND_TITLES = {"orientation": N_("Orientation card"), "service": N_("Service card")}
NO_CARD = {
    "not_found": N_("This record is no longer in the store."),
    "no_orientation": N_("This record has no orientation yet (no consent, or not scored)."),
    "no_assessment": N_("This record has no skills assessment yet."),
}
ERROR_STYLE = "color: #b00020;"


def can_print(account: AccountInfo, kind: str) -> bool:
    """Who hands which card to the woman: the agent who enrols her (or a supervisor) gives
    the orientation card; the incubator's staff give the service card."""
    if kind == "orientation":
        return account.can_enrol or account.can_decide
    return account.can_assess


# -- the dialog -------------------------------------------------------------------------------


class CardPreviewDialog(QDialog):
    """Opens on a record and a kind; renders in the background and shows the card."""

    def __init__(self, ctx: AppContext, record_id: str, kind: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.kind = kind
        self.data: CardData | None = None
        self.template: Any = None
        self.drawing: CardDrawing | None = None
        self.pdf: Path | None = None
        self.image: QImage | None = None
        self._status: tuple[str, bool] = (N_("Preparing the card…"), False)
        self._status_values: dict[str, str] = {}
        self._closed = False
        self.setObjectName("cardPreview")
        self.setModal(True)

        self.layout_label = QLabel()
        self.layout_choice = QComboBox()
        self.layout_label.setBuddy(self.layout_choice)
        for code, _label in LAYOUTS:
            self.layout_choice.addItem("", code)
        self.layout_choice.currentIndexChanged.connect(lambda _i: self.render())

        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture.setMinimumSize(240, 300)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.picture)
        self.scroll.setStyleSheet("QScrollArea { background: #6b7780; }"
                                  "QLabel { background: #6b7780; }")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)

        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_card)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_pdf)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.layout_label)
        top.addWidget(self.layout_choice)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.info)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        for first, second in (
            (self.layout_choice, self.print_button),
            (self.print_button, self.open_button),
            (self.open_button, self.save_button),
            (self.save_button, self.close_button),
        ):
            QWidget.setTabOrder(first, second)
        self.print_button.setDefault(True)

        self.finished.connect(self._on_finished)
        ctx.language.changed.connect(self._language_changed)
        self.retranslate()
        self._set_ready(False)
        # 780 pixels do not fit a 768-pixel screen: the Print, Save and Close buttons fell
        # off it. The picture scales to the room left.
        fit(self, 560, 780)
        self._load()

    # -- work --------------------------------------------------------------------------------

    @property
    def card_layout(self) -> str:
        return self.layout_choice.currentData() or "ar+fr"

    def _key(self, job: str) -> str:
        # One key per dialog: two previews open at once do not supersede each other.
        return f"card_preview.{id(self)}.{job}"

    def _load(self) -> None:
        ctx, record_id, kind = self.ctx, self.record_id, self.kind
        # The template with the data: the one installed in the store when she opens it.
        ctx.tasks.run(lambda: (load_card(ctx, record_id, kind), card_template(ctx, kind)),
                      key=self._key("load"), on_done=self._loaded, on_error=self._failed)

    def _loaded(self, found: tuple[CardData, Any]) -> None:
        if self._closed:
            return
        self.data, self.template = found
        self.render()

    def render(self) -> None:
        """Render the card in the chosen language (print lane); the picture follows."""
        if self.data is None:
            return
        self._set_ready(False)
        self._say(N_("Preparing the card…"))
        template = self.template
        data, layout = self.data, self.card_layout
        out = temp_folder(self.ctx) / f"{data.card_no}-{layout.replace('+', '-')}-" \
                                      f"{uuid.uuid4().hex[:8]}.pdf"
        # A newer render (another language) supersedes this one; its PDF is deleted.
        self.ctx.tasks.run(lambda: render_preview(template, data, layout, out),
                           key=self._key("render"), on_done=self._rendered,
                           on_error=self._failed, on_dropped=_delete_rendered,
                           lane="print")

    def _rendered(self, result: tuple[Path, CardDrawing]) -> None:
        pdf, drawing = result
        if self._closed:
            pdf.unlink(missing_ok=True)  # the dialog is gone
            return
        self._discard_pdf()
        self.pdf, self.drawing = pdf, drawing
        self.image = card_image(drawing)
        self._show_image()
        self._set_ready(True)
        self._say("")
        self._show_info()

    def _failed(self, error: BaseException) -> None:
        if self._closed:
            return
        from jisr_desktop.cards.for_record import NoCard

        if isinstance(error, NoCard):
            self._say(NO_CARD.get(error.code, NO_CARD["not_found"]), error=True)
            return
        self._say(N_("The card could not be made. Details are in the log file."), error=True)
        show_error(self, _("The card could not be made."), error)

    def _on_finished(self, _result: int) -> None:
        self._closed = True  # answers still on their way are dropped (and their PDF deleted)
        self.ctx.tasks.discard(self._key("load"))
        self._discard_pdf()

    def _discard_pdf(self) -> None:
        if self.pdf is not None:
            try:
                self.pdf.unlink(missing_ok=True)
            except OSError:  # a viewer still holds it open (Windows): left for next time
                log.warning("could not delete the temporary card %s", self.pdf.name)
            self.pdf = None

    # -- actions ------------------------------------------------------------------------------

    def print_card(self) -> None:
        if self.drawing is None:
            return
        if QPrinter is None:
            self.open_pdf()
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
        printer.setFullPage(True)  # the card keeps its own margins
        printer.setDocName(self.data.card_no if self.data else "card")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the card"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            print_drawings(printer, [self.drawing])
        except OSError as error:
            show_error(self, _("The card could not be printed."), error)
            return
        self._say(N_("The card was sent to the printer."))

    def open_pdf(self) -> None:
        if self.pdf is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))

    def save_pdf(self) -> None:
        if self.pdf is None or self.data is None:
            return
        name = f"{self.data.card_no}-{self.card_layout.replace('+', '-')}.pdf"
        suggested = str(Path.home() / name)
        target, _filter = QFileDialog.getSaveFileName(
            self, _("Save the card as PDF"), suggested, _("PDF documents (*.pdf)")
        )
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        self.save_pdf_to(Path(target))

    def save_pdf_to(self, target: Path) -> None:
        if self.pdf is None:
            return
        try:
            shutil.copyfile(self.pdf, target)
        except OSError as error:
            show_error(self, _("The PDF could not be saved."), error)
            return
        self._say(N_("Saved: {path}"), path=isolate_ltr(str(target)))

    # -- showing ------------------------------------------------------------------------------

    def _show_image(self) -> None:
        if self.image is None:
            return
        pixmap = QPixmap.fromImage(self.image)
        # Fit the height of the window, never larger than the 150 dpi picture itself.
        room = self.scroll.viewport().height() - 16
        if 0 < room < pixmap.height():
            pixmap = pixmap.scaledToHeight(room, Qt.TransformationMode.SmoothTransformation)
        self.picture.setPixmap(pixmap)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._show_image()

    def _show_info(self) -> None:
        if self.data is None:
            self.info.clear()
            return
        self.info.setText(
            _("Card no. {number} · A6 (105 × 148 mm) · {language}").format(
                number=isolate_ltr(self.data.card_no),
                language=_(dict(LAYOUTS)[self.card_layout]),
            )
        )

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.open_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _say(self, msgid: str, error: bool = False, **values: str) -> None:
        # Kept as a msgid so a change of language re-translates it in place.
        self._status = (msgid, error)
        self._status_values = values
        self._show_status()

    def _show_status(self) -> None:
        msgid, error = self._status
        self.status.setText(_(msgid).format(**self._status_values) if msgid else "")
        self.status.setStyleSheet(ERROR_STYLE if error else "")

    # -- language -----------------------------------------------------------------------------

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_(KIND_TITLES.get(self.kind, KIND_TITLES["orientation"])))
        self.layout_label.setText(_("Language of the card"))
        self.layout_choice.setAccessibleName(_("Language of the card"))
        for i, (_code, label) in enumerate(LAYOUTS):
            self.layout_choice.setItemText(i, _(label))
        self.picture.setAccessibleName(_("Preview of the card"))
        self.print_button.setText(_("Print…"))
        self.print_button.setAccessibleName(_("Print the card"))
        self.open_button.setText(_("Open PDF"))
        self.open_button.setToolTip(_("Open the card in the system's PDF viewer"))
        self.save_button.setText(_("Save PDF…"))
        self.save_button.setAccessibleName(_("Save the card as PDF"))
        self.close_button.setText(_("Close"))
        self._show_info()
        self._show_status()

    def closeEvent(self, event: Any) -> None:
        self._discard_pdf()
        super().closeEvent(event)


def _delete_rendered(result: tuple[Path, CardDrawing]) -> None:
    result[0].unlink(missing_ok=True)


def open_card_preview(ctx: AppContext, record_id: str, kind: str,
                      parent: QWidget | None = None) -> CardPreviewDialog:
    """Open the preview (window-modal, not blocking the caller) and return it."""
    dialog = CardPreviewDialog(ctx, record_id, kind, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
