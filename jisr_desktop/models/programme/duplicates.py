"""Candidates for "this woman may already be registered", from identifiers and names.

Pure: the repository narrows the existing records with SQL (same CIN, phone or date of
birth) and this module decides. A match is only ever a warning shown to the agent; two
different women may share a name and a birthday, and one woman may change phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from jisr_desktop.models.programme.identity import normalize_cin, normalize_phone
from jisr_desktop.models.programme.normalize import normalize_name

__all__ = ["DuplicateMatch", "Person", "find_duplicates"]

REASONS = ("same_cin", "same_phone", "similar_name_same_dob")


@dataclass(frozen=True)
class Person:
    record_id: str | None  # None for a woman not saved yet
    cin: str
    phone: str
    date_of_birth: str  # ISO YYYY-MM-DD or ''
    names: tuple[str, ...]  # full names as typed, Arabic and Latin


@dataclass(frozen=True)
class DuplicateMatch:
    record_id: str
    reasons: tuple[str, ...]  # subset of REASONS, in that order
    # 0..100, best token_sort_ratio over name pairs of the same script. Reported for every
    # match (a same-CIN match with unlike names hints at a mistyped CIN) but only counts as
    # a reason when the dates of birth are equal.
    name_similarity: float


def find_duplicates(candidate: Person, existing: Iterable[Person], *,
                    name_threshold: float = 88.0) -> list[DuplicateMatch]:
    """Existing records that may be the candidate, strongest evidence first."""
    cin = normalize_cin(candidate.cin)
    phone = _phone_key(candidate.phone)
    dob = candidate.date_of_birth.strip()
    names = _keyed_names(candidate.names)
    matches: list[DuplicateMatch] = []
    for other in existing:
        if other.record_id is None or other.record_id == candidate.record_id:
            continue  # the record being edited is not its own duplicate
        reasons: list[str] = []
        if cin and normalize_cin(other.cin) == cin:
            reasons.append("same_cin")
        if phone and _phone_key(other.phone) == phone:
            reasons.append("same_phone")
        same_dob = bool(dob) and other.date_of_birth.strip() == dob
        if not reasons and not same_dob:
            continue  # nothing can match: skip the fuzzy comparison
        similarity = _best_similarity(names, _keyed_names(other.names))
        if same_dob and similarity >= name_threshold:
            reasons.append("similar_name_same_dob")
        if reasons:
            matches.append(DuplicateMatch(other.record_id, tuple(reasons), similarity))
    matches.sort(key=lambda m: (-len(m.reasons), -m.name_similarity, m.record_id))
    return matches


def _phone_key(raw: str) -> str:
    # Only a valid number is a key: two records both holding "0000" are not the same woman.
    check = normalize_phone(raw)
    return (check.e164 or "") if check.valid else ""


def _keyed_names(names: Iterable[str]) -> list[tuple[bool, str]]:
    """(is Arabic script, normalised name) for each non-empty name."""
    keyed = []
    for name in names:
        key = normalize_name(name)
        if key:
            keyed.append((_is_arabic(key), key))
    return keyed


def _is_arabic(text: str) -> bool:
    # An Arabic name compared with a Latin transliteration scores low whatever the
    # spelling, so pairs are only formed within one script.
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"
               or "\u08a0" <= ch <= "\u08ff" for ch in text)


def _best_similarity(left: list[tuple[bool, str]], right: list[tuple[bool, str]]) -> float:
    # token_sort_ratio sorts the words first, so "Bennani Fatima" equals "Fatima Bennani".
    return max((fuzz.token_sort_ratio(a, b, processor=None)
                for a_arabic, a in left for b_arabic, b in right if a_arabic == b_arabic),
               default=0.0)
