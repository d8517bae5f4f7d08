"""The repository: search over the normalised index, duplicates, drafts, outbox, audit,
definition versions, statistics."""

from __future__ import annotations

import json

import pytest

from jisr_desktop.models.programme.definitions import parse_definition
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.schema import OutboxEntry, Record
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.rescoring import rescore_all

from .conftest import AGENT, PASSPHRASE, TODAY, make_submission


def _enrol(repo, definitions, **overrides):
    outcome = enrol(repo, definitions, make_submission(**overrides), today=TODAY)
    assert outcome.saved, outcome.evaluation.validation.errors
    return outcome.record


def test_search_folds_arabic_and_latin_spellings(repo, definitions):
    fatima = _enrol(repo, definitions)
    _enrol(repo, definitions, first_name_ar="أمينة", last_name_ar="العلوي",
           first_name_lat="Amina", last_name_lat="El Alaoui", cin="J55667",
           phone="0700112233", date_of_birth="1990-01-01")
    for query in ("fatima zahra", "FATIMA-ZAHRA", "bennani fat", "فاطمه", "فاطِمَة الزهراء",
                  "ee1234", "0612", "+212 612 34", "212612345678"):
        assert [h.id for h in repo.search(query)] == [fatima.id], query
    assert [h.name_lat for h in repo.search("امينة")] == ["Amina El Alaoui"]
    assert repo.search("zzzz") == []
    assert repo.search("   ") == []
    # FTS operators typed by an agent are taken literally, not as syntax errors.
    assert repo.search('fatima OR "') == []


def test_duplicates_name_their_reason(repo, definitions):
    first = _enrol(repo, definitions)
    same_cin = repo.duplicate_candidates(make_submission(cin="EE123456", phone=None,
                                                         first_name_lat="Other"))
    assert [(d.record_id, "same_cin" in d.reasons) for d in same_cin] == [(first.id, True)]
    same_phone = repo.duplicate_candidates(make_submission(cin="ZZ1", phone="+212612345678",
                                                           date_of_birth="1970-01-01"))
    assert same_phone[0].reasons == ("same_phone",)
    same_name = repo.duplicate_candidates(make_submission(cin="ZZ2", phone=None,
                                                          first_name_lat="Fatima Zahra",
                                                          last_name_lat="BENNANI"))
    assert same_name[0].reasons == ("similar_name_same_dob",)
    assert repo.duplicate_candidates(make_submission(cin="ZZ3", phone=None,
                                                     date_of_birth="1999-09-09")) == []


def test_same_cin_blocks_the_save_unless_the_agent_confirms(repo, definitions):
    _enrol(repo, definitions)
    outcome = enrol(repo, definitions, make_submission(cin="EE-123456"), today=TODAY)
    assert outcome.blocked_by_duplicate and repo.count() == 1
    outcome = enrol(repo, definitions, make_submission(cin="EE-123456"), today=TODAY,
                    allow_duplicate=True)
    assert outcome.saved and repo.count() == 2


def test_every_write_appends_outbox_and_audit_in_the_same_transaction(repo, store, definitions,
                                                                     monkeypatch):
    record = _enrol(repo, definitions)
    outcome = enrol(repo, definitions, make_submission(household_size=7), today=TODAY,
                    record_id=record.id, base_version=record.version)
    assert outcome.record.version == 2
    with store.session() as s:
        ops = s.query(OutboxEntry).order_by(OutboxEntry.seq).all()
        assert [(o.op, o.base_version) for o in ops] == [("upsert", 0), ("upsert", 1)]
        assert json.loads(ops[1].payload)["answers"]["household_size"] == 7
    trail = repo.audit_trail(record.id)
    assert [a.action for a in trail] == ["update", "create"]
    assert trail[0].changes["household_size"] == [6, 7]
    assert trail[0].agent == AGENT

    # A failure half-way through a save leaves no record, no outbox entry, no audit entry.
    from jisr_desktop.models.store import search as repository

    def broken(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository, "search_terms", broken)
    with pytest.raises(RuntimeError):
        enrol(repo, definitions, make_submission(cin="NEW1", phone=None), today=TODAY)
    with store.session() as s:
        assert s.query(Record).count() == 1
        assert s.query(OutboxEntry).count() == 2
    assert len(repo.audit_trail(None)) == 2 + 5  # two record writes + five definitions


def test_delete_leaves_a_tombstone_for_sync(repo, store, definitions):
    record = _enrol(repo, definitions)
    assert repo.delete(record.id)
    assert repo.get(record.id) is None
    assert repo.search("bennani") == []
    with store.session() as s:
        assert s.query(OutboxEntry).order_by(OutboxEntry.seq.desc()).first().op == "delete"


