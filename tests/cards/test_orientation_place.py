"""The orientation card names a real place: her region's incubator with its address and
phone (from a directory version an administrator published), the appointment and the
person to see; before the committee accepted her it is a sheet plainly marked
provisional; the incubator's review of the path is printed, its history kept."""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from jisr_desktop.cards import render_card
from jisr_desktop.cards.data import pick
from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.programme.definitions import (
    Definition,
    content_hash,
    load_card_templates,
    load_places,
)
from jisr_desktop.models.store.decisions import DecisionRepository, ReasonRequired
from jisr_desktop.models.store.referrals import ReferralRepository, directory_in_force
from jisr_desktop.models.workflows.enrolment import enrol

from ..conftest import TODAY, make_submission

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
ADDRESS = "Centre social, avenue Hassan II, Marrakech"


def _publish_address(repo) -> None:
    """What an administrator does: a directory version with the incubator's address."""
    data = copy.deepcopy(dict(load_places().data))
    data["version"] += 1
    incubator = next(p for p in data["places"] if p["id"] == "incubator_07")
    incubator["address"] = {"ar": "المركز الاجتماعي، شارع الحسن الثاني، مراكش", "fr": ADDRESS,
                            "zgh": ADDRESS}
    incubator["phone"] = "+212524000000"
    repo.install_definitions([Definition("places", data["id"], data["version"],
                                         content_hash(data), data)])


def _text(data, tmp_path, lang="fr") -> str:
    out = tmp_path / f"card-{lang}.pdf"
    render_card(load_card_templates()["orientation"].data, data, out, lang)
    return subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def woman(repo, definitions):
    outcome = enrol(repo, definitions, make_submission(), today=TODAY)  # Marrakech, an idea
    assert outcome.saved
    return outcome.record.id


def test_an_accepted_womans_card_names_her_regions_incubator_with_its_address(
    repo, definitions, woman, tmp_path
):
    _publish_address(repo)
    ReferralRepository(repo.store).orient(
        woman, directory_in_force(repo), place_id="incubator_07",
        appointment="2026-12-10 09:30", contact="Mme Naima Alaoui")
    DecisionRepository(repo.store).committee_decide(
        woman, outcome="accepted", decided_on="2026-11-30")
    data = card_for_record(repo, definitions, woman, "orientation", issued_on=TODAY)
    assert not data.provisional
    text = _text(data, tmp_path)
    assert "Incubateur social de référence de Marrakech-Safi" in text
    assert ADDRESS in text and "+212524000000" in text
    assert "10/12/2026 09:30" in text and "Mme Naima Alaoui" in text
    assert "provisoire" not in text


def test_before_the_committee_accepts_her_the_sheet_says_provisional(
    repo, definitions, woman, tmp_path
):
    data = card_for_record(repo, definitions, woman, "orientation", issued_on=TODAY)
    assert data.provisional
    # With nothing chosen yet, the place proposed: no association is named in Marrakech,
    # so her region's incubator.
    assert "Marrakech-Safi" in pick(data.values["place"], "fr")
    assert "Feuille provisoire" in _text(data, tmp_path)
    DecisionRepository(repo.store).committee_decide(
        woman, outcome="waiting_list", decided_on="2026-11-30", reason="Quota atteint")
    again = card_for_record(repo, definitions, woman, "orientation", issued_on=TODAY)
    assert again.provisional


def test_the_incubator_confirms_or_changes_the_path_and_the_history_stays(
    repo, definitions, woman
):
    referrals = ReferralRepository(repo.store)
    DecisionRepository(repo.store).committee_decide(
        woman, outcome="accepted", decided_on="2026-11-30")
    before = card_for_record(repo, definitions, woman, "orientation")
    proposed = repo.get(woman).evaluation["orientation"]["path"]
    referrals.review_path(woman, path=proposed, path_in_force=proposed)  # confirmed
    with pytest.raises(ReasonRequired):
        referrals.review_path(woman, path="employability", path_in_force=proposed)
    referrals.review_path(woman, path="employability", path_in_force=proposed,
                          reason="Préfère un emploi salarié après l'entretien")
    after = card_for_record(repo, definitions, woman, "orientation")
    assert after.values["path"] == definitions.orientation.data["paths"]["employability"][
        "label"] != before.values["path"]
    assert [(r.kind, r.path) for r in referrals.history(woman)] == [
        ("path_review", proposed), ("path_review", "employability")]


def test_a_field_agent_may_orient_but_not_review_the_path(store, repo, woman):
    from jisr_desktop.models.store.database import Store

    store.add_agent("Salma", "salma-passphrase-1", "field_agent", "07.351")
    with Store.open(store.folder, "Salma", "salma-passphrase-1") as other:
        referrals = ReferralRepository(other)
        referrals.orient(woman, directory_in_force(repo), place_id="incubator_07",
                         appointment=None, contact=None)
        with pytest.raises(PermissionError):
            referrals.review_path(woman, path="employability", path_in_force=None,
                                  reason="x")
