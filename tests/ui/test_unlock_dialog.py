"""Unlock: the real dialog on a real store; a wrong passphrase says so and lets her retry."""

from __future__ import annotations

import unicodedata

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


STRONG = "olive lanterne 7 tabouret"


def _has_focus(dialog, box) -> bool:
    """Where the cursor is in the dialog (offscreen, no window is ever "active")."""
    focused = dialog.focusWidget()
    return focused is box or box.isAncestorOf(focused)


def _folded(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name.lower())
                   if not unicodedata.combining(c))


def test_first_start_creates_the_store(qtbot, tmp_path):
    folder = tmp_path / "new"
    dialog, tasks = _dialog(folder)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.creating
    opened = []
    dialog.unlocked.connect(opened.append)
    dialog.agent.setEditText("Khadija")
    dialog.province.setCurrentIndex(dialog.province.findData("07.351"))
    qtbot.keyClicks(dialog.centre, "Centre  Tiznit ")
    qtbot.keyClicks(dialog.passphrase, STRONG)
    qtbot.keyClicks(dialog.confirm, STRONG + "x")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "diffèrent" in dialog.message.text() and not Store.exists(folder)
    assert _has_focus(dialog, dialog.confirm)  # the cursor goes where the fix is
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, STRONG)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert opened and opened[0].meta("home_province") == "07.351"
    assert dialog.centre_name() == "Centre Tiznit"  # the app saves it for the cards
    opened[0].close()
    assert Store.agents(folder) == ["Khadija"]
    tasks.shutdown()


def test_first_start_labels_every_box_and_starts_at_the_name(qtbot, tmp_path):
    dialog, tasks = _dialog(tmp_path / "new")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    boxes = [dialog.language, dialog.agent, dialog.province, dialog.centre,
             dialog.passphrase, dialog.confirm]
    for box in boxes:
        label = dialog.form.labelForField(box)
        assert label is not None and label.text().replace("&", ""), box
        assert label.buddy() is box and box.accessibleName()
    # The title asks for the name; the cursor is in the name box.
    assert "nom" in dialog.title.text().lower()
    assert _has_focus(dialog, dialog.agent)
    # Tab walks the boxes top to bottom, then reaches the button.
    for box in (dialog.province, dialog.centre, dialog.passphrase, dialog.confirm, dialog.ok):
        dialog.focusNextPrevChild(True)
        assert _has_focus(dialog, box), box
    tasks.shutdown()


@pytest.mark.parametrize("weak", ["a", "khadija2026", "azerty123"])
def test_a_weak_passphrase_is_refused_with_the_reason(qtbot, tmp_path, weak):
    folder = tmp_path / "new"
    dialog, tasks = _dialog(folder)
    qtbot.addWidget(dialog)
    dialog.agent.setEditText("Khadija")
    dialog.province.setCurrentIndex(dialog.province.findData("07.351"))
    qtbot.keyClicks(dialog.passphrase, weak)
    qtbot.keyClicks(dialog.confirm, weak)
    assert dialog.strength.text()  # said while she types
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    tasks.wait_idle()
    assert dialog.message.text() and not Store.exists(folder)
    # And the plain word that there is no recovery.
    assert "récupérer" in dialog.no_recovery.text()
    tasks.shutdown()


def test_provinces_by_name_nothing_chosen_and_typed_to_find(qtbot, tmp_path):
    dialog, tasks = _dialog(tmp_path / "new", lang="fr")
    qtbot.addWidget(dialog)
    names = [dialog.province.itemText(i) for i in range(dialog.province.count())]
    assert names[0].startswith("Agadir") and names == sorted(names, key=_folded)
    assert dialog.province_code() is None and dialog.province.currentText() == ""
    dialog.agent.setEditText("Khadija")
    qtbot.keyClicks(dialog.passphrase, STRONG)
    qtbot.keyClicks(dialog.confirm, STRONG)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert "province" in dialog.message.text().lower()  # nothing chosen for her
    assert _has_focus(dialog, dialog.province)
    completer = dialog.province.completer()
    completer.setCompletionPrefix("tiz")  # what typing "tiz" asks for
    assert completer.currentCompletion() == "Tiznit"
    dialog.province.lineEdit().setText("Tiznit")
    assert dialog.province_code() is not None
    dialog.language.setCurrentIndex(dialog.language.findData("ar"))  # via languageChosen
    tasks.shutdown()


def test_provinces_sorted_in_arabic(qtbot, tmp_path):
    dialog, tasks = _dialog(tmp_path / "new", lang="ar")
    qtbot.addWidget(dialog)
    names = [dialog.province.itemText(i) for i in range(dialog.province.count())]
    assert all(any("\u0600" <= c <= "\u06ff" for c in n) for n in names)
    assert names.index("أكادير-إدا وتنان") < names.index("تيزنيت")
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
