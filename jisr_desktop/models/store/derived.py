"""A record's derived columns as the store keeps them, with no database library: the
re-scoring's worker processes import this, and importing SQLAlchemy would cost each of
them ~0.3 s of CPU at the start of a pass."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from jisr_desktop.models.programme.evaluation import Derived

DERIVED_COLUMNS = (
    "eligible",
    "category",
    "score_total",
    "vulnerability",
    "readiness",
    "proposed_path",
    "proposed_destination",
    "evaluation",
)
EVALUATION = DERIVED_COLUMNS.index("evaluation")

# The stored evaluation's text: compact, so a re-scoring compares like with like.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def stored_evaluation(evaluation: Mapping[str, Any] | None) -> str | None:
    """The evaluation as a record's row keeps it: without its versions (the scoring has them)."""
    if evaluation is None:
        return None
    return compact_json({k: v for k, v in evaluation.items() if k != "versions"})


def evaluation_digest(text: str | None) -> int | None:
    """A stored evaluation's text as a signed 64-bit number: the copies in
    `scoring_inputs` keep this instead of the text (most of a record's derived bytes)."""
    if text is None:
        return None
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def derived_row(record_id: str, d: Derived) -> tuple[Any, ...]:
    """A record's derived values in DERIVED_COLUMNS order, then its id."""
    return (
        d.eligible,
        d.category,
        d.score_total,
        d.vulnerability,
        d.readiness,
        d.proposed_path,
        d.proposed_destination,
        stored_evaluation(d.evaluation),
        record_id,
    )
