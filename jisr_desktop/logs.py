"""A rotating log file in the data folder that never holds what a woman answered.

Scrubbing is by structure, not by pattern: an exception is logged as its types, its codes
and the frames it passed through, never its message (a DB-API error quotes the values it
failed on: a normalised Latin name in a UNIQUE or "database is locked" error), and the
time stamp, level and logger are written outside the part that is scrubbed. The app's own
log calls carry ids and codes; the pattern scrub of their text is a second line of defence
only."""

from __future__ import annotations

import logging
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "jisr.log"
# Long digit runs (phones, CIN digits) and letter+digit tokens shaped like a CIN.
_PII = re.compile(r"\+?\d[\d .\-]{6,}\d|\b[A-Za-z]{1,2}\s?\d{3,}\b")
# Arabic and Tifinagh letters: in this app such text can only be a name or an answer.
_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u2d30-\u2d7f]+")


def scrub(text: str) -> str:
    """Pattern scrub of free text (the second line of defence)."""
    return _SCRIPT.sub("…", _PII.sub("[redacted]", text))


def _label(exc: BaseException) -> str:
    """The exception's type and the codes it carries, never its message."""
    kind = type(exc)
    parts = [f"{kind.__module__}.{kind.__qualname__}"]
    for attribute in ("code", "sqlite_errorname", "exit_code"):
        value = getattr(exc, attribute, None)
        if isinstance(value, str | int) and not isinstance(value, bool):
            parts.append(f"{attribute}={value}")
    return " ".join(parts)


def describe_exception(exc: BaseException) -> str:
    """A traceback without any exception message: frames (file, line, function) and types,
    for each exception of the chain, oldest first, as Python prints them."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    lines: list[str] = []
    for index, item in enumerate(reversed(chain)):
        if index:
            lines.append("The above exception led to the next one:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(_label(item))
    return "\n".join(lines)


class ScrubbingFormatter(logging.Formatter):
    """`asctime level name message`, with the message scrubbed and exceptions structural."""

    def format(self, record: logging.LogRecord) -> str:
        head = f"{self.formatTime(record)} {record.levelname} {record.name}"
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string must not lose the line
            message = str(record.msg)
        text = f"{head} {scrub(message)}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + describe_exception(record.exc_info[1])
        if record.stack_info:
            text += "\n" + scrub(record.stack_info)
        return text


def configure(folder: Path, level: int = logging.INFO) -> Path:
    """Send the app's log to `folder/logs/jisr.log` (1 MB × 5 files)."""
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / LOG_FILE
    root = logging.getLogger("jisr_desktop")
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(ScrubbingFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    return path
