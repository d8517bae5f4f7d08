"""The headless command line, run as a real subprocess against a real store."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .conftest import AGENT, PASSPHRASE, make_submission


def jisr(data_dir: Path, *args: str, passphrase: str = PASSPHRASE, lang: str = "fr",
         stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISR_")}
    env.update(JISR_DATA_DIR=str(data_dir), JISR_PASSPHRASE=passphrase, JISR_LANG=lang)
    return subprocess.run([sys.executable, "-m", "jisr_desktop", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def cli_store(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    done = jisr(folder, "init", "--agent", AGENT, "--province", "07.351")
    assert done.returncode == 0, done.stderr
    return folder


def _write(path: Path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_enrol_prints_score_explanation_category_and_orientation(cli_store, tmp_path):
    done = jisr(cli_store, "enrol", _write(tmp_path / "f.json", make_submission()))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["saved"] and len(result["id"]) == 36
    score = result["score"]
    # widowed 15 + head of household 10 + no coverage 8 + household of 6: 4 + no income 8 = 45;
    # idea 8 + experience 1_5: 5 + primary 2 = 15; total 60, readiness 15 >= 10: category 1.
    assert score["total"] == 60 and score["category"] == 1
    by_id = {c["id"]: c for c in score["criteria"]}
    assert by_id["social_status"]["points"] == 15
    assert by_id["social_status"]["answer"] == "widowed"
    assert by_id["social_status"]["rationale"]  # the "why", in French here
    assert result["orientation"]["path"] == "entrepreneurship_cooperative"
    assert result["orientation"]["destination"] == "incubating_association"
    assert result["duplicates"] == []

    shown = json.loads(jisr(cli_store, "show", result["id"]).stdout)
    assert shown["answers"]["phone"] == "+212612345678"
    assert shown["answers"]["cin"] == "EE123456"
    assert [h["action"] for h in shown["history"]] == ["create"]

    again = jisr(cli_store, "enrol", _write(tmp_path / "g.json", make_submission()))
    assert again.returncode == 3
    assert json.loads(again.stdout)["duplicates"][0]["reasons"][0] == "same_cin"


def test_invalid_input_names_each_field_and_saves_nothing(cli_store, tmp_path):
    bad = make_submission(household_size="many", date_of_birth="2030-01-01", province="01.511")
    bad.pop("last_name_ar")
    done = jisr(cli_store, "enrol", _write(tmp_path / "bad.json", bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    for name in ("household_size", "date_of_birth", "last_name_ar", "province"):
        assert name in done.stderr, name
    errors = json.loads(done.stdout)["errors"]
    assert set(errors) == {"household_size", "date_of_birth", "last_name_ar", "province"}
    assert json.loads(jisr(cli_store, "stats").stdout)["total"] == 0

    arabic = jisr(cli_store, "enrol", str(tmp_path / "bad.json"), lang="ar")
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic.stderr)


def test_wrong_passphrase_is_a_message_not_a_traceback(cli_store):
    done = jisr(cli_store, "stats", passphrase="wrong")
    assert done.returncode == 4
    assert "Traceback" not in done.stderr
    assert "passphrase" in done.stderr.lower() or "phrase" in done.stderr.lower()


def test_search_and_stats(cli_store, tmp_path):
    jisr(cli_store, "enrol", _write(tmp_path / "f.json", make_submission()))
    hits = json.loads(jisr(cli_store, "search", "fatima zahra").stdout)
    assert [h["name_lat"] for h in hits] == ["Fatima-Zahra Bennani"]
    stats = json.loads(jisr(cli_store, "stats").stdout)
    assert stats["total"] == 1 and stats["social_status"] == {"widowed": 1}
    assert stats["outbox_pending"] == 1


def test_json_export_import_round_trip_loses_nothing(cli_store, tmp_path):
    assert jisr(cli_store, "demo-data", "--count", "150", "--seed", "7").returncode == 0
    out = tmp_path / "all.json"
    assert jisr(cli_store, "export", "--format", "json", "--out", str(out)).returncode == 0
    exported = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert len(exported) == 150

    fresh = tmp_path / "fresh"
    assert jisr(fresh, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    done = jisr(fresh, "import", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["saved"] == 150
    out2 = tmp_path / "again.json"
    jisr(fresh, "export", "--format", "json", "--out", str(out2))
    again = json.loads(out2.read_text(encoding="utf-8"))["records"]
    key = lambda r: r["id"]  # noqa: E731
    assert [(r["id"], r["answers"]) for r in sorted(again, key=key)] == \
        [(r["id"], r["answers"]) for r in sorted(exported, key=key)]

    # Importing the same file again duplicates nothing.
    twice = json.loads(jisr(fresh, "import", str(out)).stdout)
    assert twice["saved"] == 0 and twice["unchanged"] == 150

    # One exported record read back by `enrol` updates that record instead of adding one.
    one = _write(tmp_path / "one.json", exported[0])
    assert jisr(fresh, "enrol", one).returncode == 0
    assert json.loads(jisr(fresh, "stats").stdout)["total"] == 150


def test_csv_import_reports_bad_rows_by_line_and_keeps_the_others(cli_store, tmp_path):
    rows = [make_submission(cin=f"AB{i}", phone=None) for i in range(3)]
    rows[1]["household_size"] = "-3"
    path = tmp_path / "in.csv"
    fields = sorted({k for r in rows for k in r})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: " ".join(v) if isinstance(v, list) else v for k, v in r.items()})
    done = jisr(cli_store, "import", str(path))
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["saved"] == 2 and report["rejected_lines"] == [3]
    assert "line 3" in done.stderr or "ligne 3" in done.stderr
    assert "household_size" in done.stderr


def test_csv_and_xlsx_export(cli_store, tmp_path):
    jisr(cli_store, "demo-data", "--count", "20", "--seed", "3")
    csv_out, xlsx_out = tmp_path / "r.csv", tmp_path / "r.xlsx"
    assert jisr(cli_store, "export", "--format", "csv", "--out", str(csv_out)).returncode == 0
    with csv_out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 20 and {"id", "cin", "region", "score_total"} <= set(rows[0])
    assert jisr(cli_store, "export", "--format", "xlsx", "--out", str(xlsx_out)).returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx_out)["registrations"]
    assert sheet.max_row == 22  # labels, field names, 20 records


def test_nothing_readable_on_disk_after_cli_work_logs_included(cli_store, tmp_path):
    good = _write(tmp_path / "f.json", make_submission())
    assert jisr(cli_store, "enrol", good).returncode == 0
    assert jisr(cli_store, "enrol", good).returncode == 3  # the duplicate path logs too
    bad = _write(tmp_path / "b.json", make_submission(cin="QX 778899", household_size="x"))
    assert jisr(cli_store, "enrol", bad).returncode == 2
    jisr(cli_store, "search", "Bennani")
    assert (cli_store / "logs" / "jisr.log").stat().st_size > 0
    secrets = ["Bennani", "بناني", "فاطمة", "EE123456", "QX778899", "612345678", "12 34 56"]
    for path in cli_store.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert [s for s in secrets if s.encode() in raw] == [], path.name


def test_selftest_checks_store_fonts_card_and_form(tmp_path):
    """The same command the installer bundle runs in CI: every check must pass and say so."""
    result = jisr(tmp_path / "data", "selftest")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    for check in ("definitions", "store", "translations", "fonts", "card", "form"):
        assert report[check]["ok"], (check, report[check])
    assert report["ok"] is True


def test_only_an_admin_creates_an_admin_and_codes_are_checked(tmp_path):
    folder = tmp_path / "data"
    done = jisr(folder, "init", "--agent", "Naima", "--province", "07.351", "--role",
                "supervisor")
    assert done.returncode == 0, done.stderr

    def add(*args: str, new: str = "une phrase assez longue 42"):
        # The new agent's passphrase comes on stdin (no terminal), the store's from the env.
        return jisr(folder, "--agent", "Naima", "add-agent", *args, stdin=new + "\n")

    refused = add("Boss", "--role", "admin")
    assert refused.returncode == 2 and "administrateur" in refused.stderr
    god = add("Khadija", "--role", "god")
    assert god.returncode == 2 and "field_agent" in god.stderr
    assert "Unexpected" not in god.stderr and "inattendue" not in god.stderr
    nowhere = add("Khadija", "--province", "99.999")
    assert nowhere.returncode == 2 and "99.999" in nowhere.stderr
    weak = add("Khadija", new="1")
    assert weak.returncode == 2 and "trop courte" in weak.stderr
    ok = add("Khadija")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"agent": "Khadija", "role": "field_agent",
                                     "province": "07.351"}
    # Refused attempts added no one: only the supervisor and Khadija can unlock.
    assert json.loads((folder / "keyring.json").read_text())["agents"][1]["agent"] == "Khadija"
    assert len(json.loads((folder / "keyring.json").read_text())["agents"]) == 2


def test_a_weak_passphrase_is_refused_at_init(tmp_path):
    done = jisr(tmp_path / "data", "init", "--agent", AGENT, "--province", "07.351",
                passphrase="x")
    assert done.returncode == 2 and "trop courte" in done.stderr
    assert not (tmp_path / "data" / "keyring.json").exists()


def test_enrol_with_an_id_of_the_wrong_type_is_a_message(cli_store, tmp_path):
    done = jisr(cli_store, "enrol", _write(tmp_path / "f.json", dict(make_submission(), id=7)))
    assert done.returncode == 2 and "UUID" in done.stderr
    assert json.loads(jisr(cli_store, "stats").stdout)["total"] == 0


def test_enrol_and_import_refuse_an_id_that_is_not_a_uuid(cli_store, tmp_path):
    # The server takes only UUIDs (issue 14, point 9): a 37-character id saved here would
    # sit in the outbox for ever and hold back every later op of the device.
    long_id = str(uuid.uuid4()) + "x"
    done = jisr(cli_store, "enrol", _write(tmp_path / "f.json", dict(make_submission(),
                                                                      id=long_id)))
    assert done.returncode == 2 and "UUID" in done.stderr
    rows = [dict(make_submission(cin="AB123456"), id=str(uuid.uuid4())),
            dict(make_submission(cin="AB123457"), id=str(uuid.uuid4()).upper()),
            dict(make_submission(cin="AB123458"), id="femme-1")]
    done = jisr(cli_store, "import", _write(tmp_path / "rows.json", rows))
    report = json.loads(done.stdout)
    assert done.returncode == 2 and report["saved"] == 1 and report["rejected_lines"] == [2, 3]
    out = tmp_path / "out.json"
    assert jisr(cli_store, "export", "--format", "json", "--out", str(out)).returncode == 0
    saved = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert [r["id"] for r in saved] == [rows[0]["id"]]


def test_an_agent_name_with_control_characters_is_refused(tmp_path):
    done = jisr(tmp_path / "data", "init", "--agent", "Amina\x1b[2J", "--province", "07.351")
    assert done.returncode == 2 and "\x1b" not in done.stderr
    assert not (tmp_path / "data" / "keyring.json").exists()


def test_enrol_with_an_existing_id_replaces_nothing_and_says_why(cli_store, tmp_path):
    made = jisr(cli_store, "enrol", _write(tmp_path / "f.json", make_submission()))
    first = json.loads(made.stdout)
    other = dict(make_submission(first_name_lat="Khadija", cin="AB998877"), id=first["id"])
    done = jisr(cli_store, "enrol", _write(tmp_path / "g.json", other))
    assert done.returncode == 2 and "Unexpected" not in done.stderr
    assert "identifiant" in done.stderr and "rien n'a été enregistré" in done.stderr
    shown = json.loads(jisr(cli_store, "show", first["id"]).stdout)
    assert shown["answers"]["cin"] == "EE123456"  # Fatima's record is still hers
