"""Cards as PDF: one A6 card, or A4 sheets of four A6 cards with crop marks.

A template (JSON, `resources/definitions/cards/`) says which fields appear, in which order
and with which labels; `CardData` holds the values. Layouts: "ar", "fr", "zgh" (one
language) or "ar+fr" (the bilingual default of Moroccan official papers: French on the left,
Arabic on the right). The letterhead is always in its three scripts.

A card whose content does not fit is redrawn a little smaller, down to a floor where it
stays readable; past that the card is refused rather than cut off.
"""

from __future__ import annotations

import os
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.data import LAYOUTS, CardData, Text, format_date, pick
from jisr_desktop.cards.fonts import LOCK, font
from jisr_desktop.cards.provisional import provisional_template
from jisr_desktop.cards.qr import qr_modules, qr_payload
from jisr_desktop.cards.text import ARABIC, FSI, LATIN, LRI, PDI, TIFINAGH, draw_line, wrap

MARGIN = 5.5 * mm  # inside a printer's unprintable border when four cards share a sheet
QR_SIZE = 19 * mm
SCALES = (1.0, 0.93, 0.86, 0.8, 0.74, 0.68)  # the last keeps labels at about 4 pt
INK = (0.0, 0.0, 0.0)
GREY = (0.33, 0.33, 0.33)
BAND = (0.88, 0.93, 0.96)
RULE = (0.45, 0.55, 0.62)

Template = Mapping[str, Any]


class CardOverflowError(ValueError):
    """The content does not fit on an A6 card even at the smallest size allowed."""


def _languages(layout: str) -> tuple[str, ...]:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return ("ar", "fr") if layout == "ar+fr" else (layout,)


