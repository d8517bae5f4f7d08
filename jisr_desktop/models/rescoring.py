"""Re-scoring every registration when a new grid (or orientation rules) version arrives.

The answers stay as recorded under the form version they were saved with; only the
derived score, category and orientation change, so this is not an edit to sync.

Where the time goes, and what this module does about it (98,000 records, 2 cores):

- Writing: SQLite rewrites an index entry whenever an UPDATE names one of its columns,
  and `eligible`, `category`, `score_total` are in eight indexes. Only the columns whose
  value changed are written (`Repository.derived_rewrite`), and a record whose derived
  values are all unchanged is not written at all.
- Reading: SQLite's json_extract hands over only the answers the scoring reads
  (`scoring_fields`), so Python never decodes the names, phone and project texts.
- Scoring: pure Python and CPU-bound; for large stores it is spread over worker
  processes (one per core) while this process reads and writes the store. The
  evaluation JSON of a record depends only on its points, eligibility, category and
  orientation, which repeat a great deal: it is built once per combination.

Workers get the definitions as JSON text and chunks of `(seq, answers, old values)`, and
send back only the changed columns; they never touch the store.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from typing import TYPE_CHECKING, Any

from jisr_desktop.models.definitions import Definition, DefinitionSet, parse_definition
from jisr_desktop.models.enrolment import _Validated, derived_from
from jisr_desktop.models.evaluation import Evaluation
from jisr_desktop.models.expressions import references
from jisr_desktop.models.form import from_definition
from jisr_desktop.models.orientation import Orientation, orient
from jisr_desktop.models.repository import Repository
from jisr_desktop.models.scoring import score

if TYPE_CHECKING:
    from jisr_desktop.models.repository import DerivedRewrite

# Below this many records, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 20_000
DERIVED_COUNT = len(Repository.DERIVED_COLUMNS)

# (seq, answers as the JSON array of `scoring_fields`, old DERIVED_COLUMNS values)
Chunk = list[tuple[int, str, tuple[Any, ...]]]
# (bit mask of the changed DERIVED_COLUMNS, seq, their new values)
Change = tuple[int, int, tuple[Any, ...]]

_worker: Rescorer | None = None


def rescored_row(
    form: Definition,
    grid: Definition,
    rules: Definition,
    record_id: str,
    answers: dict[str, Any],
    today: date,
) -> tuple[Any, ...]:
    """The reference: a record re-scored from all its answers, through the same steps as
    an enrolment. `Rescorer` must give exactly this (tests/test_rescoring.py)."""
    result = score(grid, answers, form=form, today=today)
    orientation = orient(rules, answers, result.category)
    evaluation = Evaluation(validation=_Validated(answers), score=result, orientation=orientation)
    return Repository.derived_row(record_id, derived_from(evaluation))


def scoring_fields(form: Definition, grid: Definition, rules: Definition) -> tuple[str, ...]:
    """Every answer a re-scoring reads: the form's calculations (the age) with their
    relevance, the grid's criteria and rules, the orientation rules, and the consent.
    Any other answer (names, CIN, phone, texts) cannot change a score."""
    names = {"consent"}

    def add(expression: str | None) -> None:
        if expression:
            names.update(references(expression))

    for section in from_definition(form).sections:
        for f in section.fields:
            if f.type == "calculate":
                names.add(f.name)
                add(section.relevant)
                add(f.relevant)
                add(f.calculation)
    data = grid.data
    for criterion in data.get("criteria") or ():
        if criterion.get("field"):
            names.add(criterion["field"])
        add(criterion.get("when"))
    for key in ("eligibility", "classification"):
        for rule in data.get(key) or ():
            add(rule["when"])
    for key in ("path_rules", "destination_rules"):
        for rule in rules.data.get(key) or ():
            add(rule["when"])
    return tuple(sorted(names))


class Rescorer:
    """Re-scores records from the answers `scoring_fields` names, as `rescored_row` does."""

    def __init__(self, form: Definition, grid: Definition, rules: Definition, today: date):
        self.form, self.grid, self.rules, self.today = form, grid, rules, today
        self.fields = scoring_fields(form, grid, rules)
        self._rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        # The orientation reads only its rules' answers and the category (which it is
        # given; the rules' ${category} is that one): few combinations, each oriented once.
        self._orient_reads = tuple(
            sorted(
                {
                    name
                    for key in ("path_rules", "destination_rules")
                    for rule in rules.data.get(key) or ()
                    for name in references(rule["when"])
                }
                - {"category"}
            )
        )
        self._orientations: dict[tuple[Any, ...], Orientation] = {}

    def answers(self, packed: str) -> dict[str, Any]:
        """The answers from the JSON array json_extract made (null: not answered). The
        values are those of the stored JSON, types included; the one exception, NaN (which
        SQLite renders as null), never reaches the store: validation refuses it."""
        values = json.loads(packed)
        return {k: v for k, v in zip(self.fields, values, strict=False) if v is not None}

    def derived(self, answers: dict[str, Any]) -> tuple[Any, ...]:
        """The DERIVED_COLUMNS values (without the id) for these answers."""
        result = score(self.grid, answers, form=self.form, today=self.today)
        orientation = self._orient(answers, result.category)
        # Everything the derived row holds follows from these (the versions and the
        # criteria's ids and groups are the same for every record of the run); the types
        # of the points are in the key, so 5 and 5.0 are not taken for one another.
        points = tuple(c.points for c in result.criteria)
        key = (
            answers.get("consent") == "yes",
            result.eligible,
            tuple(rid for rid, _reason in result.not_eligible_reasons),
            result.category,
            points,
            tuple(type(p) for p in points),
            orientation.path,
            orientation.destination,
        )
        row = self._rows.get(key)
        if row is None:
            evaluation = Evaluation(
                validation=_Validated(answers), score=result, orientation=orientation
            )
            row = Repository.derived_row("", derived_from(evaluation))[:-1]
            if len(self._rows) < 20_000:
                self._rows[key] = row
        return row

    def _orient(self, answers: dict[str, Any], category: int | None) -> Orientation:
        read = tuple(answers.get(name) for name in self._orient_reads)
        try:
            key = (category, type(category), read, tuple(type(v) for v in read))
            hit = self._orientations.get(key)
        except TypeError:  # a list answer: orient without the memo
            return orient(self.rules, answers, category)
        if hit is None:
            hit = orient(self.rules, answers, category)
            if len(self._orientations) < 10_000:
                self._orientations[key] = hit
        return hit

    def chunk(self, rows: Chunk) -> list[Change]:
        """The changes for one chunk: only the records whose derived values differ."""
        out: list[Change] = []
        for seq, packed, old in rows:
            new = self.derived(self.answers(packed))
            if new != old:
                mask = 0
                values = []
                for i in range(DERIVED_COUNT):
                    # Equal values are stored alike: 1 and True in the BOOLEAN column,
                    # 35.0 and 35 in the REAL ones.
                    if new[i] != old[i]:
                        mask |= 1 << i
                        values.append(new[i])
                out.append((mask, seq, tuple(values)))
        return out


def _init_worker(bodies: tuple[str, str, str], today: date) -> None:
    global _worker
    form, grid, rules = (parse_definition(body, f"worker:{i}") for i, body in enumerate(bodies))
    _worker = Rescorer(form, grid, rules, today)


def _rescore_chunk(rows: Chunk) -> list[Change]:
    assert _worker is not None
    return _worker.chunk(rows)


def _default_workers(count: int) -> int:
    """One worker process per core; this process reads and writes, and scores a chunk
    itself only when the workers have as many waiting as they can hold (measured at
    98,000 records on 2 cores: 2 workers 5.2 s, 1 worker 5.4-5.8 s, none 6.4 s)."""
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
    """Re-score every registration; returns how many were re-scored (each now carries
    the given versions). Records whose derived values are already those are not
    rewritten; the audit entry of the run counts both."""
    today = today or date.today()
    if workers is None:
        workers = _default_workers(repo.count())
    reason = {"grid": defs.grid.version, "orientation": defs.orientation.version}
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, today)
    with repo.derived_rewrite(rescorer.fields, chunk=chunk) as rw:
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
    """Chunks go to the worker processes while they keep up; when as many chunks as they
    can hold are waiting (and while they start: a spawned process imports for ~0.5 s),
    this process scores the chunk it just read itself instead of waiting."""
    bodies = tuple(
        json.dumps(d.data, ensure_ascii=False) for d in (defs.form, defs.grid, defs.orientation)
    )
    # spawn, not fork: the parent holds threads and open SQLCipher connections.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(bodies, rescorer.today),
    ) as pool:
        pending: deque[Future[list[Change]]] = deque()
        for rows in rw.chunks():
            # Write what came back first: it frees the workers' queue and the cache.
            while pending and pending[0].done():
                rw.write(pending.popleft().result())
            if len(pending) < workers * 2:
                pending.append(pool.submit(_rescore_chunk, rows))
            else:
                rw.write(rescorer.chunk(rows))
        while pending:
            rw.write(pending.popleft().result())
