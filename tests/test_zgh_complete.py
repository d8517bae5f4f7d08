"""Every Tamazight interface string is in Tifinagh, not a French stand-in.

A zgh msgstr fails when it is the French msgstr, or when, once placeholders, markup and
codes are set aside, it has more Latin letters than Tifinagh ones (a French sentence with a
Tamazight word in it is still a French screen). The data a screen shows as typed (names,
CIN, communes) never goes through the catalogue, so it needs no exception here.
Definition texts are checked in their own test file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TIFINAGH_LETTER = re.compile(r"[\u2D30-\u2D7F]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
# IRCAM's standard alphabet: 31 letters and the labialisation mark of ⴳⵯ and ⴽⵯ. The Tifinagh
# block has Tuareg and historical letters too, which a Moroccan reader would not expect and
# a font made for IRCAM Tifinagh may not draw.
IRCAM_LETTERS = set("ⴰⴱⴳⴷⴹⴻⴼⴽⵀⵃⵄⵅⵇⵉⵊⵍⵎⵏⵓⵔⵕⵖⵙⵚⵛⵜⵟⵡⵢⵣⵥⵯ")
# Set aside before counting letters: what is the same in every language.
NOT_WORDS = re.compile(
    r"\{[^{}]*\}"  # {placeholders}
    r"|%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]"  # %(name)s conversions
    r"|<[^<>]+>"  # HTML tags
    r"|https?://\S*"  # addresses
    r"|--?[a-z][\w-]*"  # command-line options
    r"|jisr-desktop(?: [a-z]+)?"  # the command and its sub-commands
    r"|\*?\.[a-z]{2,4}\b|\b\w+\.(?:db|json|csv|tsv|pdf)\b"  # file names and patterns
    r"|\b[A-Z][A-Z0-9_]+\b"  # codes and variables: CIN, PDF, HCP, JSON, A4, JISR_AGENT
    r"|\bCtrl\+\w\b|\bkbit/s\b|\bmm\b|\bNaN\b|\bInfinity\b|\bAl Jisr\b"
)
# Entries that are the same in every language, so the French msgstr is the right one.
# Keep it small: a word belongs here only if Arabic and French spell it the same way too.
ALLOWED = {
    "Ctrl+N": "a keyboard shortcut",
    "Ctrl+S": "a keyboard shortcut",
    "{field}: {problem}": "two placeholders and a colon",
    "{points} / {maximum}": "two placeholders and a slash",
}


def _catalog(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "jisr.po").open("rb") as fh:
        return read_po(fh, locale=lang, domain="jisr")


def _forms(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def _key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def latin_heavy(text: str) -> bool:
    """More Latin than Tifinagh letters, once placeholders, markup and codes are out."""
    words = NOT_WORDS.sub(" ", text)
    return len(LATIN_LETTER.findall(words)) > len(TIFINAGH_LETTER.findall(words))


def zgh_problems() -> list[str]:
    fr, zgh = _catalog("fr"), _catalog("zgh")
    problems = []
    for message in zgh:
        if not message.id or _key(message) in ALLOWED:
            continue
        french = fr.get(_key(message))
        forms = _forms(message)
        if french is not None and set(forms) & set(_forms(french)):
            problems.append(f"same as French: {_key(message)!r}")
        elif any(latin_heavy(form) or not TIFINAGH_LETTER.search(form) for form in forms):
            problems.append(f"not Tifinagh: {_key(message)!r} -> {forms!r}")
    return problems


def test_every_zgh_interface_string_is_tifinagh():
    problems = zgh_problems()
    assert not problems, f"{len(problems)} zgh msgstr not in Tifinagh:\n" + "\n".join(problems)


def test_only_ircam_letters():
    odd = {
        (_key(m), ch)
        for m in _catalog("zgh") if m.id
        for form in _forms(m) for ch in form
        if TIFINAGH_LETTER.match(ch) and ch not in IRCAM_LETTERS
    }
    assert not odd, f"Tifinagh letters outside IRCAM's alphabet: {sorted(odd)}"


def test_allow_list_entries_still_exist():
    """An allow-list entry whose msgid left the catalogue is dead weight: remove it."""
    zgh = _catalog("zgh")
    assert not [m for m in ALLOWED if zgh.get(m) is None]


@pytest.mark.parametrize(
    ("text", "heavy"),
    [
        ("Enregistrer l'inscription (Ctrl+S)", True),  # a French stand-in
        ("ⵃⴹⵓ ⴰⵣⵎⵎⴻⵎ (Ctrl+S)", False),
        ("ⵢⴰⵀ mais la question reste en français", True),  # a mixed-script label
        ("ⵙⵉⴳⴳⵣ ⵜⴰⴽⴰⵔⴹⴰ ⴰⵎ PDF (A6)", False),
        ("{n} ⵏ ⵜⴽⴰⵔⴹⵉⵡⵉⵏ", False),
    ],
)
def test_latin_heavy_tells_a_stand_in_from_a_translation(text, heavy):
    assert latin_heavy(text) is heavy


REFERENCE = re.compile(r"MediaWiki|CLDR|Qt|wikipedia", re.IGNORECASE)


def test_glossary_rows_cite_a_source_or_ask_for_review():
    """Each term names where it comes from; one not taken from a published reference
    (MediaWiki's zgh messages, CLDR, Qt, the Tamazight Wikipedia) says so in the review column."""
    path = TRANSLATIONS / "zgh-glossary.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    problems = []
    for number, row in enumerate(rows, start=2):
        if len(row) != 5 or not row[2].strip() or not row[3].strip():
            problems.append(f"line {number}: needs french, arabic, tamazight, source, review")
        elif not TIFINAGH_LETTER.search(row[2]):
            problems.append(f"line {number}: the Tamazight term is not in Tifinagh")
        elif not REFERENCE.search(row[3]) and not row[4].strip():
            problems.append(f"line {number}: source {row[3]!r} is not a reference; add a review")
    assert not problems, "\n".join(problems)
