"""print-card and print-cards, run as the real command against a real store."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from jisr_desktop.cards import parse_qr_payload

from ..conftest import AGENT, make_submission
from ..test_cli import jisr

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def test_print_card_and_a_province_batch(tmp_path: Path):
    data = tmp_path / "data"
    assert jisr(data, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps(make_submission(), ensure_ascii=False), encoding="utf-8")
    record_id = json.loads(jisr(data, "enrol", str(reg)).stdout)["id"]

    out = tmp_path / "card.pdf"
    done = jisr(data, "print-card", record_id[:8], "--kind", "orientation", "--lang", "fr",
                "--centre", "Centre EN Marrakech", "--out", str(out))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["id"] == record_id and result["card_no"] == f"O-{record_id[:8].upper()}-1"
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert "Fatima-Zahra BENNANI" in text and "Centre : Centre EN Marrakech" in text
    assert parse_qr_payload(f"JISR1.{record_id}.{result['card_no']}.x") is None

    batch = tmp_path / "batch.pdf"
    done = jisr(data, "print-cards", "--province", "07.351", "--out", str(batch))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cards"] == 1 and batch.exists()

    done = jisr(data, "print-card", "nosuchid", "--kind", "orientation", "--out", str(out))
    assert done.returncode == 1
    # No assessment yet (or no assessment store in this build): refused, no file.
    service = tmp_path / "service.pdf"
    done = jisr(data, "print-card", record_id, "--kind", "service", "--out", str(service))
    assert done.returncode in (1, 2) and not service.exists()
