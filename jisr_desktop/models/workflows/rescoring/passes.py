"""A re-scoring pass over the store: read in chunks, scored here and in worker processes,
written back where something moved."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date

from jisr_desktop.models.programme.definitions import DefinitionSet
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.store.rewrite import DerivedRewrite
from jisr_desktop.models.workflows.rescoring.basis import copies_to_read
from jisr_desktop.models.workflows.rescoring.rescorer import Change, Chunk, Rescorer
from jisr_desktop.models.workflows.rescoring.worker import init_worker, rescore_chunk

# Below this many records, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20_000
# The workers run at a lower priority, so that the app's own threads (the UI) and this
# process's reading keep their CPU. Measured when every pass still rewrote every row
# (100,000 store, 2 cores, weight-changed grid, the four set-ups in turn twice on a
# machine loaded by other sessions, load ~2.8): 1 worker at nice 10 (this)
# 6.9 s; 1 worker at normal priority 7.5-8.0 s; 2 workers at nice 10 7.7-7.9 s; 2 at
# normal priority 8.7-8.8 s. On a quieter machine (load ~1.5): 4.6-5.0 s.
WORKER_NICENESS = 10
QUEUE_PER_WORKER = 4

def _default_workers(count: int) -> int:
    """One worker process per core but one: this process keeps a core for reading and
    writing (measured at 98,000 records on 2 cores, low-priority workers: 1 worker
    4.6-5.0 s, 2 workers 4.6-5.4 s with 25 % more CPU: a second spawned interpreter and
    its own memo of rows)."""
    cores = os.cpu_count() or 1
    return max(1, cores - 1) if count >= PARALLEL_THRESHOLD and cores > 1 else 0


def rescore_all(
    repo: Repository,
    defs: DefinitionSet,
    *,
    today: date | None = None,
    chunk: int = 2000,
    workers: int | None = None,
) -> int:
    """Re-score every registration; returns how many were re-scored (each now carries
    the given versions). Records whose derived values are already those are not
    rewritten; the audit entry of the run counts both."""
    today = today or date.today()
    if workers is None:
        workers = _default_workers(repo.count())
    reason = {"grid": defs.grid.version, "orientation": defs.orientation.version}
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, today)
    copies = copies_to_read(repo.scoring_basis(), rescorer.basis, defs.grid, repo.definition)
    with repo.derived_rewrite(rescorer.fields, chunk=chunk, versions=rescorer.versions,
                              basis=rescorer.basis, copies=copies) as rw:
        if workers <= 0:
            for rows in rw.chunks():
                rw.write(rescorer.chunk(rows))
        else:
            _with_workers(rw, rescorer, defs, workers)
        rw.finish(reason)
        return rw.seen


def _with_workers(
    rw: DerivedRewrite, rescorer: Rescorer, defs: DefinitionSet, workers: int
) -> None:
    """Chunks go to the worker processes, up to QUEUE_PER_WORKER each waiting; when the
    queue is full and its oldest chunk is not back yet, this process scores the chunk it
    just read itself rather than wait. Since a pass writes only what moved (a tenth of
    the rows, or none), reading is no longer the pass's critical path: scoring is, and
    two cores score faster than one. It reads ahead (and scores) while the workers start
    (a spawned worker starts and imports for ~0.2 s: `worker`)."""
    bodies = tuple(
        json.dumps(d.data, ensure_ascii=False) for d in (defs.form, defs.grid, defs.orientation)
    )
    # spawn, not fork: the parent holds threads and open SQLCipher connections.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=init_worker,
        initargs=(bodies, rescorer.today, WORKER_NICENESS),
    )
    try:
        pending: deque[tuple[Future[list[Change]], Chunk]] = deque()
        for rows in rw.chunks():
            # Write what came back first: it frees the workers' queue and the cache.
            while pending and pending[0][0].done():
                rw.write(pending.popleft()[0].result())
            if len(pending) >= workers * QUEUE_PER_WORKER:
                rw.write(rescorer.chunk(rows))
                continue
            pending.append((pool.submit(rescore_chunk, rows), rows))
        # Everything is read: commit what is queued while the workers score their last
        # chunks, rather than after them.
        rw.flush()
        _drain(rw, rescorer, pending)
    finally:
        # Not waiting for a worker still busy with a chunk this process took back.
        pool.shutdown(wait=False, cancel_futures=True)


def _drain(
    rw: DerivedRewrite, rescorer: Rescorer, pending: deque[tuple[Future[list[Change]], Chunk]]
) -> None:
    """The chunks still queued at the end of the reading: what the workers sent back is
    written, and while none is back this process takes the newest chunk (the one the
    workers would reach last) and scores it itself, so the pass never waits idle on a
    worker that other work on the machine slows down (they run at a lower priority: on
    a loaded 2-core machine the last four chunks took seconds). The results are the same
    whoever computes them; a taken-back chunk's own result is dropped."""
    while pending:
        if pending[0][0].done():
            rw.write(pending.popleft()[0].result())
            continue
        future, rows = pending.pop()
        future.cancel()  # it may already be running: then its result is dropped
        rw.write(rescorer.chunk(rows))
