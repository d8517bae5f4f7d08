"""Direction helpers for mixed Arabic/Latin text (no Qt: the cards use them too)."""

from __future__ import annotations

FSI = "\u2068"  # first strong isolate: direction taken from the isolated text itself
LRI = "\u2066"
RLI = "\u2067"
PDI = "\u2069"


def isolate(text: object) -> str:
    """Wrap a value (a Latin name, a CIN, a number) inside a sentence of the other direction,
    so the bidi algorithm keeps it in one piece instead of scrambling its neighbours."""
    return f"{FSI}{text}{PDI}"


def isolate_ltr(text: object) -> str:
    """For values that are always left-to-right (CIN, phone, codes) even when they start
    with a digit or a sign, which FSI would leave to the surrounding direction."""
    return f"{LRI}{text}{PDI}"


def strip_isolates(text: str) -> str:
    return text.translate({ord(c): None for c in (FSI, LRI, RLI, PDI)})
