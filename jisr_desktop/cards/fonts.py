"""The fonts the cards are printed with: registered once with reportlab, shaped with HarfBuzz.

reportlab has no font fallback (a glyph the font lacks silently vanishes), so every piece of
text goes through a chain: Noto Sans for Latin, digits and punctuation, Noto Naskh Arabic for
Arabic, Noto Sans Tifinagh for Tifinagh. The files live in resources/fonts/ (OFL, see its
README) so a card looks the same on every PC, and are embedded as subsets in each PDF.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from jisr_desktop.paths import resources_dir

# reportlab name -> file in resources/fonts. The names are ours, so no other code that
# registers "Noto Sans" with reportlab can swap the files under us.
FONT_FILES = {
    "JisrLatin": "NotoSans-Regular.ttf",
    "JisrLatin-Bold": "NotoSans-Bold.ttf",
    "JisrArabic": "NotoNaskhArabic-Regular.ttf",
    "JisrArabic-Bold": "NotoNaskhArabic-Bold.ttf",
    "JisrTifinagh": "NotoSansTifinagh-Regular.ttf",
}
# Tifinagh has one weight only: bold Tifinagh text falls back to the regular face.
BOLD = {"JisrLatin": "JisrLatin-Bold", "JisrArabic": "JisrArabic-Bold"}

# The shaping and the private-use code points we add to a face are shared state inside
# reportlab's font objects: one lock keeps a background batch and a preview from racing.
LOCK = threading.RLock()


class MissingGlyphError(ValueError):
    """A character that no font of the chain can draw: printing it would leave a silent gap
    on a woman's card, so the card is refused instead."""

    def __init__(self, char: str, text: str) -> None:
        self.char = char
        self.text = text
        super().__init__(f"no font can draw U+{ord(char):04X} {char!r} in {text!r}")


@dataclass(frozen=True)
class CardFont:
    name: str  # reportlab font name
    ttf: TTFont
    hb_font: hb.Font
    cmap: frozenset[int]

    def has(self, char: str) -> bool:
        return ord(char) in self.cmap


@cache
def font(name: str) -> CardFont:
    """Load and register one font (once per process)."""
    with LOCK:
        path = font_file(name)
        ttf = TTFont(name, str(path))
        pdfmetrics.registerFont(ttf)
        face = hb.Face(path.read_bytes())
        hb_font = hb.Font(face)
        # Advances in font units; the fonts have 1000 units per em, which is PDF's unit.
        return CardFont(name, ttf, hb_font, frozenset(ttf.face.charToGlyph))


def font_file(name: str) -> Path:
    """The TTF behind a font name (the app's preview draws the same glyphs from it)."""
    return resources_dir() / "fonts" / FONT_FILES[name]


def bold(name: str) -> str:
    return BOLD.get(name, name)


def char_for_glyph(f: CardFont, gid: int) -> int:
    """The code point reportlab should write for a shaped glyph.

    A glyph reached through the cmap keeps its character (so the PDF's ToUnicode maps it
    back); a contextual form or ligature with no code point gets a private-use one, added to
    the face so reportlab subsets and embeds that glyph.
    """
    face = f.ttf.face
    chars = face.glyphToChar.get(gid)
    if chars:
        return chars[0]
    with LOCK:
        code = 0xE000
        while code in face.charToGlyph:
            code += 1
        if code > 0xF8FF:
            raise RuntimeError(f"{f.name}: no private-use code point left for glyph {gid}")
        face.charToGlyph[code] = gid
        face.glyphToChar.setdefault(gid, []).append(code)
        face.charWidths[code] = f.hb_font.get_glyph_h_advance(gid) * 1000 / f.hb_font.face.upem
        return code
