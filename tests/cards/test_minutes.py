"""A committee session and its minutes (PDF, Arabic and French): the ranked list of the
province and category with the decisions of that day."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ..conftest import make_submission
from ..test_cli import _write, jisr
from ..test_cli import cli_store as cli_store  # a fixture, used by name

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def test_the_minutes_list_the_ranked_women_with_the_days_decisions(cli_store, tmp_path):
    ids = []
    for i, extra in enumerate(({}, {"education": "none", "experience": "none"})):
        done = jisr(cli_store, "enrol", _write(tmp_path / f"{i}.json", make_submission(
            cin=f"EE55500{i}", phone=f"061100000{i}", first_name_lat=("Amal", "Basma")[i],
            **extra)))
        ids.append(json.loads(done.stdout)["id"])
    bad = jisr(cli_store, "session", "--province", "07.351", "--date", "2026-11-30",
               "--place", "Province de Marrakech")
    assert bad.returncode == 2 and "--member" in bad.stderr
    done = jisr(cli_store, "session", "--province", "07.351", "--category", "1", "--date",
                "2026-11-30", "--place", "Province de Marrakech, salle 2", "--member",
                "M. Idrissi (gouverneur)", "--member", "Mme Bennis (ADS)")
    assert done.returncode == 0, done.stderr
    session = json.loads(done.stdout)["id"]
    jisr(cli_store, "decide", ids[0], "--outcome", "accepted", "--date", "2026-11-30")
    jisr(cli_store, "decide", ids[1], "--outcome", "waiting_list", "--date", "2026-11-30",
         "--reason", "Quota de la catégorie atteint")

    out = tmp_path / "minutes-fr.pdf"
    done = jisr(cli_store, "minutes", session[:8], "--lang", "fr", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Procès-verbal" in text and "salle 2" in text and "Mme Bennis (ADS)" in text
    assert "Amal" in text and "Acceptée" in text
    assert "Quota de la catégorie atteint" in text
    arabic = tmp_path / "minutes-ar.pdf"
    assert jisr(cli_store, "minutes", session, "--lang", "ar", "--out",
                str(arabic)).returncode == 0
    fonts = subprocess.run(["pdffonts", str(arabic)], capture_output=True, text=True).stdout
    assert "NotoNaskhArabic" in fonts
