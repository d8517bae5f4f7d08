"""What every command group shares: exit codes, the error type, output, the passphrase
prompt and opening the store. Command modules import from here, never from each other."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from jisr_desktop.i18n import _
from jisr_desktop.paths import data_dir
from jisr_desktop.user_messages import error_text, file_problem_text, passphrase_text

EXIT_FAILURE = 1
EXIT_INVALID = 2
EXIT_DUPLICATE = 3
EXIT_LOCKED = 4
# The store file is damaged, missing or not a store: restore it from a backup (README).
EXIT_DAMAGED = 6
DAMAGE_CODES = frozenset({"store_damaged", "store_corrupt", "store_file_missing"})
LOCK_CODES = frozenset(
    {"wrong_passphrase", "unknown_agent", "corrupt_keyring", "keyring_unsafe_parameters"}
)


def exit_code_for(store_error_code: str) -> int:
    """The exit code for a StoreError's code."""
    if store_error_code in DAMAGE_CODES:
        return EXIT_DAMAGED
    if store_error_code in LOCK_CODES:
        return EXIT_LOCKED
    return EXIT_FAILURE


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = code


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # A lone surrogate (from a file decoded with surrogateescape, say) cannot be encoded.
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


def say(message: str) -> None:
    sys.stderr.write(printable(message) + "\n")


def printable(text: object) -> str:
    """`text` with control characters shown as \\uXXXX: a value typed or imported by someone
    else never reaches the terminal raw (an ESC sequence could rewrite the screen, a bidi
    override could disguise a name). Newlines and tabs of our own messages stay; the bidi
    isolates our translations use (textdir.py) stay."""
    return "".join(f"\\u{ord(ch):04x}" if _hidden(ch) else ch for ch in str(text))


def _hidden(ch: str) -> bool:
    if ch in "\n\t":
        return False
    return unicodedata.category(ch) in ("Cc", "Cs") or "\u202a" <= ch <= "\u202e"


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
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.errors import StoreError
    from jisr_desktop.models.store.keyring import KeyringError

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
        raise CliError(error_text(exc.code), exit_code_for(exc.code)) from exc
    except KeyringError as exc:  # listing the agents reads the keyring before any unlock
        raise CliError(error_text(exc.code), exit_code_for(exc.code)) from exc


AGENT_NAME_MAX = 80


def agent_name(name: str) -> str:
    """An agent's name, held to the text rules of every answer (letters, no control
    characters, bounded): it is shown in the unlock dialog and written in the audit trail."""
    from jisr_desktop.models.programme.text_rules import free_text_problem

    cleaned = name.strip()
    if not cleaned or free_text_problem(cleaned, AGENT_NAME_MAX, text_class="name") is not None:
        raise CliError(
            _("An agent's name needs letters, at most {n} characters, and no control "
              "characters.").format(n=AGENT_NAME_MAX),
            EXIT_INVALID,
        )
    return cleaned


def new_passphrase(prompt: str, *, agent: str, env: str = "JISR_PASSPHRASE") -> str:
    """A passphrase for a new keyring entry, held to the policy (models/programme/passphrase)."""
    from jisr_desktop.models.programme.passphrase import problems

    secret = passphrase(prompt, env=env, confirm=True)
    found = problems(secret, user_inputs=agent.split())
    if found:
        raise CliError(passphrase_text(found[0]), EXIT_INVALID)
    return secret


def session(args: argparse.Namespace):
    """The open store, its repository and the active definitions."""
    from jisr_desktop.models.store.repository import Repository

    store = open_store(args)
    repo = Repository(store)
    return store, repo, repo.active_definitions()


def read_json(path: str) -> Any:
    from jisr_desktop.models.workflows.file_io import FileProblem, load_json

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise CliError(_("File not found: {path}").format(path=path), EXIT_INVALID) from exc
    except OSError as exc:
        raise CliError(file_problem_text("unreadable", {"name": path}), EXIT_INVALID) from exc
    try:
        return load_json(data)
    except FileProblem as exc:
        raise CliError(file_problem_text(exc.code, exc.params), EXIT_INVALID) from exc


def find_record(repo: Any, record_id: str) -> Any:
    """The record an id (or its first characters) names; a clear refusal if none."""
    from jisr_desktop.cards.for_record import find_record as found

    record = found(repo, record_id)
    if record is None:
        raise CliError(_("No record with id {id}.").format(id=record_id))
    return record
