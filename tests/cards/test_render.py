"""Real PDFs, checked with poppler: fonts embedded as subsets, Latin and Tifinagh text back
exactly, every card fits A6, and a page of four with crop marks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jisr_desktop.cards import (
    BatchItem,
    CardData,
    MissingGlyphError,
    parse_qr_payload,
    render_batch,
    render_card,
)
from jisr_desktop.cards.text import strip_controls
from jisr_desktop.models.programme.definitions import load_directory

from .conftest import RECORD_ID

pytestmark = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils missing")


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def pdftext(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    # pdftotext marks right-to-left stretches with U+202B/U+202C of its own.
    return [strip_controls(line).strip() for line in out.splitlines()]


@pytest.mark.parametrize("layout", ["ar+fr", "ar", "fr", "zgh"])
def test_orientation_card_embeds_fonts_and_gives_latin_and_tifinagh_back(
    tmp_path, templates, orientation_data, layout
):
    out = tmp_path / "card.pdf"
    render_card(templates["orientation"], orientation_data, out, layout)
    fonts = pdffonts(out)
    names = {f[0].split("+", 1)[-1] for f in fonts}
    assert {"NotoSans-Bold", "NotoSansTifinagh-Regular"} <= names
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts), fonts  # emb sub uni
    assert not [f for f in fonts if f[0] == "Helvetica"]  # nothing fell back to a base font
    lines = pdftext(out)
    # The letterhead's Tifinagh, exactly as in the template.
    for tifinagh in templates["orientation"]["letterhead"]["zgh"]:
        assert tifinagh in lines
    assert "ROYAUME DU MAROC" in lines
    if layout != "ar":
        assert "Fatima-Zahra BENNANI" in lines
        # Her path in the card's language (Tamazight since issue 13, French on the others).
        path = load_directory().orientation.data["paths"]["entrepreneurship_cooperative"]
        label = path["label"]["zgh" if layout == "zgh" else "fr"]
        assert any(label in line for line in lines), label
    assert any("EE123456" in line for line in lines)
    assert any("O-1A2B3C4D-2" in line for line in lines)
    assert any("22/11/2026" in line for line in lines)


def test_service_card_lists_services_in_catalogue_order(tmp_path, templates, service_data):
    out = tmp_path / "service.pdf"
    render_card(templates["service"], service_data, out, "fr")
    text = "\n".join(pdftext(out))
    assert text.index("Formation") < text.index("Accompagnement à")
    assert "Réalisé le 12/01/2027 – Khadija" in text
    assert "Élaboration d'un projet économique" in text
    render_card(templates["service"], service_data, tmp_path / "both.pdf", "ar+fr")
    assert "Réalisé le 12/01/2027 – Khadija" in "\n".join(pdftext(tmp_path / "both.pdf"))


def test_a_missing_glyph_refuses_the_card(tmp_path, templates, orientation_data):
    values = {**orientation_data.values, "cin": "EE123456 ✓"}
    broken = CardData(**{**orientation_data.__dict__, "values": values})
    with pytest.raises(MissingGlyphError):
        render_card(templates["orientation"], broken, tmp_path / "x.pdf", "fr")


def test_template_and_card_kinds_must_match(tmp_path, templates, orientation_data):
    with pytest.raises(ValueError):
        render_card(templates["service"], orientation_data, tmp_path / "x.pdf")


def test_batch_four_per_sheet_progress_and_cancel(tmp_path, templates, orientation_data):
    seen: list[tuple[int, int]] = []
    made = 0

    def items(n):
        nonlocal made
        for _ in range(n):
            made += 1
            yield BatchItem(templates["orientation"], orientation_data, "ar+fr")

    out = tmp_path / "batch.pdf"
    result = render_batch(items(9), out, progress=lambda d, t: seen.append((d, t)), total=9)
    assert (result.cards, result.pages, result.cancelled) == (9, 3, False)
    assert seen[-1] == (9, 9) and len(seen) == 9
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Pages:           3" in info and "595.276 x 841.89" in info  # A4
    assert pdftext(out).count("ROYAUME DU MAROC") == 9

    made = 0
    stop = tmp_path / "stopped.pdf"
    result = render_batch(items(100), stop, cancelled=lambda: made > 5)
    assert result.cancelled and result.cards == 5
    assert made == 6  # the generator was not drained: records are read one by one
    assert not stop.exists() and not list(tmp_path.glob("*.part"))


def test_qr_payload_round_trip_and_no_personal_data(orientation_data):
    from jisr_desktop.cards.qr import qr_payload

    payload = qr_payload(orientation_data.record_id, orientation_data.card_no)
    assert parse_qr_payload(payload) == (RECORD_ID, "O-1A2B3C4D-2")
    assert "EE123456" not in payload and "Bennani" not in payload.title()
    assert parse_qr_payload(payload.lower()) == (RECORD_ID, "O-1A2B3C4D-2")
    assert parse_qr_payload(" " + payload + "\n") == (RECORD_ID, "O-1A2B3C4D-2")
    tampered = payload.replace("O-1A2B3C4D-2", "O-1A2B3C4D-3")
    assert parse_qr_payload(tampered) is None
    assert parse_qr_payload("fatima bennani") is None
    assert parse_qr_payload("") is None
    # A QWERTY scanner typing into an AZERTY layout.
    azerty = payload.translate(str.maketrans({
        "1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-", "7": "è", "8": "_",
        "9": "ç", "0": "à", "-": ")", ".": ":", "a": "q", "A": "Q"}))
    assert parse_qr_payload(azerty) == (RECORD_ID, "O-1A2B3C4D-2")


@pytest.mark.parametrize("kind", ["orientation", "service"])
def test_a_tamazight_card_prints_its_labels_in_tifinagh(
    tmp_path, templates, orientation_data, service_data, kind
):
    # Issue 13: the zgh card was French under a trilingual letterhead.
    template = templates[kind]
    data = orientation_data if kind == "orientation" else service_data
    out = tmp_path / f"{kind}.pdf"
    render_card(template, data, out, "zgh")
    text = "\n".join(pdftext(out))
    assert template["heading"]["zgh"] in text
    assert template["heading"]["fr"] not in text
    for field in template["fields"]:
        if field["name"] in data.values:
            assert field["label"]["zgh"] in text, field["name"]
            assert f"\n{field['label']['fr']}\n" not in f"\n{text}\n", field["name"]
