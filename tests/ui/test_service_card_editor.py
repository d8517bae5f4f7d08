"""The service card editor (issue 12), as the incubator's staff use it: a service of the
catalogue added by hand with its reason (refused without one), marked delivered, and on
the reprinted card; a service taken off; one planned on a day; the history shown; a
field agent never sees the editor."""

from __future__ import annotations

import pytest

from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.store.assessments import AssessmentRepository
from tests.ui.conftest import type_text
from tests.ui.programme_helpers import (
    assess,
    cells,
    close_window,
    enrol_woman,
    make_window,
    open_dialog,
    role_context,
)

ADDED = "fin_jisr_disability"  # a finance referral no rule proposes



@pytest.fixture
def assessed(ctx) -> str:
    woman = enrol_woman(ctx)
    assess(ctx, woman)
    return woman


def test_a_service_added_by_hand_is_delivered_and_on_the_reprinted_card(
    window, ctx, assessed, qtbot
) -> None:
    ctx.language.set_language("fr")
    editor = open_dialog(window, ctx, assessed, "service_card")
    before = editor.card.rowCount()
    editor.new_service.setCurrentIndex(editor.new_service.findData(ADDED))
    editor.add_button.click()
    ctx.tasks.wait_idle()
    assert "motivé" in editor.status.text()  # refused: an addition needs its reason
    assert editor.card.rowCount() == before
    type_text(editor.reason, "Handicap moteur, dossier Jisr")
    editor.add_button.click()
    ctx.tasks.wait_idle()
    assert editor.card.rowCount() == before + 1
    editor.select(ADDED)
    assert cells(editor.card, editor.card.currentRow())[1] == "Ajouté à la main"
    editor.deliver_button.click()
    ctx.tasks.wait_idle()
    editor.select(ADDED)
    assert cells(editor.card, editor.card.currentRow())[2].startswith("Remis le")
    latest = AssessmentRepository(ctx.store).latest(assessed)
    assert ADDED in [d["service_id"] for d in latest.deliveries]
    card = card_for_record(ctx.repo, ctx.defs, assessed, "service")
    assert ADDED in [s.service_id for s in card.services]
    assert "Handicap moteur" in cells(editor.history, 0)[3]
    editor.print_button.click()
    ctx.tasks.wait_idle()
    assert editor.preview.isVisible()
    editor.preview.reject()


def test_a_service_is_taken_off_with_a_reason_and_another_planned_on_a_day(
    window, ctx, assessed
) -> None:
    ctx.language.set_language("fr")
    editor = open_dialog(window, ctx, assessed, "service_card")
    first, second = editor.view.services[:2]
    editor.select(first)
    type_text(editor.reason, "Déjà suivie à l'Entraide Nationale")
    editor.remove_button.click()
    ctx.tasks.wait_idle()
    assert first not in editor.view.services
    editor.select(second)
    editor.schedule_button.click()
    ctx.tasks.wait_idle()
    assert "jour" in editor.status.text()  # planning needs its day
    type_text(editor.day.line, "15/01/2027")
    editor.select(second)
    editor.schedule_button.click()
    ctx.tasks.wait_idle()
    editor.select(second)
    assert "15/01/2027" in cells(editor.card, editor.card.currentRow())[2]
    card = card_for_record(ctx.repo, ctx.defs, assessed, "service")
    assert first not in [s.service_id for s in card.services]


def test_a_field_agent_does_not_edit_service_cards(qapp, qtbot, tmp_path) -> None:
    with role_context(tmp_path, "field_agent") as ctx:
        woman = enrol_woman(ctx)
        window = make_window(ctx, qtbot)
        window.record_view.show_record(woman)
        ctx.tasks.wait_idle()
        assert not window.programme.buttons["service_card"].isVisibleTo(window.record_view)
        close_window(window)
