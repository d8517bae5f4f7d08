"""Re-scoring every registration when a new grid (or orientation rules) version arrives.

The answers stay as recorded under the form version they were saved with; only the
derived score, category and orientation change, so this is not an edit to sync.

Where the time goes, and what this module does about it (98,000 records, 2 cores):

- Writing: only what moved. The versions a record was scored with are kept once per
  scoring, not in each record (store/scorings.py), so a record whose derived values are
  unchanged is not written at all, and of a moved one only the changed columns (SQLite
  rewrites an index entry whenever an UPDATE names its column, and `eligible`,
  `category`, `score_total` are in eight indexes): store/rewrite.py.
- Reading: SQLite's json_extract hands over only the answers the scoring reads
  (`scoring_fields`), so Python never decodes the names, phone and project texts.
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
its worker processes). It may import programme and store, never the UI.
"""

from jisr_desktop.models.workflows.rescoring.compiled import CompiledGrid, Outline
from jisr_desktop.models.workflows.rescoring.passes import (
    PARALLEL_THRESHOLD,
    WORKER_NICENESS,
    rescore_all,
)
from jisr_desktop.models.workflows.rescoring.rescorer import (
    Rescorer,
    rescored_row,
    scoring_fields,
)

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
