"""Import and export of registrations: CSV, XLSX (export only) and JSON.

What `export --format json` writes, `import` and `enrol` read back with nothing lost:
the record ids travel with the answers, so a round trip neither loses nor duplicates.
A bad row is reported with its line number and does not stop or spoil the others.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jisr_desktop.models.programme.definitions import DefinitionSet, localized
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.store.database import utcnow
from jisr_desktop.models.store.repository import Derived, Repository
from jisr_desktop.models.workflows.enrolment import derived_from, evaluate

EXPORT_FORMAT = "jisr-export"
EXPORT_FORMAT_VERSION = 1
LANGS = ("ar", "fr", "zgh")
# Columns that describe a record rather than answer the form.
META_COLUMNS = ("id", "status", "eligible", "category", "score_total", "updated_at")


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

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "saved": self.saved,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected_lines),
            "rejected_lines": self.rejected_lines,
            "problems": [
                {"line": p.line, "field": p.field, "message": p.render(lang)} for p in self.problems
            ],
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
    """Validate, score and save numbered rows; rows with an `id` update that record."""
    form = from_definition(defs.form)
    reference = load_reference()
    report = TransferReport()
    seen_cins: set[str] = set()

    def accepted() -> Iterator[tuple[Mapping[str, Any], Derived, str | None]]:
        for line, row in rows:
            record_id, submission = _split(row)
            evaluation = evaluate(defs, submission, today=today, reference=reference)
            if not evaluation.validation.ok:
                report.rejected_lines.append(line)
                report.problems.extend(
                    RowProblem(line, issue.field, _all_langs(issue.message, form))
                    for issue in evaluation.validation.errors
                )
                continue
            answers = evaluation.validation.answers
            existing = repo.get(record_id) if record_id else None
            if existing is not None and existing.answers == answers:
                report.unchanged += 1
                continue
            if existing is None and _duplicate_cin(repo, answers, record_id, seen_cins):
                report.rejected_lines.append(line)
                report.problems.append(RowProblem(line, "cin", form.messages["duplicate_cin"]))
                continue
            if existing is None:
                report.saved += 1
            else:
                report.updated += 1
            # A row naming an existing record edits the version it names (an export's
            # `version`); without one it is a creation, which the store refuses.
            base = row.get("version") if existing is not None else None
            yield answers, derived_from(evaluation), record_id, base

    repo.bulk_save(accepted(), form=defs.form, action="import", chunk=chunk)
    return report


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


def read_rows(path: Path, form: Form) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        yield from _read_json(path)
    elif suffix == ".csv":
        yield from _read_csv(path, form)
    else:
        raise ValueError(f"{path.name}: only .csv and .json can be imported")


def _read_json(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    items = data.get("records", []) if isinstance(data, dict) else data
    # JSON has no line per row: number the items from 1 in the order they appear.
    for index, item in enumerate(items, start=1):
        yield index, item if isinstance(item, dict) else {}


def _read_csv(path: Path, form: Form) -> Iterator[tuple[int, dict[str, Any]]]:
    multiple = {f.name for f in form.fields if f.type == "select_multiple"}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            values: dict[str, Any] = {}
            for key, value in row.items():
                if key is None or value is None or value == "":
                    continue
                values[key] = value.split() if key in multiple else value
            yield reader.line_num, values


def import_file(
    repo: Repository, defs: DefinitionSet, path: Path, *, today: date | None = None
) -> TransferReport:
    form = from_definition(defs.form)
    return save_many(repo, defs, read_rows(path, form), today=today)


# -- writing ------------------------------------------------------------------------------------


def export_file(
    repo: Repository, defs: DefinitionSet, out: Path, fmt: str, *, lang: str = "fr"
) -> int:
    form = from_definition(defs.form)
    if fmt == "json":
        return _write_json(repo, defs, out)
    columns = list(META_COLUMNS) + [f.name for f in form.fields if f.type != "note"]
    rows = (_flat_row(rec, columns) for rec in repo.iter_records())
    if fmt == "csv":
        return _write_csv(out, columns, rows)
    if fmt == "xlsx":
        labels = [
            localized(form.field(c).label, lang) if c not in META_COLUMNS else c for c in columns
        ]
        return _write_xlsx(out, columns, labels, rows)
    raise ValueError(fmt)


def _flat_row(rec, columns: list[str]) -> list[Any]:
    meta = {
        "id": rec.id,
        "status": rec.status,
        "eligible": rec.eligible,
        "category": rec.category,
        "score_total": rec.score_total,
        "updated_at": rec.updated_at,
    }
    out = []
    for c in columns:
        value = meta[c] if c in meta else rec.answers.get(c)
        out.append(" ".join(value) if isinstance(value, list) else value)
    return out


def _write_json(repo: Repository, defs: DefinitionSet, out: Path) -> int:
    count = 0
    # Written record by record: 100,000 records need not sit in memory as one list.
    with out.open("w", encoding="utf-8") as fh:
        header = {
            "format": EXPORT_FORMAT,
            "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": utcnow(),
            "definitions": defs.versions(),
        }
        fh.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "records": [\n')
        for rec in repo.iter_records():
            item = {
                "id": rec.id,
                "version": rec.version,
                "status": rec.status,
                "form": {"id": rec.form_id, "version": rec.form_version},
                "created_at": rec.created_at,
                "updated_at": rec.updated_at,
                "agent": rec.agent,
                "answers": rec.answers,
                "evaluation": rec.evaluation,
            }
            fh.write(("," if count else "") + json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
        fh.write("]}\n")
    return count


def _write_csv(out: Path, columns: list[str], rows: Iterable[list[Any]]) -> int:
    count = 0
    # utf-8-sig: Excel on Windows then shows Arabic rather than mojibake.
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _write_xlsx(out: Path, columns: list[str], labels: list[str], rows: Iterable[list[Any]]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("registrations")
    sheet.append(labels)
    sheet.append(columns)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(out)
    return count
