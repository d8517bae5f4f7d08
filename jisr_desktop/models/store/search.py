"""The search index's text: what a record contributes to it, and what a typed query
becomes. Shared by the writer (records.py) and the readers (listing.py)."""

from __future__ import annotations

import re

from jisr_desktop.models.programme.normalize import search_tokens


def _national_phone(e164: str) -> str:
    return "0" + e164[4:] if e164.startswith("+212") else ""


def search_terms(name_ar: str, name_lat: str, cin: str, phone: str) -> str:
    """The FTS row for a record. Keep in step with the backfill in migration 0002."""
    parts = [name_ar, name_lat, cin.lower(), phone.replace("+", ""), _national_phone(phone)]
    return " ".join(p for p in parts if p)


_PHONE_LIKE = re.compile(r"^[+0-9][0-9 .\-]{3,}$")


def fts_query(text_: str) -> str | None:
    """Turn what the agent typed into an FTS5 prefix query over the normalised terms."""
    stripped = text_.strip()
    if _PHONE_LIKE.match(stripped) and sum(c.isdigit() for c in stripped) >= 4:
        digits = re.sub(r"[^0-9]", "", stripped)
        if digits.startswith("00"):
            digits = digits[2:]
        return f'"{digits}"*'
    tokens = search_tokens(stripped)
    if not tokens:
        return None
    # Quoting each token keeps FTS5 operators (AND, NEAR, -) typed by a user literal.
    return " AND ".join('"' + t.replace('"', "") + '"*' for t in tokens)
