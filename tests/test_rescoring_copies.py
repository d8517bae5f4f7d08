"""A pass reads the narrow copies in `scoring_inputs` (migration 0013) and still scores
exactly what each record's own answers give: any write to a record, through the app or
by hand, drops its copy, and the next pass reads that record from `records` itself."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from sqlalchemy import text

from jisr_desktop.models.store.rewrite import FIELDS_KEY, DerivedRewrite
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.rescoring import Rescorer, rescore_all, rescored_row
from jisr_desktop.models.workflows.rescoring.basis import changed_points

from .conftest import TODAY
from .test_rescoring import (
    N,
    _divorced_plus_five,
    _expected,
    _next_grid,
    _stored,
    filled,  # noqa: F401 - the fixture
)


def _sources(repo, defs) -> tuple[int, int]:
    """(rows a pass would read from `records`, rows from copies), without writing."""
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, TODAY)
    from_records = copies = 0
    with repo.derived_rewrite(rescorer.fields, chunk=25, versions=rescorer.versions) as rw:
        for rows in rw.chunks():
            for _seq, _packed, old in rows:
                if isinstance(old[-1], int):
                    copies += 1
                else:
                    from_records += 1
    return from_records, copies


def _copies(repo) -> int:
    with repo.store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM scoring_inputs")).scalar()


def test_a_pass_from_the_copies_scores_what_the_answers_give(filled, definitions):  # noqa: F811
    live = len(_stored(filled))
    defs = filled.active_definitions()
    assert _sources(filled, defs) == (live, 0)  # no copy yet: all read from records
    rescore_all(filled, defs, today=TODAY, workers=0, chunk=32)
    assert _copies(filled) == live
    assert _sources(filled, defs) == (0, live)  # the next pass reads only the copies

    # An edit through the app, and a score changed by hand behind the app's back.
    ids = sorted(_stored(filled))
    edited, tampered = ids[3], ids[7]
    current = filled.get(edited)
    answers = dict(current.answers, social_status="divorced", household_size=9)
    assert enrol(filled, defs, answers, record_id=edited, base_version=current.version,
                 allow_duplicate=True, today=TODAY).saved
    with filled.store.engine.begin() as conn:
        conn.execute(text("UPDATE records SET score_total = score_total + 11 WHERE id = :i"),
                     {"i": tampered})
    assert _sources(filled, defs) == (2, live - 2)

    moved = _next_grid(filled, definitions, _divorced_plus_five)
    before = _stored(filled)
    rescore_all(filled, moved, today=TODAY, workers=0, chunk=32)
    after = _stored(filled)
    # Every record, those read from copies too, holds what scoring it afresh gives; the
    # edited one from its new answers, the tampered one put right.
    assert {rid: row[1:N + 1] for rid, row in after.items()} == _expected(moved, before)
    assert after[edited][1:N + 1] == _expected(moved, {edited: after[edited]})[edited]
    assert _sources(filled, moved) == (0, live)
    audit = filled.audit_trail(None, 1)[0].changes
    assert audit["records"] == live


def test_a_record_leaving_the_pass_leaves_the_copies(filled, definitions):  # noqa: F811
    defs = filled.active_definitions()
    rescore_all(filled, defs, today=TODAY, workers=0)
    live = len(_stored(filled))
    gone = sorted(_stored(filled))[0]
    assert filled.delete(gone)
    assert _sources(filled, defs) == (0, live - 1)
    rescore_all(filled, defs, today=TODAY, workers=0)
    assert _copies(filled) == live - 1
    with filled.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM scoring_dirty")).scalar() == 0


def test_a_grid_reading_other_answers_makes_every_copy_again(filled, definitions):  # noqa: F811
    defs = filled.active_definitions()
    rescore_all(filled, defs, today=TODAY, workers=0)
    live = len(_stored(filled))
    with filled.store.engine.connect() as conn:
        fields = json.loads(conn.execute(text("SELECT value FROM meta WHERE key = :k"),
                                         {"k": FIELDS_KEY}).scalar())
    assert "social_status" in fields
    rescorer = Rescorer(defs.form, defs.grid, defs.orientation, TODAY)
    other = (*rescorer.fields, "first_name_lat")  # as if a new grid read her first name
    with filled.derived_rewrite(other, chunk=40, versions=rescorer.versions) as rw:
        rows = [row for chunk in rw.chunks() for row in chunk]
    assert len(rows) == live and all(isinstance(old[-1], str) for _s, _p, old in rows)
    assert all(len(json.loads(packed)) == len(other) for _s, packed, _o in rows)


def _rows_under(defs, stored, today):
    return {rid: rescored_row(defs.form, defs.grid, defs.orientation, rid,
                              json.loads(row[0]), today)[:-1]
            for rid, row in stored.items()}


def test_a_new_version_with_the_same_rules_reads_only_the_records_written_since(
        filled, definitions):  # noqa: F811
    rescore_all(filled, filled.active_definitions(), today=TODAY, workers=0, chunk=32)
    live = _stored(filled)
    tampered = sorted(live)[5]
    with filled.store.engine.begin() as conn:  # behind the app's back: its copy goes
        conn.execute(text("UPDATE records SET score_total = score_total + 11 WHERE id = :i"),
                     {"i": tampered})

    same = _next_grid(filled, definitions)  # a new version number, the same rules
    assert rescore_all(filled, same, today=TODAY, workers=0, chunk=32) == len(live)
    audit = filled.audit_trail(None, 1)[0].changes
    # Only the tampered record was read and scored; the others were known unchanged.
    assert (audit["records"], audit["known_unchanged"], audit["rewritten"]) == (
        len(live), len(live) - 1, 1)
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == _expected(
        same, live)
    for rid in live:  # and every record names the new version, through the pass
        assert filled.get(rid).evaluation["versions"]["grid"]["version"] == same.grid.version


def test_another_day_reads_every_record_again_and_a_weight_only_the_answers_it_scores(
        filled, definitions):  # noqa: F811
    defs = filled.active_definitions()
    rescore_all(filled, defs, today=TODAY, workers=0, chunk=32)
    live = _stored(filled)
    # As of six years before (a clock put right, say), the youngest are under 18: the
    # pass reads every record again, and gets each right.
    earlier = date(TODAY.year - 6, TODAY.month, TODAY.day)
    rescore_all(filled, defs, today=earlier, workers=0, chunk=32)
    audit = filled.audit_trail(None, 1)[0].changes
    assert "known_unchanged" not in audit and audit["rewritten"] > 0
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == _rows_under(
        defs, live, earlier)

    # Divorced +5: only the divorced women's copies are read; the others cannot move.
    moved = _next_grid(filled, definitions, _divorced_plus_five)
    rescore_all(filled, moved, today=earlier, workers=0, chunk=32)
    audit = filled.audit_trail(None, 1)[0].changes
    divorced = sum(json.loads(row[0]).get("social_status") == "divorced" for row in live.values())
    assert 0 < divorced < len(live)
    assert audit["known_unchanged"] == len(live) - divorced
    assert audit["records"] == len(live)
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == _rows_under(
        moved, live, earlier)


def test_a_pass_cut_short_leaves_no_claim_that_the_copies_are_current(
        filled, definitions, monkeypatch):  # noqa: F811
    rescore_all(filled, filled.active_definitions(), today=TODAY, workers=0, chunk=32)
    live = _stored(filled)
    shipped = filled.active_definitions()

    # A pass under a changed weight writes some chunks, then dies.
    moved = _next_grid(filled, definitions, _divorced_plus_five)
    monkeypatch.setattr(DerivedRewrite, "WRITE_BATCH", 1)
    calls = {"n": 0}
    real_chunk = Rescorer.chunk

    def dying(self, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("the machine went down")
        return real_chunk(self, rows)

    monkeypatch.setattr(Rescorer, "chunk", dying)
    with pytest.raises(OSError):  # (it reads only the divorced women's copies: small chunks)
        rescore_all(filled, moved, today=TODAY, workers=0, chunk=2)
    monkeypatch.undo()
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} != _expected(
        shipped, live)  # some moved before the cut

    # Back to the shipped weights: the basis of the first pass, but the copies no longer
    # all hold its values, so the pass reads them all and puts each record right.
    back = _next_grid(filled, definitions)
    rescore_all(filled, back, today=TODAY, workers=0, chunk=32)
    assert "known_unchanged" not in filled.audit_trail(None, 1)[0].changes
    assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == _expected(
        back, live)


def _grid_with(definitions, change):
    data = json.loads(json.dumps(definitions.grid.data))
    change(data)
    return data


def _criterion(data, cid):
    return next(c for c in data["criteria"] if c["id"] == cid)


def test_only_a_change_of_mapped_points_narrows_what_a_pass_reads(definitions):
    shipped = definitions.grid.data

    def weights(data):
        _criterion(data, "social_status")["points"]["divorced"] = 16
        _criterion(data, "education")["points"]["primary"] = 2.0  # prints apart from 2
        _criterion(data, "income_source")["points"]["pension"] = 0  # as if absent: 0
        _criterion(data, "health_coverage")["points"]["amo"] = 1  # a new answer scored

    assert changed_points(shipped, _grid_with(definitions, weights)) == [
        ("social_status", ("divorced",)),
        ("health_coverage", ("amo",)),
        ("education", ("primary",)),
    ]
    assert changed_points(shipped, _grid_with(definitions, lambda d: None)) == []
    for other in (
        lambda d: _criterion(d, "household_size")["bands"][0].update(points=1),  # bands
        lambda d: _criterion(d, "social_status")["label"].update(fr="Situation"),  # a label
        lambda d: d["classification"].reverse(),  # the rules
        lambda d: d["criteria"].pop(),  # a criterion gone
        lambda d: d.update(tie_breakers=[]),
    ):
        assert changed_points(shipped, _grid_with(definitions, other)) is None


def test_passes_under_random_weights_give_what_scoring_afresh_gives(filled, definitions):  # noqa: F811
    """Weights moved at random, pass after pass (each narrowed to the answers they
    score), with a label change and an edit between: every record right after each."""
    rng = random.Random(7)
    live = _stored(filled)
    mapped = [c["id"] for c in definitions.grid.data["criteria"]
              if isinstance(c.get("points"), dict) and "when" not in c]
    for step in range(8):
        def change(data, step=step):
            for cid in rng.sample(mapped, rng.randint(1, 2)):
                points = _criterion(data, cid)["points"]
                for key in rng.sample(sorted(points), rng.randint(1, min(3, len(points)))):
                    points[key] = rng.choice([0, 3, 7, 15, 20])
            if step == 4:
                _criterion(data, "social_status")["label"]["fr"] = "État civil"
        defs = _next_grid(filled, definitions, change)
        if step == 5:
            rid = sorted(live)[2]
            current = filled.get(rid)
            answers = dict(current.answers, social_status="widowed", education="primary")
            assert enrol(filled, defs, answers, record_id=rid, base_version=current.version,
                         allow_duplicate=True, today=TODAY).saved
            live = _stored(filled)
        rescore_all(filled, defs, today=TODAY, workers=0, chunk=16)
        assert {rid: row[1:N + 1] for rid, row in _stored(filled).items()} == _expected(
            defs, live), step
        definitions = defs  # the next change starts from this grid


def test_a_record_saved_while_a_pass_runs_keeps_what_its_new_answers_give(
    filled, definitions  # noqa: F811
):
    """A definitions sync re-scores on the network lane while the agent saves on the UI's
    lane: the pass must not write over a record saved after it read it, with values
    scored from the answers it had, and the next pass must read that record again."""
    defs = filled.active_definitions()
    rescore_all(filled, defs, today=TODAY, workers=0, chunk=32)  # every record copied
    divorced = sorted(rid for rid, row in _stored(filled).items()
                      if json.loads(row[0]).get("social_status") == "divorced")
    from_copy, from_records = divorced[0], divorced[1]
    with filled.store.engine.begin() as conn:  # marked: this one is read from `records`
        conn.execute(text("UPDATE records SET score_total = score_total + 11 WHERE id = :i"),
                     {"i": from_records})

    moved = _next_grid(filled, definitions, _divorced_plus_five)
    rescorer = Rescorer(moved.form, moved.grid, moved.orientation, TODAY)
    with filled.derived_rewrite(rescorer.fields, chunk=32, versions=rescorer.versions,
                                basis=rescorer.basis) as rw:
        changes = [rescorer.chunk(rows) for rows in rw.chunks()]  # read and scored
        # Then saved, before the pass writes: one by a window still under the old grid,
        # one under the new.
        for rid, under in ((from_copy, defs), (from_records, moved)):
            current = filled.get(rid)
            answers = dict(current.answers, social_status="married")
            assert enrol(filled, under, answers, record_id=rid, base_version=current.version,
                         allow_duplicate=True, today=TODAY).saved
        saved = _stored(filled)
        for chunk_changes in changes:
            rw.write(chunk_changes)
        rw.finish({"grid": moved.grid.version})
        rewritten = rw.rewritten

    after = _stored(filled)
    for rid in (from_copy, from_records):
        assert json.loads(after[rid][0])["social_status"] == "married"
        assert after[rid][1:N + 1] == saved[rid][1:N + 1]  # the save's values, not the pass's
    assert after[from_records][1:N + 1] == _expected(moved, after)[from_records]
    others = {rid: row for rid, row in after.items() if rid not in (from_copy, from_records)}
    assert {rid: row[1:N + 1] for rid, row in others.items()} == _expected(moved, others)
    # The audit counts what was written: neither of the two saved records.
    assert filled.audit_trail(None, 1)[0].changes["rewritten"] == rewritten
    assert rewritten == sum(1 for rid in divorced if rid not in (from_copy, from_records))
    # The one saved under the old grid stays marked: the next pass, under the same basis,
    # reads it from `records` and puts it right. (The other may stay marked too: its save
    # named a scoring of its own, the same versions as the pass's.)
    with filled.store.engine.connect() as conn:
        marked = set(conn.execute(text(
            "SELECT r.id FROM scoring_dirty d JOIN records r ON r.seq = d.seq")).scalars())
    assert from_copy in marked <= {from_copy, from_records}
    rescore_all(filled, moved, today=TODAY, workers=0, chunk=32)
    again = _stored(filled)
    assert {rid: row[1:N + 1] for rid, row in again.items()} == _expected(moved, again)
    assert _sources(filled, moved) == (0, len(after))
