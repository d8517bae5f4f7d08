"""Arabic, French and Tifinagh text, laid out by hand for reportlab.

reportlab 5.1 alone cannot print Arabic correctly (its bidi needs the unpublished
`rlbidi`; shaping on the canvas leaves letters unjoined, a shaped Paragraph puts words in
the wrong order; no font fallback). So the cards do it themselves, in the order the
Unicode bidi algorithm requires:

1. break the *logical* text into lines, measuring words as they will be drawn;
2. per line, resolve embedding levels with python-bidi (the Rust implementation of UAX #9);
3. give every character a font from the chain (Latin, Arabic, Tifinagh; neutrals follow
   their neighbours) and cut the line into runs of one level and one font;
4. order the runs visually (rule L2) and shape each: Arabic through HarfBuzz (joining,
   lam-alef, marks; mirrored brackets in right-to-left runs), Latin and Tifinagh as plain
   characters so that a PDF reader gives them back exactly;
5. draw the runs left to right, each at its own position.

Every line is a `Line` of `Run`s whose glyph names the tests compare with expected output
before anything is drawn. A character no font can draw raises `MissingGlyphError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import uharfbuzz as hb
from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.fonts import LOCK, MissingGlyphError, bold, char_for_glyph, font

LATIN, ARABIC, TIFINAGH = "JisrLatin", "JisrArabic", "JisrTifinagh"
CHAIN = (LATIN, ARABIC, TIFINAGH)  # for characters with no script of their own

FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"
_OPENERS = (FSI, LRI, RLI)
# Explicit direction marks and controls: they steer the bidi algorithm, then are dropped
# (no font draws them, and reportlab would print a box or nothing).
_CONTROL_CLASSES = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_DROPPED = frozenset("\u200e\u200f\u061c\u200b\u00ad\ufeff")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: meaningful to Arabic shaping, kept
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def font_of_script(char: str) -> str | None:
    """The font a character's own script asks for; None for digits, spaces, punctuation."""
    code = ord(char)
    if 0x2D30 <= code <= 0x2D7F:
        return TIFINAGH
    bidi_class = unicodedata.bidirectional(char)
    if bidi_class in ("AL", "AN") or (
        0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF
    ):
        return ARABIC
    if bidi_class in ("L", "R"):
        return LATIN
    return None


def clean(text: object) -> str:
    """One line of text: whitespace folded to single spaces (a card has no tabs)."""
    return _SPACES.sub(" ", str(text)).strip()


def bidi_levels(text: str, rtl: bool) -> list[int]:
    """Resolved embedding level of each character of one line (UAX #9, rules up to I2).

    python-bidi 0.6 returns the levels only inside its debug dump (one per UTF-8 byte);
    its `get_display` alone cannot be used, because it neither mirrors brackets nor tells
    which characters it reversed, and shaping needs both. The version is pinned; a dump we
    cannot read raises rather than printing a scrambled card.
    """
    if not text:
        return []
    dump = get_display(text, base_dir="R" if rtl else "L", debug=True)
    start = dump.rfind("\n    levels: [")
    end = dump.find("\n    ],", start)
    if start < 0 or end < 0:
        raise RuntimeError("python-bidi debug output changed: cannot read the levels")
    by_byte = [int(m) for m in _LEVEL.findall(dump, start, end)]
    levels = []
    offset = 0
    for char in text:
        levels.append(by_byte[offset])
        offset += len(char.encode("utf-8"))
    if offset != len(by_byte):
        raise RuntimeError("python-bidi debug output changed: level count mismatch")
    return levels


@dataclass(frozen=True)
class Run:
    """Glyphs of one font, in visual order. Widths are in thousandths of the font size."""

    font: str
    text: str  # what reportlab writes: a plain str, or a ShapedStr for HarfBuzz output
    width: float
    glyphs: tuple[str, ...]  # glyph names (shaped) or characters (plain), left to right
    shaped: bool = False


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]
    rtl: bool
    logical: str

    @property
    def width(self) -> float:
        return sum(r.width for r in self.runs)

    def width_at(self, size: float) -> float:
        return self.width * size / 1000

    def glyphs(self) -> list[str]:
        return [g for r in self.runs for g in r.glyphs]

    def visual_text(self) -> str:
        """The plain (unshaped) characters in drawing order: what pdftotext should return
        for a Latin or Tifinagh line."""
        return "".join(r.text for r in self.runs if not r.shaped)


