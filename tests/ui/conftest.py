"""Fixtures for driving the real widgets offscreen on a real encrypted store."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import AGENT, PASSPHRASE


def make_context(folder, role: str = "admin", lang: str = "ar", province: str = "07.351"):
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.settings import Settings
    from jisr_desktop.ui.context import AccountInfo, AppContext
    from jisr_desktop.ui.language import LanguageManager
    from jisr_desktop.ui.tasks import TaskRunner

    if Store.exists(folder):
        store = Store.open(folder, AGENT, PASSPHRASE)
    else:
        store = Store.create(folder, AGENT, PASSPHRASE, role=role, province_code=province)
    repo = Repository(store)
    repo.install_definitions(load_directory().all())
    account = store.account()
    return AppContext(
        folder=folder, store=store, repo=repo, defs=repo.active_definitions(),
        reference=load_reference(),
        account=AccountInfo(account.name, account.role, account.province_code),
        tasks=TaskRunner(), language=LanguageManager(lang), settings=Settings(language=lang))


@pytest.fixture
def ctx(qapp, tmp_path):
    context = make_context(tmp_path / "store")
    yield context
    context.tasks.wait_idle()
    context.tasks.shutdown()
    context.store.close()
    context.language.set_language("ar")


def make_window(ctx, qtbot):
    """The main window on `ctx`, shown at the laptops' 1366x768 (less the task bar), with
    its start-up reads done."""
    from jisr_desktop.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    ctx.tasks.wait_idle()
    return window


def close_window(window) -> None:
    """Stop what would fire after the test: the draft and duplicate timers, the idle lock."""
    window.registration.draft_timer.stop()
    window.registration.dup_timer.stop()
    window.idle_timer.stop()
    QApplication.instance().removeEventFilter(window.idle)


@pytest.fixture
def window(ctx, qtbot):
    window = make_window(ctx, qtbot)
    yield window
    close_window(window)


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Arabic and Tifinagh included: qtbot.keyClicks aborts on non-ASCII,
    so each character is sent as a key event carrying its text."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, ch))


def commit_text(widget: QWidget, text: str) -> None:
    """Type text the way an input method delivers it (one commit string)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
