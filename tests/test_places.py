"""The directory of places (definition kind `places`): the incubators the programme
document names, nothing invented, and the place orientation proposes for a woman."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import load_places, parse_definition
from jisr_desktop.models.programme.places import Directory
from jisr_server import catalog
from jisr_server.cli import main as server_main


def directory() -> Directory:
    return Directory(load_places())


def test_every_region_has_its_reference_incubator_named_where_the_document_names_it():
    d = directory()
    assert {p.region for p in d.of_kind("regional_incubator")} == {
        f"{n:02d}" for n in range(1, 13)}
    names = {p.id: p.name["fr"] for p in d.places}
    assert "Al Amal" in names["incubator_03_al_amal"]
    assert "Al Qods" in names["incubator_05_al_qods"]
    assert "Dar Al Mouwatine Al Qods" in names["incubator_12_dar_al_mouwatine"]
    casablanca = [p.name["fr"] for p in d.incubators("06")]
    assert any("Ahl Loghlam" in n for n in casablanca)
    assert any("Sidi Bernoussi" in n for n in casablanca)
    assert any("Ouled Lhaj" in p.name["fr"] for p in d.incubators("08"))
    assert d.get("incubator_07_rehamna").province == "07.427"
    assert d.get("incubator_04").status == "open"  # inaugurated by the minister (489)


def test_nothing_is_invented_where_the_document_says_nothing():
    d = directory()
    assert all(p.address is None and p.phone is None and p.capacity is None for p in d.places)
    assert d.of_kind("incubating_association") == [] == d.of_kind("en_vocational_training_centre")
    assert "aucune association" in d.none_named("incubating_association")["fr"]
    assert d.none_named("en_vocational_training_centre")["ar"]


def test_the_place_proposed_follows_her_region_and_province():
    d = directory()
    assert d.choice("regional_incubator", "07", "07.351").proposed.id == "incubator_07"
    assert d.choice("regional_incubator", "07", "07.427").proposed.id == "incubator_07_rehamna"
    # No association named in her province yet: her region's incubator, said so.
    choice = d.choice("incubating_association", "03", "03.231")
    assert choice.fallback and choice.proposed.id == "incubator_03_al_amal"


def test_a_place_in_the_wrong_region_is_refused_with_its_path():
    data = copy.deepcopy(dict(load_places().data))
    data["places"][0]["province"] = "07.351"
    raw = json.dumps(data, ensure_ascii=False)
    try:
        parse_definition(raw, "places.json")
    except ValueError as exc:
        assert "places/0/province" in str(exc)
    else:
        raise AssertionError("a Marrakech province in region 01 was accepted")


def test_the_server_publishes_the_directory_like_the_other_definitions(tmp_path: Path, capsys):
    assert any(d.kind == "places" for d in catalog.read_directory(paths.definitions_dir()))
    folder = tmp_path / "definitions"
    shutil.copytree(paths.definitions_dir(), folder)
    data = json.loads((folder / "places.json").read_text(encoding="utf-8"))
    data["version"] += 1
    data["places"][0]["phone"] = "+212539000000"
    (folder / "places.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    database = f"sqlite:///{tmp_path / 'server.db'}"
    assert server_main(["init-db", "--database-url", database]) == 0
    capsys.readouterr()
    assert server_main(["publish-definitions", str(folder), "--database-url", database]) == 0
    out = capsys.readouterr().out.strip()
    assert out == f"published places jisr.places version {data['version']}"
