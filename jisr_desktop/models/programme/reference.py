"""Morocco's administrative divisions (HCP lists in `resources/reference/`).

Regions, provinces/prefectures and communes with their official codes and French and
Arabic names; the registration form's residence fields store these codes. Source and
licence: resources/reference/README.md. Tifinagh names, where an official or public one
was found (issue 13), come from `names_zgh.csv` beside them, each with its source.
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
# Not one of the published HCP lists (nor in their hash): our cited Tifinagh names.
ZGH_NAMES = "names_zgh.csv"
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
    name_zgh: str = ""  # Tifinagh, only where a cited one exists (names_zgh.csv)


@dataclass(frozen=True)
class Province:
    code: str
    name_fr: str
    name_ar: str
    type: str  # province | prefecture | prefecture_of_arrondissements
    region_code: str
    name_zgh: str = ""


@dataclass(frozen=True)
class Commune:
    code: str
    name_fr: str
    name_ar: str
    type: str  # rural | urban
    region_code: str
    province_code: str
    name_zgh: str = ""


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
        """Display name of a region, province or commune; KeyError for an unknown code."""
        try:
            table = getattr(self, _TABLES[kind])
        except KeyError:
            raise KeyError(f"unknown reference list {kind!r}") from None
        return place_name(table[code], lang)


def place_name(row: Region | Province | Commune, lang: str) -> str:
    """The name a screen or card in `lang` shows: Arabic in Arabic, French in French; in
    Tamazight the Tifinagh name where one is known, else the French (HCP) one, which
    reads left to right like the Tifinagh around it. No Tifinagh is made up."""
    if lang == "ar":
        return row.name_ar
    if lang == "zgh" and row.name_zgh:
        return row.name_zgh
    return row.name_fr


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
    zgh = _zgh_names(folder)
    regions = {
        r["code"]: Region(r["code"], r["name_fr"], r["name_ar"], zgh.get(("region", r["code"]), ""))
        for r in _rows(raw["regions.csv"])
    }
    provinces = {
        r["code"]: Province(r["code"], r["name_fr"], r["name_ar"], r["type"], r["region_code"],
                            zgh.get(("province", r["code"]), ""))
        for r in _rows(raw["provinces.csv"])
    }
    communes = {
        r["code"]: Commune(
            r["code"], r["name_fr"], r["name_ar"], r["type"], r["region_code"], r["province_code"],
            zgh.get(("commune", r["code"]), ""),
        )
        for r in _rows(raw["communes.csv"])
    }
    return ReferenceData(regions, provinces, communes, digest.hexdigest())


def _zgh_names(folder: Path) -> dict[tuple[str, str], str]:
    """(kind, code) -> Tifinagh name. A folder of lists downloaded from the server holds
    only the three HCP files: the names shipped with the app apply to it too."""
    path = folder / ZGH_NAMES
    if not path.is_file():
        path = paths.reference_dir() / ZGH_NAMES
    if not path.is_file():
        return {}
    return {(r["kind"], r["code"]): r["name_zgh"] for r in _rows(path.read_bytes())}


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _group(rows: Iterable[Any], attribute: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped
