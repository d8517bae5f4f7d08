"""The orientation card's content: which path, which structure, and why.

The first matching rule of each list wins. A woman with no category (not eligible, or
not yet scored) gets no orientation rather than a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.expressions import holds
from jisr_desktop.models.programme.scoring import version_of

LocalizedText = Mapping[str, str]


@dataclass(frozen=True)
class Orientation:
    path: str | None
    path_label: LocalizedText | None
    path_reason: LocalizedText | None
    destination: str | None
    destination_label: LocalizedText | None
    destination_reason: LocalizedText | None
    version: dict[str, Any]
    path_rule: str | None = None
    destination_rule: str | None = None

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        def text(value: LocalizedText | None) -> Any:
            if value is None or lang is None:
                return dict(value) if value is not None else None
            return localized(value, lang)

        return {
            "path": self.path,
            "path_label": text(self.path_label),
            "path_reason": text(self.path_reason),
            "path_rule": self.path_rule,
            "destination": self.destination,
            "destination_label": text(self.destination_label),
            "destination_reason": text(self.destination_reason),
            "destination_rule": self.destination_rule,
            "version": dict(self.version),
        }


def orient(rules: Definition, answers: Mapping[str, Any], category: int | None) -> Orientation:
    """Path and destination for `answers` under the given category."""
    data = rules.data
    version = version_of(rules)
    if category is None:
        return Orientation(None, None, None, None, None, None, version)
    scope = {**answers, "category": category}
    path_rule = _first(data.get("path_rules") or (), scope)
    dest_rule = _first(data.get("destination_rules") or (), scope)
    path = path_rule["path"] if path_rule else None
    destination = dest_rule["destination"] if dest_rule else None
    return Orientation(
        path=path,
        path_label=_label(data.get("paths"), path),
        path_reason=path_rule.get("reason") if path_rule else None,
        destination=destination,
        destination_label=_label(data.get("destinations"), destination),
        destination_reason=dest_rule.get("reason") if dest_rule else None,
        version=version,
        path_rule=path_rule["id"] if path_rule else None,
        destination_rule=dest_rule["id"] if dest_rule else None,
    )


def _first(rules: Any, scope: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((r for r in rules if holds(r["when"], scope)), None)


def _label(table: Mapping[str, Any] | None, key: str | None) -> LocalizedText | None:
    if key is None or not table or key not in table:
        return None
    return table[key].get("label")
