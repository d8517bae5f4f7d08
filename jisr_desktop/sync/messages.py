"""Sync codes -> the sentence a field agent reads, for the CLI and the sync panel alike.

Run codes (status.py), per-op refusal codes (protocol.Code and the server's rejection
codes) and sign-in codes. Kept beside the engine rather than in user_messages.py so the
sync vocabulary and its words change together; `text(code)` falls back to a sentence
that still says what to do."""

from __future__ import annotations

from jisr_desktop.i18n import N_, _

MESSAGES = {
    # a run as a whole
    "link_failed": N_("The connection to the server failed part-way. Nothing was lost; sync again when the link is better."),  # noqa: E501
    "not_signed_in": N_("Sign in to the server once, while online, before syncing."),
    "sign_in_again": N_("The server no longer accepts this sign-in. Sign in again; nothing was lost."),  # noqa: E501
    "no_server": N_("No server is set yet: sign in to a server first."),
    "cancelled": N_("Sync was stopped. Nothing was lost."),
    "server_error": N_("The server could not handle the request. Nothing was lost; try again later or tell the support team."),  # noqa: E501
    # sign-in
    "bad_credentials": N_("Wrong user name or password."),
    "too_many_attempts": N_("Too many attempts: wait a moment before signing in again."),
    # one op
    "conflict": N_("This record was changed on the server too: choose which copy to keep."),
    "invalid": N_("The server refused this registration: some answers are not valid."),
    "invalid_payload": N_("The server could not read this change."),
    "forbidden_op": N_("The server refused this change: this account may not make it."),
    "out_of_scope": N_("The server refused this change: the province is outside this account's area."),  # noqa: E501
    "unknown_form": N_("The server does not know the form version of this registration."),
    "unknown_definition_version": N_("The server does not know the form version of this registration."),  # noqa: E501
    "unknown_record": N_("The server does not have the registration this belongs to yet."),
    "invalid_decision": N_("The server refused this decision: it is incomplete."),
    "reason_required": N_("The server refused this decision: a reason is required."),
    "body_too_large": N_("This change is too large to send."),
}

GENERIC = N_("The server refused this change.")


def text(code: str | None) -> str:
    """The translated sentence for a sync code."""
    return _(MESSAGES.get(code or "", GENERIC))


def waiting_for(agents: list[str]) -> str:
    """Whose sign-in the remaining changes wait for."""
    return _("Changes wait for these agents to sign in and sync: {names}").format(
        names=", ".join(agents))
