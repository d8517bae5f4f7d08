"""Is the store file sound: what can be told without the key (size, pages, encrypted),
which errors mean damage or a busy writer, and SQLite's quick and full checks."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc

from jisr_desktop.models.store.errors import StoreCorrupt, StoreDamaged

# SQLite's result codes for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB): on an encrypted
# store a page whose HMAC fails reads as NOTADB.
_DAMAGE_CODES = {11, 26}
# How long the quick check may run at open: the whole of a store up to ~5,000 records (a
# centre's), the first part of a larger one. The window checks every page in the background
# after each unlock (ui/store_check.py) and `check` does on demand, so a longer check here
# only delayed the window: 0.5 s (0.67 s with the clock's granularity) was 0.3 s of a
# 100,000-record cold start's 2.3 s, for a part of the file read again minutes later.
QUICK_CHECK_SECONDS = 0.25
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
