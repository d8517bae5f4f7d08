"""Bounds and character classes for every text an agent or a file can put in a record.

The bounds are data: each text, CIN and phone field of a definition carries its
`max_length` (the stored answer), for a CIN or a phone its `max_typed_length` (as typed,
spaces and dashes included, before normalisation), and its `text_class`, one of:

- `free_text`: line breaks allowed;
- `name`: one line;
- `cin`: once normalised, Latin letters and digits only; an unusual shape among those
  stays a warning (no authoritative pattern is published);
- `phone`: the typed number before it is normalised to E.164.

So a form version 2 carries its own bounds, and the desktop and the server (which
validates with the same code) refuse the same things. Whatever the class, no answer holds
a control character (a line break aside, where allowed), a lone surrogate or a bidi
override (U+202A..U+202E can make a name read as another); a `name` or `free_text` answer
holds at least one letter (not "-", not "ـــ", the tatweel being a modifier letter that
stretches others). The definition's checks refuse a text field without bounds; only the
versions published before bounds were data lack them, and for those `LEGACY` gives the
bounds they were always validated with.

The messages are carried inline (Message.text), in the three languages, so they need no
new entry in a definition's catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from jisr_desktop.models.programme.form import Field
from jisr_desktop.models.programme.messages import Message

TEXT_TYPES = frozenset({"text", "cin", "phone"})
CLASSES = {"text": ("name", "free_text"), "cin": ("cin",), "phone": ("phone",)}


@dataclass(frozen=True)
class Bounds:
    max_length: int | None  # None: the definition's own check (validation) has none
    max_typed_length: int | None
    text_class: str


# What the code enforced for the versions published before the definitions carried their
# bounds (registration 1, assessment 1 and 2): never for a new version, which the
# definition checks refuse without bounds.
LEGACY = {
    "text": Bounds(1000, None, "free_text"),
    "cin": Bounds(12, 40, "cin"),
    "phone": Bounds(16, 40, "phone"),
}
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


def bounds(f: Field) -> Bounds:
    """The field's bounds as its definition gives them; LEGACY's where an old version
    gives none."""
    legacy = LEGACY[f.type]
    return Bounds(
        f.max_length if f.max_length is not None else legacy.max_length,
        f.max_typed_length if f.max_typed_length is not None else legacy.max_typed_length,
        f.text_class or legacy.text_class,
    )


def forbidden_character(text: str, *, line_breaks: bool = True) -> bool:
    """True when `text` holds a character no answer may hold."""
    for ch in text:
        if ch == "\n" and line_breaks:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or "\u202a" <= ch <= "\u202e":
            return True
    return False


def text_problem(f: Field, text: str) -> Message | None:
    """The problem of a `text` answer (already stripped), or None. The definition's own
    max_length is checked by validation, with the definition's wording."""
    b = bounds(f)
    if f.max_length is None and b.max_length is not None and len(text) > b.max_length:
        return message("too_long", max_length=b.max_length)
    return free_text_problem(text, None, text_class=b.text_class)


def free_text_problem(
    text: str, max_length: int | None, *, text_class: str = "free_text"
) -> Message | None:
    """The problem of a text of `text_class` (`name` or `free_text`), or None."""
    if max_length is not None and len(text) > max_length:
        return message("too_long", max_length=max_length)
    if forbidden_character(text, line_breaks=text_class == "free_text"):
        return message("control_character")
    if not any(unicodedata.category(ch) in _LETTERS for ch in text):
        return message("no_letter")
    return None


def typed_code_problem(f: Field, raw: str) -> Message | None:
    """The problem of a CIN or phone as typed, before it is normalised, or None."""
    limit = bounds(f).max_typed_length
    if limit is not None and len(raw) > limit:
        return message("too_long", max_length=limit)
    if forbidden_character(raw, line_breaks=False):
        return message("control_character")
    return None


def cin_problem(f: Field, cin: str) -> Message | None:
    """The problem of a normalised CIN, or None."""
    limit = bounds(f).max_length or len(cin)
    if len(cin) > limit or not _CIN_CLASS.fullmatch(cin):
        return message("cin_invalid", max_length=limit)
    return None
