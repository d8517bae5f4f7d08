"""What the desktop's repositories put in the outbox for the programme's later items is
exactly what the server's schema accepts (models/programme/items.py, the check both ends
share): one op per write, each with the keys the protocol names."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme import items
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.models.store.referrals import ReferralRepository, directory_in_force
from jisr_desktop.models.store.schema import OutboxEntry
from jisr_desktop.models.store.service_edits import ServiceEdits
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.sync.protocol import PROGRAMME_KEYS

from .conftest import TODAY, make_submission


def test_every_programme_write_goes_up_in_the_shape_the_server_checks(repo, definitions):
    store = repo.store
    woman = enrol(repo, definitions, make_submission(), today=TODAY).record.id
    referrals = ReferralRepository(store)
    referrals.orient(woman, directory_in_force(repo), place_id="incubator_07",
                     appointment="2026-12-10 09:30", contact="Mme Naima Alaoui")
    referrals.review_path(woman, path="employability", path_in_force="incubator",
                          reason="after the first interview")
    assessment = AssessmentRepository(store).save(woman, {}, ["tr_digital"],
                                                  definition=definitions.assessment)
    edits = ServiceEdits(store)
    edits.edit(woman, assessment.id, definitions.services, action="add",
               service_id="tr_management", reason="asked for it")
    edits.edit(woman, assessment.id, definitions.services, action="schedule",
               service_id="tr_management", scheduled_on="2027-01-15")
    IncubationRepository(store).record(woman, selected_on=date(2026, 11, 20),
                                       contract_start=date(2026, 12, 1), funding_amount=0,
                                       funding_source="programme")
    FollowUpRepository(store).visit(woman, visited_on=date(2026, 12, 2), visitor="Khadija",
                                    topic="fairs", next_on=date(2027, 2, 1))
    with store.session() as s:
        rows = s.scalars(select(OutboxEntry).where(OutboxEntry.op.in_(items.KINDS))
                         .order_by(OutboxEntry.seq)).all()
        sent = [(r.op, r.record_id, r.author, json.loads(r.payload)) for r in rows]
    assert [op for op, *_ in sent] == ["referral", "referral", "service_edit", "service_edit",
                                       "incubation", "follow_up"]
    for op, record_id, author, payload in sent:
        assert record_id == woman and author == store.agent  # her token carries it
        assert set(payload) == set(PROGRAMME_KEYS[op])
        assert items.check_item(op, payload, "admin") is None, (op, payload)
    # The orientation is the agent's to record, the path review the incubator's.
    orientation, review = sent[0][3], sent[1][3]
    assert items.check_item("referral", orientation, "field_agent") is None
    assert items.check_item("referral", review, "field_agent") == ("forbidden_op", [])
    assert items.check_item("referral", review, "incubator_staff") is None
