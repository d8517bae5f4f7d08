"""Desktop start-up: paths, logging, fonts, language, unlock, then the main window."""

from __future__ import annotations

import argparse
import logging
import sys

from jisr_desktop.logs import configure as configure_logging
from jisr_desktop.paths import data_dir
from jisr_desktop.settings import Settings

log = logging.getLogger(__name__)


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.ui.errors import show_error
    from jisr_desktop.ui.fonts import apply_fonts, load_fonts
    from jisr_desktop.ui.language import LanguageManager
    from jisr_desktop.ui.tasks import TaskRunner
    from jisr_desktop.ui.unlock_dialog import UnlockDialog

    folder = data_dir(getattr(args, "data_dir", None))
    configure_logging(folder)
    settings = Settings.load(folder)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Jisr Desktop")
    apply_fonts(app, load_fonts())
    explicit_lang = getattr(args, "lang_explicit", None)
    language = LanguageManager(explicit_lang or settings.language)
    tasks = TaskRunner()
    tasks.failed.connect(lambda error: show_error(None, _unexpected(), error))
    state: dict[str, object] = {}

    dialog = UnlockDialog(folder, tasks, load_reference(), lang=language.lang,
                          agent=settings.last_agent)
    dialog.languageChosen.connect(language.set_language)
    language.changed.connect(lambda _lang: dialog.retranslate())
    dialog.unlocked.connect(lambda store: state.__setitem__("store", store))
    if not dialog.exec() or "store" not in state:
        tasks.shutdown()
        return 0
    store = state["store"]
    settings.language = language.lang
    settings.last_agent = store.agent
    settings.save(folder)

    from jisr_desktop.ui.context import open_context
    from jisr_desktop.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def show_window(ctx) -> None:
        window = MainWindow(ctx)
        windows.append(window)
        window.show()
        window.offer_drafts()

    def not_opened(error: BaseException) -> None:
        show_error(None, _unexpected(), error)
        app.quit()

    # Installing definitions and reading the account touch the store: off the UI thread.
    tasks.run(lambda: open_context(folder, store, tasks, language, settings),
              on_done=show_window, on_error=not_opened)
    code = app.exec()
    tasks.shutdown()
    store.close()
    return code


def _unexpected() -> str:
    from jisr_desktop.i18n import _

    return _("Something went wrong. Nothing you saved is lost.")
