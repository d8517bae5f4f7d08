"""The error dialog: one translated line for the agent, the details behind a button, a
copy button for the support call, and no personal data in what she copies."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from jisr_desktop.i18n import _
from jisr_desktop.ui.errors import ErrorDialog, details_of


def _failure() -> BaseException:
    try:
        raise RuntimeError("save failed for CIN EE123456, phone +212612345678, بناني")
    except RuntimeError as exc:
        return exc


def test_details_are_hidden_until_asked_and_can_be_copied(qtbot, ctx) -> None:
    ctx.language.set_language("fr")
    error = _failure()
    dialog = ErrorDialog(_("The registration could not be saved."), details_of(error))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == _("Something went wrong") != "Something went wrong"
    assert not dialog.details.isVisible()
    dialog.toggle.click()
    assert dialog.details.isVisible()
    assert "RuntimeError" in dialog.details.toPlainText()
    dialog.copy.click()
    copied = QApplication.clipboard().text()
    assert copied.startswith(dialog.message.text()) and "Traceback" in copied
    # What she pastes into a support message carries no CIN, phone or Arabic name.
    for secret in ("EE123456", "612345678", "بناني"):
        assert secret not in copied


def test_without_details_the_buttons_are_off(qtbot, ctx) -> None:
    dialog = ErrorDialog("x")
    qtbot.addWidget(dialog)
    assert not dialog.toggle.isEnabled() and not dialog.copy.isEnabled()
