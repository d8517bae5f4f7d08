"""The beneficiaries list's queries: filters, sorts, paging and counts; and a store made at
revision 0002 keeps its rows when migration 0003 adds decisions, assessments and indexes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from jisr_desktop.models.programme.normalize import normalize_name
from jisr_desktop.models.store import database as store_mod
from jisr_desktop.models.store import records as repository_mod
from jisr_desktop.models.store import revisions
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.store.keyring import Keyring, new_store_key
from jisr_desktop.models.store.repository import RecordFilter, Repository, search_terms
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import AGENT, PASSPHRASE, TODAY, make_submission

WOMEN = {
    # key: (overrides, registration timestamp)
    "fatima": ({}, "2026-11-01T10:00:00.000+00:00"),
    "amina": ({"first_name_ar": "أمينة", "last_name_ar": "العلوي", "first_name_lat": "Amina",
               "last_name_lat": "El Alaoui", "cin": "JK1001", "social_status": "married"},
              "2026-11-05T10:00:00.000+00:00"),
    "itto": ({"first_name_ar": "إيطو", "last_name_ar": "أوحمو", "first_name_lat": "Itto",
              "last_name_lat": "Ouhammou", "cin": "JK1002", "has_project_idea": "no",
              "region": "01", "province": "01.511", "commune": "01.511.01.01"},
             "2026-11-10T10:00:00.000+00:00"),
    "young": ({"first_name_ar": "زينب", "last_name_ar": "الفاسي", "first_name_lat": "Zineb",
               "last_name_lat": "Fassi", "cin": "JK1003", "date_of_birth": "2015-02-02"},
              "2026-11-15T10:00:00.000+00:00"),
    "refused": ({"consent": "no", "refusal_note": "Pas maintenant"},
                "2026-11-20T10:00:00.000+00:00"),
}


@pytest.fixture
def women(repo, definitions, monkeypatch):
    ids = {}
    for key, (overrides, at) in WOMEN.items():
        monkeypatch.setattr(repository_mod, "utcnow", lambda at=at: at)
        outcome = enrol(repo, definitions, make_submission(phone=None, **overrides),
                        today=TODAY, allow_duplicate=True)
        assert outcome.saved, (key, outcome.evaluation.validation.errors)
        ids[outcome.record.id] = key
    return ids


def _keys(ids, rows):
    return [ids[r.id] for r in rows]


def test_filters(repo, women):
    def match(**kw):
        f = RecordFilter(**kw)
        rows = repo.page(f, sort="name_lat", descending=False)
        assert repo.count_matching(f) == len(rows)
        return sorted(_keys(women, rows))

    assert match() == sorted(WOMEN)
    assert match(text="fatima") == ["fatima"]
    assert match(text="امينه") == ["amina"]  # hamza and ta marbuta folded
    assert match(text="jk100") == ["amina", "itto", "young"]
    assert match(text="!!") == []
    assert match(province_code="01.511") == ["itto"]
    assert match(text="jk100", province_code="07.351") == ["amina", "young"]
    assert match(category=1) == ["amina", "fatima"]
    assert match(category=2) == ["itto"]
    assert match(category=0) == ["young"]  # not eligible
    assert match(status="refused_consent") == ["refused"]
    assert match(status="registered", category=1, text="bennani") == ["fatima"]
    assert match(date_from="2026-11-05", date_to="2026-11-15") == ["amina", "itto", "young"]
    assert match(date_to="2026-11-01") == ["fatima"]  # the last day is included
    assert match(date_from="2026-11-21") == []


def test_sorts_and_paging(repo, women):
    def order(sort, descending=False, **kw):
        return _keys(women, repo.page(RecordFilter(**kw), sort=sort, descending=descending))

    assert order("updated_at", True) == ["refused", "young", "itto", "amina", "fatima"]
    registered = {"status": "registered"}
    assert order("name_lat", **registered) == ["amina", "fatima", "itto", "young"]
    assert order("name_lat", True, **registered) == ["young", "itto", "fatima", "amina"]
    assert order("cin", **registered) == ["fatima", "amina", "itto", "young"]
    assert order("province_code", True, **registered)[0] == "young"  # 07.351 after 01.511
    assert order("province_code", **registered)[0] == "itto"
    scores = [r.score_total for r in repo.page(RecordFilter(category=1), sort="score_total")]
    assert scores == sorted(scores, reverse=True)
    # Not eligible (no category) sorts as the lowest: first going up, last going down.
    assert order("category", status="registered") == ["young", "fatima", "amina", "itto"]
    assert order("category", True, status="registered")[-1] == "young"
    assert len(order("name_ar")) == 5
    # Pages follow one another with nothing repeated or lost, ties included.
    pages = [repo.page(RecordFilter(), sort="category", offset=o, limit=2) for o in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sorted(r.id for p in pages for r in p) == sorted(women)
    with pytest.raises(ValueError):
        repo.page(RecordFilter(), sort="answers")


def test_deleted_records_leave_the_list(repo, women):
    fatima = next(i for i, k in women.items() if k == "fatima")
    repo.delete(fatima)
    assert "fatima" not in _keys(women, repo.page(RecordFilter()))
    assert repo.count_matching(RecordFilter()) == 4
    assert repo.count_matching(RecordFilter(text="fatima")) == 0


def _store_at_0002(folder: Path) -> str:
    folder.mkdir()
    key = new_store_key()
    engine = store_mod._make_engine(folder / store_mod.STORE_FILE, key)
    record_id = "33333333-3333-4333-8333-333333333333"
    answers = make_submission(phone=None)
    with engine.begin() as conn:
        command.upgrade(revisions.alembic_config(conn), "0002")
        conn.execute(text("INSERT INTO meta VALUES ('store_id', 'old')"))
        conn.execute(text("INSERT INTO accounts VALUES (:n, 'supervisor', '07.351', "
                          "'2025-01-01', 1)"), {"n": AGENT})
        name_ar = normalize_name("فاطمة الزهراء بناني")
        name_lat = normalize_name("Fatima-Zahra Bennani")
        conn.execute(text(
            "INSERT INTO records (id, status, form_id, form_version, answers, category, "
            "eligible, score_total, province_code, cin, name_ar, name_lat, agent, created_at, "
            "updated_at, version, deleted) VALUES (:id, 'registered', 'jisr.registration', 1, "
            ":a, 1, 1, 60, '07.351', 'EE123456', :nar, :nlat, :agent, '2025-01-01', "
            "'2025-01-01', 1, 0)"),
            {"id": record_id, "a": json.dumps(answers, ensure_ascii=False), "nar": name_ar,
             "nlat": name_lat, "agent": AGENT})
        conn.execute(text("INSERT INTO records_fts(rowid, terms) SELECT seq, :t FROM records"),
                     {"t": search_terms(name_ar, name_lat, "EE123456", "")})
    engine.dispose()
    Keyring(folder / store_mod.KEYRING_FILE).add(AGENT, PASSPHRASE, key)
    return record_id


def test_a_0002_store_is_upgraded_with_its_rows(tmp_path):
    record_id = _store_at_0002(tmp_path / "old")
    with Store.open(tmp_path / "old", AGENT, PASSPHRASE) as store:
        assert store.current_revision() == revisions.head_revision()
        repo = Repository(store)
        assert [r.id for r in repo.page(RecordFilter(text="bennani"))] == [record_id]
        assert repo.count_matching(RecordFilter(province_code="07.351", category=1)) == 1
        decision = DecisionRepository(store).committee_decide(
            record_id, outcome="accepted", decided_on=date(2026, 11, 23))
        assert decision.outcome == "accepted"
