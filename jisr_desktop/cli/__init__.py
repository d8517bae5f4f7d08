"""The headless command line. Admins use it; so do the tests and the benchmarks.

Results go to stdout as JSON; messages for people go to stderr in the chosen language.
Exit codes: 0 done, 1 failure, 2 invalid input (nothing saved), 3 held back as a
duplicate (nothing saved), 4 store locked (wrong passphrase or unknown agent).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jisr_desktop import __version__
from jisr_desktop.i18n import N_, _, language_from_env, ngettext, set_language
from jisr_desktop.logs import configure as configure_logging
from jisr_desktop.paths import data_dir, definitions_dir
from jisr_desktop.user_messages import error_text

log = logging.getLogger(__name__)

EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_DUPLICATE = 3
EXIT_LOCKED = 4

DUPLICATE_CIN = N_(
    "A record with the same CIN exists; nothing was saved. Open it instead, or use --allow-duplicate if this is a different woman."  # noqa: E501
)


_error_text = error_text


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = code


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


def _passphrase(prompt: str, *, env: str = "JISR_PASSPHRASE", confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if line:
            return line
        raise CliError(_("A passphrase is needed: set {env} or type it.").format(env=env))
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Type it again: ")) != first:
        raise CliError(_("The two passphrases differ."))
    if not first:
        raise CliError(_("The passphrase cannot be empty."))
    return first


def _folder(args: argparse.Namespace) -> Path:
    return data_dir(args.data_dir)


def _today(args: argparse.Namespace) -> date | None:
    return date.fromisoformat(args.today) if getattr(args, "today", None) else None


def _open_store(args: argparse.Namespace):
    from jisr_desktop.models.store.database import Store, StoreError

    folder = _folder(args)
    agent = args.agent or os.environ.get("JISR_AGENT")
    try:
        if not agent:
            agents = Store.agents(folder) if Store.exists(folder) else []
            if len(agents) != 1:
                if not agents:
                    raise CliError(_error_text("store_missing"))
                raise CliError(_("Several agents share this store: say which with --agent."))
            agent = agents[0]
        return Store.open(folder, agent, _passphrase(_("Passphrase: ")))
    except StoreError as exc:
        code = EXIT_LOCKED if exc.code in ("wrong_passphrase", "unknown_agent") else EXIT_FAILURE
        raise CliError(_error_text(exc.code), code) from exc


def _session(args: argparse.Namespace):
    from jisr_desktop.models.store.repository import Repository

    store = _open_store(args)
    repo = Repository(store)
    return store, repo, repo.active_definitions()


# -- commands ----------------------------------------------------------------------------------


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
    passphrase = _passphrase(_("New passphrase: "), confirm=True)
    try:
        store = Store.create(
            _folder(args), args.agent, passphrase, role=args.role, province_code=args.province
        )
    except StoreError as exc:
        raise CliError(_error_text(exc.code)) from exc
    with store:
        Repository(store).install_definitions(
            [*definitions.all(), *_places(None), *_cards(definitions_dir())])
    _print_json(
        {
            "store": str(_folder(args)),
            "agent": args.agent,
            "role": args.role,
            "province": args.province,
            "definitions": definitions.versions(),
        }
    )
    return 0


def cmd_add_agent(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.keyring import KeyringError

    with _open_store(args) as store:
        account = store.account()
        if account is None or account.role not in ("admin", "supervisor"):
            raise CliError(_("Only an admin or a supervisor may add agents."))
        new = _passphrase(
            _("Passphrase for the new agent: "), env="JISR_NEW_PASSPHRASE", confirm=True
        )
        try:
            store.add_agent(args.name, new, args.role, args.province)
        except KeyringError as exc:
            raise CliError(_error_text(exc.code)) from exc
    _print_json({"agent": args.name, "role": args.role, "province": args.province})
    return 0


def _outcome_json(outcome, lang: str) -> dict[str, Any]:
    evaluation = outcome.evaluation
    data = evaluation.to_dict(lang)
    data["duplicates"] = [
        {"id": d.record_id, "reasons": list(d.reasons), "name_similarity": d.name_similarity}
        for d in outcome.duplicates
    ]
    data["id"] = outcome.record.id if outcome.record else None
    data["saved"] = outcome.saved
    return data


def _field_messages(evaluation, form_def, lang: str, severity: str) -> dict[str, list[str]]:
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(form_def)
    issues = evaluation.validation.errors if severity == "error" else evaluation.validation.warnings
    out: dict[str, list[str]] = {}
    for issue in issues:
        out.setdefault(issue.field, []).append(issue.message.render(form.messages, lang))
    return out


def _report_invalid(evaluation, form_def, lang: str, where: str = "") -> None:
    from jisr_desktop.models.programme.definitions import localized
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(form_def)
    for name, messages in _field_messages(evaluation, form_def, lang, "error").items():
        try:
            label = localized(form.field(name).label, lang)
        except KeyError:
            label = name
        for message in messages:
            _say(f"{where}{name} ({label}): {message}")


def _read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except FileNotFoundError as exc:
        raise CliError(_("File not found: {path}").format(path=path), EXIT_INVALID) from exc
    except json.JSONDecodeError as exc:
        raise CliError(
            _("{path} is not valid JSON (line {line}, column {col}).").format(
                path=path, line=exc.lineno, col=exc.colno
            ),
            EXIT_INVALID,
        ) from exc


def cmd_enrol(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.enrolment import enrol

    submission = _read_json(args.file)
    if not isinstance(submission, dict):
        raise CliError(
            _("{path} must hold one registration (a JSON object).").format(path=args.file),
            EXIT_INVALID,
        )
    # Accept both a bare submission and a record as `export --format json` writes it.
    if isinstance(submission.get("answers"), dict):
        record_id, submission = submission.get("id"), submission["answers"]
    else:
        record_id = submission.pop("id", None)
    store, repo, defs = _session(args)
    with store:
        outcome = enrol(
            repo,
            defs,
            submission,
            record_id=record_id,
            today=_today(args),
            allow_duplicate=args.allow_duplicate,
        )
    result = _outcome_json(outcome, args.lang)
    result["warnings"] = _field_messages(outcome.evaluation, defs.form, args.lang, "warning")
    if not outcome.evaluation.validation.ok:
        _say(_("The registration is not valid; nothing was saved:"))
        _report_invalid(outcome.evaluation, defs.form, args.lang)
        result["errors"] = _field_messages(outcome.evaluation, defs.form, args.lang, "error")
        _print_json(result)
        return EXIT_INVALID
    if outcome.blocked_by_duplicate:
        _say(_(DUPLICATE_CIN))
        _print_json(result)
        return EXIT_DUPLICATE
    _print_json(result)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    store, repo, _defs = _session(args)
    with store:
        hits = repo.search(args.text, limit=args.limit)
    _print_json([asdict(h) for h in hits])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    store, repo, _defs = _session(args)
    with store:
        record = repo.get(args.id)
        if record is None:
            matches = repo.find_by_prefix(args.id)
            record = repo.get(matches[0]) if len(matches) == 1 else None
        if record is None:
            raise CliError(_("No record with id {id}.").format(id=args.id))
        data = asdict(record)
        data["history"] = [asdict(a) for a in repo.audit_trail(record.id)]
    _print_json(data)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store, repo, _defs = _session(args)
    with store:
        stats = repo.stats()
        stats["outbox_pending"] = repo.pending_outbox_count()
    _print_json(stats)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.import_export import import_file

    store, repo, defs = _session(args)
    with store:
        report = import_file(repo, defs, Path(args.file), today=_today(args))
    for problem in report.problems:
        _say(
            _("line {line}: {field}: {message}").format(
                line=problem.line, field=problem.field, message=problem.render(args.lang)
            )
        )
    _print_json(report.to_dict())
    return 0 if not report.problems else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.import_export import export_file

    store, repo, defs = _session(args)
    with store:
        count = export_file(repo, defs, Path(args.out), args.format, lang=args.lang)
    _print_json({"exported": count, "format": args.format, "out": args.out})
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.workflows.import_export import save_many

    store, repo, defs = _session(args)
    with store:
        report = save_many(
            repo,
            defs,
            (
                (i + 1, row)
                for i, row in enumerate(
                    generate(args.count, args.seed, today=_today(args), agent=store.agent)
                )
            ),
            today=_today(args),
        )
    _print_json(report.to_dict())
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.rescoring import rescore_all

    store, repo, defs = _session(args)
    with store:
        count = rescore_all(repo, defs, today=_today(args))
    _print_json({"rescored": count, "grid": defs.grid.version})
    return 0


def cmd_definitions(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.definitions import DefinitionError, load_directory

    store, repo, defs = _session(args)
    with store:
        if args.load:
            try:
                new = load_directory(Path(args.load))
            except DefinitionError as exc:
                raise CliError(str(exc), EXIT_INVALID) from exc
            try:
                installed = repo.install_definitions(
                    [*new.all(), *_places(Path(args.load)), *_cards(Path(args.load))])
            except ValueError as exc:  # same id and version, other content: nothing installed
                raise CliError(_("An edited definition keeps the version number of an installed one; raise its version number and load again ({detail}).").format(detail=exc), EXIT_INVALID) from exc  # noqa: E501
            _say(ngettext("{n} new definition version installed.",
                          "{n} new definition versions installed.",
                          len(installed)).format(n=len(installed)))
            defs = repo.active_definitions()
        _print_json(defs.versions())
    return 0


def _places(folder: Path | None) -> list:
    """The folder's directory of places (issue 12), if it has one."""
    from jisr_desktop.models.programme.definitions import DefinitionError, load_places

    try:
        found = load_places(folder)
    except DefinitionError as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc
    return [found] if found is not None else []


