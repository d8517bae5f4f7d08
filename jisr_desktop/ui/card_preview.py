"""Preview, print and save one woman's card (orientation or service).

The card's data is read on the db lane (`cards.for_record`), then the PDF is rendered on
the print lane into a temporary file in the data folder (deleted when the dialog closes:
the card names her and shows her CIN, and the data folder is where the app keeps what is
hers).

The picture on screen is not a rendering of the PDF: PySide6-Essentials has no QtPdf and a
Windows PC has no poppler. It is the same drawing replayed with QPainter
(`cards.drawing` records what `draw_card` draws: HarfBuzz-shaped glyph runs and shapes,
in points) with the same font files, so the preview and the PDF come from one layout.
Printing paints that drawing on the printer (vector text, through the system's print
dialog); "Open PDF" hands the PDF to the system viewer, for those who prefer it.
"""

from __future__ import annotations

import logging
import math
import shutil
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QGlyphRun,
    QImage,
    QPageSize,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QRawFont,
    QTransform,
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
from jisr_desktop.cards.drawing import CardDrawing, Glyphs, Line, Rect, Style
from jisr_desktop.cards.drawing import Path as PathOp
from jisr_desktop.i18n import N_, _
from jisr_desktop.textdir import isolate_ltr
from jisr_desktop.ui.context import AccountInfo, AppContext
from jisr_desktop.ui.errors import show_error

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
PREVIEW_DPI = 150  # enough to read a CIN on screen; an A6 card is then 620 × 874 pixels
ERROR_STYLE = "color: #b00020;"


def can_print(account: AccountInfo, kind: str) -> bool:
    """Who hands which card to the woman: the agent who enrols her (or a supervisor) gives
    the orientation card; the incubator's staff give the service card."""
    if kind == "orientation":
        return account.can_enrol or account.can_decide
    return account.can_assess


TEMP_MAX_AGE_S = 24 * 3600


def temp_folder(ctx: AppContext) -> Path:
    """The data folder's tmp/, where cards are rendered. PDFs left there by a crash, or
    still open in a viewer when their dialog closed, are removed after a day: each names a
    woman and her CIN."""
    folder = ctx.folder / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.pdf"):
        try:
            if now - old.stat().st_mtime > TEMP_MAX_AGE_S:
                old.unlink()
        except OSError:  # open in a viewer on Windows: next time
            pass
    return folder


# -- painting ---------------------------------------------------------------------------------


@cache
def _font_bytes(path: str) -> QByteArray:
    return QByteArray(Path(path).read_bytes())


@cache
def _raw_font(path: str, pixel_size: float) -> QRawFont:
    return QRawFont(_font_bytes(path), pixel_size)


def _colour(rgb: tuple[float, float, float]) -> QColor:
    return QColor.fromRgbF(*rgb)