def test_drafts_survive_closing_the_store(repo, store, store_dir, definitions):
    draft_id = repo.save_draft(None, definitions.form, {"first_name_ar": "خديجة"})
    repo.save_draft(draft_id, definitions.form, {"first_name_ar": "خديجة", "cin": "X1"})
    store.close()
    with Store.open(store_dir, AGENT, PASSPHRASE) as again:
        from jisr_desktop.models.store.repository import Repository

        drafts = Repository(again).drafts(AGENT)
        assert [(d.id, d.answers) for d in drafts] == [
            (draft_id, {"first_name_ar": "خديجة", "cin": "X1"})]


def test_a_new_grid_version_becomes_active_and_the_old_one_stays(repo, definitions):
    record = _enrol(repo, definitions)
    data = json.loads(json.dumps(definitions.grid.data))
    data["version"] = definitions.grid.version + 1
    for criterion in data["criteria"]:
        if criterion["id"] == "head_of_household":
            criterion["points"] = {"yes": 20}
    new_grid = parse_definition(json.dumps(data), "grid-v2.json")
    assert repo.install_definitions([new_grid]) == [new_grid]
    assert repo.install_definitions([new_grid]) == []  # idempotent
    active = repo.active_definitions()
    assert active.grid.version == new_grid.version
    assert repo.definition(definitions.grid.id, definitions.grid.version) is not None
    assert rescore_all(repo, active, today=TODAY) == 1
    rescored = repo.get(record.id)
    assert rescored.score_total == record.score_total + 10
    assert rescored.evaluation["versions"]["grid"]["version"] == new_grid.version
    assert rescored.version == record.version  # a re-score is not an edit to sync


def test_stats_count_what_the_programme_publishes(repo, definitions):
    _enrol(repo, definitions)
    _enrol(repo, definitions, cin="B2", phone=None, social_status="divorced",
           head_of_household="no", region="07", date_of_birth="1992-02-02")
    enrol(repo, definitions, {"consent": "no", "consent_date": "2026-11-20",
                              "consent_recorded_by": AGENT, "refusal_note": "pas le temps"},
          today=TODAY)
    stats = repo.stats()
    assert stats["total"] == 3
    assert stats["by_status"] == {"registered": 2, "refused_consent": 1}
    assert stats["social_status"] == {"widowed": 1, "divorced": 1}
    assert stats["head_of_household"] == {"yes": 1, "no": 1}
    assert stats["by_region"] == {"07": 2}
    assert stats["support_requested"] == {"training": 2, "accompaniment": 2}


def test_rescoring_in_worker_processes_gives_the_same_results(repo, definitions):
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.workflows.import_export import save_many

    save_many(repo, definitions, enumerate(generate(60, 5, today=TODAY), 1), today=TODAY)
    data = json.loads(json.dumps(definitions.grid.data))
    data["version"] = definitions.grid.version + 1
    for criterion in data["criteria"]:
        if criterion["id"] == "social_status":
            criterion["points"] = {"widowed": 30, "divorced": 20}
    repo.install_definitions([parse_definition(json.dumps(data), "grid-v2.json")])
    active = repo.active_definitions()

    def scores():
        return {r.id: (r.score_total, r.category, r.evaluation["points"])
                for r in repo.iter_records()}

    assert rescore_all(repo, active, today=TODAY, workers=0) > 50
    in_process = scores()
    assert rescore_all(repo, active, today=TODAY, workers=2, chunk=16) == len(
        [s for s in in_process.values() if s[0] is not None])
    assert scores() == in_process
    widowed = [r for r in repo.iter_records() if r.answers.get("social_status") == "widowed"]
    assert widowed and all(r.evaluation["points"]["social_status"] == 30 for r in widowed)


def test_find_by_prefix_is_a_range_on_the_id_index(repo, store, definitions):
    first = _enrol(repo, definitions)
    second = _enrol(repo, definitions, cin="B2", phone=None, date_of_birth="1992-02-02")
    for record in (first, second):
        assert repo.find_by_prefix(record.id[:8]) == [record.id]
        assert repo.find_by_prefix(record.id[:8].upper()) == [record.id]  # as LIKE did
        assert repo.find_by_prefix(" " + record.id[:6] + " ") == [record.id]
        assert repo.find_by_prefix(record.id) == [record.id]
    assert repo.find_by_prefix(first.id[:3]) == []  # too short to mean one card
    shared = 0
    while first.id[shared] == second.id[shared]:
        shared += 1
    if shared >= 4:
        assert repo.find_by_prefix(first.id[:shared]) == sorted([first.id, second.id])
    assert repo.find_by_prefix("zzzz") == []
    assert repo.find_by_prefix(first.id[:7] + "%") == []  # no wildcards
    assert repo.delete(second.id)
    assert repo.find_by_prefix(second.id[:8]) == []

    # The query is a SEARCH on the id index, not a SCAN of the records.
    from sqlalchemy import event

    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "records.id" in statement:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        repo.find_by_prefix(first.id[:8])
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
    statement, parameters = seen[-1]
    with store.engine.connect() as conn:
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "SCAN records" not in plan and "INDEX" in plan, plan
