"""Published definitions and reference lists: what clients download, and what pushed
records are validated against.

Every published version is kept, immutably: a version number names one content hash for
ever, so clients may cache by it and records keep validating against the version they
claim. Reference lists (regions, provinces, communes) are CSV files and get a new version
whenever their bytes change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, func, insert, select

from jisr_desktop.models.programme.definitions import (
    CARD_KIND,
    FILE_NAMES,
    Definition,
    load_definition,
    load_directory,
    parse_definition,
    shipped_dir,
)
from jisr_desktop.models.programme.reference import FILES as REFERENCE_FILES
from jisr_desktop.models.programme.reference import shipped_dir as shipped_reference_dir
from jisr_server.db import utcnow
from jisr_server.schema import audit, published

log = logging.getLogger(__name__)
REFERENCE_KIND = "reference"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"


class PublishError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    kind: str
    id: str
    version: int
    hash: str
    media_type: str


def read_directory(folder: Path) -> list[Definition]:
    """Every definition of a folder laid out like resources/definitions: the five that
    score a record (checked against each other when all five are there) and `cards/`."""
    folder = Path(folder)
    if all((folder / name).exists() for name in FILE_NAMES.values()):
        found = list(load_directory(folder).all())
        known = {d.source for d in found}
        others = [p for p in sorted(folder.glob("*.json")) if str(p) not in known]
    else:
        found, others = [], sorted(folder.glob("*.json"))
    found += [load_definition(p) for p in others]
    found += [load_definition(p) for p in sorted((folder / "cards").glob("*.json"))]
    if not found:
        raise PublishError(f"{folder}: no definition (*.json) found")
    return found


def publish_definitions(engine: Engine, definitions: list[Definition], by: str) -> list[Entry]:
    """Publish the versions the server lacks; refuse a known version with other content."""
    added: list[Entry] = []
    with engine.begin() as conn:
        for d in definitions:
            existing = conn.execute(
                select(published.c.content_hash, published.c.kind).where(
                    published.c.def_id == d.id, published.c.version == d.version
                )
            ).first()
            if existing is not None:
                if existing.content_hash != d.content_hash:
                    raise PublishError(
                        f"{d.source}: {d.id} version {d.version} is already published with "
                        "other content; give the new content a new version number"
                    )
                continue
            body = json.dumps(d.data, ensure_ascii=False, separators=(",", ":"))
            added.append(
                _insert(conn, d.kind, d.id, d.version, d.content_hash, JSON_TYPE, body, by)
            )
    return added


def publish_reference(engine: Engine, folder: Path, by: str) -> list[Entry]:
    """Publish the lists of `folder` whose bytes differ from their newest version."""
    added: list[Entry] = []
    with engine.begin() as conn:
        for name in REFERENCE_FILES:
            raw = (Path(folder) / name).read_bytes()
            list_id = name.removesuffix(".csv")
            digest = hashlib.sha256(raw).hexdigest()
            newest = conn.execute(
                select(published.c.version, published.c.content_hash)
                .where(published.c.def_id == list_id, published.c.kind == REFERENCE_KIND)
                .order_by(published.c.version.desc())
                .limit(1)
            ).first()
            if newest is not None and newest.content_hash == digest:
                continue
            version = (newest.version if newest else 0) + 1
            body = raw.decode("utf-8-sig")
            added.append(
                _insert(conn, REFERENCE_KIND, list_id, version, digest, CSV_TYPE, body, by)
            )
    return added


def publish_shipped(engine: Engine) -> list[Entry]:
    """The definitions and lists shipped with the code, so a fresh server is usable at once."""
    added = publish_definitions(engine, read_directory(shipped_dir()), "init-db")
    return added + publish_reference(engine, shipped_reference_dir(), "init-db")


def _insert(
    conn: Connection,
    kind: str,
    def_id: str,
    version: int,
    digest: str,
    media: str,
    body: str,
    by: str,
) -> Entry:
    now = utcnow()
    conn.execute(
        insert(published).values(
            kind=kind,
            def_id=def_id,
            version=version,
            content_hash=digest,
            media_type=media,
            body=body,
            published_at=now,
            published_by=by,
        )
    )
    conn.execute(
        insert(audit).values(
            at=now,
            username=by,
            action="publish",
            entity=kind,
            entity_id=f"{def_id}@{version}",
            details=json.dumps({"hash": digest}),
        )
    )
    return Entry(kind, def_id, version, digest, media)


def manifest(conn: Connection) -> list[Entry]:
    rows = conn.execute(
        select(
            published.c.kind,
            published.c.def_id,
            published.c.version,
            published.c.content_hash,
            published.c.media_type,
        ).order_by(published.c.kind, published.c.def_id, published.c.version)
    )
    return [Entry(r.kind, r.def_id, r.version, r.content_hash, r.media_type) for r in rows]


def body(conn: Connection, kind: str, def_id: str, version: int) -> tuple[Entry, str] | None:
    row = conn.execute(
        select(published).where(
            published.c.kind == kind, published.c.def_id == def_id, published.c.version == version
        )
    ).first()
    if row is None:
        return None
    entry = Entry(row.kind, row.def_id, row.version, row.content_hash, row.media_type)
    return entry, row.body


def latest_version(conn: Connection, def_id: str) -> int | None:
    return conn.scalar(select(func.max(published.c.version)).where(published.c.def_id == def_id))


class FormCache:
    """Parsed definitions by (id, version): the form versions pushed records are validated
    against, and the grid and orientation versions they are scored with. Published versions
    never change, so an entry never goes stale; parsing (JSON Schema checks) is too slow to
    repeat per push. (A definition id names one kind: ids and versions are the primary key
    of `published`.)"""

    KINDS = ("form", "grid", "orientation")
    # How long the newest version of a kind is trusted before the database is asked again:
    # a grid published with `jisr-server publish-definitions` is used within this delay.
    NEWEST_TTL_SECONDS = 10.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._forms: dict[tuple[str, int], Definition | None] = {}
        self._newest: dict[str, tuple[float, Definition | None]] = {}

    def warm(self, conn: Connection) -> None:
        """Parse every published form, grid and orientation version now, at start-up, rather
        than in the first push that names it (a JSON Schema check of ~0.1 s per worker and
        version)."""
        rows = conn.execute(
            select(published.c.kind, published.c.def_id, published.c.version).where(
                published.c.kind.in_(self.KINDS)
            )
        ).all()
        for row in rows:
            try:
                self.get(conn, row.def_id, row.version, kind=row.kind)
            except Exception:  # never keep the server from starting: the push will say why
                log.exception("%s %s version %s does not parse", row.kind, row.def_id, row.version)

    def cached(self, def_id: str, version: int, kind: str = "form") -> Definition | None:
        """The parsed version if this process already has it; never touches the database
        (a push whose definitions are all cached is judged without a connection)."""
        found = self._forms.get((def_id, version))  # a dict read is atomic under the GIL
        return found if found is not None and found.kind == kind else None

    def get(
        self, conn: Connection, def_id: str, version: int, *, kind: str = "form"
    ) -> Definition | None:
        key = (def_id, version)
        if key in self._forms:
            return self.cached(def_id, version, kind)
        found = body(conn, kind, def_id, version)
        definition = parse_definition(found[1], f"published:{def_id}@{version}") if found else None
        if definition is not None:
            # A missing version is not cached: it may be published a minute from now.
            with self._lock:
                self._forms[key] = definition
        return definition

    def newest_cached(self, kind: str) -> Definition | None:
        """The newest published version of `kind` as last read, if read recently."""
        hit = self._newest.get(kind)
        if hit is not None and time.monotonic() - hit[0] < self.NEWEST_TTL_SECONDS:
            return hit[1]
        return None

    def newest(self, conn: Connection, kind: str) -> Definition | None:
        """The highest published version of `kind` (of the most recently published id, if
        several ids have that kind)."""
        cached = self.newest_cached(kind)
        if cached is not None:
            return cached
        row = conn.execute(
            select(published.c.def_id, published.c.version)
            .where(published.c.kind == kind)
            .order_by(published.c.published_at.desc(), published.c.version.desc())
            .limit(1)
        ).first()
        definition = None
        if row is not None:
            version = conn.scalar(
                select(func.max(published.c.version)).where(published.c.def_id == row.def_id)
            )
            definition = self.get(conn, row.def_id, int(version), kind=kind)
        with self._lock:
            self._newest[kind] = (time.monotonic(), definition)
        return definition


__all__ = ["CARD_KIND", "REFERENCE_KIND", "Entry", "FormCache", "PublishError"]


def content_digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
