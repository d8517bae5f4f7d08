"""Arabic, French and Tifinagh as laid out before drawing: glyph runs against expected output.

PDF text extraction does not give Arabic back faithfully (presentation forms, lam-alef), so
Arabic is checked here, as the shaped and ordered glyphs (names from Noto Naskh Arabic, left
to right as drawn); Latin and Tifinagh are also checked in the PDF (test_render.py).
"""

from __future__ import annotations

import pytest

from jisr_desktop.cards.fonts import MissingGlyphError
from jisr_desktop.cards.text import ARABIC, LATIN, TIFINAGH, bidi_levels, layout_line, wrap


def runs(text: str, rtl: bool = True) -> list[tuple[str, tuple[str, ...]]]:
    return [(r.font, r.glyphs) for r in layout_line(text, rtl).runs]


def test_hamza_forms_join_and_read_right_to_left():
    # سؤال سائل إيمان آمنة أحمد: waw-hamza and alef-hamza do not join to the left, yeh-hamza
    # does (initial form); the first word is drawn rightmost.
    assert runs("سؤال سائل إيمان آمنة أحمد") == [(ARABIC, (
        "uniFEAA", "uniFEE4", "uniFEA3", "uni0623", "uni0020",  # أحمد
        "uniFE94", "uniFEE8", "uniFEE3", "uni0622", "uni0020",  # آمنة
        "uni0646", "uniFE8E", "uniFEE4", "uniFEF3", "uni0625", "uni0020",  # إيمان
        "uniFEDE", "uniFE8B", "uniFE8E", "uniFEB3", "uni0020",  # سائل
        "uni0644", "uni0627", "uniFE86", "uniFEB3",  # سؤال
    ))]


def test_lam_alef_ligature_with_and_without_hamza():
    # Noto Naskh builds lam-alef from two required-ligature glyphs (.rlig).
    assert runs("لا الأسرة") == [(ARABIC, (
        "uni0629", "uniFEAE", "uniFEB3", "uniFE84.rlig", "uniFEDF.rlig", "uni0627",  # الأسرة
        "uni0020",
        "uniFE8E.rlig", "uniFEDF.rlig",  # لا
    ))]


def test_latin_name_inside_arabic_keeps_its_own_order():
    line = layout_line("السيدة \u2068Fatima-Zahra Bennani\u2069 مستفيدة", True)
    assert [(r.font, r.glyphs) for r in line.runs] == [
        (ARABIC, ("uni0629", "uniFEAA", "uniFEF4", "uniFED4", "uniFE98", "uniFEB4", "uniFEE3",
                  "uni0020")),  # مستفيدة, drawn leftmost: it comes last
        (LATIN, tuple("Fatima-Zahra Bennani")),
        (ARABIC, ("uni0020", "uni0629", "uniFEAA", "uniFEF4", "uniFEB4", "uniFEDF", "uni0627")),
    ]
    assert line.visual_text() == "Fatima-Zahra Bennani"  # the isolates are not drawn


def test_numbers_and_dates_inside_arabic_stay_as_typed():
    assert runs("رقم 12345 في 22/11/2026") == [
        (LATIN, tuple("22/11/2026")),
        (ARABIC, ("uni0020", "uniFEF2", "uniFED3", "uni0020")),  # في
        (LATIN, tuple("12345")),
        (ARABIC, ("uni0020", "uniFEE2", "uniFED7", "uni0631")),  # رقم
    ]


def test_brackets_are_mirrored_in_right_to_left_text():
    # "الفئة (2)": drawn "(2) الفئة"; the logical ")" is the leftmost glyph, mirrored to "(".
    glyphs = layout_line("الفئة (2)", True).glyphs()
    assert glyphs[:3] == ["(", "2", ")"]
    assert layout_line("Nom (الاسم)", False).glyphs()[-1] == ")"


def test_a_long_arabic_line_wraps_on_logical_words_in_order():
    text = "تحتفظ المستفيدة بهذه البطاقة وتقدمها إلى الجهة المستقبلة مع بطاقتها الوطنية"
    lines = wrap(text, 100, 10, True)
    assert [line.logical for line in lines] == [
        "تحتفظ المستفيدة بهذه",
        "البطاقة وتقدمها إلى الجهة",
        "المستقبلة مع بطاقتها",
        "الوطنية",
    ]
    assert all(line.width_at(10) <= 100 for line in lines)
    # Each line reads right to left: its first logical word is drawn at the right end.
    first = lines[0]
    assert tuple(first.glyphs()[-5:]) == runs("تحتفظ")[0][1]


def test_wrapping_inside_an_isolate_closes_and_reopens_it():
    text = "اسمها \u2068Fatima-Zahra Bennani El Idrissi\u2069 من مراكش"
    lines = wrap(text, 90, 10, True)
    assert len(lines) > 1
    for line in lines:
        assert line.logical.count("\u2068") == line.logical.count("\u2069")


def test_tifinagh_and_latin_use_their_own_faces():
    assert runs("ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ", False) == [(TIFINAGH, tuple("ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ"))]
    line = layout_line("Nom : ⵉⵙⵎ 12", False)
    assert [r.font for r in line.runs] == [LATIN, TIFINAGH, LATIN]
    assert line.visual_text() == "Nom : ⵉⵙⵎ 12"


def test_bidi_levels_per_character():
    # After Arabic letters, "12" is an Arabic number (rule W2): level 2, and the space
    # between them takes the right-to-left level (N1).
    assert bidi_levels("ab عر 12", False) == [0, 0, 0, 1, 1, 1, 2, 2]
    assert bidi_levels("عر ab 12", True) == [1, 1, 1, 2, 2, 2, 2, 2]  # "12" after Latin: L (W7)


@pytest.mark.parametrize("text", ["مرحبا 😀", "漢字", "Ελληνικά ✓"])
def test_a_character_no_font_has_is_an_error_not_a_gap(text):
    with pytest.raises(MissingGlyphError):
        layout_line(text, True)
