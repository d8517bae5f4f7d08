"""Reads of the outbox, the queue sync drains. Ops are appended by `journal.Journal`
only, in the transaction of the write they carry."""

from __future__ import annotations

from sqlalchemy import func, select

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import OutboxEntry


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def pending_count(self) -> int:
        """Ops not yet pushed (an index on `state` answers it: the status bar asks often)."""
        with self.store.session() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(OutboxEntry)
                    .where(OutboxEntry.state == "pending")
                )
                or 0
            )