def _cards(folder: Path) -> list:
    """The folder's card templates (`cards/`), so a new letterhead reaches the printer."""
    from jisr_desktop.models.programme.definitions import DefinitionError, load_card_templates

    if not (folder / "cards").is_dir():
        return []
    try:
        return list(load_card_templates(folder / "cards").values())
    except DefinitionError as exc:
        raise CliError(str(exc), EXIT_INVALID) from exc


def cmd_print_card(args: argparse.Namespace) -> int:
    from jisr_desktop.cards import render_card
    from jisr_desktop.cards.for_record import NoCard, card_for_record
    from jisr_desktop.models.store.card_templates import card_templates_in_force

    store, repo, defs = _session(args)
    with store:
        templates = card_templates_in_force(repo)
        try:
            data = card_for_record(repo, defs, args.id, args.kind, issued_on=_today(args),
                                   centre=args.centre or "", agent=store.agent)
        except NoCard as exc:
            if exc.code == "not_found":
                raise CliError(_("No record with id {id}.").format(id=args.id)) from exc
            if exc.code == "no_orientation":
                missing = _("This record has no orientation yet (no consent, or not scored).")
            else:
                missing = _("This record has no skills assessment yet.")
            raise CliError(missing, EXIT_INVALID) from exc
    render_card(templates[args.kind].data, data, args.out, args.card_lang)
    _print_json(
        {"id": data.record_id, "kind": args.kind, "card_no": data.card_no,
         "lang": args.card_lang, "out": args.out}
    )
    return 0


