"""The committee's work from the command line, as a secretary would run it after a session."""

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


def test_one_list_per_category_and_a_reasoned_change_of_category(cli_store, tmp_path):
    weaver = _enrol(cli_store, tmp_path, "w", education="none", experience="none")
    other = _enrol(cli_store, tmp_path, "o", cin="EE654321", phone="0611111111", **NO_IDEA)

    first = json.loads(jisr(cli_store, "committee", "--province", "07.351",
                            "--category", "1").stdout)
    assert [e["id"] for e in first["entries"]] == [weaver] and first["quota"] > 0
    second = json.loads(jisr(cli_store, "committee", "--province", "07.351",
                             "--category", "2").stdout)
    assert [e["id"] for e in second["entries"]] == [other]

    refused = jisr(cli_store, "decide", weaver, "--outcome", "accepted", "--date", "2026-11-30",
                   "--category", "2", "--path", "employability")
    assert refused.returncode == 2 and "--reason" in refused.stderr
    done = jisr(cli_store, "decide", weaver[:8], "--outcome", "accepted", "--date",
                "2026-11-30", "--category", "2", "--path", "employability",
                "--reason", "Préfère une formation qualifiante")
    assert done.returncode == 0, done.stderr
    second = json.loads(jisr(cli_store, "committee", "--province", "07.351",
                             "--category", "2").stdout)
    moved = next(e for e in second["entries"] if e["id"] == weaver)
    assert (moved["outcome"], moved["category"], moved["path"]) == (
        "accepted", 2, "employability")


def test_orientation_to_a_named_place_printed_once_the_committee_accepted(cli_store, tmp_path):
    import shutil
    import subprocess

    import pytest

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils missing")
    woman = _enrol(cli_store, tmp_path, "w", education="none", experience="none")
    places = json.loads(jisr(cli_store, "places", "--region", "07").stdout)
    assert {p["id"] for p in places["places"]} == {"incubator_07", "incubator_07_rehamna"}
    assert "incubating_association" in places["none_named"]
    bad = jisr(cli_store, "orient", woman, "--place", "nowhere")
    assert bad.returncode == 2 and "places" in bad.stderr
    done = jisr(cli_store, "orient", woman, "--place", "incubator_07", "--appointment",
                "2026-12-10 09:30", "--contact", "Mme Naima Alaoui")
    assert done.returncode == 0, done.stderr

    def card_text() -> str:
        out = tmp_path / "card.pdf"
        printed = jisr(cli_store, "print-card", woman, "--kind", "orientation", "--lang", "fr",
                       "--out", str(out))
        assert printed.returncode == 0, printed.stderr
        return subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                              text=True).stdout

    assert "Feuille provisoire" in card_text()
    jisr(cli_store, "decide", woman, "--outcome", "accepted", "--date", "2026-11-30")
    text = card_text()
    assert "Carte d'orientation" in text and "provisoire" not in text
    assert "Marrakech-Safi" in text and "10/12/2026 09:30" in text and "Naima" in text

    review = jisr(cli_store, "review-path", woman, "--path", "employability")
    assert review.returncode == 2 and "--reason" in review.stderr
    review = jisr(cli_store, "review-path", woman, "--path", "employability", "--reason",
                  "Préfère un emploi salarié")
    assert review.returncode == 0, review.stderr
    history = json.loads(review.stdout)["history"]
    assert [h["kind"] for h in history] == ["orientation", "path_review"]
    assert "amélioration de l'employabilité" in card_text()
