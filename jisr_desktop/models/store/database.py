"""The encrypted local store: SQLCipher file, key handling, PRAGMAs, migrations on open.

Opening the store is the only place a key is used. The key never touches the disk in
clear: keyring.json holds it wrapped per agent, and SQLCipher gets it as a raw key, so
no per-connection PBKDF2 runs (connections are cheap and kept open anyway).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from jisr_desktop.models.programme import roles
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.store.keyring import Keyring, KeyringError, new_store_key
from jisr_desktop.models.store.schema import Account, Meta
from jisr_desktop.paths import sweep_tmp

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

STORE_FILE = "store.db"
KEYRING_FILE = "keyring.json"
ROLES = roles.ROLES  # kept for callers; the one table is models/programme/roles.py


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


class StoreDamaged(StoreCorrupt):
    """The file is empty, cut short or fails its integrity check: nothing is written to it."""

    code = "store_damaged"


class StoreFileMissing(StoreError):
    """The keyring is here but store.db is not: a lost file, never a reason to start over."""

    code = "store_file_missing"


class AgentRefused(StoreError):
    """Adding an agent the role table or the reference lists do not allow; `code` says why:
    not_allowed_manage_agents, not_allowed_create_admin, unknown_role, unknown_province."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


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
HEAD_REVISION = "0012_incubation_decisions"


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


# SQLite's result codes for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB): on an encrypted
# store a page whose HMAC fails reads as NOTADB.
_DAMAGE_CODES = {11, 26}
# How long the quick check may run at open; a larger store is checked in full by `check`.
QUICK_CHECK_SECONDS = 0.5
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """What can be told without the key: a store file is never empty, is whole pages, and is
    encrypted (SQLCipher's first 16 bytes are a random salt, never SQLite's plain header)."""
    size = path.stat().st_size
    if size == 0:
        raise StoreDamaged("the store file is empty")
    if size % 512:
        raise StoreDamaged(f"the store file is cut short ({size} bytes)")
    with path.open("rb") as fh:
        if fh.read(16) == PLAIN_SQLITE_HEADER:
            raise StoreCorrupt("not an encrypted store")


def is_damage(exc: BaseException) -> bool:
    """Whether a DB-API error says the file itself is damaged (not locked, not a bad query)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_busy(exc: BaseException) -> bool:
    """Whether an error is another writer holding the store past busy_timeout."""
    original = getattr(exc, "orig", exc)
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
    return "database is locked" in str(original).lower()


def _make_engine(path: Path, key: bytes) -> Engine:
    hex_key = key.hex()

    def connect() -> sqlcipher3.dbapi2.Connection:
        conn = sqlcipher3.dbapi2.connect(str(path), check_same_thread=False)
        # Silence SQLCipher's own stderr logging: a wrong key is reported by us, once, translated.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{hex_key}'\"")
        return conn

    # hide_parameters: SQLAlchemy's error messages would otherwise quote the bound values (a
    # name, a CIN) into any log or dialog that shows the error.
    engine = create_engine("sqlite://", module=sqlcipher3.dbapi2, creator=connect, pool_size=4,
                           hide_parameters=True)

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


def quick_check(engine: Engine, seconds: float = QUICK_CHECK_SECONDS) -> bool:
    """SQLite's quick_check, stopped after `seconds`. True: checked to the end and sound;
    False: stopped by the clock (the rest is for `full_check`). Raises StoreDamaged."""
    raw = engine.raw_connection()
    conn = raw.driver_connection
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 20_000)
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except (sqlcipher3.dbapi2.DatabaseError, sqlite3.DatabaseError) as exc:
        if is_damage(exc):
            raise StoreDamaged(str(exc)) from exc
        if time.monotonic() > deadline:
            return False
        raise
    finally:
        conn.set_progress_handler(None, 0)
        raw.close()
    if rows != [("ok",)]:
        raise StoreDamaged(str(rows[0][0]) if rows else "quick_check returned nothing")
    return True


def full_check(engine: Engine) -> list[str]:
    """Every page: SQLCipher's HMAC check, then SQLite's integrity_check. [] when sound."""
    problems: list[str] = []
    with engine.connect() as conn:
        try:
            problems += [str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
            rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        except sa_exc.DBAPIError as exc:
            if not is_damage(exc.orig):
                raise
            return [*problems, str(exc.orig)]
    return problems + [r for r in rows if r != "ok"]


def _unfinished(folder: Path) -> None:
    """Move aside a store.db that a killed `init` left without a keyring: no key for it
    exists anywhere, so it cannot be opened; kept (encrypted) rather than deleted."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        part = folder / (STORE_FILE + suffix)
        if part.exists():
            os.replace(part, folder / f"{STORE_FILE}.unfinished-{stamp}{suffix}")


