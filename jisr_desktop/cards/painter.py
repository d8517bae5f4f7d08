"""The pen of a card: `Painter` draws wrapped text and rules top-down inside a card (or,
dry, only measures them, to choose the scale), and the card's colours."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.text import draw_line, wrap

INK = (0.0, 0.0, 0.0)
GREY = (0.33, 0.33, 0.33)
BAND = (0.88, 0.93, 0.96)
RULE = (0.45, 0.55, 0.62)


def is_rtl(text: str) -> bool:
    """The direction of a value typed by someone: that of its first strong character."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@dataclass
class Painter:
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
