"""Bounds and character classes for every text an agent or a file can put in a record.

Called by validation for every text, CIN and phone answer, so the desktop and the server
(which validates with the same code) refuse the same things. A definition's own
`max_length` and `constraint` still apply; these rules hold whatever a definition says:

- no control character (a line break aside), no lone surrogate, no bidi override
  (U+202A..U+202E can make a name read as another), in any free-text answer: refused;
- a length bound on every text even where the definition sets none, and on the raw CIN
  and phone before they are normalised (a 1 MB "CIN" is refused, not warned about);
- a free-text answer holds at least one letter (not "-", not "ـــ", the tatweel being a
  modifier letter that stretches others);
- a CIN, once normalised, is 1..12 Latin letters and digits; an unusual shape among those
  stays a warning (no authoritative pattern is published).

The messages are carried inline (Message.text), in the three languages, so they need no
new entry in a definition's catalogue.
"""

from __future__ import annotations

import re
import unicodedata

from jisr_desktop.models.programme.messages import Message

# Where a definition gives no max_length: a long free-text answer fits, a pasted file not.
DEFAULT_MAX_LENGTH = 1000
# A CIN or a phone as typed, spaces and dashes included, before normalisation.
RAW_MAX_LENGTH = 40
CIN_MAX_LENGTH = 12
_CIN_CLASS = re.compile(r"[A-Z0-9]+")
_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lo"})  # not Lm: the tatweel is not a letter

MESSAGES = {
    "control_character": {
        "ar": "يحتوي النص على حرف تحكم غير مسموح به (مثل NUL أو ESC)؛ يُرجى حذفه.",
        "fr": "Le texte contient un caractère de contrôle interdit (NUL, ESC…) ; "
              "retirez-le.",
        "zgh": "ⴰⴹⵔⵉⵙ ⴳⵉⵙ ⵢⴰⵏ ⵓⵙⴽⴽⵉⵍ ⵏ ⵓⵙⵙⵓⴷⵙ ⵓⵔ ⵉⵜⵜⵓⵙⵓⵔⴼⵏ (NUL, ESC…); ⴽⴽⵙ ⵜ.",
    },
    "no_letter": {
        "ar": "يجب أن يحتوي الجواب على حرف واحد على الأقل.",
        "fr": "La réponse doit contenir au moins une lettre.",
        "zgh": "ⵉⵇⵇⴰⵏ ⴰⴷ ⵢⴰⵙⵉ ⵓⵔⴰⵔ ⵓⴳⴰⵔ ⵏ ⵢⴰⵏ ⵓⵙⴽⴽⵉⵍ.",
    },
    "too_long": {
        "ar": "النص طويل جدا: {max_length} حرفا على الأكثر.",
        "fr": "Texte trop long : {max_length} caractères au plus.",
        "zgh": "ⴰⴹⵔⵉⵙ ⵉⵖⵣⵣⵉⴼ ⴱⵣⵣⴰⴼ: {max_length} ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⴰⴽⵯ ⴰⵎⴰⵜⴰ.",
    },
    "cin_invalid": {
        "ar": "رقم البطاقة الوطنية يتكون من حروف لاتينية وأرقام فقط، {max_length} على الأكثر.",
        "fr": "Le CIN ne contient que des lettres latines et des chiffres, "
              "{max_length} au plus.",
        "zgh": "CIN ⴳⵉⵙ ⵖⴰⵙ ⵉⵙⴽⴽⵉⵍⵏ ⵉⵍⴰⵜⵉⵏⵉⵢⵏ ⴷ ⵉⵎⴹⴰⵏ, {max_length} ⴰⴽⵯ ⴰⵎⴰⵜⴰ.",
    },
}


def message(code: str, **params: object) -> Message:
    return Message(code, dict(params), MESSAGES[code])


def forbidden_character(text: str, *, line_breaks: bool = True) -> bool:
    """True when `text` holds a character no answer may hold."""
    for ch in text:
        if ch == "\n" and line_breaks:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or "\u202a" <= ch <= "\u202e":
            return True
    return False


def free_text_problem(text: str, max_length: int | None) -> Message | None:
    """The problem of a free-text answer (already stripped), or None. A definition's own
    max_length is checked by validation with the definition's wording."""
    if max_length is None and len(text) > DEFAULT_MAX_LENGTH:
        return message("too_long", max_length=DEFAULT_MAX_LENGTH)
    if forbidden_character(text):
        return message("control_character")
    if not any(unicodedata.category(ch) in _LETTERS for ch in text):
        return message("no_letter")
    return None


def raw_code_problem(raw: str) -> Message | None:
    """The problem of a CIN or phone as typed, before it is normalised, or None."""
    if len(raw) > RAW_MAX_LENGTH:
        return message("too_long", max_length=RAW_MAX_LENGTH)
    if forbidden_character(raw, line_breaks=False):
        return message("control_character")
    return None


def cin_problem(cin: str) -> Message | None:
    """The problem of a normalised CIN, or None."""
    if len(cin) > CIN_MAX_LENGTH or not _CIN_CLASS.fullmatch(cin):
        return message("cin_invalid", max_length=CIN_MAX_LENGTH)
    return None
