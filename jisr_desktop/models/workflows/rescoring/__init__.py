"""Re-scoring every registration when a new grid (or orientation rules) version arrives.

The answers stay as recorded under the form version they were saved with; only the
derived score, category and orientation change, so this is not an edit to sync.

Where the time goes, and what this module does about it (98,000 records, 2 cores):

- Writing: only what moved. The versions a record was scored with are kept once per
  scoring, not in each record (store/scorings.py), so a record whose derived values are
  unchanged is not written at all, and of a moved one only the changed columns (SQLite
  rewrites an index entry whenever an UPDATE names its column, and `eligible`,
  `category`, `score_total` are in eight indexes): store/rewrite.py.
- Reading: a narrow copy of each record's scoring answers (`scoring_inputs`, migration
  0013, kept by triggers), so neither the ~49,000 encrypted pages of `records` nor the
  names, phone and project texts are read; a record written since its copy was made is
  read from `records`, SQLite's json_extract handing over only the answers the scoring
  reads (`scoring_fields`). A pass with the basis of the last one (`scoring_basis`: the
  definitions but for their version numbers, the day, the release) reads only those.
- Scoring: pure Python and CPU-bound, now the pass's critical path; for large stores it
  runs in worker processes (one per core but one, at a lower priority) and in this
  process whenever the workers are behind. A chunk is scored column by column
  (`compiled.CompiledGrid.outline_columns`: every expression parsed once, results
  remembered per typed combination of the values it reads), and the evaluation JSON of
  a record, which depends only on its points, eligibility, category and orientation,
  is built once per combination. A sample of those combinations is checked against
  `score`/`orient` themselves on the way (`Rescorer._miss`).

Workers get the definitions as JSON text and chunks of `(seq, answers, old values)`, and
send back only the changed columns; they never touch the store.

The package: `compiled` (the grid compiled once for a pass), `rescorer` (a chunk's
derived rows, checked against the reference), `passes` (the pass over the store, with
its worker processes), `worker` (what a worker process runs: it imports neither the
store nor SQLAlchemy: 0.16 s of imports at a worker's start, not 0.50 s). It may import
programme and store, never the UI.
"""

from typing import Any

from jisr_desktop.models.workflows.rescoring.compiled import CompiledGrid, Outline
from jisr_desktop.models.workflows.rescoring.rescorer import (
    Rescorer,
    rescored_row,
    scoring_fields,
)

# The pass over the store (`passes`, which imports the store and SQLAlchemy) is loaded
# when first asked for: a worker process imports this package for the rescorer alone.
_FROM_PASSES = ("PARALLEL_THRESHOLD", "WORKER_NICENESS", "rescore_all")


def __getattr__(name: str) -> Any:
    if name in _FROM_PASSES:
        from jisr_desktop.models.workflows.rescoring import passes

        return getattr(passes, name)
    raise AttributeError(name)


__all__ = [
    "PARALLEL_THRESHOLD",
    "WORKER_NICENESS",
    "CompiledGrid",
    "Outline",
    "Rescorer",
    "rescore_all",
    "rescored_row",
    "scoring_fields",
]
