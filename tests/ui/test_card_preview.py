"""The card preview opened from the real pages, on a real store: the picture, Save PDF (fonts
embedded), the language choice, roles, and a printed card's QR typed into the search box."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from jisr_desktop.cards import card_number, qr_payload
from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.assessment_page import AssessmentPage
from jisr_desktop.ui.beneficiaries_page import BeneficiariesPage
from jisr_desktop.ui.card_preview import CardPreviewDialog, card_image
from jisr_desktop.ui.result_page import ResultPage
from tests.cards.conftest import ASSESSMENT
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import make_context, type_text

poppler = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils missing")


@pytest.fixture
def record_id(ctx) -> str:
    outcome = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _ready(ctx, dialog: CardPreviewDialog) -> None:
    # Two hops: the card's data on the db lane, then the PDF on the print lane.
    for _ in range(3):
        ctx.tasks.wait_idle(20)
        if dialog.drawing is not None:
            return
    raise AssertionError(f"no card rendered: {dialog.status.text()!r}")


def _ink(image: QImage) -> float:
    """Share of the picture that is not white."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())[: grey.bytesPerLine() * grey.height()]
    return sum(1 for b in data if b < 200) / len(data)


def _blocks(image: QImage, size: int = 8) -> list[float]:
    """Mean grey of each `size` × `size` block of a grayscale picture."""
    stride, width, height = image.bytesPerLine(), image.width(), image.height()
    data = bytes(image.constBits())
    out = []
    for top in range(0, height - size + 1, size):
        for left in range(0, width - size + 1, size):
            total = sum(
                sum(data[(top + dy) * stride + left:(top + dy) * stride + left + size])
                for dy in range(size)
            )
            out.append(total / size / size)
    return out


def _open_from_result_page(qtbot, ctx, record_id) -> tuple[ResultPage, CardPreviewDialog]:
    page = ResultPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.show_record(record_id)
    ctx.tasks.wait_idle()
    assert page.print_button.isVisible() and page.print_button.isEnabled()
    page.print_button.click()
    dialog = page.card_dialog
    assert dialog is not None and dialog.isVisible()
    _ready(ctx, dialog)
    return page, dialog


@poppler
def test_orientation_card_preview_shows_the_card_and_saves_the_pdf(
    qtbot, ctx, record_id, tmp_path, monkeypatch
):
    _page, dialog = _open_from_result_page(qtbot, ctx, record_id)
    assert dialog.card_layout == "ar+fr"
    pixmap = dialog.picture.pixmap()
    assert not pixmap.isNull() and pixmap.height() > 300
    assert 0.03 < _ink(dialog.image) < 0.5
    assert card_number("orientation", record_id, 1) in dialog.info.text()
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    temp = dialog.pdf
    assert temp is not None and temp.parent == ctx.folder / "tmp" and temp.exists()

    target = tmp_path / "saved card"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    dialog.save_button.click()
    saved = target.with_suffix(".pdf")
    assert saved.read_bytes()[:5] == b"%PDF-"
    fonts = subprocess.run(["pdffonts", str(saved)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert len(fonts) >= 3
    for line in fonts:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line
        assert "+" in name  # a subset tag: ABCDEF+NotoSans…
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True,
                          text=True).stdout
    assert "Fatima-Zahra BENNANI" in text

    dialog.close()
    assert not temp.exists()  # her card does not stay in tmp/


@poppler
def test_the_preview_is_the_pdf(qtbot, ctx, record_id, tmp_path):
    """The picture is painted from the recorded drawing, not read from the PDF: compared
    with poppler's rendering of the PDF it must be the same card, pixel for pixel but for
    anti-aliasing at the edges of letters."""
    _page, dialog = _open_from_result_page(qtbot, ctx, record_id)
    for layout in ("ar+fr", "zgh"):
        dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData(layout))
        _ready(ctx, dialog)
        ctx.tasks.wait_idle()
        assert dialog.card_layout == layout
        ours = card_image(dialog.drawing, 100).convertToFormat(QImage.Format.Format_Grayscale8)
        base = tmp_path / layout
        subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile",
                        str(dialog.pdf), str(base)], check=True)
        theirs = QImage(str(base) + ".png").convertToFormat(QImage.Format.Format_Grayscale8)
        assert ours.size() == theirs.size()
        # Letters' edges are anti-aliased differently (Qt vs poppler), so compare 8 × 8
        # blocks: a glyph missing, moved or of another size changes a block by far more.
        ours_blocks, theirs_blocks = _blocks(ours), _blocks(theirs)
        worst = max(abs(x - y) for x, y in zip(ours_blocks, theirs_blocks, strict=True))
        assert worst < 48, f"{layout}: a block differs by {worst}"
        assert abs(_ink(ours) - _ink(theirs)) < 0.01


@poppler
def test_print_paints_the_card_on_the_printer(qtbot, ctx, record_id, tmp_path, monkeypatch):
    """"Print…" through a printer that writes PDF (the system dialog accepted as is)."""
    from PySide6.QtPrintSupport import QPrinter

    from jisr_desktop.ui import card_preview

    out = tmp_path / "printed.pdf"

    class AcceptingDialog:
        def __init__(self, printer, _parent):
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))

        def setWindowTitle(self, _title):
            pass

        def exec(self):
            return card_preview.QDialog.DialogCode.Accepted

    monkeypatch.setattr(card_preview, "QPrintDialog", AcceptingDialog)
    _page, dialog = _open_from_result_page(qtbot, ctx, record_id)
    dialog.print_button.click()
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "Pages:           1" in info
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split()[2:5:2])
    assert abs(width - 297.6) < 1.5 and abs(height - 419.5) < 1.5  # A6 (Qt rounds to points)
    assert out.stat().st_size > 20_000  # the glyphs, not a blank page
    assert dialog.status.text()  # "sent to the printer"


