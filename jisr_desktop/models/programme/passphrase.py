"""The passphrase policy: what an agent's passphrase must be before it wraps the store key.

The keyring beside the store can be copied with a stolen laptop and guessed offline, so
scrypt's cost only helps if the passphrase is not among the first guesses. The length
rule is easy to explain; the strength rule comes from zxcvbn (a port of Dropbox's
estimator, kept up on PyPI), which knows common passwords, names, keyboard walks, dates
and l33t substitutions — far more than any list written here by hand. Pure rules: no I/O,
no translation. The faces show the codes through `jisr_desktop.user_messages`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from zxcvbn import zxcvbn

MIN_LENGTH = 10
# Long enough for a sentence in any script; a bound so a pasted file cannot feed scrypt MBs.
MAX_LENGTH = 256
# zxcvbn's 0..4 scale: 3 is "safely unguessable: moderate protection from offline attack".
MIN_SCORE = 3
# zxcvbn refuses more than 72 characters; the first 72 decide the estimate (past that, length
# alone is ample).
_ESTIMATE_CHARS = 72

PROBLEM_CODES: tuple[str, ...] = ("too_short", "too_long", "too_weak")


def problems(passphrase: str, *, user_inputs: Sequence[str] = ()) -> list[str]:
    """The problem codes of `passphrase` (empty when it may be used).

    `user_inputs` are words a guesser would try first: the agent's name, the centre, the
    programme's name. Codes: "too_short", "too_long", "too_weak".
    """
    text = unicodedata.normalize("NFC", passphrase)
    length = len(text)
    if length < MIN_LENGTH:
        return ["too_short"]
    if length > MAX_LENGTH:
        return ["too_long"]
    if strength(text, user_inputs=user_inputs) < MIN_SCORE:
        return ["too_weak"]
    return []


def strength(passphrase: str, *, user_inputs: Sequence[str] = ()) -> int:
    """zxcvbn's score 0..4 (a meter in a dialog may show it)."""
    hints = ["jisr", "aljisr", "autonomisation", "leadership", *user_inputs]
    hints = [h[:_ESTIMATE_CHARS] for h in hints if h]
    result = zxcvbn(unicodedata.normalize("NFC", passphrase)[:_ESTIMATE_CHARS], user_inputs=hints)
    return int(result["score"])
