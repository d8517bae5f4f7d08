"""What a sync run reports, and what the sync panel shows: plain data, no Qt, no SQL.

The sync-ui engineer builds the panel on these types; keep the names stable (add, never
rename)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class State(StrEnum):
    OFFLINE = "offline"
    SYNCING = "syncing"
    UP_TO_DATE = "up_to_date"
    NEEDS_ATTENTION = "needs_attention"


class Phase(StrEnum):
    """Where a run is, for the progress callback."""

    DEFINITIONS = "definitions"
    PUSH = "push"
    PULL = "pull"
    DONE = "done"


# Error codes of a run as a whole (`SyncSummary.error`). Per-op codes are protocol.Code.
LINK_FAILED = "link_failed"  # timeouts, resets, captive portal: nothing lost, run again
NOT_SIGNED_IN = "not_signed_in"  # no usable token for the agent running the sync
SIGN_IN_AGAIN = "sign_in_again"  # her token expired or was revoked: sign in again
NO_SERVER = "no_server"  # nobody signed in to a server on this store yet
CANCELLED = "cancelled"
SERVER_ERROR = "server_error"  # the server answered 5xx or an error we cannot act on


class Stop(Exception):
    """Ends a run early with one of the codes above."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Failure:
    """One op the server refused, or one record in conflict: what a person must look at."""

    record_id: str
    op_id: str
    op: str
    state: str  # "conflict" | "rejected"
    code: str | None = None  # protocol.Code value, or "conflict"
    reason: str | None = None  # the server's text, for logs; show `code` translated
    errors: list[dict[str, Any]] = field(default_factory=list)  # per field, for "invalid"
    author: str | None = None


@dataclass(frozen=True)
class Progress:
    phase: Phase
    sent: int = 0  # ops acknowledged in this run
    left: int = 0  # ops still waiting to go up
    pulled: int = 0  # changes applied from the server in this run
    bytes_up: int = 0
    bytes_down: int = 0
    speed: float | None = None  # measured goodput, bytes per second


@dataclass
class SyncSummary:
    pushed: int = 0  # ops the server acknowledged (applied or duplicate)
    pulled: int = 0  # changes applied locally
    duplicates_flagged: int = 0  # pairs "the same woman twice" learnt from the server
    conflicts: int = 0  # ops now in conflict (all, not only new ones)
    rejected: int = 0  # ops now rejected (all)
    left: int = 0  # ops still pending or in flight
    waiting_for_sign_in: list[str] = field(default_factory=list)  # agents whose ops wait
    ok: bool = False  # the outbox is drained (but for conflicts/rejections) and pull current
    error: str | None = None  # one of the codes above, when the run stopped early
    duplicates: int = 0  # ops the server answered "duplicate" (resent after a cut)
    bytes_up: int = 0
    bytes_down: int = 0
    seconds: float = 0.0
    # Acknowledged upserts the server scored otherwise than this device (push results
    # carry its evaluation); the pull then brings them back with the server's.
    evaluations_differ: int = 0
    # Definition versions installed by this run (a new grid, form, directory...): the app
    # then reads the definitions in force again, without a restart.
    definitions_installed: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SyncStatus:
    state: State
    sent: int  # ops acknowledged, ever
    left: int  # ops pending or in flight
    speed: float | None  # last measured goodput, bytes per second
    last_success: str | None  # ISO time of the last run that ended up to date
    failures: list[Failure] = field(default_factory=list)
    waiting_for_sign_in: list[str] = field(default_factory=list)
    server_url: str | None = None
    last_error: str | None = None
