"""The headless command line. Admins use it; so do the tests and the benchmarks.

Results go to stdout as JSON; messages for people go to stderr in the chosen language.
Exit codes: 0 done, 1 failure, 2 invalid input (nothing saved), 3 held back as a
duplicate (nothing saved), 4 store locked (wrong passphrase, unknown agent, damaged
keyring), 5 store damaged or missing (restore store.db from a backup; nothing written).

One module per group of commands (admin, records, transfer, printing), each with a
`register(add)` that declares its subcommands; a new group is one module plus one line in
`COMMAND_GROUPS`. Shared helpers live in `common`. Never imports app or ui.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

from jisr_desktop import __version__
from jisr_desktop.cli import (
    admin,
    incubation,
    paths,
    printing,
    programme,
    records,
    sync,
    transfer,
)
from jisr_desktop.cli.common import (
    EXIT_DAMAGED,
    EXIT_DUPLICATE,
    EXIT_FAILURE,
    EXIT_INVALID,
    EXIT_LOCKED,
    CliError,
    exit_code_for,
    say,
)
from jisr_desktop.i18n import _, language_from_env, set_language
from jisr_desktop.logs import configure as configure_logging
from jisr_desktop.models.store.errors import StoreError
from jisr_desktop.models.store.integrity import is_busy
from jisr_desktop.paths import data_dir
from jisr_desktop.user_messages import error_text

__all__ = [
    "EXIT_DAMAGED",
    "EXIT_DUPLICATE",
    "EXIT_FAILURE",
    "EXIT_INVALID",
    "EXIT_LOCKED",
    "CliError",
    "build_parser",
    "execute",
    "parse_args",
    "run",
]

log = logging.getLogger(__name__)

COMMAND_GROUPS = (admin, records, transfer, printing, programme, incubation, sync, paths)


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

    def add(name: str, func: Callable[[argparse.Namespace], int] | None, help_: str):
        p = sub.add_parser(name, help=help_)
        p.set_defaults(func=func)
        return p

    for group in COMMAND_GROUPS:
        group.register(add)
    # Run by `__main__`: the self-test builds a window, which the headless face never imports.
    add("selftest", None, _("check, headless, that this installation works"))
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
        say(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except StoreError as exc:  # found mid-command: a damaged page, say
        log.error("command %s stopped: %s", args.command, exc.code)
        say(error_text(exc.code))
        return exit_code_for(exc.code)
    except Exception as exc:
        if is_busy(exc):
            log.warning("command %s: the store is busy", args.command, exc_info=exc)
            say(error_text("store_busy"))
            return EXIT_FAILURE
        # The details go to the log file (scrubbed); the user gets one line, not a traceback.
        log.exception("command %s failed", args.command)
        say(_("Unexpected error; details are in {path}").format(path=folder / "logs"))
        return EXIT_FAILURE
    log.info("command %s finished (exit %s)", args.command, code)
    return code
