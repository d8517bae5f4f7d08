"""Re-scoring under a new grid: the fast path (projected answers, only changed columns
written, unchanged rows skipped) gives exactly what scoring each record afresh gives, and
writes only what moved: derived columns of the moved records, one audit entry, no outbox;
every record then names the new versions (kept once for the pass, store/scorings.py)."""

from __future__ import annotations

import json
from collections import deque
from concurrent.futures import Future

import pytest
from sqlalchemy import text

from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.programme.definitions import parse_definition
from jisr_desktop.models.store.derived import DERIVED_COLUMNS
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.store.schema import OutboxEntry
from jisr_desktop.models.workflows.import_export import save_many
from jisr_desktop.models.workflows.rescoring import (
    Rescorer,
    rescore_all,
    rescored_row,
    scoring_fields,
)
from jisr_desktop.models.workflows.rescoring.passes import _drain

from .conftest import TODAY


@pytest.fixture
def filled(repo, definitions):
    save_many(repo, definitions, enumerate(generate(150, 11, today=TODAY), 1), today=TODAY)
    return repo


def _next_grid(repo, definitions, change=None):
    data = json.loads(json.dumps(definitions.grid.data))
    data["version"] = repo.active_definitions().grid.version + 1
    if change:
        change(data)
    repo.install_definitions([parse_definition(json.dumps(data), f"grid-{data['version']}.json")])
    return repo.active_definitions()


def _divorced_plus_five(data):
    for criterion in data["criteria"]:
        if criterion["id"] == "social_status":
            criterion["points"] = dict(criterion["points"],
                                       divorced=criterion["points"]["divorced"] + 5)


N = len(DERIVED_COLUMNS)


def _stored(repo: Repository):
    with repo.store.engine.connect() as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute(text(
            "SELECT id, answers, " + ", ".join(Repository.DERIVED_COLUMNS) + ", version, "
            "updated_at FROM records WHERE deleted = 0 AND status = 'registered'"))}


def _expected(defs, stored):
    """Each record scored afresh from all its answers, as an enrolment would."""
    return {rid: rescored_row(defs.form, defs.grid, defs.orientation, rid,
                              json.loads(row[0]), TODAY)[:-1]
            for rid, row in stored.items()}


def test_projected_answers_score_exactly_like_all_the_answers(filled, definitions):
    defs = _next_grid(filled, definitions, _divorced_plus_five)
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, TODAY)
    assert {"consent", "date_of_birth", "social_status", "legal_status"} <= set(
        rescorer.fields)
    assert not {"first_name_ar", "cin", "phone"} & set(rescorer.fields)
    stored = _stored(filled)
    expected = _expected(defs, stored)
    with filled.store.engine.connect() as conn:
        seq_to_id = dict(conn.execute(text("SELECT seq, id FROM records")).all())
    seen = 0
    with filled.derived_rewrite(rescorer.fields, chunk=40, versions=rescorer.versions) as rw:
        for rows in rw.chunks():
            seen += len(rows)
            for seq, packed, _old in rows:
                got = rescorer.derived(rescorer.answers(packed))
                want = expected[seq_to_id[seq]]
                assert got == want
                # Same types too: 1 is not True for the JSON, and the evaluation is text.
                assert [type(v) for v in got] == [type(v) for v in want]
    assert seen == len(expected) > 100


