"""Error codes → the sentence a person reads, shared by the CLI and the windows.

The store, the keyring and (later) the sync engine raise errors that carry a code; the
face that shows the error translates the code here, at display time, so both faces say
the same thing in the same words."""

from __future__ import annotations

from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.passphrase import MAX_LENGTH, MIN_LENGTH

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


# The passphrase policy's codes (models/programme/passphrase.py), shown in the first-start and
# unlock dialogs and by `init` / `add-agent`. MIN_LENGTH is filled in at display time.
PASSPHRASE_MESSAGES = {
    "too_short": N_("The passphrase is too short: use at least {min_length} characters."),
    "too_long": N_("The passphrase is too long: use at most {max_length} characters."),
    "too_weak": N_(
        "The passphrase is too easy to guess. Use a few uncommon words, not a name, a date "
        "or a common password."
    ),
}


def passphrase_text(code: str) -> str:
    """The translated sentence for a passphrase policy code."""
    message = PASSPHRASE_MESSAGES.get(code, PASSPHRASE_MESSAGES["too_weak"])
    return _(message).format(min_length=MIN_LENGTH, max_length=MAX_LENGTH)


def error_text(code: str) -> str:
    """The translated sentence for an error code (the generic store error if unknown)."""
    return _(ERROR_MESSAGES.get(code, ERROR_MESSAGES["store_error"]))
