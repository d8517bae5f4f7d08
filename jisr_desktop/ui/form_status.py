"""The registration page's status lines, kept as msgids so a language switch re-renders
them (the page keeps the msgid and count it shows, not the text)."""

from __future__ import annotations

from jisr_desktop.i18n import N_, _, ngettext

ST_DRAFT_SAVED = N_("Draft saved.")
ST_SAVING = N_("Saving…")
ST_LOADING = N_("Loading…")
ST_DUPLICATE_KEPT = N_("Not saved: a woman with this CIN is already registered.")
ST_SAVED = N_("Registration saved.")
ST_DRAFT_FAILED = N_("The draft could not be saved; the answers are still on screen.")
ST_NOT_FOUND = N_("This registration or draft no longer exists.")
MISSING = N_("{n} answer is missing or not valid.")
MISSING_PLURAL = N_("{n} answers are missing or not valid.")


def status_text(msgid: str, n: int | None = None) -> str:
    """The status line for a msgid (and count, for MISSING) in the current language."""
    if not msgid:
        return ""
    if msgid == MISSING and n is not None:
        return ngettext(MISSING, MISSING_PLURAL, n).format(n=n)
    return _(msgid)
