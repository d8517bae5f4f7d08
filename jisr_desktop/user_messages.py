"""Error codes → the sentence a person reads, shared by the CLI and the windows.

The store, the keyring and (later) the sync engine raise errors that carry a code; the
face that shows the error translates the code here, at display time, so both faces say
the same thing in the same words."""

from __future__ import annotations

from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.passphrase import MAX_LENGTH, MIN_LENGTH

ERROR_MESSAGES = {
    # A save that would replace a record it does not name exactly (models/store/records.py).
    "record_exists": N_(
        "A registration with this id exists already; nothing was saved. To correct it, "
        "send the record with the version being edited (as the export writes it)."
    ),
    "stale_version": N_(
        "This registration was changed since that version; nothing was saved. Open it "
        "again and make the correction on the current version."
    ),
    "record_not_found": N_("No registration with this id exists; nothing was saved."),
    "wrong_passphrase": N_("Wrong passphrase for this agent. Nothing was changed; try again."),
    "unknown_agent": N_("No agent of that name can open this store."),
    "agent_exists": N_("An agent of that name already exists."),
    "corrupt_keyring": N_("The keyring file is damaged; restore it from a backup."),
    "keyring_unsafe_parameters": N_(
        "The keyring file asks for key settings outside the safe range; it may have been "
        "tampered with. Restore keyring.json from a backup."
    ),
    "store_missing": N_("No store here yet. Create one with: jisr-desktop init"),
    "store_exists": N_("A store already exists in this folder."),
    "store_corrupt": N_(
        "The store file cannot be read: it is damaged or not a Jisr store. Copy the whole data "
        "folder somewhere safe for support, then restore store.db from the latest backup."
    ),
    "store_damaged": N_(
        "The store file is damaged (empty, cut short or failing its check): nothing more will "
        "be written to it. Copy the whole data folder somewhere safe for support, then restore "
        "store.db from the latest backup."
    ),
    "store_file_missing": N_(
        "The store file store.db is missing from the data folder, though its keyring is "
        "there. Restore store.db from the latest backup; do not create a new store here."
    ),
    "store_error": N_("The store could not be opened."),
    "store_busy": N_(
        "The store is busy: another window or command is writing to it. Nothing was saved; "
        "try again in a moment."
    ),
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


# Import files that cannot be read as a whole (models/workflows/file_io.FileProblem).
FILE_MESSAGES = {
    "not_found": N_("File not found: {name}"),
    "unreadable": N_("The file {name} cannot be read."),
    "wrong_kind": N_("{name}: only .csv, .tsv and .json files can be imported."),
    "not_json": N_("The file is not valid JSON (line {line}, column {col}); nothing was saved."),
    "too_deep": N_("The JSON file is nested too deeply to be a registration; nothing was saved."),
    "number_too_large": N_(
        "The JSON file holds a number too large (or NaN/Infinity); nothing was saved."
    ),
    "bad_encoding": N_("The file is not valid {encoding} text; nothing was saved."),
    "not_a_list": N_("The JSON file holds no list of registrations; nothing was saved."),
    "bad_csv": N_("The CSV file is malformed at line {line}; nothing was saved."),
}


def file_problem_text(code: str, params: dict[str, object]) -> str:
    """The translated sentence for a FileProblem."""
    message = FILE_MESSAGES.get(code, FILE_MESSAGES["unreadable"])
    try:
        return _(message).format(**params)
    except (KeyError, IndexError):
        return _(message)


# Refusals of the programme paths (models/programme/programme_paths.PathRuleError) and of
# a group's membership (models/store/groups.MemberRefused), by their `code`.
_STEPS_NEED = N_("An enrolment needs its centre and its day; a completion its day and its "
                 "result.")
_GROUP_NEEDS = N_("A group needs its name, and a cooperative or a company its legal "
                  "identifier (--legal-id).")
_IN_A_GROUP = N_("She is already a member of a group.")
PATH_MESSAGES = {
    "not_en_path": N_("Her path is not at Entraide Nationale: it is for category 2, or for a "
                      "committee decision for the employability path."),
    "not_an_en_centre": N_("No Entraide Nationale centre {detail} in the directory: see the "
                           "places command."),
    "step_out_of_order": N_("The steps go in order: programme, enrolment, completion, what "
                            "she did after."),
    "date_before_previous_step": N_("A day cannot come before the day of the step before."),
    "enrolment_needs_centre_and_date": _STEPS_NEED,
    "completion_needs_date_and_result": _STEPS_NEED,
    "status_not_allowed": N_("This change of status is not allowed: {detail}."),
    "licence_needs_name": N_("Name the licence or label (--name)."),
    "group_needs_name": _GROUP_NEEDS,
    "group_needs_legal_id": _GROUP_NEEDS,
    "no_consent": N_("She has not consented to the processing of her data: she cannot join "
                     "a group."),
    "in_other_group": _IN_A_GROUP,
    "already_member": _IN_A_GROUP,
    "is_responsible": N_("The responsible member cannot leave her group."),
    "not_member": N_("She is not a member of this group."),
    "no_woman": N_("No woman with this CIN in the registry."),
}
_NOT_LISTED = N_("Not in the lists: {detail} (see the path-lists command).")


def path_refusal_text(exc: Exception) -> str:
    """The translated sentence for a PathRuleError or a MemberRefused."""
    code = str(getattr(exc, "code", ""))
    detail = str(exc).partition(": ")[2] or code
    return _(PATH_MESSAGES.get(code, _NOT_LISTED)).format(detail=detail)
