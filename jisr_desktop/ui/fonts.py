"""Load the fonts shipped in resources/fonts, so a PC without Arabic or Tifinagh fonts
still shows every letter. Noto's Arabic and Tifinagh faces have no Latin letters, so the
application font is a fallback list rather than one family."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from jisr_desktop.paths import resources_dir


def load_fonts() -> list[str]:
    families: list[str] = []
    folder = resources_dir() / "fonts"
    for path in sorted(folder.rglob("*.[ot]tf")) if folder.exists() else []:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in families:
                    families.append(family)
    return families


def apply_fonts(app: QApplication, families: list[str], point_size: int = 11) -> QFont:
    # Latin first (Noto Sans / DejaVu) so digits and Latin names use it, then Arabic, then
    # Tifinagh; Qt falls through the list per character.
    def rank(name: str) -> int:
        lowered = name.lower()
        if "arab" in lowered or "naskh" in lowered or "amiri" in lowered:
            return 1
        if "tifinagh" in lowered:
            return 2
        return 0

    font = QFont(app.font())
    if families:
        font.setFamilies(sorted(families, key=rank))
    font.setPointSize(point_size)
    app.setFont(font)
    return font
