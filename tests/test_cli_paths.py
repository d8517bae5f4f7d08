"""The EN path, licences and cooperatives from the command line, as an agent, incubator
staff or a committee secretary would run them."""

from __future__ import annotations

import json

from .conftest import make_submission
from .test_cli import _write, jisr
from .test_cli import cli_store as cli_store  # a fixture, used by name

NO_IDEA = {"has_project_idea": "no", "project_sector": None, "project_description": None,
           "project_stage": None}


def _enrol(folder, tmp_path, name, **overrides) -> str:
    done = jisr(folder, "enrol", _write(tmp_path / f"{name}.json", make_submission(**overrides)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["id"]


def test_en_path_and_licences_from_the_command_line(cli_store, tmp_path):
    lists = json.loads(jisr(cli_store, "path-lists").stdout)
    assert "apprenticeship" in lists["en_programmes"]
    assert lists["licences"]["onssa_health_certificate"].startswith("Certificat sanitaire")
    trainee = _enrol(cli_store, tmp_path, "t", **NO_IDEA)  # category 2
    weaver = _enrol(cli_store, tmp_path, "w", cin="EE222222", phone="0622222222",
                    first_name_lat="Khadija")

    refused = jisr(cli_store, "en-path", weaver, "--programme", "apprenticeship")
    assert refused.returncode == 2 and "Entraide Nationale" in refused.stderr
    done = jisr(cli_store, "en-path", "EE123456", "--programme", "apprenticeship")
    assert done.returncode == 0, done.stderr  # found by her CIN
    assert json.loads(done.stdout)["path"]["programme"]["programme_id"] == "apprenticeship"
    early = jisr(cli_store, "en-path", trainee, "--complete", "completed", "--on", "2027-06-30")
    assert early.returncode == 2 and "dans l'ordre" in early.stderr
    wrong = jisr(cli_store, "en-path", trainee, "--enrol", "incubator_07", "--on", "2027-01-04")
    assert wrong.returncode == 2 and "incubator_07" in wrong.stderr

    for status, day in (("needed", "2027-01-05"), ("applied", "2027-01-20")):
        done = jisr(cli_store, "licence", weaver, "--licence", "handicraft_label", "--status",
                    status, "--on", day)
        assert done.returncode == 0, done.stderr
    back = jisr(cli_store, "licence", weaver, "--licence", "handicraft_label", "--status",
                "needed", "--on", "2027-02-01")
    assert back.returncode == 2 and "Traceback" not in back.stderr
    shown = json.loads(jisr(cli_store, "licence", weaver).stdout)["licences"]
    assert shown == [{"licence_id": "handicraft_label", "name": None, "status": "applied",
                      "dates": {"needed": "2027-01-05", "applied": "2027-01-20"}}]


def test_a_cooperative_of_three_from_the_command_line(cli_store, tmp_path):
    lead = _enrol(cli_store, tmp_path, "a", legal_status="cooperative")
    _enrol(cli_store, tmp_path, "b", cin="EE222222", phone="0622222222",
           first_name_lat="Khadija", social_status="married", head_of_household="no")
    _enrol(cli_store, tmp_path, "c", cin="EE333333", phone="0633333333",
           first_name_lat="Itto", social_status="single", head_of_household="no")
    no_id = jisr(cli_store, "group-create", "--kind", "cooperative", "--name", "Al Amal",
                 "--responsible", lead, "--consent-on", "2026-11-20")
    assert no_id.returncode == 2 and "--legal-id" in no_id.stderr
    done = jisr(cli_store, "group-create", "--kind", "cooperative", "--name",
                "Coopérative Tissage Al Amal", "--legal-id", "COOP-2026-117",
                "--responsible", lead, "--consent-on", "2026-11-20")
    assert done.returncode == 0, done.stderr
    group = json.loads(done.stdout)["id"]
    for cin in ("EE222222", "ee 333333"):
        added = jisr(cli_store, "group-add", group[:8], cin, "--consent-on", "2026-11-21")
        assert added.returncode == 0, added.stderr
    again = jisr(cli_store, "group-add", group[:8], "EE333333", "--consent-on", "2026-11-21")
    assert again.returncode == 2 and "déjà" in again.stderr

    found = json.loads(jisr(cli_store, "groups", "--cin", "EE-333333").stdout)
    assert [g["id"] for g in found] == [group] and len(found[0]["members"]) == 3
    assert found[0]["score"]["members"] == 3 and found[0]["score"]["eligible"]
    listed = json.loads(jisr(cli_store, "committee", "--province", "07.351").stdout)
    assert [(e["id"], e["name_lat"]) for e in listed["entries"]] == [
        (lead, "Coopérative Tissage Al Amal")]
    assert listed["entries"][0]["group"]["id"] == group
    assert len(listed["entries"][0]["group"]["members"]) == 3
