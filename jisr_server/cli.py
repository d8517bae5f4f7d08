"""`jisr-server`: init-db, create-user, revoke-tokens, publish-definitions, prune, serve.

Every command takes --database-url (else JISR_SERVER_DATABASE_URL, else a SQLite file in
the user's data folder), so the demo needs no flag at all and production names PostgreSQL.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from jisr_desktop.models.programme.definitions import DefinitionError
from jisr_server import catalog
from jisr_server.auth import UserError, create_user, prune_login_failures, revoke_tokens
from jisr_server.config import ENV_PREFIX, Settings
from jisr_server.db import make_engine, migrate
from jisr_server.prune import prune_tombstones
from jisr_server.schema import published
from jisr_server.scope import ROLES, ScopeError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env(database_url=args.database_url)
    try:
        return int(args.handler(args, settings) or 0)
    except (UserError, ScopeError, catalog.PublishError, DefinitionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jisr-server", description="Jisr central server")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        help="sqlite:///path.db or postgresql://user@host/db (default: "
        f"${ENV_PREFIX}DATABASE_URL, else a SQLite file in the user's data folder)",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("init-db", parents=[common], help="create or upgrade the database")
    p.set_defaults(handler=_init_db)

    p = sub.add_parser("create-user", parents=[common], help="add a user (password on stdin)")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--scope", required=True, help="province:CODE, region:CODE or national")
    p.set_defaults(handler=_create_user)

    p = sub.add_parser(
        "revoke-tokens",
        parents=[common],
        help="a lost or stolen device: refuse its tokens (all of the user's without --device)",
    )
    p.add_argument("username")
    p.add_argument("--device", help="only this device id's tokens")
    p.add_argument("--disable", action="store_true",
                   help="also disable the account: its password no longer logs in")
    p.set_defaults(handler=_revoke_tokens)

    p = sub.add_parser(
        "publish-definitions",
        parents=[common],
        help="publish new versions of the definitions in DIR (and its cards/ folder)",
    )
    p.add_argument("directory", type=Path)
    p.add_argument("--reference", type=Path, help="also publish the reference CSVs of this folder")
    p.set_defaults(handler=_publish)

    p = sub.add_parser(
        "prune",
        parents=[common],
        help="forget tombstones older than N days (clients behind them start over), and "
        "failed-login counts older than a day",
    )
    p.add_argument("--older-than-days", type=float, required=True)
    p.set_defaults(handler=_prune)

    p = sub.add_parser("serve", parents=[common], help="run the HTTP server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL only)")
    p.add_argument("--log-level", default="info")
    p.set_defaults(handler=_serve)
    return parser


def _ready(settings: Settings) -> Engine:
    """Migrate, and publish the shipped definitions into a database that has none."""
    engine = make_engine(settings.resolved_url())
    migrate(engine)
    with engine.connect() as conn:
        empty = not conn.scalar(select(func.count()).select_from(published))
    if empty:
        catalog.publish_shipped(engine)
    return engine


def _init_db(args: argparse.Namespace, settings: Settings) -> int:
    _ready(settings)
    print(f"database ready: {_masked(settings.resolved_url())}")
    return 0


def _create_user(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready(settings)
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise UserError("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    create_user(engine, args.username, password, args.role, args.scope)
    print(f"user {args.username} created ({args.role}, {args.scope})")
    return 0


def _revoke_tokens(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready(settings)
    count = revoke_tokens(engine, args.username, args.device, disable=args.disable)
    where = f" on device {args.device}" if args.device else ""
    print(f"{count} tokens of {args.username}{where} revoked")
    if args.disable:
        print(f"user {args.username} disabled")
    return 0


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready(settings)
    by = os.environ.get("USER", "cli")
    added = catalog.publish_definitions(engine, catalog.read_directory(args.directory), by)
    if args.reference:
        added += catalog.publish_reference(engine, args.reference, by)
    for entry in added:
        print(f"published {entry.kind} {entry.id} version {entry.version}")
    if not added:
        print("nothing new to publish")
    return 0


def _prune(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready(settings)
    count = prune_tombstones(engine, timedelta(days=args.older_than_days))
    print(f"{count} tombstones forgotten")
    # Failed-login counts older than a day (a lock-out lasts an hour at most).
    print(f"{prune_login_failures(engine)} failed-login counts forgotten")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # only `serve` needs it

    _ready(settings)
    # Workers are separate processes: hand them the settings through the environment.
    resolved = Settings(**{**settings.__dict__, "database_url": settings.resolved_url()})
    os.environ.update(resolved.to_env())
    if args.workers > 1 and resolved.resolved_url().startswith("sqlite"):
        print("note: SQLite has one writer; running a single worker", file=sys.stderr)
        args.workers = 1
    uvicorn.run(
        "jisr_server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        # Tokens go in headers, never in URLs, but the access log still names every
        # record id pulled; keep it at warning level unless asked.
        access_log=args.log_level == "debug",
    )
    return 0


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
