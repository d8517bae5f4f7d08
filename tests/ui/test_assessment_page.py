"""The skills assessment page: levels, live recommendations, save, service card, deliveries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.assessment_page import AssessmentPage
from jisr_desktop.ui.service_card import SERVICE_ID_ROLE
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import type_text


@pytest.fixture
def record_id(ctx) -> str:
    outcome = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _open(qtbot, ctx, record_id: str) -> AssessmentPage:
    page = AssessmentPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.open_for(record_id)
    ctx.tasks.wait_idle()
    assert page.save_button.isEnabled()
    return page


def _recommended(page: AssessmentPage) -> dict[str, list[str]]:
    """Service id → the reasons shown under it."""
    tree = page.recommended
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out[item.data(0, SERVICE_ID_ROLE)] = [
            item.child(j).text(0) for j in range(item.childCount())
        ]
    return out


def _rate(qtbot, page: AssessmentPage, levels: dict[str, int]) -> None:
    for name, level in levels.items():
        radio = page.inputs[name].radios[level]
        page.scroll.ensureWidgetVisible(radio)
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)
        assert radio.isChecked()


def _fill(qtbot, page: AssessmentPage) -> None:
    type_text(page.inputs["request"].focus_target(), "أريد توسيع مشروع النسيج")
    page.inputs["needs"].checks[3].setChecked(True)  # financing
    page.inputs["needs"].checks[0].setChecked(True)  # training
    combo = page.inputs["project_maturity"].combo
    combo.setCurrentIndex(combo.findData("plan_drafted"))
    _rate(
        qtbot,
        page,
        {
            "technical": 3,
            "management": 0,
            "marketing": 2,
            "digital": 1,
            "literacy_numeracy": 2,
            "languages": 2,
            "soft_skills": 3,
        },
    )
    qtbot.keyClicks(page.inputs["strengths"].focus_target(), "savoir-faire en tissage")
    qtbot.keyClicks(page.inputs["next_steps"].focus_target(), "business plan")


def test_phases_and_levels_come_from_the_definition(qtbot, ctx, record_id):
    page = _open(qtbot, ctx, record_id)
    titles = [box.title() for box, _section in page.phase_boxes]
    phases = ctx.defs.assessment.data["phases"]
    assert titles == [localized(p["label"], "ar") for p in phases] and len(titles) == 3
    assert titles[0] == "المرحلة التمهيدية"
    levels = [r.text() for r in page.inputs["management"].radios]
    assert levels == ["غير مكتسبة", "في طور الاكتساب", "مكتسبة", "متقنة"]
    assert page.inputs["management"].radios[0].accessibleName().startswith("التدبير")
    assert "خديجة" not in page.who.text() and "Bennani" in strip_isolates(page.who.text())
    assert page.print_button.isHidden()
    assert _recommended(page) == {}


def test_fill_see_recommendations_save_deliver_and_reopen(qtbot, ctx, record_id):
    page = _open(qtbot, ctx, record_id)
    _rate(qtbot, page, {"management": 0})
    qtbot.waitUntil(lambda: "tr_management" in _recommended(page), timeout=2000)
    reasons = _recommended(page)["tr_management"]
    assert reasons and all(r for r in reasons)  # each service shows why it is there
    assert page.card.rowCount() == 0  # no card before the first save

    _fill(qtbot, page)
    qtbot.waitUntil(lambda: "fin_forsa" in _recommended(page), timeout=2000)
    shown = set(_recommended(page))
    assert {"tr_management", "tr_digital", "acc_finance_access", "acc_business_plan"} <= shown
    assert "tr_marketing" not in shown  # marketing rated 2

    with qtbot.waitSignal(page.saved, timeout=5000) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        ctx.tasks.wait_idle()
    assert saved.args == [record_id]
    stored = AssessmentRepository(ctx.store).latest(record_id)
    assert stored is not None and set(stored.recommended) == shown
    assert stored.answers["management"] == 0 and stored.answers["needs"] == [
        "training",
        "financing",
    ]
    assert page.card.rowCount() == len(shown)
    assert page.card_note.isHidden()

    # Mark the management training delivered, dated yesterday, by the signed-in agent.
    assert page.select_service("tr_management")
    page.delivered_on.setDate(QDate.currentDate().addDays(-1))
    day = page.delivered_on.date().toString("yyyy-MM-dd")
    assert page.deliver_button.isEnabled()
    qtbot.mouseClick(page.deliver_button, Qt.MouseButton.LeftButton)
    page.confirm_yes.click()  # the confirmation (point 20 of issue 11)
    page.write_pending_delivery()  # the undo window closes (leaving the page does it too)
    ctx.tasks.wait_idle()
    delivery = page.delivery_of("tr_management")
    assert delivery == {**delivery, "delivered_on": day, "delivered_by": ctx.account.name}
    assert not page.deliver_button.isEnabled()  # already delivered

    # Reopen in a new page: answers, card and the delivery are all there.
    again = _open(qtbot, ctx, record_id)
    assert again.answers()["strengths"] == "savoir-faire en tissage"
    assert again.inputs["management"].radios[0].isChecked()
    assert set(_recommended(again)) == shown
    rows = {
        again.card.item(r, 0).data(SERVICE_ID_ROLE): again.card.item(r, 2).text()
        for r in range(again.card.rowCount())
    }
    assert set(rows) == shown
    assert ctx.account.name in strip_isolates(rows["tr_management"])
    assert rows["tr_digital"] == _("Pending")
    assert again.last_saved.isVisible()


def test_missing_answers_are_shown_and_nothing_is_saved(qtbot, ctx, record_id):
    page = _open(qtbot, ctx, record_id)
    _rate(qtbot, page, {"management": 1})
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert AssessmentRepository(ctx.store).latest(record_id) is None
    assert page.inputs["request"].message.isVisibleTo(page)
    assert not page.inputs["management"].message.isVisibleTo(page)
    assert page.status.text()


def test_language_switch_keeps_answers(qtbot, ctx, record_id):
    page = _open(qtbot, ctx, record_id)
    _rate(qtbot, page, {"digital": 0})
    qtbot.keyClicks(page.inputs["strengths"].focus_target(), "couture")
    ctx.language.set_language("fr")
    assert page.title.text() == "Bilan de compétences"
    assert page.inputs["digital"].radios[0].text() == "Non acquise"
    assert page.inputs["strengths"].value() == "couture"
    assert page.inputs["digital"].radios[0].isChecked()
    assert page.layoutDirection() == Qt.LayoutDirection.LeftToRight
    ctx.language.set_language("ar")
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft


def _saved_assessment(qtbot, ctx, record_id) -> AssessmentPage:
    page = _open(qtbot, ctx, record_id)
    _rate(qtbot, page, {"management": 0})
    _fill(qtbot, page)
    qtbot.waitUntil(lambda: "tr_management" in _recommended(page), timeout=2000)
    with qtbot.waitSignal(page.saved, timeout=5000):
        page.save_button.click()
    ctx.tasks.wait_idle()
    assert page.select_service("tr_management")
    return page


def test_mark_as_delivered_asks_first_and_enter_keeps_it_unmarked(qtbot, ctx, record_id):
    page = _saved_assessment(qtbot, ctx, record_id)
    page.deliver_button.click()
    box = page.confirm_box
    assert box.isVisible() and box.defaultButton() is not page.confirm_yes
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter is "Cancel"
    ctx.tasks.wait_idle()
    assert page.delivery_of("tr_management") is None
    assert page.deliver_button.isEnabled()


def test_a_delivery_just_marked_can_be_undone(qtbot, ctx, record_id):
    page = _saved_assessment(qtbot, ctx, record_id)
    page.deliver_button.click()
    page.confirm_yes.click()
    assert page.delivery_of("tr_management") is not None  # shown as delivered at once
    assert page.undo_button.isVisible()
    page.undo_button.click()
    assert page.delivery_of("tr_management") is None and not page.undo_button.isVisible()
    page.hide()  # leaving the page writes what is pending: nothing is
    ctx.tasks.wait_idle()
    assert not AssessmentRepository(ctx.store).latest(record_id).deliveries

    page.show()
    page.deliver_button.click()
    page.confirm_yes.click()
    page.hide()  # not undone: leaving the page writes it
    ctx.tasks.wait_idle()
    stored = AssessmentRepository(ctx.store).latest(record_id).deliveries
    assert [d["service_id"] for d in stored] == ["tr_management"]


def test_back_from_the_assessment_to_the_woman(qtbot, ctx, record_id):
    page = _open(qtbot, ctx, record_id)
    assert page.back_button.isVisible()
    with qtbot.waitSignal(page.openRecord) as back:
        page.back_button.click()
    assert back.args == [record_id]
