"""The store's migration revisions: the head the code expects, the one a file is at, and
alembic's configuration (loaded only to upgrade an older store)."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection

if TYPE_CHECKING:
    from alembic.config import Config


# The newest migration in models/migrations/versions. A store already there is opened
# without importing alembic at all (0.12 s warm here, more cold: alembic pulls in mako
# and, when installed, pygments); alembic is loaded only to upgrade an older store.
# tests/test_migrations.py checks this constant against alembic's own view of the
# scripts, so a new migration cannot be forgotten here.
HEAD_REVISION = "0013_scoring_inputs"


def alembic_config(connection) -> Config:
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

    script = ScriptDirectory.from_config(alembic_config(None))
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
