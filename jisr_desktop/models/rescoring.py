"""Re-scoring every registration when a new grid (or orientation rules) version arrives.

The answers stay as recorded under the form version they were saved with; only the
derived score, category and orientation change, so this is not an edit to sync.

Scoring is pure Python and CPU-bound: for large stores the work is spread over worker
processes (one per core) while this process reads and writes the store, so a 2-core
laptop re-scores 100,000 records in seconds. Workers get the definitions as JSON text
and the answers as JSON text, and send back rows ready for the UPDATE; they never touch
the store.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any

from jisr_desktop.models.definitions import Definition, DefinitionSet, parse_definition
from jisr_desktop.models.enrolment import _Validated, derived_from
from jisr_desktop.models.evaluation import Evaluation
from jisr_desktop.models.orientation import orient
from jisr_desktop.models.repository import Repository
from jisr_desktop.models.scoring import score

# Below this many records, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20_000

_worker_defs: tuple[Definition, Definition, Definition] | None = None


def rescored_row(
    form: Definition,
    grid: Definition,
    rules: Definition,
    record_id: str,
    answers: dict[str, Any],
    today: date,
) -> tuple[Any, ...]:
    result = score(grid, answers, form=form, today=today)
    orientation = orient(rules, answers, result.category)
    evaluation = Evaluation(validation=_Validated(answers), score=result, orientation=orientation)
    return Repository.derived_row(record_id, derived_from(evaluation))


def _init_worker(bodies: tuple[str, str, str]) -> None:
    global _worker_defs
    form, grid, rules = (parse_definition(body, f"worker:{i}") for i, body in enumerate(bodies))
    _worker_defs = (form, grid, rules)


def _rescore_chunk(rows: list[tuple[str, str]], today: date) -> list[tuple[Any, ...]]:
    assert _worker_defs is not None
    form, grid, rules = _worker_defs
    return [rescored_row(form, grid, rules, rid, json.loads(a), today) for rid, a in rows]


def _default_workers(count: int) -> int:
    cores = os.cpu_count() or 1
    return cores if count >= PARALLEL_THRESHOLD and cores > 1 else 0


def rescore_all(
    repo: Repository,
    defs: DefinitionSet,
    *,
    today: date | None = None,
    chunk: int = 2000,
    workers: int | None = None,
) -> int:
    """Re-score every registration; returns how many were updated."""
    today = today or date.today()
    if workers is None:
        workers = _default_workers(repo.count())
    reason = {"grid": defs.grid.version, "orientation": defs.orientation.version}
    if workers <= 1:
        rows: Iterator[tuple[Any, ...]] = (
            rescored_row(defs.form, defs.grid, defs.orientation, rid, answers, today)
            for rid, answers in repo.iter_answers(chunk=chunk)
        )
        return repo.update_derived_rows(rows, reason=reason, chunk=chunk)

    bodies = tuple(
        json.dumps(d.data, ensure_ascii=False) for d in (defs.form, defs.grid, defs.orientation)
    )
    # spawn, not fork: the parent holds threads and open SQLCipher connections.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(bodies,)
    ) as pool:
        chunks = repo.iter_answer_chunks(chunk=chunk)
        pending = [pool.submit(_rescore_chunk, c, today) for c in _take(chunks, workers * 2)]

        def results() -> Iterator[tuple[Any, ...]]:
            # Keep the workers fed: submit the next chunk each time one comes back, so
            # reading, scoring and writing overlap and memory stays bounded.
            while pending:
                done = pending.pop(0)
                for nxt in _take(chunks, 1):
                    pending.append(pool.submit(_rescore_chunk, nxt, today))
                yield from done.result()

        return repo.update_derived_rows(results(), reason=reason, chunk=chunk)


def _take(iterator: Iterator[Any], n: int) -> list[Any]:
    out = []
    for item in iterator:
        out.append(item)
        if len(out) >= n:
            break
    return out