# -- one line ----------------------------------------------------------------------------------


def _assign_fonts(chars: list[str], levels: list[int], text: str) -> list[str]:
    fonts: list[str | None] = [font_of_script(c) for c in chars]
    for i, c in enumerate(chars):
        if fonts[i] is not None:
            continue
        if c in _JOINERS:
            fonts[i] = ARABIC
            continue
        if unicodedata.bidirectional(c) == "EN":  # Western digits: always the Latin face
            fonts[i] = LATIN if font(LATIN).has(c) else None
            if fonts[i]:
                continue
        # A space or a sign takes the font of its neighbour in the same level, so a word
        # stays in one face; otherwise the first face of the chain that has it.
        candidates = [
            fonts[j]
            for j in (*range(i - 1, -1, -1), *range(i + 1, len(chars)))
            if levels[j] == levels[i] and font_of_script(chars[j]) is not None
        ][:2]
        for name in (*candidates, *CHAIN):
            if name and font(name).has(c):
                fonts[i] = name
                break
    for c, name in zip(chars, fonts, strict=True):
        if name is None or (c not in _JOINERS and not font(name).has(c)):
            raise MissingGlyphError(c, text)
    return fonts  # type: ignore[return-value]


# Cache sizes: the letterhead and labels repeat on every card and stay hot; a woman's name
# or CIN appears once. Larger caches only filled up with those single-use lines, and a
# 1,000-card batch grew by ~1.5 MB per 100 cards until they were full.
@lru_cache(maxsize=2048)
def _shape(logical: str, name: str, rtl: bool) -> Run:
    """HarfBuzz over one run of the Arabic face, in logical order."""
    f = font(name)
    with LOCK:
        buf = hb.Buffer()
        buf.add_str(logical)
        buf.direction = "rtl" if rtl else "ltr"
        buf.script = "Arab"
        buf.language = "ar"
        # Keep each character's own cluster so offsets of marks stay attached to their base.
        buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
        hb.shape(f.hb_font, buf, {})
        chars: list[str] = []
        data: list[ShapeData] = []
        names: list[str] = []
        width = 0.0
        widths = f.ttf.face.charWidths
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            if info.codepoint == 0:
                raise MissingGlyphError(logical[info.cluster], logical)
            code = char_for_glyph(f, info.codepoint)
            chars.append(chr(code))
            names.append(f.hb_font.glyph_to_string(info.codepoint))
            data.append(
                ShapeData(
                    info.cluster,
                    pos.x_advance,
                    pos.y_advance,
                    pos.x_offset,
                    pos.y_offset,
                    widths[code],
                )
            )
            width += pos.x_advance
    return Run(name, ShapedStr("".join(chars), shapeData=data), width, tuple(names), True)


@lru_cache(maxsize=2048)
def _plain(visual: str, name: str) -> Run:
    f = font(name)
    return Run(name, visual, f.ttf.stringWidth(visual, 1000), tuple(visual))


def _run(logical: str, name: str, level: int) -> Run:
    rtl = level % 2 == 1
    if name == ARABIC or name == bold(ARABIC):
        return _shape(logical, name, rtl)
    if rtl:  # neutrals of a right-to-left run: reversed, brackets mirrored (rule L4)
        logical = "".join(MIRRORED.get(c, c) for c in reversed(logical))
    return _plain(logical, name)


def _visual_order(items: list[tuple[int, Run]]) -> list[Run]:
    """Rule L2 over runs: from the highest level down to the lowest odd one, reverse every
    sequence of runs at that level or above."""
    if not items:
        return []
    levels = [lv for lv, _ in items]
    order = list(range(len(items)))
    lowest_odd = min(lv for lv in levels if lv % 2) if any(lv % 2 for lv in levels) else None
    if lowest_odd is not None:
        for level in range(max(levels), lowest_odd - 1, -1):
            i = 0
            while i < len(order):
                if levels[order[i]] >= level:
                    j = i
                    while j < len(order) and levels[order[j]] >= level:
                        j += 1
                    order[i:j] = reversed(order[i:j])
                    i = j
                else:
                    i += 1
    return [items[k][1] for k in order]


