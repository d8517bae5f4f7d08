"""The directory of places (definition kind `places`) and the place orientation names.

Orientation (orientation.json) decides the kind of destination: the regional incubator,
an incubating association, an Entraide Nationale training centre. The directory turns
that into a place: her region's incubator; or an association or an EN centre of her
province. The document names no association and no EN centre (lines 499-517): where the
directory has none for her province, the place proposed is her region's incubator, which
coordinates every social centre of the region (line 479) and names the association or
centre after the first interviews. That fallback is our proposal; `Choice.fallback` says
when it was taken, so the card and the agent can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jisr_desktop.models.programme.definitions import Definition

REGIONAL_INCUBATOR = "regional_incubator"
# The order a region's incubators are offered in: open first, then those being fitted out.
_STATUS_ORDER = {"open": 0, "being_fitted_out": 1, "planned": 2}


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    region: str
    province: str | None
    commune: str | None
    name: Mapping[str, str]
    address: Mapping[str, str] | None
    phone: str | None
    status: str
    capacity: int | None
    contact: str | None = None


@dataclass(frozen=True)
class Choice:
    """The places an agent may choose from for one woman, the proposed one first."""

    destination: str
    candidates: tuple[Place, ...]
    fallback: bool  # no place of the destination's kind in her province: her incubator

    @property
    def proposed(self) -> Place | None:
        return self.candidates[0] if self.candidates else None


class Directory:
    """One version of the directory, read-only."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.version = definition.version
        data = definition.data
        self.kinds: Mapping[str, Any] = data["kinds"]
        self.statuses: Mapping[str, Any] = data["statuses"]
        self.places: tuple[Place, ...] = tuple(_place(p) for p in data["places"])
        self._by_id = {p.id: p for p in self.places}

    def get(self, place_id: str) -> Place | None:
        return self._by_id.get(place_id)

    def of_kind(self, kind: str, *, region: str | None = None,
                province: str | None = None) -> list[Place]:
        found = [
            p for p in self.places
            if p.kind == kind
            and (region is None or p.region == region)
            and (province is None or p.province == province)
        ]
        return sorted(found, key=lambda p: (_STATUS_ORDER.get(p.status, 9), p.id))

    def incubators(self, region: str, province: str | None = None) -> list[Place]:
        """Her region's incubators, one in her own province first (two regions have two)."""
        found = self.of_kind(REGIONAL_INCUBATOR, region=region)
        return sorted(found, key=lambda p: p.province != province and province is not None)

    def choice(self, destination: str, region: str, province: str) -> Choice:
        """The places for a woman of `province` sent to a `destination` kind."""
        if destination == REGIONAL_INCUBATOR:
            return Choice(destination, tuple(self.incubators(region, province)), False)
        local = self.of_kind(destination, province=province)
        if local:
            return Choice(destination, tuple(local), False)
        return Choice(destination, tuple(self.incubators(region, province)), True)

    def none_named(self, kind: str) -> Mapping[str, str] | None:
        """What the directory says when the document names no place of this kind."""
        return (self.kinds.get(kind) or {}).get("none_named")

    def kind_label(self, kind: str) -> Mapping[str, str] | None:
        return (self.kinds.get(kind) or {}).get("label")

    def status_label(self, status: str) -> Mapping[str, str] | None:
        return (self.statuses.get(status) or {}).get("label")


def _place(data: Mapping[str, Any]) -> Place:
    return Place(
        id=data["id"],
        kind=data["kind"],
        region=data["region"],
        province=data.get("province"),
        commune=data.get("commune"),
        name=dict(data["name"]),
        address=dict(data["address"]) if data.get("address") else None,
        phone=data.get("phone"),
        status=data["status"],
        capacity=data.get("capacity"),
        contact=data.get("contact"),
    )
