"""The bilingual footer of a printed card reads in order (issue 11, point 13): "Date /
التاريخ : 22/11/2026", French label, Arabic label, then the value — not the value pulled
between the labels by the bidi algorithm. Checked on the real PDF with pdftotext's word
boxes (its text alone does not give Arabic back faithfully)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from jisr_desktop.cards import render_card

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>')
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


def words(pdf: Path) -> list[tuple[float, float, str]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [(float(x), float(y), w) for x, y, w in WORD.findall(html)]


def line_of(all_words, first: str) -> list[str]:
    """The words on the line that starts with `first`, left to right."""
    x0, y0, _w = next(w for w in all_words if w[2] == first)
    same = sorted((x, w) for x, y, w in all_words if abs(y - y0) < 1.0 and x >= x0)
    return [w for _x, w in same]


@pytest.mark.parametrize("key, value", [("Date", "22/11/2026"), ("Agent", "Amina")])
def test_bilingual_footer_reads_label_label_value(tmp_path, templates, orientation_data,
                                                  key, value):
    out = tmp_path / "card.pdf"
    render_card(templates["orientation"], orientation_data, out, "ar+fr")
    line = line_of(words(out), key)
    assert line[1] == "/" and ARABIC.search(line[2]), line
    colon = line.index(":")
    assert all(ARABIC.search(w) for w in line[2:colon]), line  # the Arabic label, whole
    assert line[colon + 1] == value, line  # then her value, after the colon
