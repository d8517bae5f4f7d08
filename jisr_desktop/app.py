"""Desktop start-up. The full screens come with the desktop issue; until then the window
says where the store is and how to fill it, in the user's language and direction."""

from __future__ import annotations

import argparse
import sys

from jisr_desktop.i18n import _, current_language, text_direction
from jisr_desktop.paths import data_dir


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from jisr_desktop.models.store import Store

    app = QApplication.instance() or QApplication(sys.argv[:1])
    lang = current_language()
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if text_direction(lang) == "rtl"
        else Qt.LayoutDirection.LeftToRight
    )
    folder = data_dir(getattr(args, "data_dir", None))
    if Store.exists(folder):
        status = _("Store: {folder}").format(folder=folder)
    else:
        status = _("No store yet in {folder}. Create one with: jisr-desktop init").format(
            folder=folder
        )
    window = QMainWindow()
    window.setWindowTitle(_("Al Jisr — enrolment"))
    label = QLabel(status)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    window.setCentralWidget(label)
    window.resize(720, 420)
    window.show()
    return app.exec()
