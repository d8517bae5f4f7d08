"""Conflicts for a person: both copies side by side, field by field where they differ,
and a resolution that goes up as a new upsert on the server's version.

`list_conflicts(store)` and `resolve(store, record_id, choice)` are what the conflict
screen calls (the sync-ui engineer builds on them; keep the names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from jisr_desktop.models.store import sync_resolve
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import derived_from, evaluate


class Choice(StrEnum):
    KEEP_LOCAL = "local"
    KEEP_SERVER = "server"


@dataclass(frozen=True)
class FieldDiff:
    name: str
    local: Any
    server: Any


@dataclass(frozen=True)
class Conflict:
    record_id: str
    op_ids: list[str]
    author: str | None
    local: dict[str, Any] | None  # the answers here; None when deleted here
    server: dict[str, Any] | None  # the server's answers; None when deleted or not visible
    server_version: int | None
    server_deleted: bool
    local_version: int
    differing: list[FieldDiff] = field(default_factory=list)
    form: dict[str, Any] | None = None  # {"id", "version"} of the local copy


class ResolutionInvalid(Exception):
    """The answers chosen field by field do not make a valid registration together;
    `errors` lists (field, code) as validation gives them. Nothing was changed."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(", ".join(f"{f}:{c}" for f, c in errors))
        self.errors = errors


def list_conflicts(store: Store) -> list[Conflict]:
    return [_conflict(c) for c in sync_resolve.conflicts(store)]


def _conflict(c: sync_resolve.StoredConflict) -> Conflict:
    server = c.server or None
    server_deleted = bool(server and server.get("deleted"))
    server_answers = dict(server.get("answers") or {}) if server and not server_deleted else None
    local = c.local_answers
    names = sorted(set(local or {}) | set(server_answers or {}))
    differing = [FieldDiff(n, (local or {}).get(n), (server_answers or {}).get(n))
                 for n in names if (local or {}).get(n) != (server_answers or {}).get(n)]
    return Conflict(
        record_id=c.record_id, op_ids=list(c.op_ids), author=c.author, local=local,
        server=server_answers, server_version=int(server["version"]) if server else None,
        server_deleted=server_deleted, local_version=c.local_version, differing=differing,
        form={"id": c.form_id, "version": c.form_version} if c.form_id else None)


def resolve(store: Store, record_id: str,
            choice: Choice | str | Mapping[str, Choice | str]) -> str:
    """Settle one record's conflict. `choice` is KEEP_LOCAL, KEEP_SERVER, or a mapping
    field name -> KEEP_LOCAL/KEEP_SERVER for the fields that differ (those not named keep
    the local value). Returns "server" when the server's copy was taken (nothing to
    send), else "upsert" or "delete" for the op queued on the server's version."""
    stored = {c.record_id: c for c in sync_resolve.conflicts(store)}.get(record_id)
    if stored is None:
        raise LookupError(record_id)
    conflict = _conflict(stored)
    if isinstance(choice, Mapping):
        picks = {k: Choice(v) for k, v in choice.items()}
    else:
        picks = {d.name: Choice(choice) for d in conflict.differing}
        if Choice(choice) == Choice.KEEP_SERVER:
            sync_resolve.keep_server(store, record_id, stored.server)
            return "server"
    if conflict.local is None:
        if all(p == Choice.KEEP_LOCAL for p in picks.values()):
            sync_resolve.keep_local_delete(store, record_id)
            return "delete"
        sync_resolve.keep_server(store, record_id, stored.server)
        return "server"
    if conflict.server is None and all(p == Choice.KEEP_SERVER for p in picks.values()):
        sync_resolve.keep_server(store, record_id, stored.server)
        return "server"
    answers = dict(conflict.local)
    for name, pick in picks.items():
        if pick == Choice.KEEP_SERVER and conflict.server is not None:
            if name in conflict.server:
                answers[name] = conflict.server[name]
            else:
                answers.pop(name, None)
    repo = Repository(store)
    defs = repo.active_definitions()
    if conflict.form and conflict.form["version"] != defs.form.version:
        # The record keeps the form version it was made with.
        form = repo.definition(conflict.form["id"], int(conflict.form["version"]))
        defs = replace(defs, form=form) if form else defs
    evaluation = evaluate(defs, answers)
    if not evaluation.validation.ok:
        raise ResolutionInvalid([(i.field, i.code) for i in evaluation.validation.errors])
    sync_resolve.keep_upsert(store, record_id, evaluation.validation.answers,
                             derived_from(evaluation), defs.form,
                             {k: str(v) for k, v in picks.items()})
    return "upsert"
