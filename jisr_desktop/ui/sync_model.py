"""What the sync panel shows, without Qt: the engine's status in a field agent's words.

The panel only applies a `PanelView`. Everything here reads plain attributes of the
engine's `SyncStatus` and `Failure` (jisr_desktop/sync/status.py), so it is tested with
no window and no server, and the adapter is the one place that talks to the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from jisr_desktop.formatting import format_datetime, format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.form import Form
from jisr_desktop.models.programme.messages import Message, pick
from jisr_desktop.sync import messages
from jisr_desktop.textdir import isolate

# status.State values
OFFLINE, SYNCING = "offline", "syncing"
UP_TO_DATE, NEEDS_ATTENTION = "up_to_date", "needs_attention"
STATE_TEXTS = {
    OFFLINE: N_("Offline: changes wait on this computer"),
    SYNCING: N_("Sending and receiving…"),
    UP_TO_DATE: N_("Up to date"),
    NEEDS_ATTENTION: N_("Needs attention"),
}

# The sentences of run and refusal codes are sync/messages.py's (shared with the CLI);
# only a refusal of invalid answers is spelt out here, field by field, from the form.
INVALID_TEXT = N_("The server refused this registration: {problems}")


class FailureLike(Protocol):
    record_id: str
    op: str
    state: str
    code: str | None
    errors: list[dict[str, Any]]
    author: str | None


@dataclass(frozen=True)
class FailureView:
    record_id: str
    text: str
    conflict: bool  # opens the conflict view rather than the record


@dataclass(frozen=True)
class PanelView:
    state: str
    state_text: str
    counts_text: str
    speed_text: str
    last_sync_text: str
    problem_text: str  # how the last run ended, when it did not end well; else ""
    failures: list[FailureView] = field(default_factory=list)
    can_sync: bool = True


def field_label(form: Form | None, name: str, lang: str) -> str:
    if form is not None and name in form:
        return pick(form.field(name).label, lang) or name
    return name


def failure_text(failure: FailureLike, form: Form | None, lang: str) -> str:
    """One refused or conflicting op, in words: "The server refused this registration:
    Téléphone: Numéro de téléphone invalide." The field problems come from the form's own
    messages, translated by the ministry with the rest of the form."""
    errors = list(failure.errors or ())
    if failure.state == "conflict" or failure.code != "invalid" or not errors:
        return messages.text(failure.code if failure.state != "conflict" else "conflict")
    parts = []
    for error in errors[:3]:
        name = str(error.get("field") or "")
        code = str(error.get("code") or "constraint")
        problem = Message(code).render(form.messages, lang) if form else code
        parts.append(_("{field}: {problem}").format(
            field=isolate(field_label(form, name, lang)), problem=problem))
    return _(INVALID_TEXT).format(problems=" ".join(parts))


def speed_text(speed: float | None, lang: str) -> str:
    """Goodput in kilobits per second, the unit link offers are sold in."""
    if not speed:
        return _("Speed: not measured yet")
    kbits = speed * 8 / 1000
    value = round(kbits, 1) if kbits < 10 else round(kbits)
    return _("Speed: {speed} kbit/s").format(speed=isolate(format_number(value, lang)))


def last_sync_text(last_success: str | None, lang: str, now: datetime | None = None) -> str:
    if not last_success:
        return _("Never sent to the server yet")
    try:
        moment = datetime.fromisoformat(last_success)
    except ValueError:
        return _("Never sent to the server yet")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    when = format_datetime(moment.astimezone(), lang, "short")
    return _("Last successful sync: {when}").format(when=isolate(when))


def counts_text(sent: int, left: int, waiting_for: Sequence[str]) -> str:
    lines = [
        ngettext("{n} change sent", "{n} changes sent", sent).format(n=sent),
        ngettext("{n} change left to send", "{n} changes left to send", left).format(n=left),
    ]
    if waiting_for:
        names = ", ".join(isolate(n) for n in waiting_for)
        lines.append(_("Waiting for the sign-in of: {names}").format(names=names))
    return "\n".join(lines)


def panel_view(status: Any, form_of: Callable[[str], Form | None], lang: str) -> PanelView:
    """The panel's content for a `SyncStatus`. `form_of(record_id)` gives the form a
    record was made with (for field labels), or None."""
    state = str(status.state)
    failures = [
        FailureView(f.record_id, failure_text(f, form_of(f.record_id), lang),
                    conflict=f.state == "conflict")
        for f in status.failures
    ]
    last_error = getattr(status, "last_error", None)
    problem = messages.text(last_error) if last_error in messages.MESSAGES else ""
    return PanelView(
        state=state,
        state_text=_(STATE_TEXTS.get(state, STATE_TEXTS[NEEDS_ATTENTION])),
        counts_text=counts_text(status.sent, status.left, status.waiting_for_sign_in),
        speed_text=speed_text(status.speed, lang),
        last_sync_text=last_sync_text(status.last_success, lang),
        problem_text=problem,
        failures=failures,
        can_sync=state != SYNCING,
    )


def progress_text(progress: Any, lang: str) -> str:
    """A line for a run in progress (status.Progress)."""
    phase = str(getattr(progress, "phase", ""))
    if phase == "definitions":
        return _("Checking for new forms…")
    if phase == "pull":
        return ngettext("{n} change received", "{n} changes received",
                        progress.pulled).format(n=format_number(progress.pulled, lang))
    return _("{sent} sent, {left} left").format(sent=format_number(progress.sent, lang),
                                                 left=format_number(progress.left, lang))


def summary_counts(summary: Any) -> Mapping[str, int]:
    return {k: int(getattr(summary, k, 0) or 0) for k in
            ("pushed", "pulled", "duplicates_flagged", "conflicts", "rejected", "left")}


class ProbeSchedule:
    """When to look for a link next. Offline, the probe backs off exponentially with jitter
    (15 s, 30 s, ... up to 15 min), so days without a link cost nearly nothing; online, it
    looks every few minutes for news from the server. `after(ok)` says how long to wait
    and whether the link just appeared (the moment to sync)."""

    def __init__(self, base: float = 15.0, cap: float = 900.0, online_every: float = 300.0,
                 rng: Callable[[], float] | None = None) -> None:
        import random

        self.base, self.cap, self.online_every = base, cap, online_every
        self.rng = rng or random.random
        self.failures = 0
        self.online = False

    def after(self, ok: bool) -> tuple[float, bool]:
        appeared = ok and not self.online
        self.online = ok
        if ok:
            self.failures = 0
            return self.online_every, appeared
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** (self.failures - 1))
        # Full jitter between half and all of the ceiling: devices of one centre that
        # lost the link together do not all come back in the same second.
        return ceiling * (0.5 + 0.5 * self.rng()), False
