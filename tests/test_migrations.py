"""A store made by the first release is upgraded on open, and keeps every row."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from jisr_desktop.models.programme.normalize import normalize_name
from jisr_desktop.models.store import database as store_mod
from jisr_desktop.models.store import revisions
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.keyring import Keyring, new_store_key
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.store.schema import Base

from .conftest import AGENT, PASSPHRASE

OLD_RECORDS = [
    ("11111111-1111-4111-8111-111111111111", "أمينة", "العلوي", "Amina", "El Alaoui", "AB1234",
     "+212612345678"),
    ("22222222-2222-4222-8222-222222222222", "إيطو", "أوحمو", "Itto", "Ouhammou", "JK55667",
     "+212700112233"),
]


def _make_store_at_first_revision(folder: Path) -> None:
    folder.mkdir()
    key = new_store_key()
    engine = store_mod._make_engine(folder / store_mod.STORE_FILE, key)
    with engine.begin() as conn:
        command.upgrade(revisions.alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO meta VALUES ('store_id', 'old'), ('home_province', "
                          "'07.351')"))
        conn.execute(text("INSERT INTO accounts VALUES (:n, 'admin', '07.351', '2025-01-01', 1)"),
                     {"n": AGENT})
        for rid, fa, la, fl, ll, cin, phone in OLD_RECORDS:
            answers = {"first_name_ar": fa, "last_name_ar": la, "first_name_lat": fl,
                       "last_name_lat": ll, "cin": cin, "phone": phone, "consent": "yes"}
            conn.execute(text(
                "INSERT INTO records (id, status, form_id, form_version, answers, region_code, "
                "province_code, cin, phone, name_ar, name_lat, agent, created_at, updated_at, "
                "version, deleted) VALUES (:id, 'registered', 'jisr.registration', 1, :a, '07',"
                " '07.351', :cin, :phone, :nar, :nlat, :agent, '2025-01-01', '2025-01-01', 1, 0)"),
                {"id": rid, "a": json.dumps(answers, ensure_ascii=False), "cin": cin,
                 "phone": phone, "nar": normalize_name(f"{fa} {la}"),
                 "nlat": normalize_name(f"{fl} {ll}"), "agent": AGENT})
            conn.execute(text("INSERT INTO outbox (op_id, record_id, op, base_version, payload, "
                              "created_at, state) VALUES (:o, :r, 'upsert', 0, '{}', "
                              "'2025-01-01', 'pending')"), {"o": rid[::-1], "r": rid})
            conn.execute(text("INSERT INTO audit (at, agent, action, record_id) VALUES "
                              "('2025-01-01', :a, 'create', :r)"), {"a": AGENT, "r": rid})
    engine.dispose()
    Keyring(folder / store_mod.KEYRING_FILE).add(AGENT, PASSPHRASE, key)


def test_first_revision_store_is_upgraded_with_every_row(tmp_path: Path):
    folder = tmp_path / "old"
    _make_store_at_first_revision(folder)
    with Store.open(folder, AGENT, PASSPHRASE) as store:
        assert store.current_revision() == revisions.head_revision() != "0001"
        repo = Repository(store)
        assert repo.count() == 2
        assert repo.pending_outbox_count() == 2
        assert len(repo.audit_trail()) == 2
        assert store.meta("home_province") == "07.351"
        # The search index added by a later revision covers the records it found.
        assert [h.id for h in repo.search("امينه")] == [OLD_RECORDS[0][0]]
        assert [h.id for h in repo.search("ouhammou itto")] == [OLD_RECORDS[1][0]]
        assert [h.id for h in repo.search("0700112233")] == [OLD_RECORDS[1][0]]
        # Drafts, added later, work on the upgraded store.
        assert repo.drafts() == []


def test_the_migrations_build_exactly_the_tables_the_code_expects(store):
    with store.engine.connect() as conn:
        # The FTS5 table and its shadow tables are made by raw SQL and are not ORM models.
        context = MigrationContext.configure(conn, opts={
            "include_name": lambda name, type_, _parent: not (
                type_ == "table" and name.startswith("records_fts"))})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_the_head_constant_is_the_head_of_the_migration_scripts():
    # Store.open skips alembic when the store is at HEAD_REVISION: a migration added
    # without moving the constant would never run on existing stores.
    assert revisions.head_revision() == revisions.HEAD_REVISION


def test_a_store_at_head_opens_without_loading_alembic(store, store_dir):
    import subprocess
    import sys

    store.close()
    code = (
        "import sys; from pathlib import Path; "
        "from jisr_desktop.models.store.database import Store; "
        f"s = Store.open(Path({str(store_dir)!r}), {AGENT!r}, {PASSPHRASE!r}); "
        "print(s.current_revision(), 'alembic' in sys.modules); s.close()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, encoding="utf-8").stdout.split()
    assert out == [revisions.HEAD_REVISION, "False"]


def test_a_store_behind_head_is_upgraded_and_one_at_head_is_left_alone(tmp_path: Path,
                                                                      monkeypatch):
    folder = tmp_path / "old"
    _make_store_at_first_revision(folder)
    with Store.open(folder, AGENT, PASSPHRASE) as store:
        assert store.current_revision() == revisions.HEAD_REVISION
    import alembic.command

    def no_upgrade(*_args, **_kwargs):
        raise AssertionError("alembic ran on a store already at head")

    monkeypatch.setattr(alembic.command, "upgrade", no_upgrade)
    with Store.open(folder, AGENT, PASSPHRASE) as store:
        assert Repository(store).count() == 2


VERSIONS = {"form": {"id": "jisr.registration", "version": 1, "hash": "f1"},
            "grid": {"id": "jisr.grid", "version": 3, "hash": "g3"},
            "orientation": {"id": "jisr.orientation", "version": 1, "hash": "o1"}}


def test_the_versions_leave_each_evaluation_for_one_scoring_and_come_back(tmp_path: Path):
    """0005: an evaluation that named its versions (0004) reads back the same through the
    repository, while the row keeps it without them; a downgrade puts them back."""
    folder = tmp_path / "old"
    _make_store_at_first_revision(folder)
    key = Keyring(folder / store_mod.KEYRING_FILE).unlock(AGENT, PASSPHRASE)
    engine = store_mod._make_engine(folder / store_mod.STORE_FILE, key)
    evaluation = {"versions": VERSIONS, "eligible": True, "category": 1, "total": 42,
                  "points": {"social_status": 10}}
    with engine.begin() as conn:
        command.upgrade(revisions.alembic_config(conn), "0004")
        conn.execute(text("UPDATE records SET evaluation = :e, grid_version = 3, "
                          "score_total = 42 WHERE id = :r"),
                     {"e": json.dumps(evaluation), "r": OLD_RECORDS[0][0]})
    engine.dispose()
    rid = OLD_RECORDS[0][0]
    with Store.open(folder, AGENT, PASSPHRASE) as store:
        record = Repository(store).get(rid)
        assert record.evaluation == evaluation and record.grid_version == 3
        assert Repository(store).get(OLD_RECORDS[1][0]).evaluation is None
        with store.engine.begin() as conn:
            stored = json.loads(conn.execute(
                text("SELECT evaluation FROM records WHERE id = :r"), {"r": rid}).scalar_one())
            assert "versions" not in stored and stored["total"] == 42
            assert conn.execute(text("SELECT count(*) FROM scorings")).scalar_one() == 1
            command.downgrade(revisions.alembic_config(conn), "0004")
            back = conn.execute(text("SELECT evaluation, grid_version FROM records "
                                     "WHERE id = :r"), {"r": rid}).one()
        assert json.loads(back[0]) == evaluation and back[1] == 3


def test_0009_keeps_the_decisions_it_finds_as_no_overrides(tmp_path: Path):
    """0009: a committee decision taken before the override column reads back as no
    exception; one taken after keeps its override, and a downgrade drops only the column."""
    from jisr_desktop.models.store.decisions import DecisionRepository

    folder = tmp_path / "old"
    _make_store_at_first_revision(folder)
    key = Keyring(folder / store_mod.KEYRING_FILE).unlock(AGENT, PASSPHRASE)
    engine = store_mod._make_engine(folder / store_mod.STORE_FILE, key)
    rid = OLD_RECORDS[0][0]
    with engine.begin() as conn:
        command.upgrade(revisions.alembic_config(conn), "0008")
        conn.execute(text(
            "INSERT INTO decisions (id, record_id, kind, outcome, decided_on, reason, agent, at)"
            " VALUES ('d-old', :r, 'committee', 'refused', '2026-11-01', 'quota', :a, "
            "'2026-11-01')"), {"r": rid, "a": AGENT})
    engine.dispose()
    with Store.open(folder, AGENT, PASSPHRASE) as store:
        assert store.current_revision() == store_mod.HEAD_REVISION
        decisions = DecisionRepository(store)
        [old] = decisions.history(rid)
        assert (old.outcome, old.override) == ("refused", False)
        new = decisions.committee_decide(rid, outcome="accepted", decided_on="2026-12-01",
                                         reason="Cas social", override=True)
        assert decisions.latest(rid, "committee") == new and new.override is True
        with store.engine.begin() as conn:
            command.downgrade(revisions.alembic_config(conn), "0008")
            kept = conn.execute(text("SELECT count(*) FROM decisions")).scalar_one()
        assert kept == 2
