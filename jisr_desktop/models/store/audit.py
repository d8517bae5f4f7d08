"""The one reader of the audit trail: who did what, when, and what changed.

Entries are appended by `journal.Journal` only, in the transaction of each write. Read
here for the CLI's history (`changes` as written), for the tests, and for one woman's
record view, which splits `changes` into the answers corrected (`changed`: field ->
[before, after]) and the rest (`details`: a decision's outcome, a delivered service).
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
class AuditInfo:
    at: str  # UTC ISO timestamp
    agent: str
    action: str  # create | update | import | decision.* | assessment.* | delivery | ...
    record_id: str | None
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> dict[str, list[Any]]:
        """For a registration written or corrected: field -> [before, after]."""
        return {
            k: v
            for k, v in self.changes.items()
            if k not in _NOT_ANSWERS and isinstance(v, list) and len(v) == 2
        }

    @property
    def details(self) -> dict[str, Any]:
        """Anything else the entry notes (a decision's outcome, a delivered service)."""
        changed = self.changed
        return {k: v for k, v in self.changes.items() if k not in changed}

    @property
    def fields(self) -> list[str]:
        """The answers this entry changed, in the order the audit wrote them."""
        return list(self.changed)


class AuditTrail:
    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(self, record_id: str | None = None, limit: int = 100) -> list[AuditInfo]:
        """The newest entries first; one record's only when `record_id` is given."""
        with self.store.session() as s:
            stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
            if record_id:
                stmt = stmt.where(AuditEntry.record_id == record_id)
            return [
                AuditInfo(
                    a.at, a.agent, a.action, a.record_id, json.loads(a.changes) if a.changes else {}
                )
                for a in s.scalars(stmt)
            ]
