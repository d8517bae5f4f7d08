"""Incubation (programme document, 423-428): the selection committee's choice, the funding
and the 12-month contract of commercial domiciliation; a contract started 12 months ago
warns, one ending within 30 days too."""

from __future__ import annotations

import json
from datetime import date

import pytest

from jisr_desktop.models.programme.incubation import (
    ENDED,
    ENDING_SOON,
    contract_end,
    warning,
)
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import TODAY, make_submission
from .test_cli import _write, jisr
from .test_cli import cli_store as cli_store  # a fixture, used by name


def test_the_contract_lasts_12_months_and_warns_before_it_ends():
    assert contract_end(date(2025, 12, 1)) == date(2026, 12, 1)
    assert contract_end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert warning(date(2026, 12, 1), date(2026, 12, 2)) == ENDED
    assert warning(date(2026, 12, 20), date(2026, 12, 2)) == ENDING_SOON
    assert warning(date(2027, 6, 1), date(2026, 12, 2)) is None


def test_a_contract_started_12_months_ago_warns(repo, definitions):
    woman = enrol(repo, definitions, make_submission(), today=TODAY).record.id
    recent = enrol(repo, definitions, make_submission(cin="EE777777", phone="0677777777"),
                   today=TODAY).record.id
    incubations = IncubationRepository(repo.store)
    info = incubations.record(woman, selected_on=date(2025, 11, 20),
                              contract_start=date(2025, 12, 1), funding_amount=50000,
                              funding_source="indh", funded_on=date(2025, 11, 25))
    incubations.record(recent, selected_on=date(2026, 10, 1), contract_start=date(2026, 10, 5),
                       funding_source="programme")
    assert info.contract_end == "2026-12-01"
    found = incubations.warnings("07.351", today=date(2026, 12, 2))
    assert [(i.record_id, w) for i, w in found] == [(woman, ENDED)]
    with pytest.raises(ValueError):
        incubations.record(woman, selected_on=date(2026, 1, 1), contract_start=date(2025, 1, 1))


def test_incubation_from_the_command_line(cli_store, tmp_path):
    done = jisr(cli_store, "enrol", _write(tmp_path / "w.json", make_submission()))
    woman = json.loads(done.stdout)["id"]
    done = jisr(cli_store, "incubate", woman, "--selected-on", "2025-11-20", "--start",
                "2025-12-01", "--amount", "50000", "--source", "indh")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["contract_end"] == "2026-12-01"
    listed = jisr(cli_store, "incubations", "--province", "07.351", "--today", "2026-11-15")
    assert [(r["record_id"], r["warning"]) for r in json.loads(listed.stdout)] == [
        (woman, "ending_soon")]
    bad = jisr(cli_store, "incubate", woman, "--selected-on", "2026-01-01", "--start",
               "2025-01-01")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_incubator_staff_record_an_incubation_and_a_field_agent_cannot(tmp_path, definitions):
    """The role table's INCUBATE (issue 12): the incubator's staff and the committee's
    secretariat; the write goes to the outbox as an `incubation` op for the server."""
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository

    from .conftest import PASSPHRASE

    for role in ("field_agent", "incubator_staff", "supervisor"):
        store = Store.create(tmp_path / role, f"Agent {role}", PASSPHRASE, role=role,
                             province_code="07.351")
        repo = Repository(store)
        repo.install_definitions(definitions.all())
        woman = enrol(repo, definitions, make_submission(), today=TODAY).record.id
        before = repo.pending_outbox_count()
        incubations = IncubationRepository(store)
        if role == "field_agent":
            with pytest.raises(PermissionError):
                incubations.record(woman, selected_on=date(2026, 11, 20),
                                   contract_start=date(2026, 12, 1))
            assert repo.pending_outbox_count() == before
        else:
            incubations.record(woman, selected_on=date(2026, 11, 20),
                               contract_start=date(2026, 12, 1))
            assert repo.pending_outbox_count() == before + 1
        store.close()
