"""Error codes → the sentence a person reads, shared by the CLI and the windows.

The store, the keyring and (later) the sync engine raise errors that carry a code; the
face that shows the error translates the code here, at display time, so both faces say
the same thing in the same words."""

from __future__ import annotations

from jisr_desktop.i18n import N_, _

ERROR_MESSAGES = {
    "wrong_passphrase": N_("Wrong passphrase for this agent. Nothing was changed; try again."),
    "unknown_agent": N_("No agent of that name can open this store."),
    "agent_exists": N_("An agent of that name already exists."),
    "corrupt_keyring": N_("The keyring file is damaged; restore it from a backup."),
    "store_missing": N_("No store here yet. Create one with: jisr-desktop init"),
    "store_exists": N_("A store already exists in this folder."),
    "store_corrupt": N_("The store file cannot be read: it is damaged or not a Jisr store."),
    "store_error": N_("The store could not be opened."),
}


def error_text(code: str) -> str:
    """The translated sentence for an error code (the generic store error if unknown)."""
    return _(ERROR_MESSAGES.get(code, ERROR_MESSAGES["store_error"]))