@lru_cache(maxsize=4096)
def layout_line(text: str, rtl: bool, heavy: bool = False) -> Line:
    """One line (no wrapping) in visual order. `rtl` is the paragraph direction."""
    text = clean(text)
    levels_all = bidi_levels(text, rtl)
    kept = [
        (c, lv)
        for c, lv in zip(text, levels_all, strict=True)
        if c not in _DROPPED and unicodedata.bidirectional(c) not in _CONTROL_CLASSES
    ]
    chars = [c for c, _ in kept]
    levels = [lv for _, lv in kept]
    fonts = _assign_fonts(chars, levels, text)
    if heavy:
        fonts = [bold(name) for name in fonts]
    items: list[tuple[int, Run]] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or fonts[i] != fonts[start] or levels[i] != levels[start]:
            if start < len(chars):
                items.append((levels[start], _run("".join(chars[start:i]), fonts[start],
                                                   levels[start])))
            start = i
    return Line(tuple(_visual_order(items)), rtl, text)


# -- wrapping ----------------------------------------------------------------------------------


def wrap(text: str, width_pt: float, size: float, rtl: bool, heavy: bool = False) -> list[Line]:
    # Letterhead, labels and place names repeat on every card of a batch.
    return list(_wrap(clean(text), round(width_pt, 2), round(size, 3), rtl, heavy))


@lru_cache(maxsize=1024)
def _wrap(text: str, width_pt: float, size: float, rtl: bool, heavy: bool) -> tuple[Line, ...]:
    """Break logical `text` into lines no wider than `width_pt` at `size`, then lay each out.

    Breaking happens on the logical text (at spaces) before any reordering, so a wrapped
    Arabic sentence reads on from the right end of the next line, as it should.
    """
    if not text:
        return ()
    limit = width_pt * 1000 / size
    lines: list[str] = []
    current: list[str] = []
    open_isolates: list[str] = []
    carried: list[str] = []

    def line_text(words: list[str], prefix: list[str], suffix_count: int) -> str:
        return "".join(prefix) + " ".join(words) + PDI * suffix_count

    for word in _split_long(text.split(" "), limit, rtl, heavy):
        trial = [*current, word]
        if current and layout_line(line_text(trial, carried, 0), rtl, heavy).width > limit:
            lines.append(line_text(current, carried, len(open_isolates)))
            carried = list(open_isolates)
            current = [word]
        else:
            current = trial
        for c in word:
            if c in _OPENERS:
                open_isolates.append(c)
            elif c == PDI and open_isolates:
                open_isolates.pop()
    if current:
        lines.append(line_text(current, carried, 0))
    return tuple(layout_line(line, rtl, heavy) for line in lines)


def _split_long(words: Iterable[str], limit: float, rtl: bool, heavy: bool) -> Iterable[str]:
    """A word wider than the line (a long e-mail or code) is cut between characters."""
    for word in words:
        if not word:
            continue
        if layout_line(word, rtl, heavy).width <= limit:
            yield word
            continue
        piece = ""
        for c in word:
            if piece and unicodedata.combining(c) == 0 and (
                layout_line(piece + c, rtl, heavy).width > limit
            ):
                yield piece
                piece = ""
            piece += c
        if piece:
            yield piece


# -- drawing -----------------------------------------------------------------------------------


def draw_line(
    canvas: Canvas, line: Line, x: float, y: float, size: float, *, align: str = "start",
    box: float = 0.0
) -> float:
    """Draw `line` with its baseline at `y`. `x` is the left edge of a box `box` points wide;
    `align` is start (left for LTR, right for RTL), end, or center. Returns the width."""
    width = line.width_at(size)
    if align == "center":
        left = x + (box - width) / 2
    elif (align == "start") == line.rtl:
        left = x + box - width
    else:
        left = x
    text = canvas.beginText()
    cursor = left
    for run in line.runs:
        text.setTextOrigin(cursor, y)
        text.setFont(run.font, size)
        text.textOut(run.text)
        cursor += run.width * size / 1000
    canvas.drawText(text)
    return width


def strip_controls(text: str) -> str:
    """`text` without bidi controls (what a PDF extractor or a bidi pass may add)."""
    return "".join(
        c for c in text
        if c not in _DROPPED and unicodedata.bidirectional(c) not in _CONTROL_CLASSES
        and c not in "\u202a\u202b\u202c\u202d\u202e"
    )
