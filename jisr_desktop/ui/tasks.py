"""The one task runner: slow work off the UI thread, results back on it.

As in Anki, every database operation goes through one single-worker lane, so the store
sees one writer at a time; network and printing get lanes of their own so a slow link
never queues behind a save. The function runs on the worker and must not touch widgets;
`on_done`/`on_error` run on the UI thread. Long tasks get a `TaskState` (as in Orange):
they report progress through it and poll its cancel flag.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Signal

log = logging.getLogger(__name__)

LANES = ("db", "net", "print")


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


class _Bridge(QObject):
    # Emitted on a worker thread; the bridge lives on the UI thread, so Qt queues delivery.
    finished = Signal(object, object, object)


class TaskRunner(QObject):
    busyChanged = Signal(bool)
    failed = Signal(object)  # an exception no caller handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"jisr-{lane}")
            for lane in LANES
        }
        self._bridge = _Bridge()
        self._bridge.finished.connect(self._deliver)
        self._pending = 0

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
    ) -> Future:
        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        future = self._lanes[lane].submit(fn)
        future.add_done_callback(lambda f: self._bridge.finished.emit(on_done, on_error, f))
        return future

    def run_with_state(
        self,
        fn: Callable[[TaskState], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        lane: str = "db",
    ) -> TaskState:
        state = TaskState()
        self.run(lambda: fn(state), on_done=on_done, on_error=on_error, lane=lane)
        return state

    def _deliver(self, on_done, on_error, future: Future) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busyChanged.emit(False)
        error = future.exception()
        if error is not None:
            if on_error is not None:
                on_error(error)
            else:
                log.error("task failed", exc_info=error)
                self.failed.emit(error)
        elif on_done is not None:
            on_done(future.result())

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
        for pool in self._lanes.values():
            pool.shutdown(wait=True, cancel_futures=True)
