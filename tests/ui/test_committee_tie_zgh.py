"""The committee list in Tamazight: the tie line names the grid group that separated two
equal totals in Tifinagh, never in French (issue 13): from the grid's own label, or, for a
grid whose label has no Tamazight (a version published before it had one), from the
catalogue."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from jisr_desktop.ui.committee_model import CommitteeModel

TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
LATIN = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


@pytest.fixture
def model(qtbot, ctx) -> CommitteeModel:
    ctx.language.set_language("zgh")
    model = CommitteeModel(ctx)
    model.set_entries([])
    return model


@pytest.mark.parametrize("group", ["vulnerability", "readiness"])
def test_the_tie_line_names_the_grid_group_in_tamazight(model, ctx, group) -> None:
    label = next(g["label"] for g in ctx.defs.grid.data["groups"] if g["id"] == group)
    line = model.tie_text(SimpleNamespace(tie_note=group))
    assert label["zgh"] in line
    assert TIFINAGH.search(line) and not LATIN.search(line), line


def test_a_group_label_without_tamazight_takes_the_catalogue_name(model, ctx) -> None:
    # A grid version stored before its groups had a Tamazight label.
    model.group_labels = {
        "vulnerability": {"ar": "الهشاشة", "fr": "Vulnérabilité sociale et économique"}
    }
    line = model.tie_text(SimpleNamespace(tie_note="vulnerability"))
    assert "Vulnérabilité" not in line
    assert TIFINAGH.search(line) and not LATIN.search(line), line
    ctx.language.set_language("fr")
    assert "Vulnérabilité sociale et économique" in model.tie_text(
        SimpleNamespace(tie_note="vulnerability")
    )
