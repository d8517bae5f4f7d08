"""The programme's later items between real devices through the real server (issue 12): an
incubation and a follow-up recorded by the incubator's staff on one laptop reach the
agent's laptop, nothing echoes back up, and deleting the record takes them off both; the
committee's override of the grid reaches the other laptops with its decision."""

from __future__ import annotations

import uuid
from datetime import date

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.models.store.repository import Repository
from tests.server.conftest import Client as RawClient
from tests.server.conftest import assessment_payload, delivery_payload, login
from tests.sync.conftest import (
    SUPERVISOR,
    SUPERVISOR_PASSPHRASE,
    engine_for,
    enrol_one,
    new_device,
    server_records,
    sign_in,
)

STAFF = "Khadija Staff"


def _sync(store, url: str, username: str):
    summary = engine_for(store, sign_in(store, url, username), url).run()
    assert summary.ok and summary.rejected == 0, summary
    return summary


def test_an_incubation_recorded_on_one_device_appears_on_the_other(tmp_path, definitions,
                                                                  proxy, sync_server):
    agent = new_device(tmp_path / "agent", definitions)
    staff = new_device(tmp_path / "staff", definitions, agent=STAFF, role="incubator_staff")
    other = new_device(tmp_path / "other", definitions, agent="Rachida Agent")
    record = enrol_one(agent)
    _sync(agent, proxy.url, "agent_a")
    _sync(staff, proxy.url, "staff_a")  # the incubator's laptop pulls her registration

    incubation = IncubationRepository(staff).record(
        record.id, selected_on=date(2026, 11, 20), contract_start=date(2026, 12, 1),
        funding_amount=50000, funding_source="indh", funded_on=date(2026, 11, 25),
        logistics="a desk at the incubator", committee="comité provincial")
    visit = FollowUpRepository(staff).visit(
        record.id, visited_on=date(2026, 12, 2), visitor="Khadija", topic="e_commerce",
        notes="her shop is online", next_on=date(2027, 1, 15))
    pushed = _sync(staff, proxy.url, "staff_a")
    assert pushed.pushed == 2

    _sync(other, proxy.url, "agent_a")
    assert IncubationRepository(other).latest(record.id) == incubation
    assert FollowUpRepository(other).history(record.id) == [visit]
    assert [v.id for v in FollowUpRepository(other).calendar("07.351", date(2027, 1, 1))] == [
        visit.id]
    # Applied from the pull, they wrote nothing to send back up.
    assert sync_state.counts(other).get("pending", 0) == 0
    assert _sync(other, proxy.url, "agent_a").pushed == 0

    # The agent deletes the registration: the staff's items leave every laptop with it.
    assert Repository(agent).delete(record.id)
    _sync(agent, proxy.url, "agent_a")
    for store, username in ((other, "agent_a"), (staff, "staff_a")):
        _sync(store, username=username, url=proxy.url)
        assert IncubationRepository(store).latest(record.id) is None
        assert FollowUpRepository(store).history(record.id) == []
    assert server_records(sync_server.url)[record.id]["deleted"] is True
    for store in (agent, staff, other):
        store.close()


def test_the_override_reaches_the_other_devices(tmp_path, definitions, proxy) -> None:
    centre = new_device(tmp_path / "centre", definitions, agent=SUPERVISOR, role="supervisor",
                        passphrase=SUPERVISOR_PASSPHRASE)
    agent = new_device(tmp_path / "agent", definitions)
    young = enrol_one(centre, date_of_birth="2015-01-01")  # under 18
    assert young.evaluation["eligible"] is False
    info = DecisionRepository(centre).committee_decide(
        young.id, outcome="accepted", decided_on=date(2026, 11, 30), reason="Cas social",
        override=True)
    assert info.override is True
    creds = sign_in(centre, proxy.url, "supervisor_07", SUPERVISOR_PASSPHRASE)
    pushed = engine_for(centre, creds, proxy.url).run()
    assert pushed.ok and pushed.pushed == 2 and pushed.rejected == 0, pushed
    assert engine_for(agent, sign_in(agent, proxy.url), proxy.url).run().ok
    assert DecisionRepository(agent).latest(young.id, "committee") == info
    centre.close()
    agent.close()


def test_a_deleted_record_takes_its_decision_off_the_other_device(tmp_path, definitions,
                                                                 proxy, sync_server):
    """Issue 14, point 2 on the device: the server's tombstones of a decision, an assessment
    and a delivery (their record was deleted) remove the local rows, reason and answers
    with them, instead of breaking the pull (a NOT NULL failure before)."""
    agent = new_device(tmp_path / "agent", definitions)
    other = new_device(tmp_path / "other", definitions, agent="Rachida Agent")
    record = enrol_one(agent)
    DecisionRepository(agent).confirm(record.id, category=2, path=None, destination=None,
                                      reason="she has no project idea yet")
    _sync(agent, proxy.url, "agent_a")
    # The incubator's assessment and a service delivered after it, pushed by its staff.
    assessment = assessment_payload(record.id)
    delivery = delivery_payload(record.id, assessment_id=assessment["id"])
    staff = RawClient(sync_server.url, login(sync_server.url, "staff_a", "staff-pc").json()[
        "token"], "staff-pc")
    assert [r["status"] for r in staff.results([
        {"op_id": str(uuid.uuid4()), "record_id": record.id, "op": op, "base_version": 1,
         "payload": body} for op, body in (("assessment", assessment),
                                           ("delivery", delivery))])] == ["applied"] * 2
    _sync(other, proxy.url, "agent_a")
    assert len(DecisionRepository(other).history(record.id)) == 1
    assert AssessmentRepository(other).latest(record.id).deliveries
    assert Repository(agent).delete(record.id)
    _sync(agent, proxy.url, "agent_a")
    _sync(other, proxy.url, "agent_a")
    assert DecisionRepository(other).history(record.id) == []
    assert AssessmentRepository(other).latest(record.id) is None
    assert Repository(other).get(record.id) is None
    agent.close()
    other.close()
