"""Child process for test_draft_crash: type into a new registration until the draft is on
disk, say READY (with the draft id), then wait to be killed.

Usage: python tests/ui/draft_child.py STORE_FOLDER   (run from the repository root)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QCoreApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

# See tests/ui/test_form_page.py: shiboken6 6.12 on Python 3.11 drops a reference to None
# on every void Qt call; keep enough in hand for this short run.
_NONE_GUARD = [None] * 200_000

TYPED = {"last_name_ar": "بناني", "first_name_ar": "فاطمة الزهراء", "cin": "EE123456"}


def main(folder: Path) -> int:
    app = QApplication([])
    from jisr_desktop.ui.form_page import RegistrationPage
    from tests.ui.conftest import commit_text, make_context, type_text

    ctx = make_context(folder)
    page = RegistrationPage(ctx)
    page.show()
    page.start_new()
    written: list[str] = []
    page.draftSaved.connect(written.append)
    page.widgets["consent"].choose("yes")
    type_text(page.widgets["last_name_ar"].line, TYPED["last_name_ar"])
    commit_text(page.widgets["first_name_ar"].line, TYPED["first_name_ar"])
    QTest.keyClicks(page.widgets["cin"].line, TYPED["cin"])
    QTest.keyClicks(page.widgets["household_size"].line, "6")
    deadline = time.monotonic() + 20
    while not written and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    if not written:
        print("TIMEOUT", flush=True)
        return 1
    print("READY", written[-1], flush=True)
    del app  # never reached in the test: the parent kills us first
    while True:
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
