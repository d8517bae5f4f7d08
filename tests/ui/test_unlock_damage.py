"""The unlock dialog on a damaged store or keyring shows what to do, never a traceback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.store.database import Store
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner
from jisr_desktop.ui.unlock_dialog import UnlockDialog
from tests.conftest import AGENT, PASSPHRASE
from tests.ui.conftest import type_text


@pytest.fixture(autouse=True)
def _french_then_arabic():
    LanguageManager("fr")
    yield
    LanguageManager("ar")


def _dialog(qtbot, folder):
    tasks = TaskRunner()
    dialog = UnlockDialog(folder, tasks, load_reference(), lang="fr", agent=AGENT)
    qtbot.addWidget(dialog)
    return dialog, tasks


def test_an_emptied_store_says_restore_from_backup(qtbot, tmp_path):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    (folder / "store.db").write_bytes(b"")
    dialog, tasks = _dialog(qtbot, folder)
    assert not dialog.creating  # the keyring says a store was made here
    opened = []
    dialog.unlocked.connect(opened.append)
    type_text(dialog.passphrase, PASSPHRASE)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert opened == []
    assert "endommagé" in dialog.message.text() and "sauvegarde" in dialog.message.text()
    assert (folder / "store.db").stat().st_size == 0
    tasks.shutdown()


def test_a_damaged_keyring_is_a_message_in_the_dialog(qtbot, tmp_path):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    (folder / "keyring.json").write_text("{damaged", encoding="utf-8")
    dialog, tasks = _dialog(qtbot, folder)
    assert "clés est endommagé" in dialog.message.text()
    assert not dialog.ok.isEnabled()
    tasks.shutdown()
