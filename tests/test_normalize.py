"""Name folding for search and duplicate detection."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr_desktop.models.programme.normalize import (
    normalize_arabic,
    normalize_latin,
    normalize_name,
    search_tokens,
)

TASHKEEL = [chr(c) for c in (*range(0x064B, 0x0653), 0x0670)]
QURANIC = [chr(c) for c in range(0x06D6, 0x06EE)]
TATWEEL = "\u0640"
HYPHENS = set("-\u2010\u2011\u2012\u2013\u2014\u2015")


@pytest.mark.parametrize("text", ["Fatima-Zahra", "fatima zahra", "FATIMA ZAHRA", "Fatimà-Zahra",
                                  "  Fatima   Zahra ", "Fatima_Zahra", "FATIMA–ZAHRA",
                                  "Fatima.Zahra", "ＦＡＴＩＭＡ ＺＡＨＲＡ", "Fatima\u00a0Zahra"])
def test_latin_spellings_of_one_name(text: str) -> None:
    assert normalize_name(text) == "fatima zahra"


@pytest.mark.parametrize(
    "variants",
    [
        ("فاطِمَة الزَّهْراء", "فاطمه الزهراء", "فاطمة الزهراء", "فاطـــمة  الزهراء"),
        ("أمينة", "إمينة", "آمينة", "امينة", "ٱمينة", "امينه"),
        ("مـــريم", "مريم", "مَرْيَم"),
        ("ليلى", "ليلي"),
        ("مؤمنة", "مومنه"),
        ("عائشة", "عايشة"),
        # decomposed alef with hamza (NFD text from another system)
        (unicodedata.normalize("NFD", "أمينة"), "امينة"),
        # bidi marks pasted with right-to-left text
        ("\u200fفاطمة\u200f", "فاطمة"),
    ],
)
def test_arabic_spellings_of_one_name(variants: tuple[str, ...]) -> None:
    assert len({normalize_name(v) for v in variants}) == 1


def test_digits_fold_to_ascii() -> None:
    assert normalize_arabic("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalize_arabic("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalize_name("Douar ١٢") == "douar 12"


def test_mixed_script_and_tokens() -> None:
    assert normalize_name("Aït Ba'amrane — آيت باعمران") == "ait ba amrane ايت باعمران"
    assert search_tokens("  BENNANI, Fatima-Zahra  ") == ["bennani", "fatima", "zahra"]
    assert search_tokens("فاطِمَة  الزَّهْراء") == ["فاطمه", "الزهراء"]
    assert search_tokens("") == []
    assert search_tokens(" - ' . ") == []


def test_foldings_separately() -> None:
    assert normalize_latin("Fatimà-Zahra O'Neil") == "fatima zahra o neil"
    assert normalize_arabic("فاطِمَة") == "فاطمه"
    assert normalize_arabic("Fatima") == "Fatima"  # Latin left alone


# --- properties -----------------------------------------------------------------------------

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
arabic_text = st.text(alphabet=[*ARABIC_LETTERS, " "], min_size=1, max_size=20)
latin_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz '-.", min_size=1, max_size=20)
ACCENTS = ["\u0300", "\u0301", "\u0302", "\u0308", "\u0327"]
FUNCTIONS = [normalize_arabic, normalize_latin, normalize_name]


@given(st.text())
def test_idempotent(text: str) -> None:
    for fold in FUNCTIONS:
        once = fold(text)
        assert fold(once) == once


@given(arabic_text, st.data())
def test_tashkeel_and_tatweel_never_matter(text: str, data: st.DataObject) -> None:
    marks = st.sampled_from([*TASHKEEL, *QURANIC, TATWEEL])
    decorated = list(text)
    for _ in range(data.draw(st.integers(1, 6))):
        index = data.draw(st.integers(0, len(decorated)))
        decorated.insert(index, data.draw(marks))
    assert normalize_name("".join(decorated)) == normalize_name(text)
    assert normalize_arabic("".join(decorated)) == normalize_arabic(text)


@given(latin_text, st.data())
def test_case_and_accents_never_matter_for_latin(text: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    changed = "".join(ch.upper() if flip else ch for ch, flip in zip(text, flips, strict=True))
    accented = "".join(
        ch + data.draw(st.sampled_from(ACCENTS)) if ch.isalpha() and data.draw(st.booleans())
        else ch for ch in changed)
    composed = unicodedata.normalize("NFC", accented)
    assert normalize_name(composed) == normalize_name(text)
    assert normalize_name(accented) == normalize_name(text)


@given(st.one_of(st.text(), arabic_text, latin_text))
def test_output_is_clean(text: str) -> None:
    out = normalize_name(text)
    assert not set(out) & {*TASHKEEL, *QURANIC, TATWEEL}
    assert not set(out) & HYPHENS
    assert not any(unicodedata.category(ch) in ("Lu", "Lt") for ch in out)
    assert "  " not in out
    assert out == out.strip()
    assert search_tokens(text) == (out.split(" ") if out else [])
