"""A committee session on screen (issue 12): a supervisor opens the session of Marrakech
(date, place, members present) from the committee page, records the decisions of the day
woman by woman (a waiting list with its reason, a change of category and path with its
reason, a not-eligible woman accepted only through the override), and saves the minutes in
Arabic and French; pdftotext reads what was decided."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from PySide6.QtCore import QDate

from jisr_desktop.models.store.decisions import (
    ACCEPTED,
    COMMITTEE,
    WAITING_LIST,
    DecisionRepository,
)
from jisr_desktop.models.store.sessions import SessionRepository
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.committee_page import CommitteePage
from tests.ui.programme_helpers import enrol_woman

MARRAKECH = "07.351"
pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def _pdf_text(path) -> str:
    """The PDF's text with Arabic presentation forms folded back to letters (NFKC) and the
    embedding marks pdftotext adds removed."""
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", raw))


def _page(qtbot, ctx) -> CommitteePage:
    page = CommitteePage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.set_province(MARRAKECH)
    ctx.tasks.wait_idle()
    return page


def _open_session(qtbot, ctx, page):
    assert page.session_button.isVisible()
    page.session_button.click()
    ctx.tasks.wait_idle()
    dialog = page.session_dialog
    qtbot.addWidget(dialog)
    return dialog


def _pick(dialog, ctx, record_id: str) -> None:
    row = next(r for r in range(dialog.table.rowCount())
               if dialog.table.item(r, 0).data(256) == record_id)
    dialog.table.selectRow(row)
    ctx.tasks.wait_idle()
    assert dialog.box.isEnabled() and dialog.box.record_id == record_id


def test_a_session_is_opened_decided_and_its_minutes_saved(qtbot, ctx, tmp_path) -> None:
    ctx.language.set_language("fr")
    amal = enrol_woman(ctx, cin="EE700001", first_name_lat="Amal")
    basma = enrol_woman(ctx, cin="EE700002", first_name_lat="Basma", phone="0612700002")
    page = _page(qtbot, ctx)
    dialog = _open_session(qtbot, ctx, page)
    held = date.today().replace(day=1)
    dialog.held_on.setDate(QDate(held.year, held.month, held.day))

    # Without the members present, nothing is opened and she is told why.
    dialog.place.setText("Province de Marrakech, salle 2")
    dialog.open_session()
    ctx.tasks.wait_idle()
    assert dialog.session is None and "membres" in dialog.session_message.text()
    assert SessionRepository(ctx.store).in_province(MARRAKECH) == []
    dialog.members.setPlainText("M. Idrissi (gouverneur)\nMme Bennis (ADS)\n")
    dialog.open_button.click()
    ctx.tasks.wait_idle()
    assert dialog.session is not None and dialog.session.members == [
        "M. Idrissi (gouverneur)", "Mme Bennis (ADS)"]
    assert dialog.table.rowCount() == 2
    assert not dialog.box.decided_on.isEnabled()  # decisions carry the session's day

    # Amal: waiting list, with its reason.
    _pick(dialog, ctx, amal)
    box = dialog.box
    box.outcome.setCurrentIndex(box.outcome.findData(WAITING_LIST))
    box.committee_reason.setText("Quota de la catégorie atteint")
    box.committee_button.click()
    ctx.tasks.wait_idle()
    decisions = DecisionRepository(ctx.store)
    latest = decisions.latest(amal, COMMITTEE)
    assert latest.outcome == WAITING_LIST and latest.decided_on == held.isoformat()

    # Basma: accepted with her path changed; the change needs its reason.
    _pick(dialog, ctx, basma)
    box.outcome.setCurrentIndex(box.outcome.findData(ACCEPTED))
    box.new_path.setCurrentIndex(box.new_path.count() - 1)
    chosen_path = box.new_path.currentData()
    assert chosen_path and chosen_path != box.data.record.evaluation["orientation"]["path"]
    box.committee_button.click()
    ctx.tasks.wait_idle()
    assert decisions.latest(basma, COMMITTEE) is None
    assert "catégorie ou du parcours" in box.committee_message.text()
    box.committee_reason.setText("Elle tient déjà un atelier")
    box.committee_button.click()
    ctx.tasks.wait_idle()
    assert decisions.latest(basma, COMMITTEE).path == chosen_path
    row_texts = [strip_isolates(dialog.table.item(r, 3).text())
                 for r in range(dialog.table.rowCount())]
    assert any("parcours" in t for t in row_texts)

    for lang in ("fr", "ar"):
        out = tmp_path / f"minutes-{lang}.pdf"
        dialog.save_minutes(lang, str(out))
        ctx.tasks.wait_idle()
        assert out.exists() and out.name in dialog.minutes_status.text()
    text = _pdf_text(tmp_path / "minutes-fr.pdf")
    assert "salle 2" in text and "Mme Bennis (ADS)" in text
    assert "Amal" in text and "Quota de la catégorie atteint" in text
    assert "Elle tient déjà un atelier" in text and "parcours" in text
    arabic = _pdf_text(tmp_path / "minutes-ar.pdf")
    assert "Elle tient déjà un atelier" in arabic and "محضر" in arabic

    # The committee page's list says the change too.
    dialog.accept()
    ctx.tasks.wait_idle()
    decided = [strip_isolates(page.model._text(e, "decision")) for e in page.result.entries]
    assert any("parcours" in t for t in decided)


def test_a_not_eligible_woman_is_accepted_only_by_override(qtbot, ctx, tmp_path) -> None:
    """On her result page: the refusal of check_decision in words, then the override; she
    then appears on the committee's list and in the minutes as an exception."""
    from jisr_desktop.ui.result_page import ResultPage

    ctx.language.set_language("fr")
    minor = enrol_woman(ctx, date_of_birth="2010-05-01", cin="AB700200", phone="0661700111",
                        first_name_lat="Chama")
    sessions = SessionRepository(ctx.store)
    session = sessions.open(MARRAKECH, held_on=date.today(), place="Salle de la province",
                            members=["M. Idrissi"])
    result = ResultPage(ctx)
    qtbot.addWidget(result)
    result.resize(1366, 640)
    result.show()
    result.show_record(minor)
    ctx.tasks.wait_idle()
    box = result.committee_box
    box.outcome.setCurrentIndex(box.outcome.findData(ACCEPTED))
    box.committee_reason.setText("Elle aura 18 ans avant la formation")
    box.committee_button.click()
    ctx.tasks.wait_idle()
    decisions = DecisionRepository(ctx.store)
    assert decisions.latest(minor, COMMITTEE) is None
    assert "pas éligible" in box.committee_message.text()
    box.override.setChecked(True)
    box.committee_button.click()
    ctx.tasks.wait_idle()
    assert decisions.latest(minor, COMMITTEE).override
    assert any("dérogation" in strip_isolates(result.history.item(r, 2).text())
               for r in range(result.history.rowCount()))

    page = _page(qtbot, ctx)
    decided = [strip_isolates(page.model._text(e, "decision")) for e in page.result.entries
               if e.record_id == minor]
    assert decided and "dérogation" in decided[0]
    dialog = _open_session(qtbot, ctx, page)
    assert dialog.session is None  # a session is chosen, never assumed
    dialog.picker.setCurrentIndex(dialog.picker.findData(session.id))
    ctx.tasks.wait_idle()
    assert dialog.place.text() == "Salle de la province" and not dialog.place.isEnabled()
    out = tmp_path / "m.pdf"
    dialog.save_minutes("fr", str(out))
    ctx.tasks.wait_idle()
    text = _pdf_text(out)
    assert "Chama" in text and "dérogation" in text
