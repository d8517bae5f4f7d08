"""The translation layer: gettext catalogs in `translations/`, Babel locales, text direction.

No Qt here: the CLI, the domain's callers and the UI all translate through this module.
The UI keeps its own "current language" and passes it in; the CLI sets it once.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from io import BytesIO

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from jisr_desktop.paths import translations_dir

LANGUAGES: tuple[str, ...] = ("ar", "fr", "zgh")
DEFAULT_LANGUAGE = "ar"
DOMAIN = "jisr"
# Babel locale used for dates and numbers: the Moroccan variants where CLDR has them.
BABEL_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "zgh": "zgh_MA"}

_current = DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def normalise_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().replace("-", "_").split("_")[0]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translation(lang: str) -> gettext.NullTranslations:
    """The catalog for `lang`: the compiled `.mo` when the build made one, else the `.po`.

    Reading the `.po` directly means a source checkout translates without a build step.
    """
    folder = translations_dir() / lang / "LC_MESSAGES"
    mo_path = folder / f"{DOMAIN}.mo"
    po_path = folder / f"{DOMAIN}.po"
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang if lang != "zgh" else "zgh")
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    return gettext.NullTranslations()


def set_language(lang: str | None) -> str:
    global _current
    _current = normalise_language(lang)
    return _current


def current_language() -> str:
    return _current


def language_from_env() -> str:
    return normalise_language(os.environ.get("JISR_LANG"))


def _(message: str, lang: str | None = None) -> str:
    return translation(lang or _current).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return translation(lang or _current).ngettext(singular, plural, n)


def babel_locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[normalise_language(lang)])


def text_direction(lang: str) -> str:
    """'rtl' or 'ltr', from CLDR rather than a hard-coded list of scripts."""
    return babel_locale(lang).text_direction