class Store:
    """An open, unlocked store. Make one with `Store.create` or `Store.open`."""

    def __init__(self, folder: Path, engine: Engine, agent: str, key: bytes) -> None:
        self.folder = folder
        self._key = key  # needed to wrap the key for a newly added agent
        self.engine = engine
        self.agent = agent
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Set by the first error that says the file is damaged; from then on every
        # connection is refused, so nothing more is written into a damaged file.
        self.damage: str | None = None
        self.checked_in_full = False
        event.listen(engine, "handle_error", self._on_error)
        event.listen(engine.pool, "checkout", self._on_checkout)

    def _on_error(self, context) -> None:
        original = context.original_exception
        if original is not None and is_damage(original):
            self.damage = str(original)
            log.error("the store file is damaged; no more writes")
            raise StoreDamaged(self.damage) from original

    def _on_checkout(self, *_args: object) -> None:
        if self.damage is not None:
            raise StoreDamaged(self.damage)

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
        setup: Callable[[Store], None] | None = None,
    ) -> Store:
        """A new store. `setup` (say, installing the definitions) runs before the keyring is
        written: the keyring is the commit point, so a create killed at any moment leaves
        either a whole store or none (and a store.db without a keyring is moved aside)."""
        folder.mkdir(parents=True, exist_ok=True)
        # Several people may use the PC: only this account may read the store's folder.
        folder.chmod(0o700)
        path = folder / STORE_FILE
        keyring = Keyring(folder / KEYRING_FILE)
        if keyring.exists():
            raise StoreExists(str(folder))
        if path.exists():
            _unfinished(folder)
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
        if setup is not None:
            setup(store)
        # The keyring is written last: a crash before this leaves no half-usable store behind
        # that could be opened, and `create` can simply be run again.
        keyring.add(agent, passphrase, key)
        return store

    @classmethod
    def open(cls, folder: Path, agent: str, passphrase: str) -> Store:
        path = folder / STORE_FILE
        keyring = Keyring(folder / KEYRING_FILE)
        if not keyring.exists():
            raise StoreMissing(str(folder))
        if not path.exists():
            raise StoreFileMissing(str(folder))
        # Before anything opens the file: SQLCipher would take an empty file for a new store.
        check_file(path)
        sweep_tmp(folder)  # what a crash left in clear in tmp/ (card PDFs, export parts)
        try:
            key = keyring.unlock(agent, passphrase)
        except KeyringError as exc:
            raise StoreLocked(exc) from exc
        engine = _make_engine(path, key)
        store = cls(folder, engine, agent, key)
        try:
            store._check_on_open()
            store.migrate()
        except BaseException:
            engine.dispose()
            raise
        return store

    def _check_on_open(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchall()
                revision = stored_revision(conn)
        except StoreDamaged:
            raise
        except (sqlcipher3.dbapi2.DatabaseError, sqlite3.DatabaseError, sa_exc.DBAPIError) as exc:
            raise StoreCorrupt(str(exc)) from exc
        if revision is None:
            # Keyed and readable but with no schema: never a store this app made.
            raise StoreDamaged("no schema in the store file")
        self.checked_in_full = quick_check(self.engine)

    def full_check(self) -> list[str]:
        """The whole file, page by page (slow on a large store: run it off the UI thread).
        A damaged store is marked so that nothing more is written to it."""
        problems = full_check(self.engine)
        if problems:
            self.damage = problems[0]
        self.checked_in_full = True
        return problems

    @staticmethod
    def exists(folder: Path) -> bool:
        """Whether a store was made here. The keyring, written last by `create`, says so: a
        store.db without it is an unfinished `create`; a keyring without store.db is a lost
        file that `open` reports (it must not be mistaken for "no store yet")."""
        return (folder / KEYRING_FILE).exists()

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
        if self.damage is not None:
            raise StoreDamaged(self.damage)
        with self._sessions() as s, s.begin():
            yield s

    # -- agents -------------------------------------------------------------------------------

    def add_agent(self, name: str, passphrase: str, role: str, province_code: str | None) -> None:
        """Let `name` unlock this store. The agent who unlocked it must hold MANAGE_AGENTS
        (and CREATE_ADMIN for an admin); codes are checked against the reference lists.
        The local row is a convenience: the server decides what her token may push."""
        self.check_new_agent(role, province_code)
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

    def check_new_agent(self, role: str, province_code: str | None) -> None:
        """Raise AgentRefused unless this store's agent may add an agent of `role`."""
        mine = self.account()
        my_role = mine.role if mine is not None and mine.active else None
        if not roles.may(my_role, roles.Action.MANAGE_AGENTS):
            raise AgentRefused("not_allowed_manage_agents", str(my_role))
        if not roles.is_role(role):
            raise AgentRefused("unknown_role", role)
        if role == roles.Role.ADMIN and not roles.may(my_role, roles.Action.CREATE_ADMIN):
            raise AgentRefused("not_allowed_create_admin", str(my_role))
        if province_code is not None and province_code not in load_reference().provinces:
            raise AgentRefused("unknown_province", province_code)

    def account(self, name: str | None = None) -> Account | None:
        with self.session() as s:
            return s.get(Account, name or self.agent)

    def meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.scalar(select(Meta).where(Meta.key == key))
            return row.value if row else None
