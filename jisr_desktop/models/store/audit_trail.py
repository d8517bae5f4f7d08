"""One woman's audit trail as her record view shows it: who did what to her record, when,
and which answers changed (registration, corrections, decisions, assessments, deliveries).

A read only: the rows are written by the repositories, in the transaction of each write
(`journal.Journal.write`). Kept apart from `repository.py` so the record view does not
depend on how the repository is split.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import AuditEntry

# Audit keys that are bookkeeping, not answers (a decision's id, an assessment's id).
_NOT_ANSWERS = frozenset({"decision", "assessment", "service", "on", "outcome", "decided_on"})


@dataclass(frozen=True)
class TrailEntry:
    at: str  # UTC ISO timestamp
    agent: str
    action: str  # create | update | import | decision.* | assessment.* | delivery | ...
    # For a registration written or corrected: field -> [before, after].
    changed: dict[str, list[Any]] = field(default_factory=dict)
    # Anything else the entry notes (a decision's outcome, a delivered service).
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def fields(self) -> list[str]:
        """The answers this entry changed, in the order the audit wrote them."""
        return list(self.changed)


def record_trail(store: Store, record_id: str, limit: int = 200) -> list[TrailEntry]:
    """Newest first, at most `limit` entries."""
    with store.session() as s:
        rows = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_id == record_id)
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        )
        return [_entry(row) for row in rows]


def _entry(row: AuditEntry) -> TrailEntry:
    changes = json.loads(row.changes) if row.changes else {}
    changed = {
        k: v
        for k, v in changes.items()
        if k not in _NOT_ANSWERS and isinstance(v, list) and len(v) == 2
    }
    details = {k: v for k, v in changes.items() if k not in changed}
    return TrailEntry(row.at, row.agent, row.action, changed, details)
