"""Post-incubation follow-up visits (document, 430-449), as incubator staff record them,
and the province's calendar of next steps."""

from __future__ import annotations

from datetime import date

import pytest

from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.workflows.enrolment import enrol

from .conftest import TODAY, make_submission


def test_visits_are_kept_and_the_calendar_shows_the_next_steps(repo, definitions):
    woman = enrol(repo, definitions, make_submission(), today=TODAY).record.id
    visits = FollowUpRepository(repo.store)
    visits.visit(woman, visited_on=date(2026, 11, 3), visitor="Khadija (ADS)",
                 topic="licences_labels", notes="Dossier ONSSA commencé",
                 next_step="Déposer le dossier ONSSA", next_on=date(2026, 12, 1))
    visits.visit(woman, visited_on=date(2026, 12, 1), visitor="Khadija (ADS)",
                 topic="fairs", next_step="Salon régional de l'artisanat",
                 next_on=date(2027, 1, 20))
    assert [v.topic for v in visits.history(woman)] == ["licences_labels", "fairs"]
    planned = visits.calendar("07.351", since=date(2026, 12, 2))
    assert [(v.record_id, v.next_on) for v in planned] == [(woman, "2027-01-20")]
    with pytest.raises(ValueError):
        visits.visit(woman, visited_on=date(2026, 12, 5), visitor="Khadija",
                     next_on=date(2026, 12, 1))
    # The notes stay out of the audit trail.
    assert all("ONSSA" not in str(a) for a in repo.audit_trail(woman))


def test_follow_up_from_the_command_line(tmp_path):
    import json

    from .test_cli import _write, jisr

    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", "Amina Agent", "--province", "07.351").returncode == 0
    woman = json.loads(jisr(folder, "enrol", _write(tmp_path / "w.json",
                                                    make_submission())).stdout)["id"]
    done = jisr(folder, "follow-up", woman, "--on", "2026-12-01", "--topic", "fairs",
                "--next", "Salon régional", "--next-on", "2027-01-20")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["topic"] == "fairs"
    planned = jisr(folder, "follow-up-calendar", "--province", "07.351", "--today",
                   "2026-12-02")
    assert [v["record_id"] for v in json.loads(planned.stdout)] == [woman]
    bad = jisr(folder, "follow-up", woman, "--on", "2026-12-05", "--next-on", "2026-12-01")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
