"""The main window as the agent uses it: a registration from the menu to the saved result,
the idle lock that hides everything and keeps what was on screen, and live mirroring."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from jisr_desktop.i18n import _, ngettext
from tests.conftest import PASSPHRASE, make_submission
from tests.ui.test_form_page import _NONE_GUARD, fill

assert _NONE_GUARD  # typing many characters: see test_form_page



def test_new_registration_from_the_menu_ends_on_its_result(window, ctx, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.registration
    fill(window.registration, qtbot, make_submission())
    with qtbot.waitSignal(window.registration.saved, timeout=10_000):
        window.registration.save()
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.result
    result = window.result
    assert result.data is not None and result.data.record.score_total == 60
    assert "60" in result.total.text()
    assert result.criteria.topLevelItemCount() >= 2  # vulnerability and readiness groups
    # The status bar counts what waits for the server: this registration (Arabic's
    # singular form names no number).
    assert window.sync_label.text() == ngettext(
        "{n} change waiting to be sent", "{n} changes waiting to be sent", 1
    ).format(n=1)
    assert window.sync_label.text() != _("Everything is sent")


def test_idle_lock_hides_the_screen_and_keeps_the_search(window, ctx, qtbot) -> None:
    window.beneficiaries.search.setText("fatima")
    ctx.settings.idle_lock_minutes = 1
    window.idle.last_input -= 120  # two minutes without a key or a click
    window.check_idle()
    dialog = window.lock_dialog
    assert dialog.isVisible() and not window.centralWidget().isVisible()
    dialog.passphrase.setText("wrong passphrase")
    dialog.submit()
    ctx.tasks.wait_idle()
    assert dialog.isVisible() and dialog.message.text()  # says so, lets her retry
    assert not window.centralWidget().isVisible()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.submit()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    assert window.centralWidget().isVisible()
    assert window.beneficiaries.search.text() == "fatima"


def test_idle_lock_off_when_set_to_zero(window, ctx) -> None:
    ctx.settings.idle_lock_minutes = 0
    window.idle.last_input -= 10_000
    window.check_idle()
    assert window.centralWidget().isVisible()


def test_language_switch_mirrors_and_keeps_the_page(window, ctx) -> None:
    window.show_page(window.committee)
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft  # Arabic default
    window.set_language("fr")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.stack.currentWidget() is window.committee
    assert window.act_new.text().replace("&", "") == "Nouvelle inscription"
    window.set_language("zgh")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    window.set_language("ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_centre_name_from_the_menu_goes_on_the_cards(window, ctx, qtbot) -> None:
    from jisr_desktop.models.workflows.enrolment import enrol
    from jisr_desktop.settings import Settings
    from jisr_desktop.ui.card_preview import load_card
    from tests.conftest import TODAY

    window.ask_centre()
    dialog = window.centre_dialog
    assert dialog.isVisible() and dialog.textValue() == ""
    dialog.setTextValue("  Centre Entraide  Nationale Marrakech ")
    dialog.accept()
    assert ctx.settings.centre == "Centre Entraide Nationale Marrakech"
    assert Settings.load(ctx.folder).centre == ctx.settings.centre  # kept for next start
    record = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record
    card = load_card(ctx, record.id, "orientation")
    assert "Centre Entraide Nationale Marrakech" in str(card.centre)


def _unlock(window, ctx, qtbot) -> None:
    dialog = window.lock_dialog
    dialog.passphrase.setText(PASSPHRASE)
    dialog.submit()
    ctx.tasks.wait_idle()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)


def test_the_lock_hides_the_card_preview_and_brings_it_back(window, ctx, qtbot) -> None:
    from jisr_desktop.models.workflows.enrolment import enrol
    from jisr_desktop.ui.card_preview import open_card_preview
    from tests.conftest import TODAY

    record = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record
    preview = open_card_preview(ctx, record.id, "orientation", window)
    ctx.tasks.wait_idle(20)
    ctx.tasks.wait_idle(20)
    assert preview.isVisible()
    window.lock()
    # Her name, CIN and QR are nowhere on screen while the passphrase is asked.
    assert not preview.isVisible()
    assert not window.centralWidget().isVisible()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert set(visible) <= {window, window.lock_dialog}
    _unlock(window, ctx, qtbot)
    assert preview.isVisible() and window.centralWidget().isVisible()
    preview.reject()


def test_the_lock_empties_a_message_box_waiting_for_an_answer(window, ctx, qtbot) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, "?", "Fatima Bennani, AB123456", parent=window)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)  # as exec() makes it
    box.show()
    window.lock()
    assert not any(label.isVisible() for label in box.findChildren(type(window.sync_label)))
    # The passphrase box takes the keys, not the message box below it.
    assert QApplication.activeModalWidget() is window.lock_dialog
    _unlock(window, ctx, qtbot)
    assert box.isVisible() and any(
        "AB123456" in label.text() and label.isVisible()
        for label in box.findChildren(type(window.sync_label)))
    box.close()


def test_the_lock_dialog_follows_the_language(window, ctx, qtbot) -> None:
    window.lock()
    dialog = window.lock_dialog
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))  # picked in the dialog
    assert dialog.ok.text() == "Déverrouiller" and ctx.lang == "fr"
    window.set_language("ar")  # or changed anywhere else
    assert dialog.language.currentData() == "ar" and dialog.ok.text() == _("Unlock", "ar")
    assert dialog.isRightToLeft()
    _unlock(window, ctx, qtbot)
