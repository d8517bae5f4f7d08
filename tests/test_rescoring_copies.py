"""A pass reads the narrow copies in `scoring_inputs` (migration 0013) and still scores
exactly what each record's own answers give: any write to a record, through the app or
by hand, drops its copy, and the next pass reads that record from `records` itself."""

from __future__ import annotations

import json

from sqlalchemy import text

from jisr_desktop.models.store.rewrite import FIELDS_KEY
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.rescoring import Rescorer, rescore_all

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
