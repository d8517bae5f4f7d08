"""What a card prints, as plain data: no Qt, no store. The builders in `build.py` make it
from a record and its definitions; tests and the batch make it however they like."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# A value is either one text for every language (a name, a CIN, a date) or a localized
# text {"ar": ..., "fr": ..., "zgh": ...} (a path, a destination, a place).
Text = str | Mapping[str, str]

LANGS = ("ar", "fr", "zgh")
LAYOUTS = ("ar", "fr", "zgh", "ar+fr")


@dataclass(frozen=True)
class ServiceLine:
    """One service on a service card. Not delivered yet when `delivered_on` is None."""

    service_id: str
    label: Mapping[str, str]
    type_label: Mapping[str, str] = field(default_factory=dict)
    delivered_on: date | None = None
    delivered_by: str = ""


@dataclass(frozen=True)
class CardData:
    """One card. `kind` is "orientation" or "service"; `values` are keyed by the template's
    field names (a name absent or empty is left out, or drawn as a line to fill by hand)."""

    kind: str
    record_id: str
    card_no: str
    values: Mapping[str, Text]
    issued_on: date
    centre: Text = ""
    agent: str = ""
    services: Sequence[ServiceLine] = ()
    # An orientation card before the committee accepted her: printed as a sheet plainly
    # marked provisional (the template's `provisional` texts; cards/provisional.py).
    provisional: bool = False


# The names the brief and the UI use for the two kinds; one shape serves both.
OrientationCardData = CardData
ServiceCardData = CardData


def pick(value: Text | None, lang: str) -> str:
    """`value` in `lang`, else French, else Arabic (the languages every text has)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (lang, "fr", "ar"):
        text = value.get(key)
        if text:
            return text
    return ""


def format_date(value: date | str | None) -> str:
    """Dates as Moroccan forms write them, DD/MM/YYYY in Western digits in every language."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value  # kept as typed
    return value.strftime("%d/%m/%Y")
