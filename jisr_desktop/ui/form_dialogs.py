"""The registration page's questions, each with the safe answer as the default: Enter
or Escape never deletes a form or saves a second record of one woman."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from jisr_desktop.i18n import _


def _question(parent: QWidget, title: str, text: str, act: str, safe: str,
              role: QMessageBox.ButtonRole, details: str = "") -> tuple[QMessageBox, object]:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    action = box.addButton(act, role)
    keep = box.addButton(safe, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, action


def discard_box(parent: QWidget) -> tuple[QMessageBox, object]:
    """"Delete the form?" and its delete button; the default keeps the form."""
    return _question(parent, _("Delete the form"),
                     _("Delete everything typed in this form? This cannot be undone."),
                     _("Delete the form"), _("Keep the form"),
                     QMessageBox.ButtonRole.DestructiveRole)


def duplicate_box(parent: QWidget, details: str) -> tuple[QMessageBox, object]:
    """Same CIN: a different woman? Its save button; the default does not save."""
    return _question(parent, _("Possible duplicate"),
                     _("A woman with this CIN is already registered. Is this a different "
                       "woman?"),
                     _("Save anyway"), _("Do not save"), QMessageBox.ButtonRole.AcceptRole,
                     details)
