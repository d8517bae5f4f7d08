"""Drafts the agent can find again, and a delete that Enter cannot trigger."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer

from jisr_desktop.i18n import _
from jisr_desktop.models.workflows.enrolment import enrol
from tests.conftest import TODAY, make_submission
from tests.ui.test_form_page import _NONE_GUARD, enter

assert _NONE_GUARD



def _answer_later(qtbot, box_of, key) -> None:
    """Press `key` in the message box once it is up (exec() blocks the test meanwhile)."""
    def press() -> None:
        box = box_of()
        if box is None or not box.isVisible():
            QTimer.singleShot(10, press)
            return
        qtbot.keyClick(box, key)
    QTimer.singleShot(0, press)


def _start(window, ctx, qtbot, name: str) -> None:
    window.new_registration()
    page = window.registration
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "first_name_lat", name)
    with qtbot.waitSignal(page.draftSaved, timeout=5000):
        pass
    ctx.tasks.wait_idle()


def test_enter_in_the_discard_box_keeps_the_form(window, ctx, qtbot) -> None:
    _start(window, ctx, qtbot, "Fatima")
    page = window.registration
    # The button says what it does; the Arabic word is no longer "ignore".
    assert page.discard_button.text() == _("Delete the form…")
    assert "تجاهل" not in _("Delete the form…", "ar")
    _answer_later(qtbot, lambda: getattr(page, "discard_box", None), Qt.Key.Key_Return)
    page.discard()
    assert page.widgets["first_name_lat"].value() == "Fatima"
    assert len(ctx.repo.drafts()) == 1
    box = page.discard_box
    assert box.defaultButton().text() == _("Keep the form")
    # Deleting needs the button that says so.
    def click_delete() -> None:
        buttons = page.discard_box.buttons()
        next(b for b in buttons if b.text() == _("Delete the form")).click()
    QTimer.singleShot(0, click_delete)
    page.discard()
    ctx.tasks.wait_idle()
    assert page.widgets["first_name_lat"].value() == "" and ctx.repo.drafts() == []


def test_drafts_list_who_when_how_far_open_and_delete(window, ctx, qtbot) -> None:
    _start(window, ctx, qtbot, "Fatima")
    _start(window, ctx, qtbot, "Khadija")  # Ctrl+N again: the first stays a draft
    window.act_drafts.trigger()
    assert window.stack.currentWidget() is window.drafts
    ctx.tasks.wait_idle()
    table = window.drafts.table
    assert table.topLevelItemCount() == 2
    newest = table.topLevelItem(0)
    assert "Khadija" in newest.text(0) and ctx.account.name in newest.text(1)
    assert newest.text(2)  # when
    assert re.fullmatch(r"\d+\D+\d+", newest.text(3))  # how far: "2 of 9"
    # Open the older one: the form comes back with what was typed.
    table.topLevelItem(1).setSelected(True)
    table.topLevelItem(0).setSelected(False)
    window.drafts.open_selected()
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.registration
    assert window.registration.widgets["first_name_lat"].value() == "Fatima"
    # Delete one from the list; Enter on the question keeps it.
    window.act_drafts.trigger()
    ctx.tasks.wait_idle()
    _answer_later(qtbot, lambda: getattr(window.drafts, "confirm_box", None), Qt.Key.Key_Return)
    window.drafts.delete_selected()
    ctx.tasks.wait_idle()
    assert len(ctx.repo.drafts()) == 2
    window.drafts.confirm_delete = lambda: True
    window.drafts.delete_selected()
    ctx.tasks.wait_idle()
    assert len(ctx.repo.drafts()) == 1
    assert table.topLevelItemCount() == 1  # the list heard the change


def test_opening_a_duplicate_keeps_the_half_filled_form(window, ctx, qtbot) -> None:
    existing = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record
    window.new_registration()
    page = window.registration
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "first_name_lat", "Fatima")
    enter(page, qtbot, "cin", existing.answers["cin"])  # typed just now: no draft yet
    qtbot.waitUntil(lambda: bool(page.duplicates.rows), timeout=5000)
    qtbot.mouseClick(page.duplicates.rows[0].open_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.result
    assert window.statusBar().currentMessage() == _(
        "The registration in progress was kept in Drafts.")
    (draft,) = ctx.repo.drafts()
    assert draft.answers["first_name_lat"] == "Fatima"
    assert draft.answers["cin"] == existing.answers["cin"]
    window.resume_draft(draft.id)
    ctx.tasks.wait_idle()
    assert page.widgets["first_name_lat"].value() == "Fatima"


def test_start_up_offers_her_drafts_off_the_ui_thread(window, ctx, qtbot) -> None:
    _start(window, ctx, qtbot, "Fatima")
    _start(window, ctx, qtbot, "Khadija")
    window.show_page(window.beneficiaries)
    ctx.settings.centre = "Centre Tiznit"
    window.welcome()
    ctx.tasks.wait_idle()
    box = window.drafts_box
    assert box.isVisible() and box.defaultButton().text() == _("Show the drafts")
    box.defaultButton().click()
    assert window.stack.currentWidget() is window.drafts


def test_start_up_asks_the_centre_first(window, ctx, qtbot) -> None:
    ctx.settings.centre = ""
    window.welcome()
    dialog = window.centre_dialog
    assert dialog.isVisible()
    dialog.setTextValue("Centre Tiznit")
    dialog.accept()
    assert ctx.settings.centre == "Centre Tiznit"
