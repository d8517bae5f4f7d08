"""Cards as PDF: one A6 card (`render_card`, `draw_card`); A4 sheets of four are in
`batch.py`, the pen in `painter.py`, the body's blocks in `blocks.py`.

A template (JSON, `resources/definitions/cards/`) says which fields appear, in which order
and with which labels; `CardData` holds the values. Layouts: "ar", "fr", "zgh" (one
language) or "ar+fr" (the bilingual default of Moroccan official papers: French on the left,
Arabic on the right). The letterhead is always in its three scripts.

A card whose content does not fit is redrawn a little smaller, down to a floor where it
stays readable; past that the card is refused rather than cut off.
"""

from __future__ import annotations

import os
import zlib
from typing import BinaryIO

from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.blocks import (
    Template,
    draw_heading,
    draw_label,
    draw_letterhead,
    draw_services,
    draw_value,
)
from jisr_desktop.cards.data import LAYOUTS, CardData, format_date, pick
from jisr_desktop.cards.fonts import LOCK, font
from jisr_desktop.cards.painter import GREY, INK, Painter
from jisr_desktop.cards.provisional import provisional_template
from jisr_desktop.cards.qr import qr_modules, qr_payload
from jisr_desktop.cards.text import ARABIC, FSI, LATIN, LRI, PDI, TIFINAGH

MARGIN = 5.5 * mm  # inside a printer's unprintable border when four cards share a sheet
QR_SIZE = 19 * mm
SCALES = (1.0, 0.93, 0.86, 0.8, 0.74, 0.68)  # the last keeps labels at about 4 pt



class CardOverflowError(ValueError):
    """The content does not fit on an A6 card even at the smallest size allowed."""


def _languages(layout: str) -> tuple[str, ...]:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return ("ar", "fr") if layout == "ar+fr" else (layout,)


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
    probe = Painter(canvas, text_left, text_width, 0, scale, True)
    for text, rtl in rows:
        probe.para(text, 6.2, rtl)
    height = -probe.y
    top = max(y0 + MARGIN + QR_SIZE, y0 + MARGIN + height)
    painter = Painter(canvas, text_left, text_width, y0 + MARGIN + height, scale, dry)
    for text, rtl in rows:
        painter.para(text, 6.2, rtl)
    return top


def _content(canvas: Canvas, template: Template, data: CardData, langs: tuple[str, ...],
             x0: float, y0: float, width: float, height: float, scale: float,
             dry: bool) -> float:
    p = Painter(canvas, x0 + MARGIN, width - 2 * MARGIN, y0 + height - MARGIN, scale, dry)
    draw_letterhead(p, template)
    p.rule()
    for lang in langs:
        p.para(pick(template["programme"], lang), 6.6, lang == "ar", align="center",
               heavy=True)
    draw_heading(p, template, langs)
    for fld in template["fields"]:
        value = data.values.get(fld["name"])
        if not value and not fld.get("blank"):
            continue
        draw_label(p, fld["label"], langs)
        draw_value(p, value, langs, blank=bool(fld.get("blank")))
        p.gap(2.2)
    if template["card"] == "service":
        draw_services(p, template, data, langs)
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


def pdf_canvas(out: str | os.PathLike[str] | BinaryIO, pagesize: tuple[float, float],
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
    canvas = pdf_canvas(out, A6, f"{pick(template['heading'], 'fr')} {data.card_no}")
    draw_card(canvas, template, data, layout)
    canvas.showPage()
    canvas.save()
