"""Unlock: the real dialog on a real store; a wrong passphrase says so and lets her retry."""

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


def _dialog(folder, **kw):
    lang = kw.pop("lang", "fr")
    LanguageManager(lang)  # the app sets the language before it shows the dialog
    tasks = TaskRunner()
    return UnlockDialog(folder, tasks, load_reference(), lang=lang, **kw), tasks


@pytest.fixture(autouse=True)
def _back_to_arabic():
    yield
    LanguageManager("ar")


def test_wrong_passphrase_says_so_and_the_right_one_opens(qtbot, tmp_path):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    dialog, tasks = _dialog(folder, agent=AGENT)
    qtbot.addWidget(dialog)
    opened = []
    dialog.unlocked.connect(opened.append)
    type_text(dialog.passphrase, "pas la bonne")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert "Phrase de passe incorrecte" in dialog.message.text()
    assert opened == [] and dialog.ok.isEnabled()
    dialog.passphrase.clear()
    type_text(dialog.passphrase, PASSPHRASE)  # Tifinagh and Arabic in the passphrase
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert len(opened) == 1 and opened[0].agent == AGENT
    opened[0].close()
    tasks.shutdown()


def test_first_start_creates_the_store(qtbot, tmp_path):
    folder = tmp_path / "new"
    dialog, tasks = _dialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.creating
    opened = []
    dialog.unlocked.connect(opened.append)
    dialog.agent.setEditText("Khadija")
    dialog.province.setCurrentIndex(dialog.province.findData("07.351"))
    qtbot.keyClicks(dialog.passphrase, "phrase-1")
    qtbot.keyClicks(dialog.confirm, "phrase-2")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "diffèrent" in dialog.message.text() and not Store.exists(folder)
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, "phrase-1")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert opened and opened[0].meta("home_province") == "07.351"
    opened[0].close()
    assert Store.agents(folder) == ["Khadija"]
    tasks.shutdown()


def test_the_dialog_follows_the_language_and_its_direction(qtbot, tmp_path):
    folder = tmp_path / "s"
    Store.create(folder, AGENT, PASSPHRASE, province_code="07.351").close()
    language = LanguageManager("fr")
    dialog, tasks = _dialog(folder, agent=AGENT)
    qtbot.addWidget(dialog)
    dialog.languageChosen.connect(language.set_language)
    language.changed.connect(lambda _l: dialog.retranslate())
    assert dialog.ok.text() == "Déverrouiller" and not dialog.isRightToLeft()
    dialog.language.setCurrentIndex(dialog.language.findData("ar"))
    assert dialog.isRightToLeft()
    assert any("\u0600" <= c <= "\u06ff" for c in dialog.ok.text())
    language.set_language("fr")
    tasks.shutdown()
