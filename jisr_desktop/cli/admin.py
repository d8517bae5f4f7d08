"""Setting a store up and keeping it: init, add-agent, definitions, rescore."""

from __future__ import annotations

import argparse
from pathlib import Path

from jisr_desktop.cli.common import (
    EXIT_DAMAGED,
    EXIT_INVALID,
    CliError,
    agent_name,
    exit_code_for,
    folder,
    new_passphrase,
    open_store,
    print_json,
    printable,
    say,
    session,
    today,
)
from jisr_desktop.i18n import _, ngettext
from jisr_desktop.paths import definitions_dir
from jisr_desktop.user_messages import error_text


def cmd_init(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.store.database import ROLES, Store
    from jisr_desktop.models.store.errors import StoreError
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
        raise CliError(_unknown_role(args.role), EXIT_INVALID)
    args.agent = agent_name(args.agent)
    definitions = load_directory()
    secret = new_passphrase(_("New passphrase: "), agent=args.agent)
    try:
        # The definitions go in before the keyring is written: an init killed half-way
        # leaves no store that opens without them.
        store = Store.create(
            folder(args), args.agent, secret, role=args.role, province_code=args.province,
            setup=lambda s: Repository(s).install_definitions(
                [*definitions.all(), *_extras(definitions_dir())]),
        )
    except StoreError as exc:
        raise CliError(error_text(exc.code), exit_code_for(exc.code)) from exc
    store.close()
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


def _unknown_role(role: str) -> str:
    from jisr_desktop.models.programme.roles import ROLES

    return _("Unknown role {role}: use one of {roles}.").format(
        role=printable(role), roles=", ".join(ROLES)
    )


def cmd_add_agent(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.errors import AgentRefused
    from jisr_desktop.models.store.keyring import KeyringError

    args.name = agent_name(args.name)
    with open_store(args) as store:
        province = args.province if args.province is not None else store.meta("home_province")
        try:
            # Checked before the passphrase is asked for: a refusal costs the admin nothing.
            store.check_new_agent(args.role, province or None)
            new = new_passphrase(
                _("Passphrase for the new agent: "), agent=args.name, env="JISR_NEW_PASSPHRASE"
            )
            store.add_agent(args.name, new, args.role, province or None)
        except AgentRefused as exc:
            raise CliError(_refusal(exc.code, args), EXIT_INVALID) from exc
        except KeyringError as exc:
            raise CliError(error_text(exc.code)) from exc
    print_json({"agent": args.name, "role": args.role, "province": province or None})
    return 0


def _refusal(code: str, args: argparse.Namespace) -> str:
    if code == "unknown_role":
        return _unknown_role(args.role)
    if code == "unknown_province":
        return _("Unknown province code {code}: use an HCP code such as 07.351.").format(
            code=printable(args.province)
        )
    if code == "not_allowed_create_admin":
        return _("Only an admin may create an admin.")
    return _("Only an admin or a supervisor may add agents.")


def cmd_check(args: argparse.Namespace) -> int:
    """The whole file, page by page: what the quick check at open leaves out on a large store."""
    with open_store(args) as store:
        problems = store.full_check()
    print_json({"ok": not problems, "problems": len(problems)})
    if problems:
        say(error_text("store_damaged"))
        return EXIT_DAMAGED
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
            try:
                installed = repo.install_definitions([*new.all(), *_extras(Path(args.load))])
            except ValueError as exc:  # same id and version, other content: nothing installed
                raise CliError(_("An edited definition keeps the version number of an installed one; raise its version number and load again ({detail}).").format(detail=exc), EXIT_INVALID) from exc  # noqa: E501
            say(ngettext("{n} new definition version installed.",
                         "{n} new definition versions installed.",
                         len(installed)).format(n=len(installed)))
            defs = repo.active_definitions()
        print_json(defs.versions())
    return 0


def _extras(folder: Path) -> list:
    """The folder's card templates, directory of places and later paths' lists (issue 12),
    those it has, so a new letterhead or directory reaches the app."""
    from jisr_desktop.models.programme.definitions import DefinitionError, load_extras

    try:
        return load_extras(folder)
    except DefinitionError as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc


def register(add) -> None:
    p = add("init", cmd_init, _("create the store and load the definitions"))
    p.add_argument("--agent", dest="agent", required=True)
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--role", default="admin")

    p = add("add-agent", cmd_add_agent, _("let another agent unlock this store"))
    p.add_argument("name")
    p.add_argument("--role", default="field_agent")
    p.add_argument("--province", help=_("HCP province code (default: the store's province)"))

    add("check", cmd_check, _("check the whole store file for damage"))

    p = add("rescore", cmd_rescore, _("re-score every record under the active grid"))
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("definitions", cmd_definitions, _("list, or load newer, definitions"))
    p.add_argument("--load", metavar="DIR")
