"""Live language switching: gettext catalogs, layout direction, Qt's own translations.

Each page connects its `retranslate()` to `changed` (Frescobaldi's translateUI pattern), so
switching language re-labels the window in place and nothing typed is lost.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from jisr_desktop import i18n

QT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "zgh": "zgh_MA"}


def direction_of(lang: str) -> Qt.LayoutDirection:
    # From CLDR (Babel), not a hard-coded list: ar is rtl; fr and zgh (Tifinagh) are ltr.
    if i18n.text_direction(lang) == "rtl":
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


class LanguageManager(QObject):
    changed = Signal(str)

    def __init__(self, lang: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lang = i18n.normalise_language(lang)
        self._qt_translator: QTranslator | None = None
        self._apply()

    @property
    def lang(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        lang = i18n.normalise_language(lang)
        if lang == self._lang:
            return
        self._lang = lang
        self._apply()
        self.changed.emit(lang)

    def _apply(self) -> None:
        i18n.set_language(self._lang)
        QLocale.setDefault(QLocale(QT_LOCALES[self._lang]))
        app = QApplication.instance()
        if app is None:
            return
        app.setLayoutDirection(direction_of(self._lang))
        if self._qt_translator is not None:
            app.removeTranslator(self._qt_translator)
            self._qt_translator = None
        # Qt ships qtbase_ar and qtbase_fr; there is no Tamazight catalog, so our own
        # translated texts are set on standard buttons where it matters.
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if self._lang in ("ar", "fr") and translator.load(f"qtbase_{self._lang}", folder):
            app.installTranslator(translator)
            self._qt_translator = translator
