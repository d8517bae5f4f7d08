"""Printing a committee's orientation cards in the background: progress, the PDF with the
expected number of A4 sheets, and a Cancel that stops the batch and keeps no file."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from jisr_desktop.cards import batch as card_batch
from jisr_desktop.models.store.decisions import ACCEPTED, DecisionRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.committee_page import CommitteePage
from tests.conftest import TODAY, make_submission
from tests.ui.programme_helpers import open_committee_page

MARRAKECH = "07.351"
pytestmark = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils missing")


@pytest.fixture
def women(ctx) -> list[str]:
    """Seven women of Marrakech; the committee accepted the first five it ranked."""
    ids = []
    names = ("Amal", "Basma", "Chama", "Dounia", "Fadwa", "Ghita", "Hanane")
    for i, name in enumerate(names):
        outcome = enrol(
            ctx.repo, ctx.defs,
            make_submission(cin=f"EE20000{i}", phone=f"06120000{i:02d}",
                            first_name_lat=name, date_of_birth=f"198{i}-05-0{i + 1}",
                            household_size=2 + i),
            today=TODAY,
        )
        assert outcome.saved, outcome.evaluation.validation.errors
        ids.append(outcome.record.id)
    return ids


def _accept_first(ctx, page: CommitteePage, n: int) -> list[str]:
    accepted = [e.record_id for e in page.result.entries[:n]]
    for record_id in accepted:
        DecisionRepository(ctx.store).committee_decide(record_id, outcome=ACCEPTED,
                                                       decided_on=TODAY)
    page.reload()
    ctx.tasks.wait_idle()
    return accepted


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _run(qtbot, page: CommitteePage):
    with qtbot.waitSignal(page.print_button.clicked):
        page.print_button.click()
    batch = page.batch
    assert batch is not None and not page.print_button.isEnabled()  # one batch at a time
    with qtbot.waitSignal(batch.finished, timeout=30_000) as done:
        pass
    return batch, done.args[0]


def test_the_accepted_womens_cards_four_per_sheet(qtbot, ctx, women, tmp_path, monkeypatch):
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    assert not page.print_button.isEnabled()  # nobody accepted yet: nothing to print
    accepted = _accept_first(ctx, page, 5)
    assert page.cards_to_print() == accepted and page.print_button.isEnabled()

    seen: list[tuple[int, int]] = []
    page.print_button.click()
    batch = page.batch
    batch.state.progressed.connect(lambda d, t: seen.append((d, t)))
    assert isinstance(batch.progress, QProgressDialog) and batch.progress.isVisible()
    with qtbot.waitSignal(batch.finished, timeout=30_000) as done:
        pass
    outcome = done.args[0]
    assert not outcome.cancelled and outcome.cards == 5 and outcome.pages == 2
    assert outcome.pdf.exists() and outcome.pdf.parent == ctx.folder / "tmp"
    assert _pages(outcome.pdf) == 2
    assert seen and seen[-1] == (5, 5)
    assert batch.progress is None  # closed
    assert batch.done_box is not None and batch.done_box.isVisible()
    assert page.print_status.text() and page.print_button.isEnabled()

    target = tmp_path / "session.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    batch.save_button.click()
    assert _pages(target) == 2
    # The sheets (names and CINs in clear) leave the data folder with the box; the copy
    # she saved stays.
    assert not batch.done_box.isVisible()
    assert not outcome.pdf.exists() and target.exists()

    # All ranked women: seven cards, two sheets again (four and three).
    page.print_scope.setCurrentIndex(page.print_scope.findData("ranked"))
    assert len(page.cards_to_print()) == 7
    again, outcome = _run(qtbot, page)
    assert (outcome.cards, outcome.pages) == (7, 2) and _pages(outcome.pdf) == 2
    again.done_box.close()  # "Close": nothing kept
    assert not outcome.pdf.exists()


def test_cancel_stops_the_batch_and_keeps_no_file(qtbot, ctx, women, monkeypatch):
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    page.print_scope.setCurrentIndex(page.print_scope.findData("ranked"))
    slow = card_batch.draw_card

    def draw_slowly(*args, **kwargs):
        time.sleep(0.15)  # a slow PC: the batch is still running when she presses Cancel
        return slow(*args, **kwargs)

    monkeypatch.setattr(card_batch, "draw_card", draw_slowly)
    page.print_button.click()
    batch = page.batch
    # Wait for the print lane's first card, then press the dialog's own Cancel button.
    qtbot.waitUntil(lambda: batch.phase == "printing" and batch.progress.value() >= 1,
                    timeout=10_000)
    cancel = batch.progress.findChild(QPushButton)
    assert cancel is not None and cancel.text()
    with qtbot.waitSignal(batch.finished, timeout=30_000) as done:
        cancel.click()
    outcome = done.args[0]
    assert outcome.cancelled and outcome.pdf is None and 1 <= outcome.cards < 7
    assert not list((ctx.folder / "tmp").glob("*.pdf*"))  # neither the PDF nor a .part
    assert page.print_status.text() and page.print_button.isEnabled()
    assert batch.done_box is None


def test_cancel_while_reading_the_records(qtbot, ctx, women):
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    page.print_scope.setCurrentIndex(page.print_scope.findData("ranked"))
    page.print_button.click()
    batch = page.batch
    # At once: the db lane sees the flag before it is done (or, at worst, right after,
    # and printing never starts).
    batch.progress.findChild(QPushButton).click()
    with qtbot.waitSignal(batch.finished, timeout=30_000) as done:
        pass
    outcome = done.args[0]
    assert outcome.cancelled and outcome.cards == 0 and outcome.pdf is None
    assert not list((ctx.folder / "tmp").glob("*.pdf*"))
