"""The thin Qt adapter over the sync engine: runs it on the task runner's "net" lane,
probes for a link in the background, and hands plain results back on the UI thread.

The engine (`sync.engine.SyncEngine`) knows nothing of Qt; this is the only place where a
sync run meets the window. A run is never started twice at once, and the window never
waits on the network: everything here is a task whose result arrives as a signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from jisr_desktop.ui.sync_model import ProbeSchedule
from jisr_desktop.ui.tasks import TaskRunner, TaskState

log = logging.getLogger(__name__)


class EngineLike(Protocol):
    def run(self, progress: Callable[[Any], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Any: ...

    def status(self) -> Any: ...


class ConflictsLike(Protocol):
    """`sync.conflicts`: the conflicts of a store, and their resolution."""

    def list_conflicts(self, store: Any) -> list[Any]: ...

    def resolve(self, store: Any, record_id: str, choice: Any) -> Any: ...


class SyncAdapter(QObject):
    statusChanged = Signal(object)  # the engine's SyncStatus
    progressed = Signal(object)  # a status.Progress, during a run
    finished = Signal(object)  # the run's SyncSummary
    failed = Signal(object)  # an exception a run raised (a bug: the engine reports codes)
    conflictsLoaded = Signal(list)
    resolved = Signal(str)  # the record id whose conflict was resolved
    pairsLoaded = Signal(list)  # the supervisor's flagged pairs (GET /v1/pairs)
    pairSettled = Signal(str)  # a pair id, merged or dismissed on the server
    pairsFailed = Signal(object)  # the exception of a pairs call (no link, refused)
    statusFailed = Signal(object)  # the exception of a status read (a damaged store)

    def __init__(self, tasks: TaskRunner, engine: EngineLike, *, store: Any = None,
                 conflicts: ConflictsLike | None = None,
                 probe: Callable[[], bool] | None = None,
                 schedule: ProbeSchedule | None = None,
                 pairs: Any = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.engine, self.store = tasks, engine, store
        self.conflicts, self.probe, self.pairs = conflicts, probe, pairs
        self.schedule = schedule or ProbeSchedule()
        self.running: TaskState | None = None
        self.probe_timer = QTimer(self)
        self.probe_timer.setSingleShot(True)
        self.probe_timer.timeout.connect(self.probe_now)
        self._probing = False

    # -- runs -------------------------------------------------------------------------------

    def sync_now(self) -> bool:
        """Start a run on the net lane; False when one is already going."""
        if self.running is not None:
            return False
        self.running = self.tasks.run_with_state(
            lambda state: self.engine.run(progress=self.progressed.emit,
                                          cancelled=lambda: state.cancelled),
            on_done=self._done, on_error=self._failed, lane="net")
        self.refresh()
        return True

    def cancel(self) -> None:
        if self.running is not None:
            self.running.cancel()

    def _done(self, summary: Any) -> None:
        self.running = None
        self.finished.emit(summary)
        self.refresh()
        self.load_conflicts()

    def _failed(self, error: BaseException) -> None:
        self.running = None
        log.error("sync run failed", exc_info=error)
        self.failed.emit(error)
        self.refresh()

    def refresh(self) -> None:
        # On the db lane: reading the status must not queue behind a run on a slow link.
        self.tasks.run(self.engine.status, on_done=self.statusChanged.emit,
                       on_error=self._status_failed)

    def _status_failed(self, error: BaseException) -> None:
        log.error("sync status failed: %s", type(error).__name__)
        self.statusFailed.emit(error)

    # -- background: a light probe with backoff ------------------------------------------

    def start_probing(self, first_delay_ms: int = 2_000) -> None:
        if self.probe is not None:
            self.probe_timer.start(first_delay_ms)

    def stop_probing(self) -> None:
        self.probe_timer.stop()

    def probe_now(self) -> None:
        if self.probe is None or self._probing:
            return
        try:
            self.tasks.run(self.probe, on_done=self._probed,
                           on_error=lambda _e: self._probed(False), lane="net")
        except RuntimeError:
            # The runner was shut down (the window is closing): no more probes.
            self.probe_timer.stop()
            return
        self._probing = True

    def _probed(self, ok: bool) -> None:
        self._probing = False
        delay, _appeared = self.schedule.after(bool(ok))
        if ok:
            # A link (just appeared, or still there a few minutes on): send what waits
            # and fetch what is new; a run with nothing to do costs one small pull.
            self.sync_now()
        self.probe_timer.start(int(delay * 1000))

    # -- conflicts --------------------------------------------------------------------------

    def load_conflicts(self) -> None:
        if self.conflicts is None:
            return
        conflicts = self.conflicts
        self.tasks.run(lambda: conflicts.list_conflicts(self.store),
                       on_done=self.conflictsLoaded.emit, on_error=self._status_failed)

    def resolve(self, record_id: str, choice: Any) -> None:
        """Resolve on the db lane; the resolution goes up with the next run, at once."""
        if self.conflicts is None:
            return
        conflicts = self.conflicts

        def done(_result: Any) -> None:
            self.resolved.emit(record_id)
            self.load_conflicts()
            self.sync_now()

        self.tasks.run(lambda: conflicts.resolve(self.store, record_id, choice), on_done=done)

    # -- possible duplicates (a supervisor's) ------------------------------------------

    def load_pairs(self) -> None:
        if self.pairs is not None:
            self.tasks.run(self.pairs.list_pairs, on_done=self.pairsLoaded.emit,
                           on_error=self.pairsFailed.emit, lane="net")

    def settle_pair(self, pair_id: str, keep: str | None) -> None:
        """Merge keeping `keep`, or dismiss when `keep` is None; then pull the outcome."""
        if self.pairs is None:
            return
        pairs = self.pairs

        def call() -> Any:
            return pairs.dismiss(pair_id) if keep is None else pairs.merge(pair_id, keep)

        def done(_result: Any) -> None:
            self.pairSettled.emit(pair_id)
            self.load_pairs()
            self.sync_now()

        self.tasks.run(call, on_done=done, on_error=self.pairsFailed.emit, lane="net")


class SyncSession(QObject):
    """The engine for this store and whoever signed in on it this session.

    A token is sealed for its agent alone, so it opens only with her passphrase: until she
    types it (or signs in), the engine runs with no credentials and the panel says whose
    sign-in the changes wait for. The adapter is rebuilt around each new engine."""

    signedIn = Signal(object)  # the accounts.SignedIn / DeviceToken of the agent
    signInFailed = Signal(str)  # a code: bad_credentials, link_failed, wrong_passphrase...

    def __init__(self, tasks: TaskRunner, store: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from jisr_desktop.sync import conflicts

        self.tasks, self.store = tasks, store
        self.token: Any = None
        self.adapter = SyncAdapter(tasks, self._engine({}), store=store, conflicts=conflicts,
                                   probe=self._probe, parent=self)

    def _engine(self, credentials: dict[str, Any]) -> Any:
        from jisr_desktop.sync.engine import SyncEngine

        return SyncEngine(self.store, credentials)

    def _probe(self) -> bool:
        from jisr_desktop.models.store import sync_state
        from jisr_desktop.sync.probe import server_reachable

        url = sync_state.get_value(self.store, "server_url")
        return bool(url) and server_reachable(url, sync_state.device_id(self.store))

    def sign_in_state(self) -> Any:
        """Who signed in on this store before (tokens.states), for the sign-in box."""
        from jisr_desktop.models.store import tokens

        mine = [s for s in tokens.states(self.store) if s.agent == self.store.agent]
        return mine[0] if mine else None

    def unlock(self, passphrase: str) -> None:
        """Open her saved token with her passphrase (db lane)."""
        from jisr_desktop.sync.accounts import credentials

        def done(found: tuple[dict[str, Any], str]) -> None:
            if not found[0]:
                self.signInFailed.emit("wrong_passphrase")
                return
            self._use(found)

        self.tasks.run(lambda: self._with_device(credentials(self.store, passphrase)),
                       on_done=done,
                       on_error=lambda _e: self.signInFailed.emit("wrong_passphrase"))

    def sign_in(self, url: str, username: str, password: str, passphrase: str) -> None:
        """Sign in to the server once, online (net lane); the token is sealed for her."""
        from jisr_desktop.sync.accounts import SignInError, credentials, login

        def work() -> tuple[dict[str, Any], str]:
            login(self.store, passphrase, url, username, password)
            return self._with_device(credentials(self.store, passphrase))

        def failed(error: BaseException) -> None:
            code = error.code if isinstance(error, SignInError) else "link_failed"
            self.signInFailed.emit(code)

        self.tasks.run(work, on_done=self._use, on_error=failed, lane="net")

    def _with_device(self, found: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Her tokens and this device's id, both read off the UI thread."""
        from jisr_desktop.models.store import sync_state

        return found, sync_state.device_id(self.store)

    def _use(self, found_and_device: tuple[dict[str, Any], str]) -> None:
        from jisr_desktop.sync.client import Client
        from jisr_desktop.sync.pairs import PairsApi

        found, device_id = found_and_device
        self.token = found.get(self.store.agent) or next(iter(found.values()))
        self.adapter.engine = self._engine(found)
        client = Client(self.token.server_url, device_id)
        self.adapter.pairs = PairsApi(client, self.token.token)
        self.signedIn.emit(self.token)
        self.adapter.sync_now()
