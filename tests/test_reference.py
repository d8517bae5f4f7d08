"""The HCP lists of regions, provinces and communes, as the residence fields use them."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from jisr_desktop import paths
from jisr_desktop.models.programme.reference import FILES, load_reference

REF = paths.reference_dir()


def csv_rows(name: str) -> list[dict[str, str]]:
    with (REF / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_counts_match_the_hcp_lists() -> None:
    ref = load_reference()
    assert len(ref.regions) == 12
    types = Counter(p.type for p in ref.provinces.values())
    assert types["prefecture_of_arrondissements"] == 8
    assert len(ref.provinces) - 8 == 75
    assert len(ref.communes) == 1503
    assert Counter(c.type for c in ref.communes.values()) == {"rural": 1261, "urban": 242}


def test_marrakech_prefecture() -> None:
    ref = load_reference()
    marrakech = ref.provinces["07.351"]
    assert marrakech.region_code == "07"
    assert marrakech.type == "prefecture"
    assert marrakech in ref.provinces_of("07")
    assert ref.name("province", "07.351", "ar") == "مراكش"
    assert ref.name("provinces", "07.351", "fr") == "Marrakech"
    # Its Tifinagh name is cited in names_zgh.csv (tests/test_place_names_zgh.py).
    assert ref.name("province", "07.351", "zgh") == "ⵎⵕⵕⴰⴽⵛ"


def test_provinces_of_filters_by_region() -> None:
    ref = load_reference()
    marrakech_safi = ref.provinces_of("07")
    assert marrakech_safi and all(p.region_code == "07" for p in marrakech_safi)
    offered = sum(len(ref.provinces_of(code)) for code in ref.regions)
    # Every province except Casablanca's 8 prefectures of arrondissements (no communes).
    assert offered == len(ref.provinces) - 8
    assert ref.provinces_of("99") == []


def test_communes_of_gives_each_province_its_own_communes() -> None:
    ref = load_reference()
    # The HCP file states how many communes each province has: an independent count.
    for row in csv_rows("provinces.csv"):
        communes = ref.communes_of(row["code"])
        assert len(communes) == int(row["communes"]), row["code"]
        assert all(c.province_code == row["code"] for c in communes)
        assert all(c.region_code == row["region_code"] for c in communes)
    assert ref.communes_of("07.351")[0].name_fr
    assert ref.communes_of("07") == []


def test_name_of_an_unknown_code_or_list() -> None:
    ref = load_reference()
    with pytest.raises(KeyError):
        ref.name("commune", "99.999.99.99", "fr")
    with pytest.raises(KeyError):
        ref.name("douar", "07", "fr")


def test_default_is_read_once_and_hash_follows_the_files(tmp_path: Path) -> None:
    assert load_reference() is load_reference()
    for name in FILES:
        shutil.copy(REF / name, tmp_path / name)
    copy = load_reference(tmp_path)
    assert copy is not load_reference()
    assert copy.content_hash == load_reference().content_hash

    regions = (tmp_path / "regions.csv").read_text("utf-8").replace("Oriental", "L'Oriental")
    (tmp_path / "regions.csv").write_text(regions, "utf-8")
    changed = load_reference(tmp_path)
    assert changed.regions["02"].name_fr == "L'Oriental"
    assert changed.content_hash != copy.content_hash


def test_attribution_is_kept_beside_the_data() -> None:
    readme = (REF / "README.md").read_text("utf-8")
    assert "Haut-Commissariat au Plan (HCP)" in readme
    assert "CC BY 4.0" in readme
    assert "Changed:" in readme


def test_every_offered_province_has_communes_to_choose_from():
    from jisr_desktop.models.programme.reference import load_reference

    ref = load_reference()
    for region in ref.regions:
        for province in ref.provinces_of(region):
            assert ref.communes_of(province.code), province.code
    assert "06.141" in [p.code for p in ref.provinces_of("06")]
