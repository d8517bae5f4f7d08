"""Hide everything the app shows while it is locked, and bring it back after the unlock.

A card preview names the woman and shows her CIN and QR code; a list, a form or a
message box may too. Locking must leave none of it on screen, and unlocking must give
the agent back exactly what she had open.

Windows are hidden. A dialog waiting in `exec()` is not: hiding it would end its event
loop as if she had answered (Qt's QDialog.setVisible(False)), so its contents are hidden
instead and the empty frame stays until the unlock. Popups (a calendar, an open menu) are
closed: they are not worth restoring.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QToolTip, QWidget
from shiboken6 import isValid


def _waits_in_exec(window: QWidget) -> bool:
    # exec() makes a dialog application-modal; open() and show() of the app's own
    # dialogs leave them window-modal or modeless.
    return window.windowModality() == Qt.WindowModality.ApplicationModal


class PrivacyCurtain:
    """`close()` hides every window of the app but `keep`'s frame; `open()` restores."""

    def __init__(self, keep: QMainWindow) -> None:
        self.keep = keep
        self.hidden: list[QWidget] = []
        self.emptied: list[QWidget] = []  # children hidden inside a window left visible
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        QToolTip.hideText()
        for window in QApplication.topLevelWidgets():
            if window is self.keep or not window.isVisible():
                continue
            if window.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip):
                window.hide()  # closed for good, like a click elsewhere would
            elif _waits_in_exec(window):
                self._empty(window)
            else:
                window.hide()
                self.hidden.append(window)
        self._empty(self.keep, docks_too=True)

    def _empty(self, window: QWidget, *, docks_too: bool = False) -> None:
        if isinstance(window, QMainWindow):
            children = [window.centralWidget()]
            if docks_too:
                children += window.findChildren(QDockWidget)
        else:
            direct = Qt.FindChildOption.FindDirectChildrenOnly
            children = [w for w in window.findChildren(QWidget, options=direct)
                        if not w.isWindow()]
        for child in children:
            if child is not None and child.isVisibleTo(window):
                child.hide()
                self.emptied.append(child)

    def open(self) -> None:
        if not self.closed:
            return
        self.closed = False
        self.keep.raise_()  # first, so the dialogs that were above it come back above it
        for widget in (*self.emptied, *self.hidden):
            if isValid(widget):  # a preview closed by a language change, a deleted page
                widget.show()
        if self.hidden and isValid(self.hidden[-1]):
            self.hidden[-1].activateWindow()
        else:
            self.keep.activateWindow()
        self.hidden, self.emptied = [], []

    def is_hidden(self, widget: QWidget) -> bool:
        return widget in self.hidden or widget in self.emptied