def test_a_changed_weight_rewrites_only_what_changed(filled, definitions):
    before = _stored(filled)
    with filled.store.session() as s:
        outbox_before = s.query(OutboxEntry).count()
    defs = _next_grid(filled, definitions, _divorced_plus_five)
    expected = _expected(defs, before)
    affected = {rid for rid, row in before.items() if row[1:4] != expected[rid][:3]}
    divorced = {rid for rid, row in before.items()
                if json.loads(row[0]).get("social_status") == "divorced"}
    assert affected and affected <= divorced

    # A trigger fires for every row whose UPDATE names a column, equal value or not:
    # exactly what makes SQLite rewrite that column's index entries.
    with filled.store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE touched (id TEXT, what TEXT)"))
        conn.execute(text(
            "CREATE TRIGGER t_listed AFTER UPDATE OF eligible, category, score_total ON records "
            "BEGIN INSERT INTO touched VALUES (new.id, 'listed'); END"))
        conn.execute(text(
            "CREATE TRIGGER t_any AFTER UPDATE ON records "
            "BEGIN INSERT INTO touched VALUES (new.id, 'row'); END"))

    assert rescore_all(filled, defs, today=TODAY, workers=0, chunk=32) == len(before)

    after = _stored(filled)
    assert {rid: row[1:N + 1] for rid, row in after.items()} == expected
    for rid, row in after.items():
        assert row[0] == before[rid][0]  # the answers are untouched
        assert row[N + 1:] == before[rid][N + 1:]  # not an edit: same version, updated_at
        record = filled.get(rid)
        assert record.evaluation["versions"]["grid"]["version"] == defs.grid.version
        assert record.grid_version == defs.grid.version
    with filled.store.engine.begin() as conn:
        touched = conn.execute(text("SELECT what, id FROM touched")).all()
        conn.execute(text("DROP TABLE touched"))
        conn.execute(text("DROP TRIGGER t_listed"))
        conn.execute(text("DROP TRIGGER t_any"))
    assert {i for what, i in touched if what == "listed"} == affected
    # Only the records whose values moved are written, once each.
    assert sorted(i for what, i in touched if what == "row") == sorted(affected)

    with filled.store.session() as s:
        assert s.query(OutboxEntry).count() == outbox_before  # a re-score is not synced
    audit = filled.audit_trail(None, 1)[0]
    assert audit.action == "rescore" and audit.record_id is None
    assert audit.changes == {"grid": defs.grid.version, "orientation": defs.orientation.version,
                             "records": len(before), "rewritten": len(affected)}

    # The same versions again (an interrupted pass run once more): nothing is rewritten.
    assert rescore_all(filled, defs, today=TODAY, workers=0) == len(before)
    assert _stored(filled) == after
    assert filled.audit_trail(None, 1)[0].changes["rewritten"] == 0


def test_worker_processes_and_this_one_write_the_same(filled, definitions):
    defs = _next_grid(filled, definitions, _divorced_plus_five)
    expected = _expected(defs, _stored(filled))
    # Small chunks and one worker: the queue fills, this process waits for the oldest.
    assert rescore_all(filled, defs, today=TODAY, workers=1, chunk=8) == len(expected)
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == expected


def test_chunks_a_slow_worker_still_holds_are_scored_here_and_written_once(filled, definitions):
    """At the end of the reading, chunks whose worker result is not back are taken back
    and scored by this process; what did come back is written as it is; none twice."""
    defs = _next_grid(filled, definitions, _divorced_plus_five)
    before = _stored(filled)
    expected = _expected(defs, before)
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, TODAY)
    with filled.derived_rewrite(rescorer.fields, chunk=16, versions=rescorer.versions) as rw:
        pending = deque()
        for k, rows in enumerate(rw.chunks()):
            future = Future()
            if k % 3 == 0:  # came back from the worker
                future.set_result(rescorer.chunk(rows))
            pending.append((future, rows))  # the others: a worker that never answers
        assert len(pending) > 3
        _drain(rw, rescorer, pending)
        assert not pending
        rw.finish({"grid": defs.grid.version})
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == expected
    moved = sum(1 for rid, row in expected.items() if row != before[rid][1:N + 1])
    assert moved
    assert filled.audit_trail(None, 1)[0].changes["rewritten"] == moved


