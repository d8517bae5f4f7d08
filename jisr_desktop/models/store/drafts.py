"""Half-filled forms, saved on every change so a crash or a power cut loses nothing.
A draft is this device's scratch: it is neither synced nor audited."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.schema import Draft


@dataclass(frozen=True)
class DraftInfo:
    id: str
    form_id: str
    form_version: int
    record_id: str | None
    agent: str
    answers: dict[str, Any]
    updated_at: str


class Drafts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def save(
        self,
        draft_id: str | None,
        form: Definition,
        answers: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> str:
        """Create the draft (`draft_id` None) or replace its answers; returns its id."""
        draft_id = draft_id or str(uuid.uuid4())
        with self.store.session() as s:
            row = s.get(Draft, draft_id)
            body = json.dumps(dict(answers), ensure_ascii=False)
            if row is None:
                s.add(
                    Draft(
                        id=draft_id,
                        form_id=form.id,
                        form_version=form.version,
                        record_id=record_id,
                        agent=self.store.agent,
                        answers=body,
                        updated_at=utcnow(),
                    )
                )
            else:
                row.answers = body
                row.updated_at = utcnow()
        return draft_id

    def list(self, agent: str | None = None) -> list[DraftInfo]:
        """The drafts, newest first; one agent's only when `agent` is given."""
        with self.store.session() as s:
            stmt = select(Draft).order_by(Draft.updated_at.desc())
            if agent:
                stmt = stmt.where(Draft.agent == agent)
            return [
                DraftInfo(
                    d.id, d.form_id, d.form_version, d.record_id, d.agent, json.loads(d.answers),
                    d.updated_at,
                )
                for d in s.scalars(stmt)
            ]

    def __call__(self, agent: str | None = None) -> list[DraftInfo]:
        """`list`, under the name of the old API (`repo.drafts(agent)`)."""
        return self.list(agent)

    def delete(self, draft_id: str) -> None:
        with self.store.session() as s:
            row = s.get(Draft, draft_id)
            if row is not None:
                s.delete(row)
