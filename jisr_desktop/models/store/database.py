"""The encrypted local store: SQLCipher file, key handling, PRAGMAs, migrations on open.

Opening the store is the only place a key is used. The key never touches the disk in
clear: keyring.json holds it wrapped per agent, and SQLCipher gets it as a raw key, so
no per-connection PBKDF2 runs (connections are cheap and kept open anyway).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from jisr_desktop.models.store.keyring import Keyring, KeyringError, new_store_key
from jisr_desktop.models.store.schema import Account, Meta

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

STORE_FILE = "store.db"
KEYRING_FILE = "keyring.json"
ROLES = ("field_agent", "incubator_staff", "supervisor", "admin")


class StoreError(Exception):
    """A problem the user must be told about; `code` selects the translated message."""

    code = "store_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class StoreMissing(StoreError):
    code = "store_missing"


class StoreExists(StoreError):
    code = "store_exists"


class StoreCorrupt(StoreError):
    code = "store_corrupt"


class StoreLocked(StoreError):
    """Wraps a keyring problem (wrong passphrase, unknown agent) under one type for callers."""

    def __init__(self, cause: KeyringError) -> None:
        super().__init__(str(cause))
        self.code = cause.code


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# The newest migration in models/migrations/versions. A store already there is opened
# without importing alembic at all (0.12 s warm here, more cold: alembic pulls in mako
# and, when installed, pygments); alembic is loaded only to upgrade an older store.
# tests/test_migrations.py checks this constant against alembic's own view of the
# scripts, so a new migration cannot be forgotten here.
HEAD_REVISION = "0008"


def _alembic_config(connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("jisr_desktop.models.store") / "migrations")
    )
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The head as alembic computes it from the migration scripts (loads alembic)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return script.get_current_head() or ""


def stored_revision(conn: Connection) -> str | None:
    """The store's migration revision, read from alembic's own table (None: a new file)."""
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if has_table is None:
        return None
    versions = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return versions[0] if len(versions) == 1 else None


def _make_engine(path: Path, key: bytes) -> Engine:
    hex_key = key.hex()

    def connect() -> sqlcipher3.dbapi2.Connection:
        conn = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False)
        # Silence SQLCipher's own stderr logging: a wrong key is reported by us, once, translated.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
        return conn

    engine = create_engine("sqlite://", module=sqlcipher3.dbapi2, creator=connect, pool_size=4)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL")
        # FULL: a rural PC loses power, and a committed registration must survive it.
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 5000")
        cur.close()

    return engine


class Store:
    """An open, unlocked store. Make one with `Store.create` or `Store.open`."""

    def __init__(self, folder: Path, engine: Engine, agent: str, key: bytes) -> None:
        self.folder = folder
        self._key = key  # needed to wrap the key for a newly added agent
        self.engine = engine
        self.agent = agent
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- life cycle ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        folder: Path,
        agent: str,
        passphrase: str,
        *,
        role: str = "admin",
        province_code: str | None = None,
    ) -> Store:
        folder.mkdir(parents=True, exist_ok=True)
        # Several people may use the PC: only this account may read the store's folder.
        folder.chmod(0o700)
        path = folder / STORE_FILE
        keyring = Keyring(folder / KEYRING_FILE)
        if path.exists() or keyring.exists():
            raise StoreExists(str(folder))
        key = new_store_key()
        engine = _make_engine(path, key)
        store = cls(folder, engine, agent, key)
        store.migrate()
        with store.session() as s:
            s.add_all(
                [
                    Meta(key="store_id", value=str(uuid.uuid4())),
                    Meta(key="device_id", value=str(uuid.uuid4())),
                    Meta(key="created_at", value=utcnow()),
                    Meta(key="home_province", value=province_code or ""),
                ]
            )
            s.add(
                Account(
                    name=agent,
                    role=role,
                    province_code=province_code,
                    created_at=utcnow(),
                    active=True,
                )
            )
        # The keyring is written last: a crash before this leaves no half-usable store behind
        # that could be opened, and `create` can be run again after removing the folder.
        keyring.add(agent, passphrase, key)
        return store

    @classmethod
    def open(cls, folder: Path, agent: str, passphrase: str) -> Store:
        path = folder / STORE_FILE
        keyring = Keyring(folder / KEYRING_FILE)
        if not path.exists() or not keyring.exists():
            raise StoreMissing(str(folder))
        try:
            key = keyring.unlock(agent, passphrase)
        except KeyringError as exc:
            raise StoreLocked(exc) from exc
        engine = _make_engine(path, key)
        store = cls(folder, engine, agent, key)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchall()
        except (sqlcipher3.dbapi2.DatabaseError, sqlite3.DatabaseError, sa_exc.DBAPIError) as exc:
            engine.dispose()
            raise StoreCorrupt(str(exc)) from exc
        store.migrate()
        return store

    @staticmethod
    def exists(folder: Path) -> bool:
        return (folder / STORE_FILE).exists() and (folder / KEYRING_FILE).exists()

    @staticmethod
    def agents(folder: Path) -> list[str]:
        return Keyring(folder / KEYRING_FILE).agents()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return stored_revision(conn)

    def migrate(self, revision: str = "head") -> None:
        """Bring an older store up to this release's schema; a no-op when already there
        (checked on the open connection first: alembic is imported only to upgrade)."""
        with self.engine.begin() as conn:
            if revision in ("head", HEAD_REVISION) and stored_revision(conn) == HEAD_REVISION:
                return
            from alembic import command

            command.upgrade(_alembic_config(conn), revision)

    # -- sessions -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    # -- agents -------------------------------------------------------------------------------

    def add_agent(self, name: str, passphrase: str, role: str, province_code: str | None) -> None:
        if role not in ROLES:
            raise ValueError(role)
        with self.session() as s:
            s.add(
                Account(
                    name=name,
                    role=role,
                    province_code=province_code,
                    created_at=utcnow(),
                    active=True,
                )
            )
        Keyring(self.folder / KEYRING_FILE).add(name, passphrase, self._key)

    def account(self, name: str | None = None) -> Account | None:
        with self.session() as s:
            return s.get(Account, name or self.agent)

    def meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.scalar(select(Meta).where(Meta.key == key))
            return row.value if row else None