def test_scoring_fields_cover_the_rules_and_the_calculations(definitions):
    fields = scoring_fields(definitions.form, definitions.grid, definitions.orientation)
    for criterion in definitions.grid.data["criteria"]:
        assert criterion["field"] in fields
    assert "age" in fields and "date_of_birth" in fields  # the age is worked out again
    assert "region" in fields and "project_sector" in fields  # eligibility, orientation
    assert list(fields) == sorted(set(fields))


def test_chunks_give_what_rescored_row_gives_on_thousands_of_records(definitions):
    """The chunked fast path (`derived_many`: the grid worked out column by column, rows
    remembered per combination) against `rescored_row` on 3,000 demo registrations,
    under the shipped grid and one with a changed weight, values and types."""
    from jisr_desktop.models.programme.form import from_definition
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.programme.validation import validate

    form = from_definition(definitions.form)
    reference = load_reference()
    records = [validate(form, s, today=TODAY, reference=reference).answers
               for s in generate(3000, 23, today=TODAY)]
    records = [a for a in records if a.get("consent") == "yes"]
    data = json.loads(json.dumps(definitions.grid.data))
    data["version"] += 1
    _divorced_plus_five(data)
    changed = parse_definition(json.dumps(data), "grid-2.json")
    for grid in (definitions.grid, changed):
        rescorer = Rescorer(definitions.form, grid, definitions.orientation, TODAY)
        rescorer.CHECK_FIRST, rescorer.CHECK_EVERY = 0, 10**9  # this test is the check
        packed = [json.dumps([a.get(f) for f in rescorer.fields]) for a in records]
        got = []
        for start in range(0, len(packed), 500):
            got += rescorer.derived_many(packed[start:start + 500])
        assert rescorer._plan is not None  # no disagreement was found on the way
        for answers, row in zip(records, got, strict=True):
            want = rescored_row(definitions.form, grid, definitions.orientation, "", answers,
                                TODAY)[:-1]
            assert row == want
            assert [type(v) for v in row] == [type(v) for v in want]
    assert len(records) > 2500


def test_a_new_version_with_the_same_weights_rewrites_nothing(filled, definitions):
    before = _stored(filled)
    defs = _next_grid(filled, definitions)  # a new version number, the same rules
    assert rescore_all(filled, defs, today=TODAY, workers=0, chunk=32) == len(before)
    assert _stored(filled) == before  # not one row written
    assert filled.audit_trail(None, 1)[0].changes["rewritten"] == 0
    # Yet every record now names the new versions, as an enrolment under them would.
    for rid in before:
        record = filled.get(rid)
        assert record.evaluation["versions"]["grid"]["version"] == defs.grid.version
        assert record.evaluation == {
            **json.loads(json.dumps(rescored_evaluation(defs, record.answers)))}


def test_a_pass_cut_short_leaves_each_record_under_the_versions_of_its_values(filled,
                                                                           definitions):
    from jisr_desktop.models.workflows.rescoring import Rescorer

    old_version = filled.active_definitions().grid.version
    defs = _next_grid(filled, definitions, _divorced_plus_five)
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, TODAY)
    with filled.derived_rewrite(rescorer.fields, chunk=40, versions=rescorer.versions) as rw:
        first = next(rw.chunks())
        rw.write(rescorer.chunk(first))  # one chunk written, then the pass dies
    moved = {seq for _mask, seq, _values in rescorer.chunk(first)}
    with filled.store.engine.connect() as conn:
        seq_of = dict(conn.execute(text("SELECT id, seq FROM records")).all())
    for rid in _stored(filled):
        grid = filled.get(rid).evaluation["versions"]["grid"]["version"]
        assert grid == (defs.grid.version if seq_of[rid] in moved else old_version)
    assert moved


def rescored_evaluation(defs, answers):
    from jisr_desktop.models.programme.evaluation import compact
    from jisr_desktop.models.programme.orientation import orient
    from jisr_desktop.models.programme.scoring import score

    result = score(defs.grid, answers, form=defs.form, today=TODAY)
    return compact(result, orient(defs.orientation, answers, result.category))
