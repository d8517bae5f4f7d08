"""The bytes of import and export files: encodings in, spreadsheet-safe cells and private
temporary files out. import_export.py says what the rows mean; this says how they travel.

Why not sqlite-utils' `rows_from_file`: it detects the format but not the encoding (the
files that matter here are UTF-8, UTF-16 and cp1256, what Excel on an Arabic Windows
writes), its type detection would turn a phone `0612345678` into a number and drop the
zero, and it does not give the line numbers the import report names. Its writing side
writes SQLite tables; the store is SQLCipher behind SQLAlchemy, and exports are CSV, XLSX
and JSON. So the dependency was removed (pyproject.toml).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jisr_desktop.paths import PARTIAL_SUFFIX, private_tmp


class FileProblem(Exception):
    """A file that cannot be read as a whole; `code` picks the message, `params` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# -- reading ----------------------------------------------------------------------------------

_ARABIC = re.compile(r"[\u0621-\u064a]")
_ARABIC_PAIR = re.compile(r"[\u0621-\u064a]{2}")


def decode_text(data: bytes) -> str:
    """The text of a CSV or TSV file: a BOM decides; else UTF-8 if it decodes; else cp1256
    when Arabic words appear (Excel on an Arabic Windows), else cp1252 (Latin-1 with the
    Windows extras). cp1256 keeps the French lower-case accents where cp1252 has them, and
    an isolated Arabic letter is what an upper-case É looks like in cp1256: words decide."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise FileProblem("bad_encoding", encoding=codec) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    arabic = data.decode("cp1256", errors="replace")
    if _ARABIC_PAIR.search(arabic) and len(_ARABIC_PAIR.findall(arabic)) * 2 >= len(
        _ARABIC.findall(arabic)
    ) // 2:
        return arabic.replace("\ufffd", "?")
    return data.decode("cp1252", errors="replace")


def load_json(data: bytes) -> Any:
    """Parse JSON (UTF-8, -16 or -32, with or without a BOM) into plain values, or raise
    FileProblem with what is wrong: not JSON, nested too deep, a number too large."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise FileProblem("not_json", line=exc.lineno, col=exc.colno) from exc
    except RecursionError as exc:
        raise FileProblem("too_deep") from exc
    except UnicodeDecodeError as exc:
        raise FileProblem("bad_encoding", encoding="UTF-8") from exc
    except ValueError as exc:  # int() past Python's 4,300-digit limit, or NaN/Infinity
        raise FileProblem("number_too_large") from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


# -- spreadsheet cells ------------------------------------------------------------------------

# OWASP, CSV injection: a cell starting with one of these is a formula to Excel, LibreOffice
# and Google Sheets (=HYPERLINK, =cmd|, @SUM, +/-, and tab/CR that some parsers skip).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that would start a formula, prefixed with a single quote (OWASP); numbers
    and other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo `neutralise` on the way back in, so an export re-imports unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


# XLSX (XML 1.0) cannot hold most C0 controls: openpyxl refuses them with an exception.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


# -- private temporary files ------------------------------------------------------------------


@contextlib.contextmanager
def written_through_tmp(folder: Path, out: Path) -> Iterator[Path]:
    """A path in the data folder's private tmp/ to write to; on success it becomes `out`,
    on any failure (an exception, Ctrl-C) it is removed. Nothing in clear is left in the
    system's temporary folder or half-written beside the agent's chosen file."""
    part = private_tmp(folder) / f"export-{uuid.uuid4().hex}{PARTIAL_SUFFIX}"
    try:
        yield part
        _move(part, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _move(part: Path, out: Path) -> None:
    try:
        os.replace(part, out)
    except OSError:  # another drive (a USB stick): copy beside it, then rename there
        beside = out.with_name(out.name + PARTIAL_SUFFIX)
        try:
            with part.open("rb") as src, beside.open("wb") as dst:
                while block := src.read(1 << 20):
                    dst.write(block)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(beside, out)
        finally:
            with contextlib.suppress(FileNotFoundError):
                beside.unlink()