def _is_rtl(text: str) -> bool:
    """The direction of a value typed by someone: that of its first strong character."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@dataclass
class _Painter:
    """Draws top-down inside a card; with `dry` it only measures (to choose the scale)."""

    canvas: Canvas
    left: float
    width: float
    y: float
    scale: float
    dry: bool

    def size(self, points: float) -> float:
        return points * self.scale

    def para(
        self,
        text: str,
        points: float,
        rtl: bool,
        *,
        align: str = "start",
        heavy: bool = False,
        colour: tuple[float, float, float] = INK,
        x: float | None = None,
        width: float | None = None,
        advance: bool = True,
    ) -> float:
        """Wrap and draw `text`; returns the height used."""
        size = self.size(points)
        x = self.left if x is None else x
        width = self.width if width is None else width
        lines = wrap(text, width, size, rtl, heavy)
        leading = size * 1.32
        y = self.y
        for line in lines:
            y -= leading
            if not self.dry:
                self.canvas.setFillColorRGB(*colour)
                draw_line(self.canvas, line, x, y + size * 0.3, size, align=align, box=width)
        if advance:
            self.y = y
        return self.y - y if not advance else leading * len(lines)

    def row(self, left: str, right: str, points: float, *, heavy: bool = False,
            colour: tuple[float, float, float] = INK) -> None:
        """French (or any left-to-right text) on the left and Arabic on the right of one
        row; stacked on two rows when they do not fit side by side."""
        size = self.size(points)
        gap = 3 * mm
        lw = sum(line.width_at(size) for line in wrap(left, 1e6, size, False, heavy))
        rw = sum(line.width_at(size) for line in wrap(right, 1e6, size, True, heavy))
        if left and right and lw + rw + gap <= self.width:
            top = self.y
            self.para(left, points, False, heavy=heavy, colour=colour, advance=False)
            self.para(right, points, True, heavy=heavy, colour=colour)
            self.y = min(self.y, top - size * 1.32)
            return
        if right:
            self.para(right, points, True, heavy=heavy, colour=colour)
        if left:
            self.para(left, points, False, heavy=heavy, colour=colour)

    def gap(self, points: float) -> None:
        self.y -= self.size(points)

    def rule(self) -> None:
        self.gap(2)
        if not self.dry:
            self.canvas.setStrokeColorRGB(*RULE)
            self.canvas.setLineWidth(0.4)
            self.canvas.line(self.left, self.y, self.left + self.width, self.y)
        self.gap(1.5)


# -- card --------------------------------------------------------------------------------------


def _letterhead(p: _Painter, template: Template) -> None:
    head = template["letterhead"]
    column = (p.width - 4 * mm) / 3
    top = p.y
    bottoms = []
    for lang, x, align, rtl in (
        ("fr", p.left, "start", False),
        ("zgh", p.left + column + 2 * mm, "center", False),
        ("ar", p.left + 2 * (column + 2 * mm), "start", True),
    ):
        p.y = top
        for i, line in enumerate(head[lang]):
            p.para(line, 5.4 if lang != "ar" else 6.0, rtl, align=align, heavy=i == 0,
                   x=x, width=column)
        bottoms.append(p.y)
    p.y = min(bottoms)


def _heading(p: _Painter, template: Template, langs: tuple[str, ...]) -> None:
    p.gap(2)
    top = p.y
    size = 10.5
    height = p.size(size) * 1.32 * (1 if len(langs) > 1 else len(langs)) + p.size(5)
    if not p.dry:
        p.canvas.setFillColorRGB(*BAND)
        p.canvas.roundRect(p.left, top - height, p.width, height, 3, stroke=0, fill=1)
    p.gap(2.5)
    inner = _Painter(p.canvas, p.left + 2 * mm, p.width - 4 * mm, p.y, p.scale, p.dry)
    if len(langs) > 1:
        inner.row(pick(template["heading"], "fr"), pick(template["heading"], "ar"), size,
                  heavy=True)
    else:
        inner.para(pick(template["heading"], langs[0]), size, langs[0] == "ar",
                   align="center", heavy=True)
    p.y = min(inner.y, top - height) - p.size(3)


def _value(p: _Painter, value: Text | None, langs: tuple[str, ...], *, points: float = 8.6,
           blank: bool = False, heavy: bool = True) -> None:
    if value is None or value == "" or (not isinstance(value, str) and not any(value.values())):
        if blank and not p.dry:
            p.gap(9)
            p.canvas.setStrokeColorRGB(*GREY)
            p.canvas.setDash(1, 1.5)
            p.canvas.setLineWidth(0.4)
            p.canvas.line(p.left, p.y, p.left + p.width, p.y)
            p.canvas.setDash()
            p.gap(1)
        elif blank:
            p.gap(10)
        return
    if isinstance(value, str):
        # On a one-language card a value starts on that language's side; on a bilingual
        # one it follows its own script (a Latin CIN on the left, an Arabic name right).
        rtl = _is_rtl(value) if len(langs) > 1 else langs == ("ar",)
        p.para(value, points, rtl, heavy=heavy)
        return
    shown: list[str] = []
    for lang in langs:
        text = pick(value, lang)
        if text and text not in shown:
            p.para(text, points, _is_rtl(text) if lang != "ar" else True, heavy=heavy)
            shown.append(text)


def _label(p: _Painter, label: Mapping[str, str], langs: tuple[str, ...]) -> None:
    if len(langs) > 1:
        p.row(pick(label, "fr"), pick(label, "ar"), 5.8, colour=GREY)
    else:
        p.para(pick(label, langs[0]), 5.8, langs[0] == "ar", colour=GREY)


def _services(p: _Painter, template: Template, data: CardData, langs: tuple[str, ...]) -> None:
    words = template["services"]
    p.gap(2)
    _label(p, words["label"], langs)
    if not data.services:
        _value(p, dict(words["empty"]), langs, points=7.2, heavy=False)
        return
    arabic_only = langs == ("ar",)
    box = p.size(5.5)
    current_type = None
    for line in data.services:
        if line.type_label and line.type_label != current_type:
            current_type = line.type_label
            p.gap(1.5)
            if len(langs) > 1:
                p.row(pick(current_type, "fr"), pick(current_type, "ar"), 6.6, heavy=True)
            else:
                p.para(pick(current_type, langs[0]), 6.6, arabic_only, heavy=True)
        top = p.y
        x = p.left + p.width - box if arabic_only else p.left
        text_left = p.left if arabic_only else p.left + box + 1.5 * mm
        text_width = p.width - box - 1.5 * mm
        delivered = {
            lang: (
                f"{pick(words['delivered'], lang)} {format_date(line.delivered_on)}"
                + (f" – {line.delivered_by}" if line.delivered_by else "")
            )
            for lang in langs
        }
        if len(langs) > 1:
            # Two columns, French beside the box and Arabic on the right: one service
            # takes the height of its longer label, not of both.
            half = (text_width - 2 * mm) / 2
            columns = []
            for lang, x_col, rtl in (("fr", text_left, False),
                                     ("ar", text_left + half + 2 * mm, True)):
                col = _Painter(p.canvas, x_col, half, top, p.scale, p.dry)
                col.para(pick(line.label, lang), 6.6, rtl)
                if line.delivered_on:
                    col.para(delivered[lang], 5.4, rtl, colour=GREY)
                columns.append(col.y)
            bottom = min(columns)
        else:
            lang = langs[0]
            col = _Painter(p.canvas, text_left, text_width, top, p.scale, p.dry)
            col.para(pick(line.label, lang), 7.0, arabic_only)
            if line.delivered_on:
                col.para(delivered[lang], 5.6, arabic_only, colour=GREY)
            bottom = col.y
        if not p.dry:
            by = top - box - p.size(1.5)
            p.canvas.setStrokeColorRGB(*INK)
            p.canvas.setLineWidth(0.6)
            p.canvas.rect(x, by, box, box, stroke=1, fill=0)
            if line.delivered_on:
                p.canvas.setLineWidth(1.0)
                path = p.canvas.beginPath()
                path.moveTo(x + box * 0.2, by + box * 0.5)
                path.lineTo(x + box * 0.42, by + box * 0.22)
                path.lineTo(x + box * 0.85, by + box * 0.85)
                p.canvas.drawPath(path, stroke=1, fill=0)
        p.y = min(bottom, top - box - p.size(2.5)) - p.size(1)


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    modules = qr_modules(payload)
    step = size / len(modules)
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (r + 1) * step
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + start * step, top, (c - start) * step, step)
            else:
                c += 1
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _footer(canvas: Canvas, template: Template, data: CardData, langs: tuple[str, ...],
            x0: float, y0: float, width: float, dry: bool, scale: float) -> float:
    """QR at the bottom left, the centre, the agent, the date and the card number beside it.
    Returns the top of the footer."""
    left = x0 + MARGIN
    if not dry:
        _draw_qr(canvas, qr_payload(data.record_id, data.card_no), left, y0 + MARGIN, QR_SIZE)
    foot = template["footer"]
    values = (
        ("centre", pick(data.centre, langs[0]) if data.centre else "……………………"),
        ("agent", data.agent),
        ("date", format_date(data.issued_on)),
        ("card_no", data.card_no),
    )
    text_left = left + QR_SIZE + 3 * mm
    text_width = x0 + width - MARGIN - text_left
    rows = []
    for key, value in values:
        # Isolated, so that the bidi algorithm keeps each piece in its place: bare, an
        # Arabic label followed by " : 02/12/2026" formed one right-to-left run and the
        # line printed "Date / 02/12/2026 : التاريخ".
        shown = f"{LRI}{value}{PDI}" if key in ("date", "card_no") else f"{FSI}{value}{PDI}"
        if key == "centre" and len(langs) > 1 and not isinstance(data.centre, str):
            rows.append((f"{pick(foot[key], 'fr')} : {FSI}{pick(data.centre, 'fr')}{PDI}", False))
            rows.append((f"{pick(foot[key], 'ar')}: {FSI}{pick(data.centre, 'ar')}{PDI}", True))
        elif len(langs) > 1:
            label = f"{pick(foot[key], 'fr')} / {FSI}{pick(foot[key], 'ar')}{PDI}"
            rows.append((f"{label} : {shown}", False))
        elif langs[0] == "ar":
            rows.append((f"{pick(foot[key], 'ar')}: {shown}", True))
        else:
            rows.append((f"{pick(foot[key], langs[0])} : {shown}", False))
    # Bottom-aligned with the QR: measure, then draw from the top of the block.
    probe = _Painter(canvas, text_left, text_width, 0, scale, True)
    for text, rtl in rows:
        probe.para(text, 6.2, rtl)
    height = -probe.y
    top = max(y0 + MARGIN + QR_SIZE, y0 + MARGIN + height)
    painter = _Painter(canvas, text_left, text_width, y0 + MARGIN + height, scale, dry)
    for text, rtl in rows:
        painter.para(text, 6.2, rtl)
    return top


def _content(canvas: Canvas, template: Template, data: CardData, langs: tuple[str, ...],
             x0: float, y0: float, width: float, height: float, scale: float,
             dry: bool) -> float:
    p = _Painter(canvas, x0 + MARGIN, width - 2 * MARGIN, y0 + height - MARGIN, scale, dry)
    _letterhead(p, template)
    p.rule()
    for lang in langs:
        p.para(pick(template["programme"], lang), 6.6, lang == "ar", align="center",
               heavy=True)
    _heading(p, template, langs)
    for fld in template["fields"]:
        value = data.values.get(fld["name"])
        if not value and not fld.get("blank"):
            continue
        _label(p, fld["label"], langs)
        _value(p, value, langs, blank=bool(fld.get("blank")))
        p.gap(2.2)
    if template["card"] == "service":
        _services(p, template, data, langs)
    if template.get("notice"):
        p.gap(2)
        for lang in langs:
            p.para(pick(template["notice"], lang), 5.4, lang == "ar", align="center",
                   colour=GREY)
    return p.y


def draw_card(canvas: Canvas, template: Template, data: CardData, layout: str = "ar+fr",
              x0: float = 0.0, y0: float = 0.0) -> None:
    """Draw one A6 card with its bottom-left corner at (x0, y0) of the current page."""
    langs = _languages(layout)
    if template["card"] != data.kind:
        raise ValueError(f"a {template['card']} template cannot print a {data.kind} card")
    template = provisional_template(template) if data.provisional else template
    width, height = A6
    with LOCK:
        for scale in SCALES:
            footer_top = _footer(canvas, template, data, langs, x0, y0, width, True, scale)
            bottom = _content(canvas, template, data, langs, x0, y0, width, height, scale, True)
            if bottom >= footer_top + 2 * mm:
                break
        else:
            raise CardOverflowError(
                f"card {data.card_no}: the content does not fit on A6 even at {scale:.0%}"
            )
        _footer(canvas, template, data, langs, x0, y0, width, False, scale)
        _content(canvas, template, data, langs, x0, y0, width, height, scale, False)
        canvas.setFillColorRGB(*INK)


class _CompactCanvas(Canvas):
    """A canvas that compresses each page's content stream as soon as the page is done.

    reportlab keeps every finished page until `save()`, each as its content stream in plain
    text (about 34 kB per card here), so a batch grew by 3.4 MB per 100 cards. Compressed
    at `showPage` (zlib, as reportlab would at `save()`, marked /FlateDecode so it is not
    compressed twice) a page costs what it will cost in the file, about a tenth of that.
    The PDF is the same; only the moment of compression changes."""

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.stream is None or not self._pageCompression:
            return
        content = page.stream.encode("utf-8") if isinstance(page.stream, str) else page.stream
        stream = PDFStream(content=zlib.compress(content))
        stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
        stream.__Comment__ = "page stream"
        page.Contents = stream
        page.stream = None


def _canvas(out: str | os.PathLike[str] | BinaryIO, pagesize: tuple[float, float],
            title: str) -> Canvas:
    for name in (LATIN, ARABIC, TIFINAGH):  # registered before the canvas needs them
        font(name)
        font(name + "-Bold") if name != TIFINAGH else None
    target = os.fspath(out) if isinstance(out, str | os.PathLike) else out
    # Our Latin face as the initial font: otherwise every page names Helvetica, unembedded.
    canvas = _CompactCanvas(target, pagesize=pagesize, pageCompression=1, invariant=1,
                            initialFontName=LATIN, initialFontSize=8)
    canvas.setTitle(title)
    canvas.setAuthor("Jisr Desktop")
    return canvas


def render_card(template: Template, data: CardData, out: str | os.PathLike[str] | BinaryIO,
                layout: str = "ar+fr") -> None:
    """One card on an A6 page."""
    canvas = _canvas(out, A6, f"{pick(template['heading'], 'fr')} {data.card_no}")
    draw_card(canvas, template, data, layout)
    canvas.showPage()
    canvas.save()


# -- batch -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    template: Template
    data: CardData
    layout: str = "ar+fr"


@dataclass(frozen=True)
class BatchResult:
    cards: int
    pages: int
    cancelled: bool


def _crop_marks(canvas: Canvas) -> None:
    """Cut lines between the four cards, marked where no card prints: in the sheet's margins
    and as a cross at the centre (every card keeps MARGIN clear around its edge)."""
    w, h = A4
    cx, cy = A6[0], _SPARE + A6[1]
    near, far = 1 * mm, 5 * mm
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setLineWidth(0.25)
    for x1, y1, x2, y2 in (
        (cx, h - near, cx, h - far),  # top edge
        (cx, near, cx, far),  # bottom edge
        (near, cy, far, cy),  # left edge
        (w - near, cy, w - far, cy),  # right edge
        (cx - 4 * mm, cy, cx + 4 * mm, cy),  # centre cross
        (cx, cy - 4 * mm, cx, cy + 4 * mm),
    ):
        canvas.line(x1, y1, x2, y2)


# Card slots on an A4 sheet, reading order: top left, top right, bottom left, bottom right.
# A4 is 297 mm tall and two A6 cards 296: the spare millimetre goes to the sheet's edges.
_SPARE = (A4[1] - 2 * A6[1]) / 2
_SLOTS = ((0.0, _SPARE + A6[1]), (A6[0], _SPARE + A6[1]), (0.0, _SPARE), (A6[0], _SPARE))


def render_batch(
    items: Iterable[BatchItem],
    out: str | os.PathLike[str] | BinaryIO,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    total: int = 0,
) -> BatchResult:
    """Print many cards, four per A4 sheet, reading `items` lazily (pass a generator over the
    store: the records are never all in memory). `progress(done, total)` is called after each
    card (`total` is 0 when unknown); `cancelled()` is polled before each card, and a
    cancelled batch leaves no partial file behind. Qt-free: the UI calls it on a worker.
    """
    path = Path(out) if isinstance(out, str | os.PathLike) else None
    target: str | BinaryIO = str(path.with_name(path.name + ".part")) if path else out  # type: ignore[assignment]
    canvas = _canvas(target, A4, "Jisr cards")
    done = 0
    pages = 0
    slot = 0
    for item in items:
        if cancelled is not None and cancelled():
            if path:
                Path(target).unlink(missing_ok=True)  # type: ignore[arg-type]
            return BatchResult(done, pages, True)
        x, y = _SLOTS[slot]
        draw_card(canvas, item.template, item.data, item.layout, x, y)
        done += 1
        slot += 1
        if slot == len(_SLOTS):
            _crop_marks(canvas)
            canvas.showPage()
            pages += 1
            slot = 0
        if progress is not None:
            progress(done, total)
    if slot or not done:
        _crop_marks(canvas)
        canvas.showPage()
        pages += 1
    canvas.save()
    if path:
        os.replace(target, path)  # type: ignore[arg-type]
    return BatchResult(done, pages, False)
