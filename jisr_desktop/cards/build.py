"""From a saved record (plain data, as the repository returns it) to what a card prints.

No store access here: the caller passes the record, the definition versions that record
names, and the reference lists. Labels are read from the definitions in all three
languages, so one `CardData` prints in any layout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from jisr_desktop.cards.data import CardData, ServiceLine, Text, format_date
from jisr_desktop.cards.qr import card_number
from jisr_desktop.models.programme.people import full_name


class RecordLike(Protocol):  # jisr_desktop.models.store.repository.RecordDetail
    id: str
    version: int
    answers: dict[str, Any]
    evaluation: dict[str, Any] | None
    category: int | None
    agent: str


def _both(ar: str, fr: str) -> dict[str, str]:
    return {"ar": ar or fr, "fr": fr or ar, "zgh": fr or ar}


def _join(*parts: str, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def person_values(answers: Mapping[str, Any]) -> dict[str, Text]:
    """Her name in each script (Arabic on the Arabic side, Latin elsewhere) and her CIN."""
    name_ar = full_name(answers, "ar")
    name_lat = full_name(answers, "lat", family_in_capitals=True)
    values: dict[str, Text] = {}
    if name_ar or name_lat:
        values["name"] = _both(name_ar, name_lat)
    for key in ("cin", "phone"):
        if answers.get(key):
            values[key] = str(answers[key])
    if answers.get("date_of_birth"):
        values["date_of_birth"] = format_date(answers["date_of_birth"])
    return values


def residence(answers: Mapping[str, Any], reference: Any) -> Text | None:
    """"Commune, Province" from the HCP lists; the codes themselves if the lists lack them.
    In Tamazight, the Tifinagh name of a place where one is known, else the French one."""
    parts: dict[str, list[str]] = {"ar": [], "fr": [], "zgh": []}
    for kind in ("commune", "province"):
        code = answers.get(kind)
        if not code:
            continue
        for lang, names in parts.items():
            try:
                names.append(reference.name(kind, code, lang))
            except KeyError:
                names.append(code)
    if not parts["fr"]:
        return None
    return {"ar": "، ".join(parts["ar"]), "fr": ", ".join(parts["fr"]),
            "zgh": ", ".join(parts["zgh"])}


def _label(table: Mapping[str, Any], key: str | None) -> Text | None:
    if not key or key not in table:
        return None
    return dict(table[key]["label"])


def orientation_card(
    record: RecordLike,
    orientation: Mapping[str, Any],
    grid: Mapping[str, Any],
    reference: Any,
    *,
    issued_on: date | None = None,
    centre: Text = "",
    agent: str = "",
    appointment: str = "",
    contact: str = "",
) -> CardData:
    """The orientation card of a scored record. `orientation` and `grid` are the data of the
    definition versions the record names (its evaluation's `versions`), so an old card
    reprints with the labels it was decided under."""
    evaluation = record.evaluation or {}
    oriented = evaluation.get("orientation") or {}
    category = evaluation.get("category", record.category)
    values: dict[str, Text] = person_values(record.answers)
    place = residence(record.answers, reference)
    if place:
        values["residence"] = place
    for rule in grid.get("classification", ()):
        if rule.get("category") == category and rule.get("label"):
            values["category"] = dict(rule["label"])
    for key, table, value in (
        ("path", orientation.get("paths", {}), oriented.get("path")),
        ("destination", orientation.get("destinations", {}), oriented.get("destination")),
    ):
        label = _label(table, value)
        if label:
            values[key] = label
    if appointment:
        values["appointment"] = appointment
    if contact:
        values["contact"] = contact
    return CardData(
        kind="orientation",
        record_id=record.id,
        card_no=card_number("orientation", record.id, record.version),
        values=values,
        issued_on=issued_on or date.today(),
        centre=centre,
        agent=agent or record.agent,
    )


def service_card(
    record: RecordLike,
    services: Mapping[str, Any],
    recommended: Iterable[str],
    *,
    deliveries: Iterable[Mapping[str, Any]] = (),
    orientation: Mapping[str, Any] | None = None,
    assessed_on: date | str | None = None,
    edition: int = 1,
    issued_on: date | None = None,
    centre: Text = "",
    agent: str = "",
) -> CardData:
    """The service card after a skills assessment: the recommended services in the
    catalogue's order (grouped by type, as the catalogue is), each with its delivery."""
    wanted = set(recommended)
    delivered: dict[str, Mapping[str, Any]] = {}
    for d in deliveries:
        if d.get("delivered_on"):
            delivered[d["service_id"]] = d
    types = services.get("types", {})
    lines = []
    for s in services.get("services", ()):
        if s["id"] not in wanted:
            continue
        d = delivered.get(s["id"], {})
        on = d.get("delivered_on")
        lines.append(
            ServiceLine(
                service_id=s["id"],
                label=dict(s["label"]),
                type_label=dict(types.get(s.get("type"), {}).get("label", {})),
                delivered_on=date.fromisoformat(on[:10]) if isinstance(on, str) else on,
                delivered_by=str(d.get("delivered_by") or ""),
            )
        )
    values: dict[str, Text] = person_values(record.answers)
    destination = ((record.evaluation or {}).get("orientation") or {}).get("destination")
    if orientation is not None:
        label = _label(orientation.get("destinations", {}), destination)
        if label:
            values["incubator"] = label
    if assessed_on:
        values["assessment_date"] = format_date(assessed_on)
    return CardData(
        kind="service",
        record_id=record.id,
        card_no=card_number("service", record.id, edition),
        values=values,
        issued_on=issued_on or date.today(),
        centre=centre,
        agent=agent or record.agent,
        services=tuple(lines),
    )
