"""A card as a list of drawing operations, for a screen preview without a PDF renderer.

The app ships PySide6-Essentials, which has no QtPdf, and poppler is not on a Windows PC:
nothing there can turn the card's PDF back into pixels. So the preview does not read the
PDF; it replays the very calls `draw_card` makes on the PDF canvas, recorded here as plain
data (lines, rectangles, paths and glyph runs with their glyph ids and positions, in PDF
points). The app paints them with QPainter, with the same font files, so what she sees is
what the printer gets: the same shaping, the same line breaks, the same scale.

Only the canvas calls `render.py` and `text.py` make are recorded; any other one raises, so
a change there that the preview does not follow fails its test instead of drawing a card
with a piece missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A6
from reportlab.pdfbase.ttfonts import ShapedStr

from jisr_desktop.cards.data import CardData
from jisr_desktop.cards.fonts import font, font_file

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Style:
    stroke: RGB | None  # None: not stroked
    fill: RGB | None  # None: not filled
    width: float = 1.0
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    style: Style


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    radius: float
    style: Style


@dataclass(frozen=True)
class Path:
    # ("M", x, y), ("L", x, y) or ("R", x, y, w, h): PDF's moveto, lineto, re.
    commands: tuple[tuple[Any, ...], ...]
    style: Style


@dataclass(frozen=True)
class Glyphs:
    font_file: str
    size: float  # points
    glyphs: tuple[int, ...]  # glyph ids in the font file
    positions: tuple[tuple[float, float], ...]  # each glyph's origin on the baseline
    colour: RGB


Op = Line | Rect | Path | Glyphs


@dataclass
class CardDrawing:
    """One card: its size in points (origin bottom left, y up, as in PDF) and what is on it."""

    width: float
    height: float
    ops: list[Op] = field(default_factory=list)

    def glyph_count(self) -> int:
        return sum(len(op.glyphs) for op in self.ops if isinstance(op, Glyphs))


class _PathRecorder:
    def __init__(self) -> None:
        self.commands: list[tuple[Any, ...]] = []

    def moveTo(self, x: float, y: float) -> None:
        self.commands.append(("M", x, y))

    def lineTo(self, x: float, y: float) -> None:
        self.commands.append(("L", x, y))

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.commands.append(("R", x, y, w, h))


class _TextRecorder:
    def __init__(self) -> None:
        self.x = 0.0
        self.y = 0.0
        self.font = ""
        self.size = 10.0
        self.runs: list[tuple[str, float, str, float, float]] = []

    def setTextOrigin(self, x: float, y: float) -> None:
        self.x, self.y = x, y

    def setFont(self, name: str, size: float) -> None:
        self.font, self.size = name, size

    def textOut(self, text: str) -> None:
        self.runs.append((self.font, self.size, text, self.x, self.y))


def _glyphs(name: str, size: float, text: str, x: float, y: float, colour: RGB) -> Glyphs:
    """Where each glyph of one `textOut` lands, exactly as reportlab writes it: a shaped run
    places glyph i at pen + HarfBuzz's offset and moves the pen by its advance; a plain run
    advances by the font's widths (reportlab does not kern)."""
    f = font(name)
    face = f.ttf.face
    scale = size / 1000  # the fonts have 1000 units per em, as PDF's text space
    ids: list[int] = []
    positions: list[tuple[float, float]] = []
    pen = x
    if isinstance(text, ShapedStr):
        for ch, sd in zip(text, text.__shapeData__, strict=True):
            ids.append(face.charToGlyph[ord(ch)])
            positions.append((pen + sd.x_offset * scale, y + sd.y_offset * scale))
            pen += sd.x_advance * scale
    else:
        for ch in text:
            ids.append(face.charToGlyph[ord(ch)])
            positions.append((pen, y))
            pen += face.charWidths.get(ord(ch), face.defaultWidth) * scale
    return Glyphs(str(font_file(name)), size, tuple(ids), tuple(positions), colour)


class RecordingCanvas:
    """Stands in for reportlab's Canvas inside `draw_card` and records what it draws."""

    def __init__(self, width: float, height: float) -> None:
        self.drawing = CardDrawing(width, height)
        self._fill: RGB = (0.0, 0.0, 0.0)
        self._stroke: RGB = (0.0, 0.0, 0.0)
        self._width = 1.0
        self._dash: tuple[float, ...] = ()

    def _style(self, stroke: int | bool, fill: int | bool) -> Style:
        return Style(self._stroke if stroke else None, self._fill if fill else None,
                     self._width, self._dash)

    def setFillColorRGB(self, r: float, g: float, b: float) -> None:
        self._fill = (r, g, b)

    def setStrokeColorRGB(self, r: float, g: float, b: float) -> None:
        self._stroke = (r, g, b)

    def setLineWidth(self, width: float) -> None:
        self._width = width

    def setDash(self, array: Any = (), phase: float = 0) -> None:
        # reportlab: two numbers are one "on, off" pair; otherwise a sequence and a phase.
        self._dash = (array, phase) if isinstance(array, int | float) else tuple(array)

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.drawing.ops.append(Line(x1, y1, x2, y2, self._style(True, False)))

    def rect(self, x: float, y: float, w: float, h: float, stroke: int = 1,
             fill: int = 0) -> None:
        self.drawing.ops.append(Rect(x, y, w, h, 0.0, self._style(stroke, fill)))

    def roundRect(self, x: float, y: float, w: float, h: float, radius: float,
                  stroke: int = 1, fill: int = 0) -> None:
        self.drawing.ops.append(Rect(x, y, w, h, radius, self._style(stroke, fill)))

    def beginPath(self) -> _PathRecorder:
        return _PathRecorder()

    def drawPath(self, path: _PathRecorder, stroke: int = 1, fill: int = 0) -> None:
        self.drawing.ops.append(Path(tuple(path.commands), self._style(stroke, fill)))

    def beginText(self) -> _TextRecorder:
        return _TextRecorder()

    def drawText(self, text: _TextRecorder) -> None:
        for name, size, chars, x, y in text.runs:
            if chars:
                self.drawing.ops.append(_glyphs(name, size, chars, x, y, self._fill))

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"the card preview does not record canvas.{name}(): teach cards/drawing.py"
        )


def record_card(template: Mapping[str, Any], data: CardData,
                layout: str = "ar+fr") -> CardDrawing:
    """The drawing operations of one A6 card, as `render_card` would put them in the PDF."""
    from jisr_desktop.cards.render import draw_card

    canvas = RecordingCanvas(*A6)
    draw_card(canvas, template, data, layout)  # type: ignore[arg-type]
    return canvas.drawing
