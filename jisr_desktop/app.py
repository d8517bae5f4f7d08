"""Desktop start-up: paths, logging, fonts, language, one copy per store, unlock, then the
main window."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from jisr_desktop.logs import configure as configure_logging
from jisr_desktop.paths import data_dir
from jisr_desktop.settings import Settings

log = logging.getLogger(__name__)


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from jisr_desktop.ui.errors import show_error
    from jisr_desktop.ui.fonts import apply_fonts, load_fonts
    from jisr_desktop.ui.language import LanguageManager
    from jisr_desktop.ui.single_instance import SingleInstance, already_open_box, bring_forward
    from jisr_desktop.ui.tasks import TaskRunner

    folder = data_dir(getattr(args, "data_dir", None))
    configure_logging(folder)
    settings = Settings.load(folder)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Jisr Desktop")
    apply_fonts(app, load_fonts())
    language = LanguageManager(getattr(args, "lang_explicit", None) or settings.language)
    instance = SingleInstance(folder)
    if not instance.acquire():
        # Another copy has this store open: it comes forward, this one stops.
        already_open_box(instance, instance.ask_first_to_show()).exec()
        return 0
    instance.raiseRequested.connect(bring_forward)
    tasks = TaskRunner()
    tasks.failed.connect(lambda error: show_error(None, _unexpected(), error))
    try:
        store = _unlock(folder, tasks, language, settings)
        if store is None:
            return 0
        try:
            return _run_window(app, folder, store, tasks, language, settings)
        finally:
            tasks.shutdown()
            store.close()
    finally:
        tasks.shutdown()
        instance.release()


def _unlock(folder, tasks, language, settings: Settings) -> Any:
    """The open store, or None if she closed the dialog."""
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.ui.unlock_dialog import UnlockDialog

    opened: list[Any] = []
    dialog = UnlockDialog(folder, tasks, load_reference(), lang=language.lang,
                          agent=settings.last_agent, language=language)
    dialog.languageChosen.connect(language.set_language)
    dialog.unlocked.connect(opened.append)
    if not dialog.exec() or not opened:
        return None
    store = opened[0]
    settings.language = language.lang
    settings.last_agent = store.agent
    if dialog.creating and dialog.centre_name():
        settings.centre = dialog.centre_name()
    settings.save(folder)
    return store


def _run_window(app, folder, store, tasks, language, settings: Settings) -> int:
    from jisr_desktop.ui.context import open_context
    from jisr_desktop.ui.errors import show_error
    from jisr_desktop.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def show_window(ctx) -> None:
        window = MainWindow(ctx)
        windows.append(window)
        window.show()
        window.welcome()  # the centre if none yet (it is printed on the cards), the drafts

    def not_opened(error: BaseException) -> None:
        show_error(None, _unexpected(), error)
        app.quit()

    # Installing definitions and reading the account touch the store: off the UI thread.
    tasks.run(lambda: open_context(folder, store, tasks, language, settings),
              on_done=show_window, on_error=not_opened)
    return app.exec()


def _unexpected() -> str:
    from jisr_desktop.i18n import _

    return _("Something went wrong. Nothing you saved is lost.")
