"""The preview and the batch print use the card templates installed in the store, not
the ones shipped in resources/ (issue 12): an administrator loads the ministry's exact
letterhead as a new template version, and the next card the screen prints carries it."""

from __future__ import annotations

import copy
import shutil
import subprocess

import pytest

from jisr_desktop.models.programme.definitions import Definition, content_hash, load_card_templates
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.card_preview import CardPreviewDialog
from tests.conftest import TODAY, make_submission

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
MINISTRY = "TEXTE EXACT DU MINISTERE"


def _install_letterhead(repo) -> None:
    """What `definitions --load DIR` does with a folder's cards/: a newer version."""
    data = copy.deepcopy(dict(load_card_templates()["orientation"].data))
    data["version"] += 1
    data["letterhead"]["fr"] = [data["letterhead"]["fr"][0], MINISTRY]
    repo.install_definitions([Definition("card", data["id"], data["version"],
                                         content_hash(data), data)])


def _text(pdf) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def woman(ctx) -> str:
    return enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id


def test_the_preview_prints_with_the_template_installed_in_the_store(ctx, qtbot, woman):
    _install_letterhead(ctx.repo)
    dialog = CardPreviewDialog(ctx, woman, "orientation")
    qtbot.addWidget(dialog)
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("fr"))
    for _ in range(4):
        ctx.tasks.wait_idle(20)
    assert dialog.pdf is not None
    assert MINISTRY in _text(dialog.pdf)
    dialog.reject()


def test_the_committees_batch_print_uses_it_too(ctx, qtbot, woman):
    from jisr_desktop.models.store.decisions import DecisionRepository
    from jisr_desktop.ui.committee_page import CommitteePage

    _install_letterhead(ctx.repo)
    DecisionRepository(ctx.store).committee_decide(woman, outcome="accepted",
                                                   decided_on=TODAY)
    page = CommitteePage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.set_province("07.351")
    ctx.tasks.wait_idle()
    assert page.cards_to_print() == [woman]
    page.print_button.click()
    batch = page.batch
    with qtbot.waitSignal(batch.finished, timeout=30_000) as done:
        pass
    outcome = done.args[0]
    assert outcome.cards == 1 and MINISTRY in _text(outcome.pdf)
    batch.done_box.close()
