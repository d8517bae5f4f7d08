"""Messages for people, kept as a code plus parameters until someone reads them.

The engine never builds a sentence: it names what is wrong (`below_min`, `{min: 1}`) and
the text comes from the definition that was in force (its `messages` catalogue or a
field's own `constraint_message`), in whichever language the reader has chosen. The same
issue can therefore be shown in Arabic on screen and in French on a printed report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

# Tried in this order when the asked language has no text: French is the programme's
# working language with partners, Arabic the official one.
FALLBACK_LANGUAGES: tuple[str, ...] = ("fr", "ar")


def pick(text: Mapping[str, str] | None, lang: str) -> str | None:
    """The text in `lang`, else in French, else in Arabic; None when there is none."""
    if not text:
        return None
    for candidate in (lang, *FALLBACK_LANGUAGES):
        value = text.get(candidate)
        if value:
            return value
    return None


@dataclass(frozen=True)
class Message:
    code: str
    # Left out of repr: a value may be a CIN or a phone number, and issues get logged.
    params: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # A definition's own wording (e.g. a constraint_message) wins over the catalogue's.
    text: Mapping[str, str] | None = None

    def template(self, catalog: Mapping[str, Mapping[str, str]], lang: str) -> str | None:
        return pick(self.text, lang) or pick(catalog.get(self.code), lang)

    def render(self, catalog: Mapping[str, Mapping[str, str]], lang: str) -> str:
        """The message in `lang`. Never raises: a bad template is shown as written, and
        a definition that lacks the code shows the code, which is still searchable."""
        template = self.template(catalog, lang)
        if template is None:
            return self.code
        return fill(template, self.params)

    def render_all(
        self, catalog: Mapping[str, Mapping[str, str]], langs: tuple[str, ...] = ("ar", "fr", "zgh")
    ) -> dict[str, str]:
        return {lang: self.render(catalog, lang) for lang in langs}


class _Missing:
    """Stands for a parameter the template names but the engine did not give."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __format__(self, spec: str) -> str:
        return "{" + self._name + (":" + spec if spec else "") + "}"

    def __getattr__(self, _attr: str) -> _Missing:
        return self

    def __getitem__(self, _key: object) -> _Missing:
        return self


class _Params(dict):
    def __missing__(self, key: str) -> _Missing:
        return _Missing(key)


def fill(template: str, params: Mapping[str, Any]) -> str:
    """`template.format_map(params)`, leaving unknown `{names}` in place.

    Templates are written by the ministry's staff, not by programmers: a stray brace or
    a positional `{0}` must not crash a registration, so the raw template is the fallback.
    """
    try:
        # Positional fields would raise inside format_map; refuse them up front.
        if any(
            name == "" or (name and name[0].isdigit())
            for _, name, _, _ in Formatter().parse(template)
            if name is not None
        ):
            return template
        return template.format_map(_Params(params))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return template
