"""Setting a store up and keeping it: init, add-agent, definitions, rescore."""

from __future__ import annotations

import argparse
from pathlib import Path

from jisr_desktop.cli.common import (
    EXIT_INVALID,
    CliError,
    folder,
    open_store,
    passphrase,
    print_json,
    say,
    session,
    today,
)
from jisr_desktop.i18n import _, ngettext
from jisr_desktop.user_messages import error_text


def cmd_init(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.store.database import ROLES, Store, StoreError
    from jisr_desktop.models.store.repository import Repository

    reference = load_reference()
    if args.province not in reference.provinces:
        raise CliError(
            _("Unknown province code {code}: use an HCP code such as 07.351.").format(
                code=args.province
            ),
            EXIT_INVALID,
        )
    if args.role not in ROLES:
        raise CliError(_("Unknown role {role}.").format(role=args.role), EXIT_INVALID)
    definitions = load_directory()
    secret = passphrase(_("New passphrase: "), confirm=True)
    try:
        store = Store.create(
            folder(args), args.agent, secret, role=args.role, province_code=args.province
        )
    except StoreError as exc:
        raise CliError(error_text(exc.code)) from exc
    with store:
        Repository(store).install_definitions(definitions.all())
    print_json(
        {
            "store": str(folder(args)),
            "agent": args.agent,
            "role": args.role,
            "province": args.province,
            "definitions": definitions.versions(),
        }
    )
    return 0


def cmd_add_agent(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.keyring import KeyringError

    with open_store(args) as store:
        account = store.account()
        if account is None or account.role not in ("admin", "supervisor"):
            raise CliError(_("Only an admin or a supervisor may add agents."))
        new = passphrase(
            _("Passphrase for the new agent: "), env="JISR_NEW_PASSPHRASE", confirm=True
        )
        try:
            store.add_agent(args.name, new, args.role, args.province)
        except KeyringError as exc:
            raise CliError(error_text(exc.code)) from exc
    print_json({"agent": args.name, "role": args.role, "province": args.province})
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.rescoring import rescore_all

    store, repo, defs = session(args)
    with store:
        count = rescore_all(repo, defs, today=today(args))
    print_json({"rescored": count, "grid": defs.grid.version})
    return 0


def cmd_definitions(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.definitions import DefinitionError, load_directory

    store, repo, defs = session(args)
    with store:
        if args.load:
            try:
                new = load_directory(Path(args.load))
            except DefinitionError as exc:
                raise CliError(str(exc), EXIT_INVALID) from exc
            installed = repo.install_definitions(new.all())
            say(ngettext("{n} new definition version installed.",
                         "{n} new definition versions installed.",
                         len(installed)).format(n=len(installed)))
            defs = repo.active_definitions()
        print_json(defs.versions())
    return 0


def register(add) -> None:
    p = add("init", cmd_init, _("create the store and load the definitions"))
    p.add_argument("--agent", dest="agent", required=True)
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--role", default="admin")

    p = add("add-agent", cmd_add_agent, _("let another agent unlock this store"))
    p.add_argument("name")
    p.add_argument("--role", default="field_agent")
    p.add_argument("--province")

    p = add("rescore", cmd_rescore, _("re-score every record under the active grid"))
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("definitions", cmd_definitions, _("list, or load newer, definitions"))
    p.add_argument("--load", metavar="DIR")
