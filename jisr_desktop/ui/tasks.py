"""The one task runner: slow work off the UI thread, results back on it.

As in Anki, every database operation goes through one single-worker lane, so the store
sees one writer at a time; network and printing get lanes of their own so a slow link
never queues behind a save. The function runs on the worker and must not touch widgets;
`on_done`/`on_error` run on the UI thread. Long tasks get a `TaskState` (as in Orange):
they report progress through it and poll its cancel flag.

Two jobs every page used to do by hand live here:
- **Stale results.** A task submitted with a `key` ("beneficiaries.count",
  "form.open") supersedes the older task of the same key: a read not yet started is
  cancelled, anything already running finishes but its `on_done`/`on_error` are dropped.
  `discard(key)` drops the pending answer without submitting anything (she opened another
  form). Writes are never cancelled, only their answers dropped: what she saved is saved.
- **Change notices.** A write names what it changed (`write(fn, changes={RECORDS})`);
  once it has succeeded the runner emits `changed(Changes)` on the UI thread, as Anki's
  CollectionOp fires `operation_did_execute`, so the status bar, the list and the result
  page refresh because something changed, not on a timer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Signal

log = logging.getLogger(__name__)

# "check": the store's full integrity check, a long read on its own connection (WAL lets
# readers and the writer go on side by side), so start-up reads and saves never queue
# behind it (on 100,000 records the list's count waited ~15 s on the db lane).
LANES = ("db", "net", "print", "check")

# What a write may change. Plain strings so pages and the sync engine can add kinds
# without touching this module; these are the ones the desktop uses today.
RECORDS = "records"  # a registration saved, edited, imported, re-scored
DRAFTS = "drafts"
OUTBOX = "outbox"  # something waits to be sent (every record write implies it)
DECISIONS = "decisions"
ASSESSMENTS = "assessments"
DELIVERIES = "deliveries"
DEFINITIONS = "definitions"
SETTINGS = "settings"


@dataclass(frozen=True)
class Changes:
    """What one write changed: kinds (`RECORDS`, `DRAFTS`...), optionally which records,
    and the object that asked for it (a page may skip refreshing what it just showed)."""

    kinds: frozenset[str]
    record_ids: frozenset[str] = field(default_factory=frozenset)
    origin: object | None = None

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds

    def touches(self, *kinds: str) -> bool:
        return any(k in self.kinds for k in kinds)

    @classmethod
    def of(cls, kinds: Iterable[str] | Changes, *, record_ids: Iterable[str] = (),
           origin: object | None = None) -> Changes:
        if isinstance(kinds, Changes):
            return kinds
        wanted = frozenset(kinds)
        if RECORDS in wanted or DECISIONS in wanted or ASSESSMENTS in wanted:
            wanted |= {OUTBOX}  # the write rule: each of these appends to the outbox
        return cls(wanted, frozenset(record_ids), origin)


ChangesSpec = Iterable[str] | Changes | Callable[[Any], "Iterable[str] | Changes | None"]


class TaskState(QObject):
    """Progress and cancellation for one long task; signals arrive on the UI thread."""

    progressed = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


@dataclass
class _Task:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    key: str | None
    ticket: int
    changes: ChangesSpec | None
    origin: object | None
    always: Callable[[], None] | None
    on_dropped: Callable[[Any], None] | None = None


class _Bridge(QObject):
    # Emitted on a worker thread; the bridge lives on the UI thread, so Qt queues delivery.
    finished = Signal(object, object)


class TaskRunner(QObject):
    busyChanged = Signal(bool)
    failed = Signal(object)  # an exception no caller handled
    changed = Signal(object)  # Changes, after a write succeeded

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"jisr-{lane}")
            for lane in LANES
        }
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver)
        self._pending = 0
        self._tickets: dict[str, int] = {}  # key -> ticket of the task whose answer counts
        self._queued: dict[str, tuple[Future, bool]] = {}  # key -> (future, cancellable)
        self._counter = 0
        self._closed = False
        self._states: set[TaskState] = set()  # long tasks still running, to stop at quit

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        lane: str = "db",
        key: str | None = None,
        changes: ChangesSpec | None = None,
        origin: object | None = None,
        always: Callable[[], None] | None = None,
        on_dropped: Callable[[Any], None] | None = None,
    ) -> Future:
        """Run `fn` on `lane`. With `key`, an older task of that key is superseded; with
        `changes`, `changed` fires after success (see `write`). `always` runs on the UI
        thread once the task is over, before its answer and even when the answer is
        dropped (re-enable a button); `on_dropped` gets a result nobody wants any more
        (delete the file it made)."""
        if self._closed:
            # Shutting down: nothing may start; the caller's callbacks are never called.
            future: Future = Future()
            future.cancel()
            return future
        self._counter += 1
        ticket = self._counter
        if key is not None:
            self._tickets[key] = ticket
            older = self._queued.get(key)
            if older is not None and older[1]:
                older[0].cancel()  # a read that has not started: never run it
        task = _Task(on_done, on_error, key, ticket, changes, origin, always, on_dropped)
        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        future = self._lanes[lane].submit(fn)
        if key is not None:
            self._queued[key] = (future, changes is None)
        future.add_done_callback(lambda f: self._bridge.finished.emit(task, f))
        return future

    def write(
        self,
        fn: Callable[[], Any],
        *,
        changes: ChangesSpec,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        lane: str = "db",
        key: str | None = None,
        origin: object | None = None,
        always: Callable[[], None] | None = None,
    ) -> Future:
        """A task that changes the store. `changes` is a set of kinds, a `Changes`, or a
        function of the result giving either (None or empty: nothing changed, e.g. a save
        the validation refused)."""
        return self.run(fn, on_done=on_done, on_error=on_error, lane=lane, key=key,
                        changes=changes, origin=origin, always=always)

    def discard(self, key: str) -> None:
        """Drop the answer of the pending task of `key` (a read not started is cancelled)."""
        self._counter += 1
        self._tickets[key] = self._counter
        older = self._queued.pop(key, None)
        if older is not None and older[1]:
            older[0].cancel()

    def is_current(self, key: str, ticket: int) -> bool:
        return self._tickets.get(key) == ticket

    def announce(self, changes: Iterable[str] | Changes, *, origin: object | None = None) -> None:
        """Say that something changed outside a write task (settings saved on the UI thread)."""
        self.changed.emit(Changes.of(changes, origin=origin))

    def run_with_state(
        self,
        fn: Callable[[TaskState], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        lane: str = "db",
        key: str | None = None,
        changes: ChangesSpec | None = None,
    ) -> TaskState:
        state = TaskState()
        self._states.add(state)
        self.run(lambda: fn(state), on_done=on_done, on_error=on_error, lane=lane, key=key,
                 changes=changes, always=lambda: self._states.discard(state))
        return state

    def _deliver(self, task: _Task, future: Future) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busyChanged.emit(False)
        if task.key is not None:
            queued = self._queued.get(task.key)
            if queued is not None and queued[0] is future:
                del self._queued[task.key]
        # Before the answer: on_done may start the next task of the same job (save again
        # after a confirmation), and that one's state must not be undone by this one.
        if task.always is not None:
            task.always()
        self._settle(task, future)

    def _settle(self, task: _Task, future: Future) -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is None and task.changes is not None:
            self._announce(task, future.result())
        if task.key is not None and self._tickets.get(task.key) != task.ticket:
            # Superseded: a newer task of this key answers instead.
            if error is not None:
                log.warning("a superseded task failed", exc_info=error)
            elif task.on_dropped is not None:
                task.on_dropped(future.result())
            return
        if error is not None:
            if task.on_error is not None:
                task.on_error(error)
            else:
                log.error("task failed", exc_info=error)
                self.failed.emit(error)
        elif task.on_done is not None:
            task.on_done(future.result())

    def _announce(self, task: _Task, result: Any) -> None:
        spec = task.changes
        try:
            kinds = spec(result) if callable(spec) else spec
        except Exception:  # a bad spec must not hide that the write succeeded
            log.exception("could not tell what a write changed")
            kinds = None
        if not kinds:
            return
        self.changed.emit(Changes.of(kinds, origin=task.origin))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Process events until every task has been delivered (tests, shutdown)."""
        # A local QEventLoop rather than QCoreApplication.processEvents(): PySide6 6.12 on
        # Python 3.11 drops a reference to None on each static processEvents() call, and a
        # long test run then aborts with "deallocating None".
        loop = QEventLoop()
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline:
            loop.processEvents()
            time.sleep(0.002)
        loop.processEvents()
        return self._pending == 0

    def shutdown(self) -> None:
        """Stop: queued tasks never start, running ones are waited for (a write in flight
        completes), and nothing new is accepted."""
        self._closed = True
        # A long task (a batch of cards, a re-scoring) stops at its next poll instead of
        # keeping the window gone and the process alive until it ends.
        for state in list(self._states):
            state.cancel()
        for pool in self._lanes.values():
            pool.shutdown(wait=True, cancel_futures=True)

