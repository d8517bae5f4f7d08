"""Engines for the two supported databases, and the migrations run on them.

SQLite is the embedded default (a demo in one command); PostgreSQL through psycopg 3 is
the production database. The code speaks SQLAlchemy Core to both; the few places where
they differ (row locks, transaction start) are handled here and in `push/batch.py`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, insert, select, update
from sqlalchemy.engine import make_url

from jisr_server.schema import counters, server_state

CHANGE_COUNTER = "change"
# The `device_id` of rows the server writes of its own accord (a flagged pair, a merge on a
# supervisor's order): a pull that leaves out a device's own pushes must still send these
# to the device the supervisor used (the audit keeps her device).
SERVER_DEVICE = "server"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for what was written as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def normalize_url(url: str) -> str:
    """Accept the plain `postgresql://` spelling and mean psycopg 3, the only driver shipped."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    # pool_pre_ping: a server restarted under us must not turn the next push into a 500.
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transactions into our own hands (below): pysqlite's implicit BEGIN is deferred.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # IMMEDIATE: a transaction that reads then writes takes the write lock up front, so
        # two pushes queue on busy_timeout instead of failing with "database is locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("jisr_server") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision and seed the rows the server relies on."""
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    with engine.begin() as conn:
        if conn.scalar(select(counters.c.value).where(counters.c.name == CHANGE_COUNTER)) is None:
            conn.execute(insert(counters).values(name=CHANGE_COUNTER, value=0))
        if get_state(conn, "server_id") is None:
            # Lets a client tell "this server was reset" from "nothing changed".
            set_state(conn, "server_id", str(uuid.uuid4()))


def take_changes(conn: Connection, count: int) -> int:
    """The first of `count` fresh change numbers (pushes, pairs and their settling all
    number their changes from this one counter). Locks the counter row until commit."""
    last = conn.execute(
        update(counters)
        .where(counters.c.name == CHANGE_COUNTER)
        .values(value=counters.c.value + count)
        .returning(counters.c.value)
    ).scalar_one()
    return int(last) - count + 1


def get_state(conn: Connection, key: str) -> str | None:
    return conn.scalar(select(server_state.c.value).where(server_state.c.key == key))


def set_state(conn: Connection, key: str, value: str) -> None:
    if get_state(conn, key) is None:
        conn.execute(insert(server_state).values(key=key, value=value))
    else:
        conn.execute(server_state.update().where(server_state.c.key == key).values(value=value))