def _pen(style: Style) -> QPen:
    if style.stroke is None:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(_colour(style.stroke))
    pen.setWidthF(style.width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # PDF's default butt cap
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    if style.dash and style.width > 0:
        pen.setDashPattern([d / style.width for d in style.dash])  # Qt counts in pen widths
    return pen


def _brush(style: Style) -> QBrush:
    return QBrush(_colour(style.fill)) if style.fill is not None else QBrush()


def paint_card(painter: QPainter, drawing: CardDrawing, target: QRectF) -> None:
    """Paint the card into `target` (in the painter's coordinates), keeping its proportions.
    Shapes go through a y-flipping transform (PDF's y goes up); glyphs are placed one by one
    at their PDF positions, scaled, so they are not drawn upside down."""
    k = min(target.width() / drawing.width, target.height() / drawing.height)
    left, top = target.left(), target.top()
    base = painter.worldTransform()
    flip = QTransform(k, 0, 0, -k, left, top + drawing.height * k)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(left, top, drawing.width * k, drawing.height * k), Qt.GlobalColor.white)
    for op in drawing.ops:
        if isinstance(op, Glyphs):
            painter.setWorldTransform(base)
            run = QGlyphRun()
            run.setRawFont(_raw_font(op.font_file, round(op.size * k, 2)))
            run.setGlyphIndexes(list(op.glyphs))
            run.setPositions(
                [QPointF(left + x * k, top + (drawing.height - y) * k) for x, y in op.positions]
            )
            painter.setPen(_colour(op.colour))
            painter.drawGlyphRun(QPointF(0, 0), run)
            continue
        painter.setWorldTransform(flip * base)
        painter.setPen(_pen(op.style))
        painter.setBrush(_brush(op.style))
        if isinstance(op, Line):
            painter.drawLine(QPointF(op.x1, op.y1), QPointF(op.x2, op.y2))
        elif isinstance(op, Rect):
            rect = QRectF(op.x, op.y, op.w, op.h)
            if op.radius:
                painter.drawRoundedRect(rect, op.radius, op.radius)
            else:
                painter.drawRect(rect)
        elif isinstance(op, PathOp):
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)  # reportlab's default fill mode
            for command in op.commands:
                if command[0] == "M":
                    path.moveTo(command[1], command[2])
                elif command[0] == "L":
                    path.lineTo(command[1], command[2])
                else:
                    path.addRect(QRectF(*command[1:5]))
            painter.drawPath(path)
    painter.restore()


def card_image(drawing: CardDrawing, dpi: int = PREVIEW_DPI) -> QImage:
    """The card as a picture at `dpi` (white background)."""
    # Rounded up, as PDF renderers do: no sliver of the card is cut off.
    size = QSize(math.ceil(drawing.width * dpi / 72), math.ceil(drawing.height * dpi / 72))
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_card(painter, drawing, QRectF(0, 0, size.width(), size.height()))
    painter.end()
    return image


def print_drawings(printer: Any, drawings: list[CardDrawing]) -> None:
    """Each card at its true size (A6) at the top left of a page of `printer`."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    try:
        dpi = printer.resolution()
        for i, drawing in enumerate(drawings):
            if i:
                printer.newPage()
            paint_card(painter, drawing, QRectF(0, 0, drawing.width * dpi / 72,
                                                drawing.height * dpi / 72))
    finally:
        painter.end()


# -- the work on the lanes (no widgets) ------------------------------------------------------


def load_card(ctx: AppContext, record_id: str, kind: str) -> CardData:
    """db lane: the card's data; `NoCard` when there is none."""
    from jisr_desktop.cards.for_record import card_for_record

    return card_for_record(ctx.repo, ctx.defs, record_id, kind, reference=ctx.reference,
                           centre=ctx.settings.centre, agent=ctx.account.name)


def render_preview(template: Any, data: CardData, layout: str,
                   out: Path) -> tuple[Path, CardDrawing]:
    """print lane: the PDF into `out`, and the drawing the preview paints."""
    from jisr_desktop.cards import render_card
    from jisr_desktop.cards.drawing import record_card

    render_card(template, data, out, layout)
    return out, record_card(template, data, layout)


@cache
def card_templates() -> dict[str, Any]:
    from jisr_desktop.models.programme.definitions import load_card_templates

    return {kind: d.data for kind, d in load_card_templates().items()}


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
        self.picture.setMinimumSize(330, 460)
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
        self.resize(560, 780)
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
        ctx.tasks.run(lambda: load_card(ctx, record_id, kind), key=self._key("load"),
                      on_done=self._loaded, on_error=self._failed)

    def _loaded(self, data: CardData) -> None:
        if self._closed:
            return
        self.data = data
        self.render()

    def render(self) -> None:
        """Render the card in the chosen language (print lane); the picture follows."""
        if self.data is None:
            return
        self._set_ready(False)
        self._say(N_("Preparing the card…"))
        template = card_templates()[self.kind]
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
