"""An administrator publishes a new grid version without a developer (docs/definitions.md,
"Publishing a new grid"): copy the definitions folder, edit grid.json, raise its version,
publish it on the server and load it on a desktop, re-score. Real CLIs, real store, real
server database (SQLite here; the server tests cover PostgreSQL)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import load_directory
from jisr_server.cli import main as server_main

from .conftest import make_submission
from .test_cli import _write, jisr
from .test_cli import cli_store as cli_store  # a fixture, used by name

# The widow of the issue: no income, a weaving idea, no schooling, no experience.
WIDOW = {"project_sector": "textile", "experience": "none", "education": "none"}


def _edited_copy(tmp_path: Path, *, version: int | None, no_schooling_points: int) -> Path:
    folder = tmp_path / "definitions"
    shutil.copytree(paths.definitions_dir(), folder)
    grid_file = folder / "grid.json"
    grid = json.loads(grid_file.read_text(encoding="utf-8"))
    if version is not None:
        grid["version"] = version
    education = next(c for c in grid["criteria"] if c["id"] == "education")
    education["points"]["none"] = no_schooling_points
    grid_file.write_text(json.dumps(grid, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def test_a_grid_edit_alone_reaches_the_server_and_the_desktop(cli_store, tmp_path, capsys):
    enrolled = jisr(cli_store, "enrol", _write(tmp_path / "w.json", make_submission(**WIDOW)))
    assert enrolled.returncode == 0, enrolled.stderr
    before = json.loads(enrolled.stdout)
    assert before["score"]["category"] == 1
    shipped = load_directory().grid.version
    folder = _edited_copy(tmp_path, version=shipped + 1, no_schooling_points=3)

    database = f"sqlite:///{tmp_path / 'server.db'}"
    assert server_main(["init-db", "--database-url", database]) == 0
    capsys.readouterr()
    assert server_main(["publish-definitions", str(folder), "--database-url", database]) == 0
    # Only the grid is new: the other definitions and the cards are already published.
    assert capsys.readouterr().out.strip() == f"published grid jisr.grid version {shipped + 1}"

    loaded = jisr(cli_store, "definitions", "--load", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    assert "1 nouvelle version" in loaded.stderr
    assert json.loads(loaded.stdout)["grid"]["version"] == shipped + 1
    assert jisr(cli_store, "rescore").returncode == 0
    shown = json.loads(jisr(cli_store, "show", before["id"]).stdout)
    # Three more points for no schooling; the category does not move.
    assert shown["evaluation"]["total"] == before["score"]["total"] + 3
    assert shown["evaluation"]["category"] == 1


def test_an_edit_without_a_new_version_number_is_refused_in_words(cli_store, tmp_path, capsys):
    folder = _edited_copy(tmp_path, version=None, no_schooling_points=3)
    database = f"sqlite:///{tmp_path / 'server.db'}"
    assert server_main(["publish-definitions", str(folder), "--database-url", database]) == 2
    assert "give the new content a new version number" in capsys.readouterr().err

    loaded = jisr(cli_store, "definitions", "--load", str(folder))
    assert loaded.returncode == 2
    assert "Unexpected" not in loaded.stderr and "Traceback" not in loaded.stderr
    assert "grid.json" in loaded.stderr and "version" in loaded.stderr
