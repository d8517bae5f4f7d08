"""`jisr-desktop login`, `sync` and `conflicts`: the sync engine without a window.

`sync` prints a JSON summary and exits 0 when the outbox is drained and the pull up to
date, 5 when the link failed part-way (nothing lost: run it again), 1 otherwise (not
signed in, conflicts are not a failure: they are listed by `conflicts`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from jisr_desktop.i18n import _
from jisr_desktop.user_messages import error_text

EXIT_LINK = 5


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the commands with build_parser's `add(name, func, help)`."""
    p = add("login", cmd_login, _("sign in to the server (the password on standard input)"))
    p.add_argument("--server", required=True, help=_("the server's address, e.g. https://…"))
    p.add_argument("--username", required=True)
    p = add("sync", cmd_sync, _("send waiting changes and fetch new ones"))
    p.add_argument("--budget", type=float, help=_("give up after this many seconds"))
    p.add_argument("--no-definitions", action="store_true", help=argparse.SUPPRESS)
    p = add("conflicts", cmd_conflicts, _("list the records changed here and on the server"))
    p.add_argument("--resolve", metavar="ID", help=_("settle the conflict of this record"))
    p.add_argument("--keep", choices=("local", "server"), default="local")


def _open(args: argparse.Namespace):
    """The store and the passphrase that opened it (the token is sealed with it)."""
    from jisr_desktop.cli import common as base
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.errors import StoreError

    folder = base.folder(args)
    agent = args.agent or os.environ.get("JISR_AGENT")
    if not agent:
        agents = Store.agents(folder) if Store.exists(folder) else []
        if len(agents) != 1:
            raise base.CliError(error_text("store_missing") if not agents else
                                _("Several agents share this store: say which with --agent."))
        agent = agents[0]
    passphrase = base.passphrase(_("Passphrase: "))
    try:
        return Store.open(folder, agent, passphrase), passphrase
    except StoreError as exc:
        code = base.EXIT_LOCKED if exc.code in ("wrong_passphrase", "unknown_agent") else 1
        raise base.CliError(error_text(exc.code), code) from exc


def cmd_login(args: argparse.Namespace) -> int:
    from jisr_desktop.cli import common as base
    from jisr_desktop.sync import messages
    from jisr_desktop.sync.accounts import SignInError, login

    store, passphrase = _open(args)
    with store:
        password = os.environ.get("JISR_PASSWORD") or sys.stdin.readline().rstrip("\n")
        if not password:
            raise base.CliError(_("Type the password on standard input."), base.EXIT_INVALID)
        try:
            signed = login(store, passphrase, args.server, args.username, password)
        except SignInError as exc:
            raise base.CliError(messages.text(exc.code),
                                EXIT_LINK if exc.code == "link_failed" else 1) from exc
    base.print_json({"agent": signed.agent, "username": signed.username, "role": signed.role,
                      "scope": signed.scope, "expires_at": signed.expires_at,
                      "server_id": signed.server_id})
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from jisr_desktop.cli import common as base
    from jisr_desktop.sync import messages
    from jisr_desktop.sync import status as st
    from jisr_desktop.sync.accounts import credentials
    from jisr_desktop.sync.engine import SyncEngine

    store, passphrase = _open(args)
    with store:
        engine = SyncEngine(store, credentials(store, passphrase), budget=args.budget,
                            definitions=not args.no_definitions)
        summary = engine.run()
    base.print_json(summary.to_json())
    if summary.ok:
        if summary.conflicts or summary.rejected:
            base.say(_("Some changes need a person: see jisr-desktop conflicts."))
        return 0
    if summary.error == st.NOT_SIGNED_IN and summary.waiting_for_sign_in:
        base.say(messages.waiting_for(summary.waiting_for_sign_in))
    else:
        base.say(messages.text(summary.error))
    return EXIT_LINK if summary.error == st.LINK_FAILED else 1


def cmd_conflicts(args: argparse.Namespace) -> int:
    from jisr_desktop.cli import common as base
    from jisr_desktop.sync.conflicts import ResolutionInvalid, list_conflicts, resolve

    store, _passphrase = _open(args)
    with store:
        if args.resolve:
            try:
                outcome = resolve(store, args.resolve, args.keep)
            except LookupError as exc:
                raise base.CliError(_("No conflict on this record."), base.EXIT_INVALID) from exc
            except ResolutionInvalid as exc:
                raise base.CliError(str(exc), base.EXIT_INVALID) from exc
            base.print_json({"record_id": args.resolve, "resolved": outcome})
            return 0
        items = list_conflicts(store)
    base.print_json([{
        "record_id": c.record_id, "author": c.author, "server_version": c.server_version,
        "server_deleted": c.server_deleted, "local_deleted": c.local is None,
        "fields": [{"name": d.name, "local": d.local, "server": d.server} for d in c.differing],
    } for c in items])
    return 0
