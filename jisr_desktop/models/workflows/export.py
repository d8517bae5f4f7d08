"""Export of registrations: CSV, XLSX and JSON, record by record (100,000 records never
sit in memory as one list). What `export --format json` writes, `import` reads back with
nothing lost (import_export.py). Exports are written through the data folder's private
tmp/ (file_io.py) and their text cells cannot start a formula.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jisr_desktop.models.programme.definitions import DefinitionSet, localized
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.store.database import utcnow
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.file_io import neutralise, written_through_tmp, xml_safe

EXPORT_FORMAT = "jisr-export"
EXPORT_FORMAT_VERSION = 1
# Columns that describe a record rather than answer the form.
META_COLUMNS = ("id", "status", "eligible", "category", "score_total", "updated_at")


def export_file(
    repo: Repository, defs: DefinitionSet, out: Path, fmt: str, *, lang: str = "fr"
) -> int:
    if fmt not in ("json", "csv", "xlsx"):
        raise ValueError(fmt)
    form = from_definition(defs.form)
    columns = list(META_COLUMNS) + [f.name for f in form.fields if f.type != "note"]
    rows = (_flat_row(rec, columns) for rec in repo.iter_records())
    with written_through_tmp(repo.store.folder, out) as part:
        if fmt == "json":
            return _write_json(repo, defs, part)
        if fmt == "csv":
            return _write_csv(part, columns, rows)
        labels = [
            localized(form.field(c).label, lang) if c not in META_COLUMNS else c for c in columns
        ]
        return _write_xlsx(part, columns, labels, rows)


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
            writer.writerow(["" if v is None else neutralise(v) for v in row])
            count += 1
    return count


def _write_xlsx(out: Path, columns: list[str], labels: list[str], rows: Iterable[list[Any]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet import _writer

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("registrations")
    # openpyxl's write-only sheets stream through a file it makes in the system's temporary
    # folder (openpyxl.*, names and CINs in clear, left behind if the export is killed).
    # Give it one in the private tmp/ instead, beside `out`, removed with it on any failure.
    # A private API (openpyxl is pinned <4); tests/test_export_safety.py would catch a change.
    sheet_part = out.with_name(out.name + ".sheet.xml" + ".partial")
    _writer.ALL_TEMP_FILES.append(str(sheet_part))
    sheet._writer = _writer.WorksheetWriter(sheet, out=str(sheet_part))
    sheet._writer.write_top()
    count = 0
    try:
        sheet.append(labels)
        sheet.append(columns)
        for row in rows:
            sheet.append([_text_cell(sheet, v, WriteOnlyCell) for v in row])
            count += 1
        workbook.save(out)
    except BaseException:
        with contextlib.suppress(Exception):  # close openpyxl's stream before its file goes
            sheet.close()
        raise
    finally:
        sheet_part.unlink(missing_ok=True)
    return count


def _text_cell(sheet, value: Any, cell_type) -> Any:
    """Strings as text cells: openpyxl would make `=HYPERLINK(…)` a live formula."""
    if not isinstance(value, str):
        return value
    cell = cell_type(sheet, value=None)
    cell.value = xml_safe(value)
    cell.data_type = "s"
    return cell
