"""The encrypted store: keys per agent, wrong passphrases, nothing readable on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.errors import StoreCorrupt, StoreExists, StoreLocked, StoreMissing
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import AGENT, PASSPHRASE, TODAY


def test_reopen_with_the_right_passphrase_finds_the_data(store, store_dir, definitions,
                                                         submission):
    outcome = enrol(Repository(store), definitions, submission, today=TODAY)
    assert outcome.saved
    store.close()
    with Store.open(store_dir, AGENT, PASSPHRASE) as again:
        assert Repository(again).get(outcome.record.id).answers["last_name_lat"] == "Bennani"


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(store, store_dir):
    store.close()
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises(StoreLocked) as info:
        Store.open(store_dir, AGENT, "not the passphrase")
    assert info.value.code == "wrong_passphrase"
    assert (store_dir / "store.db").read_bytes() == before
    with pytest.raises(StoreLocked) as info:
        Store.open(store_dir, "Nobody", PASSPHRASE)
    assert info.value.code == "unknown_agent"


def test_two_agents_open_the_same_store_with_their_own_passphrases(store, store_dir):
    store.add_agent("Khadija", "autre-phrase", "field_agent", "07.351")
    store.close()
    with Store.open(store_dir, "Khadija", "autre-phrase") as s:
        assert s.account().role == "field_agent"
        assert s.meta("home_province") == "07.351"
    with pytest.raises(StoreLocked):
        Store.open(store_dir, "Khadija", PASSPHRASE)


def test_no_name_cin_or_phone_readable_on_disk(store, store_dir, definitions, submission):
    repo = Repository(store)
    assert enrol(repo, definitions, submission, today=TODAY).saved
    repo.save_draft(None, definitions.form, {"first_name_lat": "Zineb", "cin": "QZ998877"})
    secrets = ["Bennani", "بناني", "فاطمة", "EE123456", "612345678", "Zineb", "QZ998877"]

    def leaked() -> list[str]:
        found = []
        for path in store_dir.iterdir():
            raw = path.read_bytes()
            found += [f"{path.name}:{s}" for s in secrets if s.encode() in raw]
        return found

    # While the store is open (WAL and shared-memory files present) and after closing.
    assert leaked() == []
    store.close()
    assert leaked() == []
    assert not (store_dir / "store.db").read_bytes().startswith(b"SQLite format 3")


def test_plain_sqlite_cannot_read_the_file(store, store_dir):
    store.close()
    conn = sqlite3.connect(store_dir / "store.db")
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM records").fetchall()
    conn.close()


def test_wal_and_full_sync_so_a_power_cut_keeps_committed_rows(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_damaged_store_file_is_reported_not_a_traceback(store, store_dir):
    store.close()
    path = store_dir / "store.db"
    data = bytearray(path.read_bytes())
    data[:4096] = b"\x00" * 4096
    path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        Store.open(store_dir, AGENT, PASSPHRASE)


def test_create_refuses_to_overwrite_and_open_needs_a_store(store, store_dir, tmp_path: Path):
    with pytest.raises(StoreExists):
        Store.create(store_dir, AGENT, PASSPHRASE)
    with pytest.raises(StoreMissing):
        Store.open(tmp_path / "empty", AGENT, PASSPHRASE)


def test_every_connection_syncs_in_full_the_rescoring_writers_too(store, definitions):
    repo = Repository(store)
    connections = [store.engine.connect() for _ in range(3)]  # several pool connections
    try:
        for conn in connections:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        for conn in connections:
            conn.close()
    versions = definitions.versions()
    with repo.derived_rewrite(("cin",), versions=versions, chunk=100) as rewrite:
        cur = rewrite._raw.cursor()
        assert cur.execute("PRAGMA synchronous").fetchone()[0] == 2
        cur.close()
