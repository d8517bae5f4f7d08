"""The recorded drawing the app's preview paints, and the batch's compacted pages."""

from __future__ import annotations

import zlib

import pytest
from reportlab.lib.pagesizes import A4, A6

from jisr_desktop.cards import BatchItem, render_batch
from jisr_desktop.cards.drawing import Glyphs, Path, RecordingCanvas, record_card
from jisr_desktop.cards.fonts import font
from jisr_desktop.cards.render import draw_card, pdf_canvas
from jisr_desktop.cards.text import layout_line


@pytest.mark.parametrize("layout", ["ar+fr", "ar", "fr", "zgh"])
@pytest.mark.parametrize("kind", ["orientation", "service"])
def test_every_card_records_glyphs_inside_the_card(kind, layout, templates, orientation_data,
                                                   service_data):
    data = orientation_data if kind == "orientation" else service_data
    drawing = record_card(templates[kind], data, layout)
    assert (drawing.width, drawing.height) == pytest.approx(A6)
    runs = [op for op in drawing.ops if isinstance(op, Glyphs)]
    assert drawing.glyph_count() > 300
    for run in runs:
        assert 0 not in run.glyphs, "a .notdef glyph would be an empty box"
        assert len(run.glyphs) == len(run.positions)
        for x, y in run.positions:
            assert 0 <= x <= drawing.width and 0 <= y <= drawing.height
    qr = [op for op in drawing.ops if isinstance(op, Path) and op.style.fill]
    assert len(qr) == 1 and len(qr[0].commands) > 100  # the QR code's dark runs


def test_glyph_positions_follow_the_shaped_line(templates, orientation_data):
    """A recorded Arabic run advances exactly as HarfBuzz shaped it (what the PDF gets)."""
    line = layout_line("فاطمة الزهراء بناني", True, True)
    canvas = RecordingCanvas(*A6)
    from jisr_desktop.cards.text import draw_line

    # "end" of a right-to-left line is its left edge: the run starts at x = 10.
    draw_line(canvas, line, 10, 100, 10.0, align="end", box=300)  # type: ignore[arg-type]
    (run,) = [op for op in canvas.drawing.ops if isinstance(op, Glyphs)]
    xs = [x for x, _y in run.positions]
    assert xs == sorted(xs)  # visual order: left to right on the page
    assert xs[0] == pytest.approx(10, abs=0.5) and len(run.glyphs) == len(line.glyphs())
    assert xs[-1] < 10 + line.width_at(10.0) <= xs[-1] + 10
    face = font(line.runs[0].font).hb_font
    assert [face.glyph_to_string(g) for g in run.glyphs] == line.glyphs()


def test_an_unknown_canvas_call_fails_loudly():
    canvas = RecordingCanvas(*A6)
    with pytest.raises(AttributeError, match="drawImage"):
        canvas.drawImage("x.png", 0, 0)


def test_batch_pages_are_compressed_when_finished(tmp_path, templates, orientation_data):
    """Each finished sheet is kept compressed, not as text until save(): the batch's memory
    grows by what the file will weigh, not ten times that."""
    out = tmp_path / "c.pdf"
    canvas = pdf_canvas(out, A4, "t")
    draw_card(canvas, templates["orientation"], orientation_data, "ar+fr")
    canvas.showPage()
    page = canvas._doc.Pages.pages[-1]
    assert page.stream is None and page.Contents.content[:1] == b"x"  # zlib's header
    text = zlib.decompress(page.Contents.content).decode("utf-8")
    assert " Tj" in text or " TJ" in text
    canvas.save()

    result = render_batch((BatchItem(templates["orientation"], orientation_data)
                           for _ in range(5)), tmp_path / "b.pdf")
    assert (result.cards, result.pages) == (5, 2)
    assert (tmp_path / "b.pdf").read_bytes().count(b"/FlateDecode") >= 2
