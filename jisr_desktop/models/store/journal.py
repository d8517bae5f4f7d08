"""The store's one write rule, written once: every write that sync must carry appends an
outbox op *and* an audit entry in the caller's transaction, so the server hears of a
change exactly when the change is durable, and the audit trail says who made it.

A write that stays on this device (installing definitions, a re-scoring pass) appends the
audit entry alone: pass no `op`. Every writer of the store (records, decisions,
assessments, definitions, re-scoring) goes through `Journal.write`; nothing else adds
rows to `outbox` or `audit`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.schema import AuditEntry, OutboxEntry, Record


@dataclass(frozen=True)
class Op:
    """What sync will push: `op` (upsert, delete, decision, assessment, delivery) on a
    record, made on `base_version` of it, carrying `payload`."""

    record_id: str
    op: str
    base_version: int
    payload: Mapping[str, Any]


class Journal:
    def __init__(self, store: Store) -> None:
        self.store = store

    def write(
        self,
        s: Session,
        action: str,
        record_id: str | None,
        changes: Mapping[str, Any],
        op: Op | None = None,
        *,
        at: str | None = None,
        more: tuple[Op, ...] = (),
    ) -> str | None:
        """The audit entry (and the outbox op, if any) of a write, in `s`'s transaction.
        Returns the op id, or None for a local-only write. `more`: further ops of the same
        write, after `op` (a group and its first membership, on two records' outboxes)."""
        at = at or utcnow()
        s.add(
            AuditEntry(
                at=at,
                agent=self.store.agent,
                action=action,
                record_id=record_id,
                changes=json.dumps(changes, ensure_ascii=False) if changes else None,
            )
        )
        if op is None:
            return None
        op_ids = [self._append(s, one, at) for one in (op, *more)]
        return op_ids[0]

    def _append(self, s: Session, op: Op, at: str) -> str:
        op_id = str(uuid.uuid4())
        s.add(
            OutboxEntry(
                op_id=op_id,
                record_id=op.record_id,
                op=op.op,
                base_version=op.base_version,
                payload=json.dumps(op.payload, ensure_ascii=False),
                created_at=at,
                state="pending",
                # The agent who made the op: it goes up under her token only (sync).
                author=self.store.agent,
            )
        )
        return op_id


def live_record(s: Session, record_id: str) -> Record:
    """The record, not deleted, in the caller's session; LookupError otherwise."""
    row = s.scalar(select(Record).where(Record.id == record_id, ~Record.deleted))
    if row is None:
        raise LookupError(f"no record {record_id}")
    return row
