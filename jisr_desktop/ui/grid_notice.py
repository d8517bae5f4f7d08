"""The one sentence a committee reads wherever the grid's points are shown: they are our
proposal (the programme document, lines 380-394, names criteria but gives no weights), they
rank the women within a category, and they never move a woman to another category."""

from __future__ import annotations

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import Definition


def grid_notice(grid: Definition | None, lang: str) -> str:
    """The notice for the grid version shown (the one the woman was scored under)."""
    if grid is None:
        return ""
    return _(
        "Evaluation grid version {version}: its points are a proposal of the application's "
        "team, since the programme document gives no weights. They rank the women within "
        "each category and never move a woman to another category; the committee decides."
    ).format(version=format_number(grid.version, lang))
