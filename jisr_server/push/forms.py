"""The definition versions a batch's upserts are judged with, taken from the cache so
that most pushes are judged without a database connection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.sync.protocol import Op
from jisr_server.catalog import FormCache
from jisr_server.evaluation import GRID, ORIENTATION, Rules, claimed

FormKey = tuple[str, int]
Forms = Mapping[FormKey, Definition | None]
RULE_KINDS = (GRID, ORIENTATION)


@dataclass(frozen=True)
class Definitions:
    """What a batch's upserts are judged with: the form, grid and orientation versions they
    name, by (id, version), and the newest published grid and orientation (for a record
    naming none, or one the server never published)."""

    by_key: Forms
    newest: Mapping[str, Definition | None] = field(default_factory=dict)

    def get(self, key: FormKey, default: Any = None) -> Definition | None:
        return self.by_key.get(key, default)

    def rules(self, payload: Mapping[str, Any]) -> Rules:
        found = []
        for kind in RULE_KINDS:
            key = claimed(payload, kind)
            definition = self.by_key.get(key) if key else None
            if definition is None or definition.kind != kind:
                definition = self.newest.get(kind)
            found.append(definition)
        return Rules(*found)


def form_key(op: str, payload: Any) -> FormKey | None:
    """(id, version) of the form an upsert's payload claims, if it claims one."""
    if op != Op.UPSERT or not isinstance(payload, Mapping):
        return None
    ref = payload.get("form")
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        version = ref.get("version")
        # Beyond a 32-bit column no version can exist: answered "unknown" without a query.
        if type(version) is int and 0 < version < 2**31:
            return ref["id"], version
    return None


def definitions_for(
    engine: Engine, forms: FormCache, ops: Sequence[tuple[str, Any]]
) -> Definitions:
    """The definition versions the batch's upserts (given as (op, payload)) claim, from the
    cache; a connection is opened only for a version this process has not parsed yet (the
    first push after a start), or to learn the newest grid and orientation (at most every
    few seconds)."""
    wanted: dict[FormKey, str] = {}
    unnamed: set[str] = set()
    for op, payload in ops:
        key = form_key(op, payload)
        if key is None:
            continue
        wanted[key] = "form"
        for kind in RULE_KINDS:
            rule_key = claimed(payload, kind)
            if rule_key is None:
                unnamed.add(kind)
            else:
                wanted.setdefault(rule_key, kind)
    found: dict[FormKey, Definition | None] = {
        key: forms.cached(*key, kind) for key, kind in wanted.items()
    }
    missing = [key for key, definition in found.items() if definition is None]
    newest: dict[str, Definition | None] = {}
    if missing or unnamed:
        newest = {kind: forms.newest_cached(kind) for kind in RULE_KINDS}
    if missing or any(newest[kind] is None for kind in unnamed):
        with engine.connect() as conn:
            for key in missing:
                found[key] = forms.get(conn, *key, kind=wanted[key])
            for kind in RULE_KINDS:
                if newest[kind] is None:
                    newest[kind] = forms.newest(conn, kind)
            conn.rollback()
    return Definitions(found, newest)
