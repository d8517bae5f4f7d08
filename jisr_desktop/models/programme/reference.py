"""Morocco's administrative divisions (HCP lists in `resources/reference/`).

Regions, provinces/prefectures and communes with their official codes and French and
Arabic names; the registration form's residence fields store these codes. Source and
licence: resources/reference/README.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jisr_desktop import paths

FILES = ("regions.csv", "provinces.csv", "communes.csv")
# Singular and plural both accepted: forms name the lists in the plural (`reference`).
_TABLES = {
    "region": "regions",
    "regions": "regions",
    "province": "provinces",
    "provinces": "provinces",
    "commune": "communes",
    "communes": "communes",
}


@dataclass(frozen=True)
class Region:
    code: str
    name_fr: str
    name_ar: str


@dataclass(frozen=True)
class Province:
    code: str
    name_fr: str
    name_ar: str
    type: str  # province | prefecture | prefecture_of_arrondissements
    region_code: str


@dataclass(frozen=True)
class Commune:
    code: str
    name_fr: str
    name_ar: str
    type: str  # rural | urban
    region_code: str
    province_code: str


class ReferenceData:
    """The three lists, keyed by code, in the HCP files' order."""

    def __init__(
        self,
        regions: dict[str, Region],
        provinces: dict[str, Province],
        communes: dict[str, Commune],
        content_hash: str,
    ) -> None:
        self.regions = regions
        self.provinces = provinces
        self.communes = communes
        self.content_hash = content_hash
        # Casablanca's prefectures of arrondissements hold no communes in the HCP lists (the
        # communes sit under the Casablanca prefecture), so offering them as a province would
        # leave the agent with an empty, required commune list.
        self._provinces_by_region = _group(
            (p for p in provinces.values() if p.type != "prefecture_of_arrondissements"),
            "region_code",
        )
        self._communes_by_province = _group(communes.values(), "province_code")

    def provinces_of(self, region_code: str) -> list[Province]:
        return list(self._provinces_by_region.get(region_code, ()))

    def communes_of(self, province_code: str) -> list[Commune]:
        return list(self._communes_by_province.get(province_code, ()))

    def name(self, kind: str, code: str, lang: str) -> str:
        """Display name of a region, province or commune; KeyError for an unknown code.

        The HCP data has no Tifinagh place names, so Tamazight shows the French name.
        """
        try:
            table = getattr(self, _TABLES[kind])
        except KeyError:
            raise KeyError(f"unknown reference list {kind!r}") from None
        row = table[code]
        return row.name_ar if lang == "ar" else row.name_fr


def shipped_dir() -> Path:
    """The folder of the reference lists shipped with the code (published by the server)."""
    return paths.reference_dir()


def load_reference(path: Path | None = None) -> ReferenceData:
    """The lists in `path` (default: the shipped ones, read once per process)."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@cache
def _load_default() -> ReferenceData:
    return _load(paths.reference_dir())


def _load(folder: Path) -> ReferenceData:
    raw = {name: (folder / name).read_bytes() for name in FILES}
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + raw[name] + b"\0")
    regions = {
        r["code"]: Region(r["code"], r["name_fr"], r["name_ar"]) for r in _rows(raw["regions.csv"])
    }
    provinces = {
        r["code"]: Province(r["code"], r["name_fr"], r["name_ar"], r["type"], r["region_code"])
        for r in _rows(raw["provinces.csv"])
    }
    communes = {
        r["code"]: Commune(
            r["code"], r["name_fr"], r["name_ar"], r["type"], r["region_code"], r["province_code"]
        )
        for r in _rows(raw["communes.csv"])
    }
    return ReferenceData(regions, provinces, communes, digest.hexdigest())


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _group(rows: Iterable[Any], attribute: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped
