"""Folding of names for search and duplicate detection.

Agents type the same name many ways: with or without vowel marks (tashkeel), with tatweel
to stretch a word, with any of the alef/hamza forms, ة or ه at the end, ى or ي, Arabic-Indic
or ASCII digits, and in Latin script with or without accents, hyphens and capitals. These
functions map all those spellings to one key. They are lossy on purpose: the key is for
comparing, never for display.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_arabic", "normalize_latin", "normalize_name", "search_tokens"]

# Letter variants folded to the plain letter most people type.
_ARABIC_LETTERS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "ی": "ي",  # Farsi yeh (U+06CC), typed on Persian keyboard layouts
}
# Marks that only change pronunciation or layout. U+0653..U+065F extend the listed
# tashkeel: they include the combining madda and hamza above/below, which appear when
# أ إ آ ؤ ئ come in decomposed form (NFD/NFKD text from another system).
_ARABIC_REMOVED = [
    *range(0x064B, 0x0660),
    0x0670,  # superscript alef
    *range(0x06D6, 0x06EE),  # Quranic annotation marks
    0x0640,  # tatweel
]
_ARABIC_DIGITS = {0x0660 + d: str(d) for d in range(10)} | {0x06F0 + d: str(d) for d in range(10)}

_ARABIC_TABLE: dict[int, str | None] = {
    **{ord(k): v for k, v in _ARABIC_LETTERS.items()},
    **dict.fromkeys(_ARABIC_REMOVED),
    **_ARABIC_DIGITS,
}

# Separators inside Latin names ("Fatima-Zahra", "Ait Ba'amrane", "M. Alaoui"): read as
# spaces so "Fatima-Zahra" and "Fatima Zahra" give the same words. Any other punctuation
# (commas, brackets, quotes, the Arabic comma) is treated the same way.
_SEPARATORS = frozenset("-_.'`\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2018\u2019\u02bc\u02bb")
_WHITESPACE = re.compile(r"\s+")


def normalize_arabic(text: str) -> str:
    """Fold alef/hamza forms, ة, ى; drop tashkeel, Quranic marks, tatweel; ASCII digits."""
    return text.translate(_ARABIC_TABLE)


def normalize_latin(text: str) -> str:
    """Strip accents, casefold, and turn hyphens, apostrophes, dots (any punctuation) into
    spaces. NFKD also folds full-width letters, ligatures and Arabic presentation forms."""
    # casefold may produce letters that decompose further (and NFKD may produce capitals
    # from symbols like ℌ), hence NFKD on both sides of it. lower() after casefold only
    # matters for Cherokee, which Unicode case-folds to capitals.
    folded = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKD", text).casefold().lower())
    return "".join(_latin_char(ch) for ch in folded if not unicodedata.combining(ch))


def _latin_char(ch: str) -> str:
    if ch in _SEPARATORS or unicodedata.category(ch).startswith("P"):
        return " "
    return ch


def normalize_name(text: str) -> str:
    """The comparison key of a name in any mix of Arabic and Latin script."""
    # Invisible format characters (bidi marks, zero-width joiners, soft hyphen) come with
    # text pasted from RTL documents; they must not split or change a name.
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    folded = normalize_arabic(normalize_latin(visible))
    return _WHITESPACE.sub(" ", folded).strip()


def search_tokens(text: str) -> list[str]:
    """The words of normalize_name(text), for the search index and search queries."""
    return [token for token in normalize_name(text).split(" ") if token]
