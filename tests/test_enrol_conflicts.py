"""Issue 14, point 12: an `enrol` or an import that names an existing record never
silently replaces her record. A creation never overwrites; an edit names the version it
edits, and a stale one is refused. Nothing is written by a refused save."""

from __future__ import annotations

import json

import pytest

from jisr_desktop.models.store.schema import OutboxEntry
from jisr_desktop.models.workflows.enrolment import (
    RecordExists,
    RecordNotFound,
    StaleVersion,
    enrol,
)
from jisr_desktop.models.workflows.import_export import save_many

from .conftest import TODAY, make_submission


def _outbox(store) -> int:
    with store.session() as s:
        return s.query(OutboxEntry).count()


def _first(repo, definitions):
    outcome = enrol(repo, definitions, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record


def test_a_creation_with_the_id_of_an_existing_record_is_refused(repo, store, definitions):
    fatima = _first(repo, definitions)
    other = make_submission(first_name_lat="Itto", last_name_lat="Ouhammou", cin="JK55667",
                            phone="0700112233")
    outbox = _outbox(store)
    with pytest.raises(RecordExists) as refused:
        enrol(repo, definitions, other, record_id=fatima.id, today=TODAY, allow_duplicate=True)
    assert refused.value.code == "record_exists" and refused.value.record_id == fatima.id
    kept = repo.get(fatima.id)
    assert kept.answers == fatima.answers and kept.version == 1  # her record is untouched
    assert _outbox(store) == outbox and repo.count() == 1


def test_a_deleted_record_is_not_brought_back_by_a_creation(repo, definitions):
    fatima = _first(repo, definitions)
    assert repo.delete(fatima.id)
    with pytest.raises(RecordExists):
        enrol(repo, definitions, make_submission(), record_id=fatima.id, today=TODAY)
    assert repo.get(fatima.id) is None
    with pytest.raises(RecordNotFound) as missing:  # nor by an edit
        enrol(repo, definitions, make_submission(), record_id=fatima.id,
              base_version=2, today=TODAY)
    assert missing.value.code == "record_not_found"


def test_an_edit_names_the_version_it_edits_and_a_stale_one_is_refused(repo, definitions):
    fatima = _first(repo, definitions)
    first = enrol(repo, definitions, make_submission(household_size=7), record_id=fatima.id,
                  base_version=fatima.version, today=TODAY)
    assert first.record.version == 2 and first.record.answers["household_size"] == 7
    # A second agent (or a sync) edits on the version she read before that edit.
    with pytest.raises(StaleVersion) as stale:
        enrol(repo, definitions, make_submission(household_size=2), record_id=fatima.id,
              base_version=fatima.version, today=TODAY)
    assert stale.value.code == "stale_version"
    assert repo.get(fatima.id).answers["household_size"] == 7  # the newer edit stands


def test_an_import_row_naming_an_existing_record_edits_only_the_version_it_names(
        repo, store, definitions):
    fatima = _first(repo, definitions)
    changed = {"id": fatima.id, "version": fatima.version,
               "answers": make_submission(household_size=5)}
    report = save_many(repo, definitions, [(1, changed)], today=TODAY)
    assert report.updated == 1 and repo.get(fatima.id).answers["household_size"] == 5
    # The same row again names a version that is no longer hers: refused, nothing written.
    stale = json.loads(json.dumps(changed))
    stale["answers"]["household_size"] = 9
    outbox = _outbox(store)
    # (An import reports a refused row and goes on with the others, rather than stopping.)
    refused = save_many(repo, definitions, [(1, stale)], today=TODAY)
    assert refused.rejected_lines == [1] and refused.updated == 0
    assert [p.field for p in refused.problems] == ["version"]
    # A row with her id and no version is a creation: refused.
    bare = dict(make_submission(household_size=9), id=fatima.id)
    refused = save_many(repo, definitions, [(1, bare)], today=TODAY)
    assert refused.rejected_lines == [1] and refused.saved == 0
    assert [p.field for p in refused.problems] == ["id"]
    assert repo.get(fatima.id).answers["household_size"] == 5 and _outbox(store) == outbox
