"""What the three later paths' stores put in the outbox is exactly what the server's schema
accepts (models/programme/items.py): one op per EN step and per licence status on her
record, a group on its responsible member's record and each membership on the member's
own, her leaving the same membership again."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from jisr_desktop.models.programme import items
from jisr_desktop.models.store.groups import GroupRepository
from jisr_desktop.models.store.licences import LicenceRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.schema import OutboxEntry
from jisr_desktop.models.workflows.en_path import record_en_step
from jisr_desktop.sync.protocol import PROGRAMME_KEYS

from .test_programme_paths import EN_CENTRE, NO_IDEA, _enrol, publish_en_centre

PATHS = (items.EN_STEP, items.LICENCE, items.GROUP, items.GROUP_MEMBER)


def _sent(store) -> list[tuple[str, str, dict]]:
    with store.session() as s:
        rows = s.scalars(select(OutboxEntry).where(OutboxEntry.op.in_(PATHS))
                         .order_by(OutboxEntry.seq)).all()
        return [(r.op, r.record_id, json.loads(r.payload)) for r in rows]


def test_every_path_write_goes_up_in_the_shape_the_server_checks(repo, definitions):
    publish_en_centre(repo)
    woman = _enrol(repo, definitions, **NO_IDEA)
    record_en_step(repo, woman, "programme", programme_id="apprenticeship")
    record_en_step(repo, woman, "enrolment", on=date(2027, 1, 4), place_id=EN_CENTRE,
                   notes="Atelier de pâtisserie")
    LicenceRepository(repo.store).set_status(woman, catalogue_in_force(repo), "other",
                                             "needed", date(2027, 1, 5), name="Label bio")
    sent = _sent(repo.store)
    assert [op for op, *_ in sent] == ["en_step", "en_step", "licence"]
    for op, record_id, payload in sent:
        assert record_id == woman and set(payload) == set(PROGRAMME_KEYS[op])
        assert items.check_item(op, payload, "incubator_staff") is None, payload
        # A field agent registers; the role table does not let her deliver services.
        assert items.check_item(op, payload, "field_agent") == ("forbidden_op", [])
    assert sent[1][2]["notes"] == "Atelier de pâtisserie" and sent[2][2]["name"] == "Label bio"


def test_a_group_and_its_memberships_ride_their_own_records(repo, definitions):
    lead = _enrol(repo, definitions)
    second = _enrol(repo, definitions, cin="EE222222", phone="0622222222",
                    first_name_lat="Fatima", first_name_ar="فاطمة")
    groups = GroupRepository(repo.store)
    group = groups.create(catalogue_in_force(repo), kind="cooperative", name="Tifawin",
                          legal_id="COOP-2026-118", responsible_id=lead,
                          consent_on=date(2026, 11, 20))
    groups.add_member(group.id, second, date(2026, 11, 21))
    groups.remove_member(group.id, second, "A quitté la coopérative")
    sent = _sent(repo.store)
    assert [(op, rid) for op, rid, _ in sent] == [
        ("group", lead), ("group_member", lead), ("group_member", second),
        ("group_member", second)]
    for op, _rid, payload in sent:
        assert set(payload) == set(PROGRAMME_KEYS[op])
        assert items.check_item(op, payload, "field_agent") is None, payload
        assert items.check_item(op, payload, "incubator_staff") == ("forbidden_op", [])
    assert sent[0][2]["id"] == group.id and sent[1][2]["group_id"] == group.id
    joined, left = sent[2][2], sent[3][2]
    assert joined["id"] == left["id"] != sent[1][2]["id"]  # the same membership, replaced
    assert (joined["left_at"], left["left_reason"]) == (None, "A quitté la coopérative")
