"""The card work of the preview and the batch print, off the UI thread and without
widgets: the card's data and the template in force (db lane), the PDF and the drawing the
preview paints (print lane), and the data folder's tmp/ where cards are rendered.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from jisr_desktop.cards.data import CardData
from jisr_desktop.cards.drawing import CardDrawing
from jisr_desktop.ui.context import AppContext

TEMP_MAX_AGE_S = 24 * 3600


def temp_folder(ctx: AppContext) -> Path:
    """The data folder's tmp/, where cards are rendered. PDFs left there by a crash, or
    still open in a viewer when their dialog closed, are removed after a day: each names a
    woman and her CIN."""
    folder = ctx.folder / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.pdf"):
        try:
            if now - old.stat().st_mtime > TEMP_MAX_AGE_S:
                old.unlink()
        except OSError:  # open in a viewer on Windows: next time
            pass
    return folder


# -- the work on the lanes (no widgets) ------------------------------------------------------


def load_card(ctx: AppContext, record_id: str, kind: str) -> CardData:
    """db lane: the card's data; `NoCard` when there is none."""
    from jisr_desktop.cards.for_record import card_for_record

    return card_for_record(ctx.repo, ctx.defs, record_id, kind, reference=ctx.reference,
                           centre=ctx.settings.centre, agent=ctx.account.name)


def render_preview(template: Any, data: CardData, layout: str,
                   out: Path) -> tuple[Path, CardDrawing]:
    """print lane: the PDF into `out`, and the drawing the preview paints."""
    from jisr_desktop.cards import render_card
    from jisr_desktop.cards.drawing import record_card

    render_card(template, data, out, layout)
    return out, record_card(template, data, layout)


def card_template(ctx: AppContext, kind: str) -> Any:
    """db lane: the template in force for `kind`, installed in the store or shipped."""
    from jisr_desktop.models.workflows.card_templates import card_template as in_force

    return in_force(ctx.repo, kind)
