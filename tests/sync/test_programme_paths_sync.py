"""The three later paths between real devices through the real server (issue 12): an EN
enrolment and a licence recorded on the incubator's laptop reach the agent's, a cooperative
of three registered on one laptop is found on another by a member's CIN, nothing echoes
back up, and a deleted record takes its items (and, for the responsible member, the group)
off the other laptops."""

from __future__ import annotations

from datetime import date

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.en_path import EnPathRepository
from jisr_desktop.models.store.groups import GroupRepository
from jisr_desktop.models.store.licences import LicenceRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.en_path import record_en_step
from tests.sync.conftest import engine_for, enrol_one, new_device, sign_in
from tests.test_programme_paths import EN_CENTRE, NO_IDEA, publish_en_centre


def _sync(store, url: str, username: str = "agent_a"):
    summary = engine_for(store, sign_in(store, url, username), url).run()
    assert summary.ok and summary.rejected == 0, summary
    return summary


def test_an_en_enrolment_recorded_on_one_device_appears_on_the_other(tmp_path, definitions,
                                                                    proxy):
    agent = new_device(tmp_path / "agent", definitions)
    staff = new_device(tmp_path / "staff", definitions, agent="Khadija Staff",
                       role="incubator_staff")
    woman = enrol_one(agent, **NO_IDEA)  # no project idea: category 2, the EN path
    _sync(agent, proxy.url)
    _sync(staff, proxy.url, "staff_a")
    repo = Repository(staff)
    publish_en_centre(repo)
    record_en_step(repo, woman.id, "programme", programme_id="apprenticeship")
    enrolled = record_en_step(repo, woman.id, "enrolment", on=date(2027, 1, 4),
                              place_id=EN_CENTRE, notes="Atelier de pâtisserie")
    licence = LicenceRepository(staff).set_status(
        woman.id, catalogue_in_force(repo), "onssa_health_certificate", "needed",
        date(2027, 1, 5))
    assert _sync(staff, proxy.url, "staff_a").pushed == 3

    _sync(agent, proxy.url)
    path = EnPathRepository(agent).in_force(woman.id)
    assert list(path) == ["programme", "enrolment"] and path["enrolment"] == enrolled
    assert LicenceRepository(agent).history(woman.id) == [licence]
    # Applied from the pull, they wrote nothing to send back up.
    assert sync_state.counts(agent).get("pending", 0) == 0
    assert _sync(agent, proxy.url).pushed == 0

    assert Repository(agent).delete(woman.id)
    _sync(agent, proxy.url)
    _sync(staff, proxy.url, "staff_a")
    for store in (agent, staff):
        assert EnPathRepository(store).history(woman.id) == []
        assert LicenceRepository(store).history(woman.id) == []
    agent.close()
    staff.close()


def test_a_group_of_three_is_found_on_another_device_by_a_members_cin(tmp_path, definitions,
                                                                     proxy):
    agent = new_device(tmp_path / "agent", definitions)
    other = new_device(tmp_path / "other", definitions, agent="Rachida Agent")
    lead, second, third = (enrol_one(agent) for _ in range(3))
    groups = GroupRepository(agent)
    group = groups.create(catalogue_in_force(Repository(agent)), kind="cooperative",
                          name="Coopérative Tissage Al Amal", legal_id="COOP-2026-117",
                          responsible_id=lead.id, consent_on=date(2026, 11, 20))
    groups.add_member(group.id, second.id, date(2026, 11, 20))
    group = groups.add_member(group.id, third.id, date(2026, 11, 21))
    cins = [m.cin for m in group.members]  # lead, second, third
    _sync(agent, proxy.url)

    _sync(other, proxy.url)
    there = GroupRepository(other)
    found = there.find_by_cin(cins[2].lower())  # any spelling of her CIN
    assert found == [group]
    assert [m.cin for m in found[0].members] == cins
    assert there.membership() == {lead.id: group.id, second.id: group.id, third.id: group.id}
    assert _sync(other, proxy.url).pushed == 0

    # She leaves the cooperative on the first laptop: the other one sees two members.
    groups.remove_member(group.id, third.id, "A quitté la coopérative")
    _sync(agent, proxy.url)
    _sync(other, proxy.url)
    assert there.find_by_cin(cins[2]) == []
    assert [m.cin for m in there.get(group.id).members] == cins[:2]

    # The responsible member's record deleted: the group leaves the other laptop.
    assert Repository(agent).delete(lead.id)
    _sync(agent, proxy.url)
    _sync(other, proxy.url)
    assert there.get(group.id) is None
    assert there.find_by_cin(cins[1]) == [] and there.membership() == {}
    agent.close()
    other.close()
