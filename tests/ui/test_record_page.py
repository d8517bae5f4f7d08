"""Her record (issue 11, point 3): every answer in sections, Edit opens the form on her
record and saving makes a new version, and the audit trail says who changed what, when.
Also the ways in and out through the main window (points 15, 16)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from tests.conftest import AGENT, TODAY, make_submission


@pytest.fixture
def record_id(ctx) -> str:
    return enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id


def _texts(page) -> list[str]:
    return [strip_isolates(label.text()) for label in page.scroll.widget().findChildren(QLabel)]


def test_her_record_shows_every_answer_then_edit_saves_a_new_version(
    window, ctx, qtbot, record_id
) -> None:
    ctx.language.set_language("fr")
    window.open_record(record_id)
    ctx.tasks.wait_idle()
    window.result.answers_button.click()
    ctx.tasks.wait_idle()
    view = window.record_view
    assert window.stack.currentWidget() is view
    shown = _texts(view)
    # Not only the scored answers: the phone, the commune, the project's description.
    assert "0612345678" in shown and "نسج الزرابي" in shown
    commune = ctx.reference.name("communes", "07.351.01.01", "fr")
    assert commune in shown
    assert {"Identité", "Lieu de résidence", "Idée de projet"} <= set(view.section_boxes)

    view.edit_button.click()
    form = window.registration
    assert window.stack.currentWidget() is form
    ctx.tasks.wait_idle()
    assert form.record_id == record_id
    phone = form.widgets["phone"].focus_target()
    phone.selectAll()
    qtbot.keyClicks(phone, "0698765432")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    ctx.tasks.wait_idle()
    assert ctx.repo.get(record_id).version == 2

    window.result.answers_button.click()
    ctx.tasks.wait_idle()
    assert "0698765432" in _texts(view)
    trail = view.trail
    assert trail.rowCount() == 2  # registered, then corrected
    newest = [strip_isolates(trail.item(0, c).text()) for c in range(4)]
    assert newest[1] == AGENT and newest[2] == "Corrigé"
    assert "Numéro de téléphone : 0698765432 (avant : 0612345678)" in newest[3]
    assert "0612345678" in newest[3]  # what it was before


def test_back_from_her_record_and_from_the_result(window, ctx, qtbot, record_id) -> None:
    window.open_record(record_id)
    ctx.tasks.wait_idle()
    window.result.answers_button.click()
    ctx.tasks.wait_idle()
    window.record_view.back_button.click()
    assert window.stack.currentWidget() is window.result
    window.result.back_button.click()
    assert window.stack.currentWidget() is window.beneficiaries


def test_from_the_assessment_back_to_the_woman(window, ctx, qtbot, record_id) -> None:
    window.open_record(record_id)
    ctx.tasks.wait_idle()
    window.result.assess_button.click()
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.assessment
    window.assessment.back_button.click()
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.result
    assert window.result.record_id == record_id


def test_the_list_opens_with_a_button_enter_and_down(window, ctx, qtbot, record_id) -> None:
    enrol(ctx.repo, ctx.defs, make_submission(cin="VA675756", phone="0661223344",
                                              first_name_lat="Naima", first_name_ar="نعيمة"),
          today=TODAY)
    page = window.beneficiaries
    window.show_page(page)
    page.refresh()
    ctx.tasks.wait_idle()
    # A CIN typed with a space finds her, and Enter on the only match opens it.
    qtbot.keyClicks(page.search, "VA 675756")
    qtbot.waitUntil(lambda: page.model.filter.text == "VA675756" and not page.model.loading)
    ctx.tasks.wait_idle()
    assert page.model.rowCount() == 1
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.result
    assert window.result.data.record.answers["cin"] == "VA675756"

    # Two matches: Down moves into the list, Enter opens the one chosen.
    window.show_page(page)
    page.search.clear()
    qtbot.keyClicks(page.search, "bennani")
    qtbot.waitUntil(lambda: page.model.filter.text == "bennani" and not page.model.loading)
    ctx.tasks.wait_idle()
    assert page.model.rowCount() == 2
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    chosen = page.model.record_id(page.table.currentIndex().row())
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    ctx.tasks.wait_idle()
    assert window.result.record_id == chosen

    # The Open button, and a hint when nothing matches.
    window.show_page(page)
    page.table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.openRecord):
        page.open_button.click()
    window.show_page(page)
    page.search.clear()
    qtbot.keyClicks(page.search, "zzzqqq")
    qtbot.waitUntil(lambda: page.model.filter.text == "zzzqqq" and not page.model.loading)
    ctx.tasks.wait_idle()
    assert page.empty_hint.isVisible() and "zzzqqq" in page.empty_hint.text()
    assert not page.open_button.isEnabled()


def test_no_blank_line_for_a_refused_consent(window, ctx, qtbot) -> None:
    enrol(ctx.repo, ctx.defs, make_submission(consent="no"), today=TODAY)
    page = window.beneficiaries
    page.refresh()
    ctx.tasks.wait_idle()
    assert page.model.rowCount() == 1
    cells = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert cells[0] and cells[1]  # something is said where the names would be
