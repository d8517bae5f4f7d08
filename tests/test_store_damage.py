"""A damaged, emptied or half-made store is told plainly and never written into (issue 14,
points 4 and 15): what the agent sees in the CLI, and what stays on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.store import database
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.errors import StoreCorrupt, StoreDamaged
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.import_export import save_many

from .conftest import AGENT, PASSPHRASE, TODAY, make_submission
from .test_cli import jisr

EXIT_DAMAGED = 6


def _cut_to_zero(folder: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (folder / f"store.db{suffix}").unlink(missing_ok=True)
    (folder / "store.db").write_bytes(b"")


def test_an_emptied_store_is_refused_not_recreated(store, store_dir):
    store.close()
    _cut_to_zero(store_dir)
    with pytest.raises(StoreDamaged):
        Store.open(store_dir, AGENT, PASSPHRASE)
    assert (store_dir / "store.db").stat().st_size == 0  # nothing wrote a fresh schema


def test_a_store_cut_mid_page_or_left_in_clear_is_refused(store, store_dir):
    store.close()
    path = store_dir / "store.db"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 100])
    with pytest.raises(StoreDamaged):
        Store.open(store_dir, AGENT, PASSPHRASE)
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4080)
    with pytest.raises(StoreCorrupt) as info:
        Store.open(store_dir, AGENT, PASSPHRASE)
    assert info.value.code == "store_corrupt"


def _damage_last_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for start in range(len(data) - 3 * 4096, len(data), 4096):
        data[start + 200 : start + 300] = os.urandom(100)
    path.write_bytes(bytes(data))


def _store_with_records(store, definitions, n: int) -> None:
    rows = generate(n, 7, today=TODAY, agent=AGENT)
    report = save_many(Repository(store), definitions,
                       ((i + 1, row) for i, row in enumerate(rows)), today=TODAY)
    assert report.to_dict()["saved"] == n


def test_a_damaged_page_found_later_stops_every_write(store, store_dir, definitions,
                                                      monkeypatch):
    _store_with_records(store, definitions, 40)
    store.close()
    _damage_last_pages(store_dir / "store.db")
    # As on a large store whose quick check at open runs out of time before the damage:
    monkeypatch.setattr(database, "quick_check", lambda _engine, seconds=0.0: False)
    opened = Store.open(store_dir, AGENT, PASSPHRASE)
    assert not opened.checked_in_full
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises(StoreDamaged), opened.engine.connect() as conn:  # a read meets the page
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            conn.exec_driver_sql(f'SELECT * FROM "{table}"').fetchall()
    with pytest.raises(StoreDamaged):  # refused from now on, before touching the file
        enrol(Repository(opened), definitions, make_submission(cin="ZZ999999"), today=TODAY)
    opened.close()
    assert (store_dir / "store.db").read_bytes() == before


def test_the_full_check_finds_what_the_quick_one_had_no_time_for(store, store_dir, definitions,
                                                                 monkeypatch):
    _store_with_records(store, definitions, 40)
    store.close()
    _damage_last_pages(store_dir / "store.db")
    monkeypatch.setattr(database, "quick_check", lambda _engine, seconds=0.0: False)
    opened = Store.open(store_dir, AGENT, PASSPHRASE)
    assert any("HMAC" in p for p in opened.full_check())
    with pytest.raises(StoreDamaged):
        Repository(opened).stats()
    opened.close()


def test_cli_tells_of_an_emptied_store_with_its_own_exit_code(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    _cut_to_zero(folder)
    form = tmp_path / "one.json"
    form.write_text(json.dumps(make_submission(), ensure_ascii=False), encoding="utf-8")
    for command in (["stats"], ["enrol", str(form)]):
        done = jisr(folder, *command)
        assert done.returncode == EXIT_DAMAGED, done.stderr
        assert done.stdout == ""  # never {"total": 0}
        assert "endommagé" in done.stderr and "sauvegarde" in done.stderr
        assert "Traceback" not in done.stderr
    assert (folder / "store.db").stat().st_size == 0


def test_cli_check_finds_a_damaged_page(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    assert json.loads(jisr(folder, "check").stdout) == {"ok": True, "problems": 0}
    _damage_last_pages(folder / "store.db")
    done = jisr(folder, "check")
    assert done.returncode == EXIT_DAMAGED and "Traceback" not in done.stderr


def test_a_lost_store_file_is_not_mistaken_for_no_store(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    (folder / "store.db").unlink()
    done = jisr(folder, "stats")
    assert done.returncode == EXIT_DAMAGED and "store.db" in done.stderr
    assert "init" not in done.stderr  # not "create one with init"
    again = jisr(folder, "init", "--agent", AGENT, "--province", "07.351")
    assert again.returncode != 0 and not (folder / "store.db").exists()


KILL_DURING_CREATE = """
import os, signal, sys
from pathlib import Path
from jisr_desktop.models.store.database import Store
Store.create(Path(sys.argv[1]), "Amina Agent", "irrelevant passphrase here",
             province_code="07.351", setup=lambda s: os.kill(os.getpid(), signal.SIGKILL))
"""


def test_an_init_killed_half_way_leaves_no_dead_end(tmp_path):
    folder = tmp_path / "data"
    killed = subprocess.run([sys.executable, "-c", KILL_DURING_CREATE, str(folder)],
                            capture_output=True, timeout=120)
    assert killed.returncode == -9 and (folder / "store.db").exists()
    done = jisr(folder, "stats")
    assert done.returncode == 1 and "init" in done.stderr  # "no store yet: run init"
    done = jisr(folder, "init", "--agent", AGENT, "--province", "07.351")
    assert done.returncode == 0, done.stderr
    assert json.loads(jisr(folder, "stats").stdout)["total"] == 0
    assert any(p.name.startswith("store.db.unfinished-") for p in folder.iterdir())