def test_language_choice_renders_again_and_keeps_one_temporary_file(qtbot, ctx, record_id):
    _page, dialog = _open_from_result_page(qtbot, ctx, record_id)
    first, first_glyphs = dialog.pdf, dialog.drawing.glyph_count()
    labels = [dialog.layout_choice.itemData(i) for i in range(dialog.layout_choice.count())]
    assert labels == ["ar+fr", "ar", "fr", "zgh"]
    dialog.layout_choice.setCurrentIndex(2)  # French only
    _ready(ctx, dialog)
    ctx.tasks.wait_idle()
    assert dialog.pdf != first and not first.exists() and dialog.pdf.exists()
    assert dialog.drawing.glyph_count() < first_glyphs  # one language, not two
    assert list((ctx.folder / "tmp").glob("*.pdf")) == [dialog.pdf]
    ctx.language.set_language("fr")
    assert dialog.layout_choice.itemText(2) and dialog.save_button.text()
    assert dialog.layout_choice.currentData() == "fr"
    dialog.reject()
    assert not list((ctx.folder / "tmp").glob("*.pdf"))


def test_no_orientation_says_so(qtbot, ctx):
    refused = enrol(ctx.repo, ctx.defs, make_submission(consent="no"), today=TODAY)
    assert refused.saved
    dialog = CardPreviewDialog(ctx, refused.record.id, "orientation")
    qtbot.addWidget(dialog)
    ctx.tasks.wait_idle()
    assert dialog.drawing is None and not dialog.save_button.isEnabled()
    assert dialog.status.text()  # the translated reason


def test_incubator_staff_get_the_service_card_not_the_orientation_card(qtbot, qapp, tmp_path):
    ctx = make_context(tmp_path / "store", role="incubator_staff")
    try:
        record_id = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id
        result = ResultPage(ctx)
        qtbot.addWidget(result)
        result.show()
        result.show_record(record_id)
        ctx.tasks.wait_idle()
        assert result.assess_button.isVisible() and not result.print_button.isVisible()

        answers = validate_assessment(ctx.defs.assessment, ASSESSMENT, today=TODAY).answers
        recommended = [r.service_id for r in recommend(ctx.defs.assessment, ctx.defs.services,
                                                       answers)]
        page = AssessmentPage(ctx)
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        page.open_for(record_id)
        ctx.tasks.wait_idle()
        assert not page.print_button.isVisible()  # no assessment yet, no service card
        AssessmentRepository(ctx.store).save(record_id, answers, recommended,
                                             definition=ctx.defs.assessment)
        page.open_for(record_id)
        ctx.tasks.wait_idle()
        assert page.print_button.isVisible() and page.print_button.isEnabled()
        page.print_button.click()
        dialog = page.card_dialog
        _ready(ctx, dialog)
        assert dialog.kind == "service" and dialog.data.card_no.startswith("S-")
        assert len(dialog.data.services) == len(recommended)
        assert _ink(dialog.image) > 0.03
        dialog.close()
    finally:
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()


# -- the printed card's QR, scanned into the search box ---------------------------------------


@pytest.fixture
def beneficiaries(qtbot, ctx, record_id) -> BeneficiariesPage:
    page = BeneficiariesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    ctx.tasks.wait_idle()
    return page


def _scan(qtbot, page: BeneficiariesPage, text: str) -> None:
    """A USB scanner is a keyboard: the characters, then Enter."""
    type_text(page.search, text)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)


def test_a_scanned_card_opens_her_record(qtbot, beneficiaries, record_id):
    payload = qr_payload(record_id, card_number("orientation", record_id, 1))
    with qtbot.waitSignal(beneficiaries.openRecord, timeout=2000) as opened:
        _scan(qtbot, beneficiaries, payload)
    assert opened.args == [record_id]
    assert beneficiaries.search.text() == "" and not beneficiaries.scan_message.isVisible()


def test_a_misread_card_code_says_so_instead_of_searching(qtbot, ctx, beneficiaries, record_id):
    payload = qr_payload(record_id, card_number("orientation", record_id, 1))
    broken = payload[:-1] + ("0" if payload[-1] != "0" else "1")  # the check value is off
    opened: list[str] = []
    beneficiaries.openRecord.connect(opened.append)
    _scan(qtbot, beneficiaries, broken)
    ctx.tasks.wait_idle()
    assert opened == []
    assert beneficiaries.scan_message.isVisible()
    arabic = beneficiaries.scan_message.text()
    assert arabic
    ctx.language.set_language("fr")
    assert beneficiaries.scan_message.text()  # re-translated in place
    type_text(beneficiaries.search, "x")  # typing again clears the message
    assert not beneficiaries.scan_message.isVisible()
    # Let that keystroke's search run now, not after this test's store is closed.
    qtbot.waitUntil(lambda: not beneficiaries.debounce.isActive(), timeout=2000)
    ctx.tasks.wait_idle()
