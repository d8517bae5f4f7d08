"""Every version of every definition ever installed: old records are explained and
printed with the versions they name, so a version is never replaced or removed."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import func, select, update

from jisr_desktop.models.programme.definitions import Definition, DefinitionSet, parse_definition
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.journal import Journal
from jisr_desktop.models.store.schema import StoredDefinition

DEFINITION_KINDS = ("form", "grid", "orientation", "assessment", "services")


def _to_definition(row: StoredDefinition) -> Definition:
    return parse_definition(row.body, f"store:{row.def_id}@{row.version}")


class Definitions:
    def __init__(self, store: Store, journal: Journal) -> None:
        self.store = store
        self.journal = journal

    def install(self, definitions: Iterable[Definition]) -> list[Definition]:
        """Add versions the store lacks; the newest version of each kind becomes active.
        ValueError for a known version whose content differs from the stored one."""
        installed: list[Definition] = []
        now = utcnow()
        with self.store.session() as s:
            for d in definitions:
                existing = s.get(StoredDefinition, (d.id, d.version))
                if existing is not None:
                    if existing.content_hash != d.content_hash:
                        raise ValueError(
                            f"{d.source}: {d.id} version {d.version} differs from the stored one"
                        )
                    continue
                s.add(
                    StoredDefinition(
                        def_id=d.id,
                        version=d.version,
                        kind=d.kind,
                        content_hash=d.content_hash,
                        body=json.dumps(d.data, ensure_ascii=False),
                        loaded_at=now,
                        active=False,
                    )
                )
                installed.append(d)
                changes = {"id": d.id, "version": d.version, "hash": d.content_hash}
                self.journal.write(s, "definitions", None, changes)
            s.flush()
            for kind in DEFINITION_KINDS:
                newest = s.scalar(
                    select(func.max(StoredDefinition.version)).where(StoredDefinition.kind == kind)
                )
                if newest is None:
                    continue
                s.execute(
                    update(StoredDefinition)
                    .where(StoredDefinition.kind == kind)
                    .values(active=StoredDefinition.version == newest)
                )
        return installed

    def active(self) -> DefinitionSet:
        """The active version of each kind; LookupError if a kind has none."""
        with self.store.session() as s:
            rows = s.scalars(select(StoredDefinition).where(StoredDefinition.active)).all()
            by_kind = {r.kind: _to_definition(r) for r in rows}
        missing = [k for k in DEFINITION_KINDS if k not in by_kind]
        if missing:
            raise LookupError(f"no active definition of kind {', '.join(missing)}")
        return DefinitionSet(**{k: by_kind[k] for k in DEFINITION_KINDS})

    def get(self, def_id: str, version: int) -> Definition | None:
        with self.store.session() as s:
            row = s.get(StoredDefinition, (def_id, version))
            return _to_definition(row) if row else None

    def versions(self, kind: str) -> list[tuple[str, int, str, bool]]:
        """(id, version, content hash, active) of each stored version of `kind`, oldest first."""
        with self.store.session() as s:
            rows = s.scalars(
                select(StoredDefinition)
                .where(StoredDefinition.kind == kind)
                .order_by(StoredDefinition.version)
            ).all()
            return [(r.def_id, r.version, r.content_hash, r.active) for r in rows]