def cmd_print_cards(args: argparse.Namespace) -> int:
    from jisr_desktop.cards import BatchItem, render_batch
    from jisr_desktop.cards.for_record import province_cards
    from jisr_desktop.models.store.card_templates import card_templates_in_force

    store, repo, defs = _session(args)
    template = card_templates_in_force(repo)[args.kind].data  # closed by the `with` below

    def items():
        # One record at a time from the store (read in chunks): a province's thousands of
        # cards never sit in memory together.
        for data in province_cards(repo, defs, args.province, args.kind,
                                   issued_on=_today(args), centre=args.centre or "",
                                   agent=store.agent):
            yield BatchItem(template, data, args.card_lang)

    def progress(done: int, _total: int) -> None:
        if done % 100 == 0:
            _say(ngettext("{n} card printed", "{n} cards printed", done).format(n=done))

    with store:
        result = render_batch(items(), args.out, progress=progress)
    _print_json(
        {"province": args.province, "kind": args.kind, "cards": result.cards,
         "pages": result.pages, "lang": args.card_lang, "out": args.out}
    )
    return 0


# -- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jisr-desktop",
        description=_("Al Jisr enrolment: with no command, start the desktop app."),
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--data-dir", help=_("store folder (default: JISR_DATA_DIR or the user's data folder)")
    )
    parser.add_argument("--agent", help=_("agent name (default: JISR_AGENT, or the only one)"))
    parser.add_argument(
        "--lang",
        choices=("ar", "fr", "zgh"),
        default=language_from_env(),
        help=_("language of messages"),
    )
    sub = parser.add_subparsers(dest="command")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str):
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, _("create the store and load the definitions"))
    p.add_argument("--agent", dest="agent", required=True)
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--role", default="admin")

    p = add("add-agent", cmd_add_agent, _("let another agent unlock this store"))
    p.add_argument("name")
    p.add_argument("--role", default="field_agent")
    p.add_argument("--province")

    p = add("enrol", cmd_enrol, _("validate, score and save one registration"))
    p.add_argument("file")
    p.add_argument("--allow-duplicate", action="store_true")
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("search", cmd_search, _("search names, CIN and phone"))
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)

    p = add("show", cmd_show, _("show one record"))
    p.add_argument("id")

    add("stats", cmd_stats, _("the programme's counts, as JSON"))

    p = add("import", cmd_import, _("import registrations from CSV or JSON"))
    p.add_argument("file")
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("export", cmd_export, _("export registrations"))
    p.add_argument("--format", choices=("csv", "xlsx", "json"), required=True)
    p.add_argument("--out", required=True)

    p = add("demo-data", cmd_demo_data, _("add synthetic registrations"))
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("rescore", cmd_rescore, _("re-score every record under the active grid"))
    p.add_argument("--today", help=argparse.SUPPRESS)

    card_langs = ("ar", "fr", "zgh", "ar+fr")
    p = add("print-card", cmd_print_card, _("print one woman's card as a PDF (A6)"))
    p.add_argument("id")
    p.add_argument("--kind", choices=("orientation", "service"), required=True)
    p.add_argument("--lang", dest="card_lang", choices=card_langs, default="ar+fr",
                   help=_("language of the card (default: Arabic and French)"))
    p.add_argument("--centre", help=_("name of the centre, printed in the footer"))
    p.add_argument("--out", required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("print-cards", cmd_print_cards, _("print the cards of a province, four per A4 sheet"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--kind", choices=("orientation", "service"), default="orientation")
    p.add_argument("--lang", dest="card_lang", choices=card_langs, default="ar+fr",
                   help=_("language of the cards (default: Arabic and French)"))
    p.add_argument("--centre", help=_("name of the centre, printed in the footer"))
    p.add_argument("--out", required=True)
    p.add_argument("--today", help=argparse.SUPPRESS)

    # Run by `__main__`: the self-test builds a window, which the headless face never imports.
    add("selftest", None, _("check, headless, that this installation works"))

    p = add("definitions", cmd_definitions, _("list, or load newer, definitions"))
    p.add_argument("--load", metavar="DIR")
    __import__("jisr_desktop.cli.programme", fromlist=["register"]).register(add)  # issue 12
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line; `args.command` is None when no subcommand was given."""
    set_language(language_from_env())
    args = build_parser().parse_args(argv)
    set_language(args.lang)
    # The window remembers the last language; only an explicit choice overrides it.
    explicit = any(a == "--lang" or a.startswith("--lang=") for a in argv)
    args.lang_explicit = args.lang if explicit or os.environ.get("JISR_LANG") else None
    return args


def run(argv: list[str]) -> int:
    """Run one headless subcommand (the window is started by `__main__`, not here)."""
    args = parse_args(argv)
    if args.command is None:
        build_parser().print_usage(sys.stderr)
        return EXIT_INVALID
    return execute(args)


def execute(args: argparse.Namespace) -> int:
    folder = data_dir(args.data_dir)
    configure_logging(folder)
    log.info("command %s", args.command)
    try:
        code = args.func(args)
    except CliError as exc:
        log.warning("command %s refused (exit %s)", args.command, exc.exit_code)
        _say(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        # The details go to the log file (scrubbed); the user gets one line, not a traceback.
        log.exception("command %s failed", args.command)
        _say(_("Unexpected error; details are in {path}").format(path=folder / "logs"))
        return EXIT_FAILURE
    log.info("command %s finished (exit %s)", args.command, code)
    return code
