"""Moroccan identifiers: phone numbers and national ID (CIN/CNIE) numbers.

Both are keys for duplicate detection, so every way of writing the same number must give
the same text: phones become E.164 ("+212612345678"), CINs upper-case without separators.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

__all__ = ["PhoneCheck", "cin_looks_standard", "normalize_cin", "normalize_phone"]

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Longer than any phone number written with generous spacing; phonenumbers itself refuses
# more than 250 characters, this only keeps pasted paragraphs cheap.
_MAX_PHONE_CHARS = 64


@dataclass(frozen=True)
class PhoneCheck:
    e164: str | None  # set when the text is a possible number, even if not a valid one
    valid: bool  # an assigned range of the numbering plan
    is_mobile: bool  # valid and can receive SMS (MOBILE or FIXED_LINE_OR_MOBILE)


_NOT_A_PHONE = PhoneCheck(e164=None, valid=False, is_mobile=False)


@lru_cache(maxsize=65_536)  # pure, and parsing costs ~0.1 ms: imports re-check many numbers
def normalize_phone(raw: str, region: str = "MA") -> PhoneCheck:
    """Read a phone number as typed (0612345678, 06 12 34 56 78, +212612345678,
    00212612345678, 212612345678, Arabic-Indic digits) into E.164 and check it."""
    text = raw.strip()
    # phonenumbers turns letters into keypad digits ("vanity" numbers); on a registration
    # form letters mean a typing mistake, not a number.
    if not text or len(text) > _MAX_PHONE_CHARS or any(ch.isalpha() for ch in text):
        return _NOT_A_PHONE
    try:
        number = phonenumbers.parse(text, region.upper())
    except NumberParseException:
        return _NOT_A_PHONE
    if not phonenumbers.is_possible_number(number):
        return _NOT_A_PHONE
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    valid = phonenumbers.is_valid_number(number)
    mobile = valid and phonenumbers.number_type(number) in _MOBILE_TYPES
    return PhoneCheck(e164=e164, valid=valid, is_mobile=mobile)


_CIN_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
# Agents on an Arabic keyboard may type the digits of a CIN as Arabic-Indic digits.
_DIGITS = {0x0660 + d: str(d) for d in range(10)} | {0x06F0 + d: str(d) for d in range(10)}
_CIN_STANDARD = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")


def normalize_cin(raw: str) -> str:
    """The CIN as a key: NFKC (full-width letters fold), no spaces or dashes, upper-case."""
    text = unicodedata.normalize("NFKC", raw).translate(_DIGITS)
    # Bidi marks and zero-width characters arrive with text typed in a right-to-left form.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    # NFKC again at the end: removing separators or upper-casing may leave a letter and a
    # combining accent side by side, and the key must not depend on how it was composed.
    return unicodedata.normalize("NFKC", _CIN_SEPARATORS.sub("", text).upper())


def cin_looks_standard(cin: str) -> bool:
    """1 or 2 Latin letters then 1 to 6 digits ("AB123456", "K45678"). No authoritative
    pattern is published, so a mismatch is only ever a warning."""
    return _CIN_STANDARD.fullmatch(normalize_cin(cin)) is not None
