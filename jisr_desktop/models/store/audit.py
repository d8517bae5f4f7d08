"""Reads of the audit trail. Entries are appended by `journal.Journal` only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import AuditEntry


@dataclass(frozen=True)
class AuditInfo:
    at: str
    agent: str
    action: str
    record_id: str | None
    changes: dict[str, Any] = field(default_factory=dict)


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
