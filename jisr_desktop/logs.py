"""A rotating log file in the data folder, scrubbed of anything that looks like a CIN or a
phone number. Code logs record ids, never answers; the scrubber is the second line of
defence for an exception message that quotes a value."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "jisr.log"
# Long digit runs (phones, CIN digits) and letter+digit tokens shaped like a CIN.
_PII = re.compile(r"\+?\d[\d .\-]{6,}\d|\b[A-Za-z]{1,2}\s?\d{3,}\b")
# Arabic and Tifinagh letters: in this app such text can only be a name or an answer.
_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u2d30-\u2d7f]+")


def scrub(text: str) -> str:
    return _SCRIPT.sub("…", _PII.sub("[redacted]", text))


class ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure(folder: Path, level: int = logging.INFO) -> Path:
    """Send the app's log to `folder/logs/jisr.log` (1 MB × 5 files)."""
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / LOG_FILE
    root = logging.getLogger("jisr_desktop")
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    return path
