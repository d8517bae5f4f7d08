"""The card painted with QPainter: the on-screen preview and the printer.

PySide6-Essentials has no QtPdf and a Windows PC has no poppler, so the picture on screen
is not a rendering of the PDF: it is the same drawing replayed (`cards.drawing` records
what `draw_card` draws: HarfBuzz-shaped glyph runs and shapes, in points) with the same
font files, so the preview, the printed card and the PDF come from one layout.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGlyphRun,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QRawFont,
    QTransform,
)

from jisr_desktop.cards.drawing import CardDrawing, Glyphs, Line, Rect, Style
from jisr_desktop.cards.drawing import Path as PathOp

PREVIEW_DPI = 150  # enough to read a CIN on screen; an A6 card is then 620 × 874 pixels




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


