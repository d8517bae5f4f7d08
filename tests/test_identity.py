"""Moroccan phone numbers and CIN numbers as keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jisr_desktop.models.programme.identity import (
    PhoneCheck,
    cin_looks_standard,
    normalize_cin,
    normalize_phone,
)


@pytest.mark.parametrize(
    "raw",
    ["0612345678", "06 12 34 56 78", "+212612345678", "00212612345678", "212612345678",
     " 06-12-34-56-78 ", "06.12.34.56.78", "+212 6 12 34 56 78", "(+212) 612-345-678",
     "٠٦١٢٣٤٥٦٧٨", "０６１２３４５６７８"],
)
def test_ways_of_writing_one_mobile(raw: str) -> None:
    assert normalize_phone(raw) == PhoneCheck(e164="+212612345678", valid=True, is_mobile=True)


def test_mobile_ranges_06_and_07() -> None:
    check = normalize_phone("0712345678")
    assert (check.e164, check.valid, check.is_mobile) == ("+212712345678", True, True)


def test_fixed_line_is_valid_but_not_mobile() -> None:
    check = normalize_phone("0522 12 34 56")
    assert (check.e164, check.valid, check.is_mobile) == ("+212522123456", True, False)


@pytest.mark.parametrize("raw", ["", "   ", "12", "06123", "abc", "06abcdefgh", "06 12 34 56 7x",
                                 "+", "0" * 300])
def test_not_a_phone(raw: str) -> None:
    check = normalize_phone(raw)
    assert not check.valid
    assert not check.is_mobile
    assert check.e164 is None


def test_possible_but_invalid_keeps_e164() -> None:
    # Right length, unassigned range: shown to the agent as invalid, never a duplicate key.
    check = normalize_phone("0112345678")
    assert check == PhoneCheck(e164="+212112345678", valid=False, is_mobile=False)


def test_other_region() -> None:
    assert normalize_phone("06 12 34 56 78", region="FR").e164 == "+33612345678"
    assert normalize_phone("+33 6 12 34 56 78").e164 == "+33612345678"


@given(st.text(max_size=40))
def test_any_text_gives_a_check(raw: str) -> None:
    check = normalize_phone(raw)
    assert not check.is_mobile or check.valid
    assert not check.valid or (check.e164 or "").startswith("+")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("AB123456", "AB123456"), (" ab 123456 ", "AB123456"), ("ab-123-456", "AB123456"),
     ("ＡＢ１２３４５６", "AB123456"), ("ab\u00a0123456", "AB123456"), ("ab–123456", "AB123456"),
     ("\u200eab123456\u200e", "AB123456"), ("k٤٥٦٧٨", "K45678"), ("", "")],
)
def test_normalize_cin(raw: str, expected: str) -> None:
    assert normalize_cin(raw) == expected


@pytest.mark.parametrize(
    ("cin", "standard"),
    [("AB123456", True), ("K45678", True), ("A1", True), ("be 123 456", True),
     ("ABC12345", False), ("AB1234567", False), ("AB", False), ("123456", False),
     ("", False), ("ÀB123", False), ("AB1234X", False)],
)
def test_cin_looks_standard(cin: str, standard: bool) -> None:
    assert cin_looks_standard(cin) is standard


@given(st.text(max_size=20))
def test_normalize_cin_is_idempotent(raw: str) -> None:
    once = normalize_cin(raw)
    assert normalize_cin(once) == once
    assert " " not in once and "-" not in once
