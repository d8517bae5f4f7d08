"""Three later paths of the programme (issue 12), over a real encrypted store: the
category-2 path at Entraide Nationale, licences and labels after incubation, and a
cooperative applying as one."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from sqlalchemy import select

from jisr_desktop.models.programme.definitions import Definition, content_hash, load_places
from jisr_desktop.models.programme.programme_paths import PathRuleError
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.store.groups import GroupRepository, MemberRefused
from jisr_desktop.models.store.licences import LicenceRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.store.schema import AuditEntry
from jisr_desktop.models.workflows.committee import ranking
from jisr_desktop.models.workflows.en_path import record_en_step
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.groups import score_group

from .conftest import TODAY, make_submission

NO_IDEA = {"has_project_idea": "no", "project_sector": None, "project_description": None,
           "project_stage": None}
EN_CENTRE = "en_centre_07_351_daoudiate"


def publish_en_centre(repo) -> int:
    """What an administrator does: a directory version naming an EN centre in Marrakech;
    its version number."""
    data = copy.deepcopy(dict(load_places().data))
    data["version"] += 1
    name = {"ar": "مركز التكوين المهني الداوديات", "fr": "Centre de formation Daoudiate",
            "zgh": "Centre de formation Daoudiate"}
    data["places"].append({"id": EN_CENTRE, "kind": "en_vocational_training_centre",
                           "region": "07", "province": "07.351", "commune": None,
                           "name": name, "address": None, "phone": None, "status": "open",
                           "capacity": 40})
    repo.install_definitions([Definition("places", data["id"], data["version"],
                                         content_hash(data), data)])
    return data["version"]


def _enrol(repo, definitions, **overrides) -> str:
    outcome = enrol(repo, definitions, make_submission(**overrides), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _audit(repo, action_prefix: str) -> list[AuditEntry]:
    with repo.store.session() as s:
        return [a for a in s.scalars(select(AuditEntry))
                if a.action.startswith(action_prefix)]


# --- the EN path --------------------------------------------------------------------------


def test_a_category_2_woman_goes_through_her_en_path_step_by_step(repo, definitions):
    directory_version = publish_en_centre(repo)
    woman = _enrol(repo, definitions, **NO_IDEA)
    assert repo.get(woman).category == 2
    record_en_step(repo, woman, "programme", programme_id="apprenticeship")
    with pytest.raises(PathRuleError) as refused:
        record_en_step(repo, woman, "completion", on=date(2027, 6, 30), result="completed")
    assert refused.value.code == "step_out_of_order"
    with pytest.raises(PathRuleError) as refused:  # an incubator is not an EN centre
        record_en_step(repo, woman, "enrolment", on=date(2027, 1, 4), place_id="incubator_07")
    assert refused.value.code == "not_an_en_centre"
    enrolled = record_en_step(repo, woman, "enrolment", on=date(2027, 1, 4), place_id=EN_CENTRE)
    assert enrolled.places_version == directory_version
    with pytest.raises(PathRuleError) as refused:
        record_en_step(repo, woman, "completion", on=date(2026, 12, 1), result="completed")
    assert refused.value.code == "date_before_previous_step"
    record_en_step(repo, woman, "completion", on=date(2027, 6, 30), result="completed")
    record_en_step(repo, woman, "outcome", outcome="employment", on=date(2027, 9, 1),
                   notes="Pâtisserie du quartier")
    from jisr_desktop.models.store.en_path import EnPathRepository

    path = EnPathRepository(repo.store).in_force(woman)
    assert [(s, i.programme_id or i.place_id or i.result or i.outcome)
            for s, i in path.items()] == [
        ("programme", "apprenticeship"), ("enrolment", EN_CENTRE),
        ("completion", "completed"), ("outcome", "employment")]
    written = _audit(repo, "en_path.")
    assert len(written) == 4 and all("Pâtisserie" not in (a.changes or "") for a in written)


def test_the_en_path_is_only_for_category_2_or_the_committees_changed_path(repo, definitions):
    weaver = _enrol(repo, definitions)  # an idea: category 1
    with pytest.raises(PathRuleError) as refused:
        record_en_step(repo, weaver, "programme", programme_id="qualifying_training")
    assert refused.value.code == "not_en_path"
    DecisionRepository(repo.store).committee_decide(
        weaver, outcome="accepted", decided_on="2026-11-30", path="employability",
        reason="Préfère une formation qualifiante")
    assert record_en_step(repo, weaver, "programme",
                          programme_id="qualifying_training").step == "programme"
    with pytest.raises(PathRuleError):
        record_en_step(repo, weaver, "programme", programme_id="a_programme_not_listed")


# --- licences and labels ------------------------------------------------------------------


def test_a_licence_moves_from_needed_to_obtained_with_its_dates(repo, definitions):
    woman = _enrol(repo, definitions)
    licences = LicenceRepository(repo.store)
    catalogue = catalogue_in_force(repo)
    licences.set_status(woman, catalogue, "onssa_health_certificate", "needed", date(2027, 1, 5))
    licences.set_status(woman, catalogue, "onssa_health_certificate", "applied",
                        date(2027, 1, 20))
    with pytest.raises(PathRuleError) as refused:  # no jumping back to "needed"
        licences.set_status(woman, catalogue, "onssa_health_certificate", "needed",
                            date(2027, 2, 1))
    assert refused.value.code == "status_not_allowed"
    licences.set_status(woman, catalogue, "onssa_health_certificate", "obtained",
                        date(2027, 3, 2))
    licences.set_status(woman, catalogue, "handicraft_label", "applied", date(2027, 2, 1))
    licences.set_status(woman, catalogue, "handicraft_label", "refused", date(2027, 4, 1))
    with pytest.raises(PathRuleError) as refused:
        licences.set_status(woman, catalogue, "other", "needed", date(2027, 1, 5))
    assert refused.value.code == "licence_needs_name"
    licences.set_status(woman, catalogue, "other", "needed", date(2027, 1, 5),
                        name="Code-barres GS1")
    states = {s.licence_id: s for s in licences.in_force(woman)}
    assert states["onssa_health_certificate"].status == "obtained"
    assert states["onssa_health_certificate"].dates == {
        "needed": "2027-01-05", "applied": "2027-01-20", "obtained": "2027-03-02"}
    assert states["handicraft_label"].status == "refused"
    assert states["other"].name == "Code-barres GS1"
    assert len(_audit(repo, "licence.")) == 6


# --- a cooperative as applicant -----------------------------------------------------------


@pytest.fixture
def cooperative(repo, definitions):
    """Three women of Marrakech weaving together, and one applying alone."""
    lead = _enrol(repo, definitions, legal_status="cooperative", project_stage="underway")
    second = _enrol(repo, definitions, cin="EE222222", phone="0622222222",
                    first_name_lat="Khadija", first_name_ar="خديجة", social_status="married",
                    head_of_household="no")
    third = _enrol(repo, definitions, cin="EE333333", phone="0633333333",
                   first_name_lat="Itto", first_name_ar="إيطو", social_status="single",
                   head_of_household="no")
    alone = _enrol(repo, definitions, cin="EE444444", phone="0644444444",
                   first_name_lat="Zineb", first_name_ar="زينب")
    groups = GroupRepository(repo.store)
    group = groups.create(catalogue_in_force(repo), kind="cooperative",
                          name="Coopérative Tissage Al Amal", legal_id="COOP-2026-117",
                          responsible_id=lead, consent_on=date(2026, 11, 20))
    groups.add_member(group.id, second, date(2026, 11, 20))
    group = groups.add_member(group.id, third, date(2026, 11, 21))
    return group, (lead, second, third), alone


def test_a_cooperative_of_three_members_is_scored_once(repo, cooperative):
    group, (lead, second, third), alone = cooperative
    members = [repo.get(i) for i in (lead, second, third)]
    vulnerability = [m.evaluation["subtotals"]["vulnerability"] for m in members]
    assert vulnerability == [45, 20, 25]  # widowed; married; single (the grid's points)
    score = score_group(repo, group)
    # The mean of the members' vulnerability, the responsible member's readiness.
    assert score.subtotals["vulnerability"] == 30.0
    assert score.subtotals["readiness"] == members[0].evaluation["subtotals"]["readiness"] == 19
    assert (score.total, score.category, score.members, score.eligible) == (49.0, 1, 3, True)

    listed = ranking(repo, "07.351", 1)
    ids = [e.record_id for e in listed.entries]
    assert sorted(ids) == sorted([lead, alone])  # the group once, no member on her own
    entry = next(e for e in listed.entries if e.record_id == lead)
    assert (entry.name_lat, entry.total, entry.cin) == ("Coopérative Tissage Al Amal", 49.0,
                                                        "COOP-2026-117")


def test_each_member_is_found_by_her_cin(repo, cooperative):
    group, _members, _alone = cooperative
    groups = GroupRepository(repo.store)
    for cin in ("EE123456", "ee 222222", "EE-333333"):
        assert [g.id for g in groups.find_by_cin(cin)] == [group.id]
    assert groups.find_by_cin("EE444444") == []
    assert [m.cin for m in group.members] == ["EE123456", "EE222222", "EE333333"]


def test_a_member_needs_her_consent_and_one_group_at_a_time(repo, definitions, cooperative):
    group, (lead, second, _third), alone = cooperative
    groups = GroupRepository(repo.store)
    no_consent = _enrol(repo, definitions, cin="EE555555", phone="0655555555", consent="no",
                        refusal_note="Ne souhaite pas", first_name_lat="Hafsa")
    with pytest.raises(MemberRefused) as refused:
        groups.add_member(group.id, no_consent, date(2026, 11, 22))
    assert refused.value.code == "no_consent"
    other = groups.create(catalogue_in_force(repo), kind="group", name="Groupe Zineb",
                          legal_id=None, responsible_id=alone, consent_on=date(2026, 11, 22))
    with pytest.raises(MemberRefused) as refused:
        groups.add_member(other.id, second, date(2026, 11, 22))
    assert refused.value.code == "in_other_group"
    with pytest.raises(PathRuleError) as no_id:  # a cooperative names its legal identifier
        groups.create(catalogue_in_force(repo), kind="cooperative", name="Sans numéro",
                      legal_id=" ", responsible_id=no_consent, consent_on=date(2026, 11, 22))
    assert no_id.value.code == "group_needs_legal_id"
    with pytest.raises(MemberRefused):
        groups.remove_member(group.id, lead, "départ")
    left = groups.remove_member(group.id, second, "A quitté la coopérative")
    assert [m.record_id for m in left.members] == [lead, _third]
    # A group below the minimum is not eligible; its members are still not ranked alone.
    assert score_group(repo, other).eligible is False
    assert json.loads(_audit(repo, "group.create")[0].changes)["kind"] == "cooperative"


# --- the lists as data, and the migration ---------------------------------------------------


def test_the_lists_are_checked_when_an_administrator_edits_them():
    from jisr_desktop.models.programme.definitions import (
        DefinitionError,
        load_programme_paths,
        parse_definition,
    )

    data = copy.deepcopy(dict(load_programme_paths().data))
    data["licence_statuses"]["needed"]["next"] = ["sent"]
    with pytest.raises(DefinitionError) as bad:
        parse_definition(json.dumps(data), "programme_paths.json")
    assert bad.value.path == "licence_statuses/needed/next/0"
    data = copy.deepcopy(dict(load_programme_paths().data))
    del data["en_programmes"]["apprenticeship"]["label"]["zgh"]
    with pytest.raises(DefinitionError):
        parse_definition(json.dumps(data), "programme_paths.json")


def test_a_newer_list_version_in_the_store_is_the_one_in_force(repo):
    from jisr_desktop.models.programme.definitions import load_programme_paths

    data = copy.deepcopy(dict(load_programme_paths().data))
    data["version"] += 1
    data["licences"]["organic_label"] = {"label": {"ar": "شارة المنتوج البيولوجي",
                                                   "fr": "Label bio", "zgh": "Label bio"}}
    repo.install_definitions([Definition("programme_paths", data["id"], data["version"],
                                         content_hash(data), data)])
    catalogue = catalogue_in_force(repo)
    assert catalogue.version == 2 and "organic_label" in catalogue.ids("licences")


def test_the_migration_goes_down_to_0008_and_up_again(store):
    from alembic import command
    from sqlalchemy import inspect

    from jisr_desktop.models.store import revisions

    tables = ("en_path_steps", "licence_steps", "applicant_groups", "group_members")
    with store.engine.begin() as conn:
        assert set(tables) <= set(inspect(conn).get_table_names())
        command.downgrade(revisions.alembic_config(conn), "0008")
    with store.engine.begin() as conn:
        assert not set(tables) & set(inspect(conn).get_table_names())
        command.upgrade(revisions.alembic_config(conn), "head")
    with store.engine.begin() as conn:
        assert set(tables) <= set(inspect(conn).get_table_names())
