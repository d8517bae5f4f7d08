"""What every command group shares: exit codes, the error type, output, the passphrase
prompt and opening the store. Command modules import from here, never from each other."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from jisr_desktop.i18n import _
from jisr_desktop.paths import data_dir
from jisr_desktop.user_messages import error_text

EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_DUPLICATE = 3
EXIT_LOCKED = 4


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = code


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def say(message: str) -> None:
    sys.stderr.write(message + "\n")


def passphrase(prompt: str, *, env: str = "JISR_PASSPHRASE", confirm: bool = False) -> str:
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


def folder(args: argparse.Namespace) -> Path:
    return data_dir(args.data_dir)


def today(args: argparse.Namespace) -> date | None:
    return date.fromisoformat(args.today) if getattr(args, "today", None) else None


def open_store(args: argparse.Namespace):
    from jisr_desktop.models.store.database import Store, StoreError

    where = folder(args)
    agent = args.agent or os.environ.get("JISR_AGENT")
    try:
        if not agent:
            agents = Store.agents(where) if Store.exists(where) else []
            if len(agents) != 1:
                if not agents:
                    raise CliError(error_text("store_missing"))
                raise CliError(_("Several agents share this store: say which with --agent."))
            agent = agents[0]
        return Store.open(where, agent, passphrase(_("Passphrase: ")))
    except StoreError as exc:
        code = EXIT_LOCKED if exc.code in ("wrong_passphrase", "unknown_agent") else EXIT_FAILURE
        raise CliError(error_text(exc.code), code) from exc


def session(args: argparse.Namespace):
    """The open store, its repository and the active definitions."""
    from jisr_desktop.models.store.repository import Repository

    store = open_store(args)
    repo = Repository(store)
    return store, repo, repo.active_definitions()


def read_json(path: str) -> Any:
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
