"""The letterhead on every card: the ministry's real name, «ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ» for the
Kingdom, and the text is data: a new template version loaded with `definitions --load`
reaches the printed card."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import load_card_templates

from ..conftest import make_submission
from ..test_cli import _write, jisr
from ..test_cli import cli_store as cli_store  # a fixture, used by name

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def test_both_templates_carry_the_ministrys_name_and_flag_the_tifinagh_for_review():
    for template in load_card_templates().values():
        head = template.data["letterhead"]
        assert " ".join(head["ar"][1:]) == "وزارة التضامن والإدماج الاجتماعي والأسرة"
        assert "والإعانة" not in " ".join(head["ar"])
        assert head["zgh"][0] == "ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ"
        assert "review" in template.data and "Tifinagh" in template.data["review"]


def _pdf_text(folder: Path, record_id: str, out: Path) -> str:
    done = jisr(folder, "print-card", record_id, "--kind", "orientation", "--lang", "fr",
                "--out", str(out))
    assert done.returncode == 0, done.stderr
    return subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_ministrys_exact_text_replaces_ours_without_a_release(cli_store, tmp_path):
    enrolled = jisr(cli_store, "enrol", _write(tmp_path / "w.json", make_submission()))
    record_id = json.loads(enrolled.stdout)["id"]
    text = _pdf_text(cli_store, record_id, tmp_path / "before.pdf")
    assert "ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ" in text  # Tifinagh comes back exactly from pdftotext
    assert "MINISTÈRE DE LA SOLIDARITÉ" in text and "INSERTION SOCIALE" in text

    folder = tmp_path / "definitions"
    shutil.copytree(paths.definitions_dir(), folder)
    card_file = folder / "cards" / "orientation.json"
    card = json.loads(card_file.read_text(encoding="utf-8"))
    card["version"] += 1
    card["letterhead"]["zgh"][1] = "ⵜⴰⵎⴰⵡⴰⵙⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ"  # stands for the ministry's text
    card_file.write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    loaded = jisr(cli_store, "definitions", "--load", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    assert "ⵜⴰⵎⴰⵡⴰⵙⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ" in _pdf_text(cli_store, record_id, tmp_path / "after.pdf")
