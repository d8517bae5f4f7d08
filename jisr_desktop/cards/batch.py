"""A4 sheets of four A6 cards with crop marks: a batch read lazily, with progress and
cancellation, that leaves no partial file behind."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.blocks import Template
from jisr_desktop.cards.data import CardData
from jisr_desktop.cards.render import draw_card, pdf_canvas


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
    canvas = pdf_canvas(target, A4, "Jisr cards")
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
