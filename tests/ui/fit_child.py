"""Child process for test_screen_fit: open every window and dialog the app can show, on an
offscreen 1366 × 768 screen at the scale given by QT_SCALE_FACTOR, and print one JSON
line per window: its name, its frame size, and the smallest size its layout allows.

Usage: python tests/ui/fit_child.py STORE_FOLDER LANG   (from the repository root; the
parent sets QT_QPA_PLATFORM to an offscreen screen of 1366 × 768)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication, QDialog, QWidget

_NONE_GUARD = [None] * 200_000  # see tests/ui/test_form_page.py
SEEN: list[dict] = []


def report(name: str, window: QWidget) -> None:
    QApplication.processEvents()
    frame = window.frameGeometry()
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    SEEN.append({"name": name, "width": frame.width(), "height": frame.height(),
                 "inner_width": window.width(), "inner_height": window.height(),
                 "min_width": hint.width(), "min_height": hint.height()})


def _exec_shows(self: QDialog) -> int:
    # Message boxes and dialogs opened with exec(): shown, measured, answered "no".
    self.show()
    report(type(self).__name__ + ":" + (self.windowTitle() or "?"), self)
    self.hide()
    return 0


def main(folder: Path, lang: str) -> int:
    app = QApplication([])  # noqa: F841  (kept alive for the whole run)
    QDialog.exec = _exec_shows  # type: ignore[method-assign]
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.workflows.enrolment import enrol
    from jisr_desktop.ui.card_preview import open_card_preview
    from jisr_desktop.ui.errors import show_error
    from jisr_desktop.ui.main_window import MainWindow
    from jisr_desktop.ui.tasks import TaskRunner
    from jisr_desktop.ui.unlock_dialog import UnlockDialog
    from tests.conftest import TODAY, make_submission
    from tests.ui.conftest import make_context

    tasks = TaskRunner()
    first = UnlockDialog(folder / "none", tasks, load_reference(), lang=lang)
    first.show()
    report("UnlockDialog:create", first)
    ctx = make_context(folder / "store", lang=lang)
    ctx.language.set_language(lang)
    unlock = UnlockDialog(folder / "store", tasks, load_reference(), lang=lang)
    unlock.show()
    report("UnlockDialog:unlock", unlock)
    record = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record
    window = MainWindow(ctx)
    window.show()
    ctx.tasks.wait_idle()
    for page in [window.stack.widget(i) for i in range(window.stack.count())]:
        window.show_page(page)
        if page is window.result:
            window.open_record(record.id)
        if page is window.assessment:
            window.open_assessment(record.id)
        ctx.tasks.wait_idle()
        report(f"MainWindow:{type(page).__name__}", window)
    window.new_registration()
    window.registration.widgets["consent"].choose("yes")
    report("MainWindow:RegistrationPage(consent)", window)
    window.registration.confirm_discard()
    window.drafts.confirm_delete()
    show_error(window, "Le fichier ne peut pas être lu. " * 12, RuntimeError("y"))
    window.ask_centre()
    report("QInputDialog:centre", window.centre_dialog)
    window.centre_dialog.reject()
    window.registration.widgets["date_of_birth"].date_input.open_calendar()
    report("Calendar", window.registration.widgets["date_of_birth"].calendar)
    window.registration.widgets["date_of_birth"].calendar.hide()
    preview = open_card_preview(ctx, record.id, "orientation", window)
    for _ in range(3):
        ctx.tasks.wait_idle(20)
    report("CardPreviewDialog", preview)
    preview.reject()
    window.lock()
    report("UnlockDialog:lock", window.lock_dialog)
    window.lock_dialog.reject()
    print(json.dumps(SEEN))
    sys.stdout.flush()
    ctx.tasks.shutdown()
    tasks.shutdown()
    ctx.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
