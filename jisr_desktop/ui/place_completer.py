"""Type to find a province or commune in either spelling: «فكيك» finds «فجيج», «الناظور»
finds «الناضور» (the HCP spellings; alias list in resources/reference/place_aliases.csv).
The combo stays a choice from the list: what is typed only filters it, and leaving the
field puts the chosen name back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from jisr_desktop.models.programme.place_names import to_hcp


class PlaceCompleter(QCompleter):
    """Matches anywhere in the name, ignoring case, after writing aliases the HCP way."""

    def splitPath(self, path: str) -> list[str]:
        return [to_hcp(path)]


def make_searchable(combo: QComboBox) -> PlaceCompleter:
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = PlaceCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    # Typed text that chose nothing must not look like a choice.
    line.editingFinished.connect(lambda: line.setText(combo.currentText()))
    return completer
