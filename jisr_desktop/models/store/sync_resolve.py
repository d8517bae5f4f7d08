"""Conflicts as the store holds them, and their resolution in one transaction.

A resolution that keeps anything local is a new upsert built on the server's version
(the record's local version is set to it first, so the outbox row's base is right); one
that keeps the server's copy puts that copy in place and sends nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.evaluation import Derived
from jisr_desktop.models.store import sync_apply, sync_state
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.journal import Journal, Op
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.store.schema import OutboxEntry, Record, SyncRecord


@dataclass(frozen=True)
class StoredConflict:
    record_id: str
    op_ids: list[str]
    ops: list[str]
    author: str | None
    local_answers: dict[str, Any] | None  # None: deleted here
    local_version: int
    form_id: str | None
    form_version: int | None
    server: dict[str, Any] | None  # the server's copy (pull format); None: not visible


def conflicts(store: Store) -> list[StoredConflict]:
    out: dict[str, StoredConflict] = {}
    with store.session() as s:
        rows = s.scalars(select(OutboxEntry).where(OutboxEntry.state == sync_state.CONFLICT)
                         .order_by(OutboxEntry.seq)).all()
        for row in rows:
            server = (json.loads(row.result or "{}") or {}).get("server")
            held = s.get(SyncRecord, row.record_id)
            if held is not None and held.held:
                fresher = json.loads(held.held)
                if server is None or int(fresher.get("version") or 0) > int(
                        server.get("version") or 0):
                    server = fresher
            known = out.get(row.record_id)
            if known is not None:
                known.op_ids.append(row.op_id)
                known.ops.append(row.op)
                out[row.record_id] = StoredConflict(**{**known.__dict__, "server": server})
                continue
            record = s.scalar(select(Record).where(Record.id == row.record_id))
            out[row.record_id] = StoredConflict(
                record_id=row.record_id, op_ids=[row.op_id], ops=[row.op],
                author=row.author,
                local_answers=(json.loads(record.answers) if record and not record.deleted
                               else None),
                local_version=record.version if record else 0,
                form_id=record.form_id if record else None,
                form_version=record.form_version if record else None,
                server=server)
    return list(out.values())


def keep_server(store: Store, record_id: str, server: Mapping[str, Any] | None) -> None:
    with store.session() as s:
        sync_state.resolve_rows(s, record_id)
        meta = s.get(SyncRecord, record_id)
        if meta is not None:
            meta.held = None
        if server is not None:
            sync_apply.put_record(s, server)
            sync_state.note_server_version(s, record_id, int(server.get("version") or 0))
        Journal(store).write(s, "conflict.keep_server", record_id, {})


def keep_upsert(store: Store, record_id: str, answers: Mapping[str, Any], derived: Derived,
                form: Definition, kept: Mapping[str, str]) -> int:
    """Resolve by a new upsert on the server's version; returns the version it builds on."""
    repo = Repository(store)
    with store.session() as s:
        version = sync_state.resolve_rows(s, record_id)
        meta = s.get(SyncRecord, record_id)
        if meta is not None:
            meta.held = None
        row = s.scalar(select(Record).where(Record.id == record_id))
        if row is not None:
            row.version, row.deleted = version, False
            s.flush()
        repo.records._write(s, dict(answers), derived, form, record_id, "conflict.resolve",
                            base_version=version if row is not None else None)
        Journal(store).write(s, "conflict.keep", record_id, dict(kept))
    return version


def keep_local_delete(store: Store, record_id: str) -> int:
    """The record was deleted here and changed there: delete it on the server too."""
    with store.session() as s:
        version = sync_state.resolve_rows(s, record_id)
        sync_state_row = s.get(SyncRecord, record_id)
        if sync_state_row is not None:
            sync_state_row.held = None
        # The journal names the author of the op: it goes up under her token only.
        Journal(store).write(s, "conflict.keep_delete", record_id, {},
                             Op(record_id, "delete", version,
                                {"id": record_id, "version": version + 1}))
        row = s.scalar(select(Record).where(Record.id == record_id))
        if row is not None:
            row.version = version + 1
    return version
