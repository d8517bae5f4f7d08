"""Import of registrations from CSV/TSV and JSON; their export (CSV, XLSX, JSON) is in
`export.py`.

What `export --format json` writes, `import` and `enrol` read back with nothing lost:
the record ids travel with the answers, so a round trip neither loses nor duplicates.
A bad row is reported with its line number and does not stop or spoil the others. Rows
are committed a chunk at a time; if the store fails part-way, `ImportStopped` carries the
report of exactly what was committed. Exports are written through the data folder's
private tmp/ (file_io.py) and their text cells cannot start a formula.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jisr_desktop.models.programme.decisions import is_uuid
from jisr_desktop.models.programme.definitions import DefinitionSet, localized
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.store.repository import Derived, Repository
from jisr_desktop.models.workflows.enrolment import derived_from, evaluate
from jisr_desktop.models.workflows.export import META_COLUMNS
from jisr_desktop.models.workflows.file_io import (
    FileProblem,
    decode_text,
    load_json,
    restore,
)

log = logging.getLogger(__name__)

LANGS = ("ar", "fr", "zgh")


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    texts: Mapping[str, str]  # the message in every language

    def render(self, lang: str) -> str:
        return localized(self.texts, lang)


@dataclass
class TransferReport:
    saved: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_lines: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Set when the store failed part-way: the first line that was not committed.
    stopped_at_line: int | None = None

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        data = {
            "saved": self.saved,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected_lines),
            "rejected_lines": self.rejected_lines,
            "problems": [
                {"line": p.line, "field": p.field, "message": p.render(lang)} for p in self.problems
            ],
        }
        if self.stopped_at_line is not None:
            data["stopped_at_line"] = self.stopped_at_line
        return data


class ImportStopped(Exception):
    """The store failed part-way; `report` counts only what was committed before."""

    def __init__(self, report: TransferReport) -> None:
        super().__init__(f"stopped at line {report.stopped_at_line}")
        self.report = report


# Row-level problems found before validation (shown like validation's, in every language).
ROW_MESSAGES = {
    "bad_id": {
        "ar": "معرّف الملف يجب أن يكون نصا (معرّف UUID)؛ لم يُحفظ هذا السطر.",
        "fr": "L'identifiant doit être un texte (un UUID) ; cette ligne n'a pas été enregistrée.",
        "zgh": "ⴰⵙⵖⵍ ⵉⵇⵇⴰⵏ ⴰⴷ ⵢⵉⵍⵉ ⴷ ⴰⴹⵔⵉⵙ (UUID); ⵓⵔ ⵉⵜⵜⵓⵃⴹⴰ ⵓⵣⵔⵉⵔⴰ ⴰ.",
    },
    "bad_row": {
        "ar": "هذا السطر ليس تسجيلا (يلزم كائن JSON أو سطر CSV)؛ لم يُحفظ.",
        "fr": "Cette ligne n'est pas une inscription (objet JSON ou ligne CSV attendu) ; "
              "elle n'a pas été enregistrée.",
        "zgh": "ⴰⵣⵔⵉⵔⴰ ⴰ ⵓⵔ ⴷ ⴰⵣⵎⵎⴻⵎ (ⵉⵇⵇⴰⵏ ⵓⵙⵏⵓⵍⴼⵓ JSON ⵏⵖ ⴰⵣⵔⵉⵔⴰ CSV); ⵓⵔ ⵉⵜⵜⵓⵃⴹⴰ.",
    },
    # A creation never overwrites a woman's record: an edit names the version it edits.
    "record_exists": {
        "ar": "هذا السطر يحمل معرّف تسجيل موجود دون رقم نسخته؛ لم يُحفظ (للتعديل: أضف عمود version).",
        "fr": "Cette ligne porte l'identifiant d'une inscription existante sans sa version ; "
              "elle n'a pas été enregistrée (pour la modifier, ajoutez la colonne version).",
        "zgh": "ⴰⵣⵔⵉⵔⴰ ⴰ ⵖⵓⵔⵙ ⴰⵙⵖⵍ ⵏ ⵓⵣⵎⵎⴻⵎ ⵍⵍⵉ ⵉⵍⵍⴰⵏ ⴱⵍⴰ ⵜⴰⵏⵙⵍⵜ ⵏⵏⵙ; ⵓⵔ ⵉⵜⵜⵓⵃⴹⴰ (version).",
    },
    "stale_version": {
        "ar": "نسخة هذا التسجيل تغيّرت منذ التصدير؛ لم يُحفظ هذا السطر (صدّر من جديد ثم عدّل).",
        "fr": "Cette inscription a changé depuis l'export ; la ligne n'a pas été enregistrée "
              "(exportez à nouveau, puis modifiez).",
        "zgh": "ⵉⵜⵜⵓⵙⵏⴼⵍ ⵓⵣⵎⵎⴻⵎ ⴰ ⵙⴳ ⵓⵙⵙⵓⴼⵖ; ⵓⵔ ⵉⵜⵜⵓⵃⴹⴰ ⵓⵣⵔⵉⵔⴰ ⴰ.",
    },
}


def _all_langs(message, form: Form) -> dict[str, str]:
    return {lang: message.render(form.messages, lang) for lang in LANGS}


def save_many(
    repo: Repository,
    defs: DefinitionSet,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    today: date | None = None,
    chunk: int = 1000,
) -> TransferReport:
    """Validate, score and save numbered rows; rows with an `id` update that record.
    Committed `chunk` rows at a time; a store failure raises ImportStopped whose report
    counts only what was committed."""
    form = from_definition(defs.form)
    reference = load_reference()
    report = TransferReport()
    seen_cins: set[str] = set()
    pending: list[tuple[Mapping[str, Any], Derived, str | None]] = []
    counts = {"saved": 0, "updated": 0, "first": 0}

    def commit() -> None:
        try:
            repo.bulk_save(pending, form=defs.form, action="import", chunk=len(pending) + 1)
        except Exception as exc:
            log.error("import stopped at line %s", counts["first"], exc_info=exc)
            report.stopped_at_line = counts["first"]
            raise ImportStopped(report) from exc
        report.saved += counts["saved"]
        report.updated += counts["updated"]
        pending.clear()
        counts.update(saved=0, updated=0)

    for line, row in rows:
        judged = _judge(repo, defs, form, reference, line, row, report, seen_cins, today)
        if judged is None:
            continue
        verb, item = judged
        if not pending:
            counts["first"] = line
        pending.append(item)
        counts[verb] += 1
        if len(pending) >= chunk:
            commit()
    if pending:
        commit()
    return report


def _judge(repo, defs, form, reference, line, row, report, seen_cins, today):
    """One row: None when rejected or unchanged (the report says which), else what to save."""
    if not isinstance(row, Mapping):
        return _reject(report, line, "row", ROW_MESSAGES["bad_row"])
    record_id, submission = _split(row)
    if record_id is not None and not is_uuid(record_id):
        # The server takes only UUIDs: any other id would stay in the outbox for ever.
        return _reject(report, line, "id", ROW_MESSAGES["bad_id"])
    evaluation = evaluate(defs, submission, today=today, reference=reference)
    if not evaluation.validation.ok:
        report.rejected_lines.append(line)
        report.problems.extend(
            RowProblem(line, issue.field, _all_langs(issue.message, form))
            for issue in evaluation.validation.errors
        )
        return None
    answers = evaluation.validation.answers
    existing = repo.get(record_id) if record_id else None
    if existing is not None and existing.answers == answers:
        report.unchanged += 1
        return None
    if existing is None and _duplicate_cin(repo, answers, record_id, seen_cins):
        return _reject(report, line, "cin", form.messages["duplicate_cin"])
    verb = "saved" if existing is None else "updated"
    # A row naming an existing record edits the version it names (an export's `version`);
    # without one it is a creation, which the store refuses.
    base = _version(row.get("version")) if existing is not None else None
    if existing is not None and base is None:
        return _reject(report, line, "id", ROW_MESSAGES["record_exists"])
    if existing is not None and base != existing.version:
        return _reject(report, line, "version", ROW_MESSAGES["stale_version"])
    return verb, (answers, derived_from(evaluation), record_id, base)


def _version(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _reject(report: TransferReport, line: int, field_name: str, texts) -> None:
    report.rejected_lines.append(line)
    report.problems.append(RowProblem(line, field_name, texts))
    return None


def _duplicate_cin(
    repo: Repository, answers: Mapping[str, Any], record_id: str | None, seen: set[str]
) -> bool:
    cin = normalize_cin(str(answers.get("cin") or ""))
    if not cin:
        return False
    if cin in seen:
        return True
    seen.add(cin)
    return any(
        "same_cin" in d.reasons for d in repo.duplicate_candidates(answers, exclude_id=record_id)
    )


def _split(row: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if isinstance(row.get("answers"), Mapping):
        return row.get("id") or None, dict(row["answers"])
    data = {k: v for k, v in row.items() if k not in META_COLUMNS}
    return (row.get("id") or None), data


# -- reading ------------------------------------------------------------------------------------


def read_rows(path: Path, form: Form) -> Iterator[tuple[int, Any]]:
    """Numbered rows of a .json, .csv or .tsv file; FileProblem when the file as a whole
    cannot be read (not found, not JSON, too deep, a wrong kind of file)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv", ".tsv"):
        raise FileProblem("wrong_kind", name=path.name)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise FileProblem("not_found", name=str(path)) from exc
    except OSError as exc:
        raise FileProblem("unreadable", name=str(path)) from exc
    if suffix == ".json":
        return _json_rows(load_json(data))
    return _csv_rows(decode_text(data), form, "\t" if suffix == ".tsv" else ",")


def _json_rows(data: Any) -> Iterator[tuple[int, Any]]:
    items = data.get("records", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FileProblem("not_a_list")
    # JSON has no line per row: number the items from 1 in the order they appear.
    return iter(list(enumerate(items, start=1)))


def _csv_rows(text: str, form: Form, delimiter: str) -> Iterator[tuple[int, dict[str, Any]]]:
    multiple = {f.name for f in form.fields if f.type == "select_multiple"}
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            values: dict[str, Any] = {}
            for key, value in row.items():
                if key is None or not isinstance(value, str) or value == "":
                    continue
                value = restore(value)
                values[key] = value.split() if key in multiple else value
            yield reader.line_num, values
    except csv.Error as exc:
        raise FileProblem("bad_csv", line=reader.line_num) from exc


def import_file(
    repo: Repository, defs: DefinitionSet, path: Path, *, today: date | None = None
) -> TransferReport:
    form = from_definition(defs.form)
    return save_many(repo, defs, read_rows(path, form), today=today)
