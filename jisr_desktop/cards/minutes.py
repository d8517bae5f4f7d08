"""The minutes of a committee session as a PDF (A4, one language: Arabic or French): the
session (province, category, day, place, members present), then the ranked list with each
woman's decision of that day and its reason. Plain data in: the session and the ranking
(models/workflows/committee.py); the store is read by the caller."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from jisr_desktop.cards.data import format_date
from jisr_desktop.cards.fonts import LOCK
from jisr_desktop.cards.text import LRI, PDI, draw_line, wrap
from jisr_desktop.i18n import N_, _

MARGIN = 15 * mm
SIZE = 9.0
OUTCOMES = {"accepted": N_("Accepted"), "waiting_list": N_("Waiting list"),
            "refused": N_("Refused")}
# Columns: key, share of the width (the order is reversed on the Arabic page).
# The decision is wider since it also says the override and the committee's changes.
COLUMNS = (("rank", 0.06), ("name", 0.28), ("total", 0.07), ("decision", 0.27),
           ("reason", 0.32))


def write_minutes(repo: Any, session: Any, out: str | os.PathLike, lang: str) -> tuple[int, int]:
    """The session's minutes from the store (the CLI's `minutes` and the committee page):
    its ranking read now, names in the page's script, path labels of the orientation in
    force. Returns (pages, women)."""
    from jisr_desktop.models.programme.definitions import load_directory, localized
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.workflows.committee import ranking

    result = ranking(repo, session.province_code, session.category)
    names = {e.record_id: (e.name_ar if lang == "ar" else e.name_lat) or e.name_lat
             for e in result.entries}
    province = load_reference().name("provinces", session.province_code, lang)
    shipped = load_directory().orientation.data.get("paths") or {}
    paths = {k: localized(v.get("label"), lang) for k, v in shipped.items()}
    return render_minutes(session, result, names, out, lang, province, paths), len(result.entries)


def render_minutes(session: Any, ranking: Any, names: Mapping[str, str], out: str | os.PathLike,
                   lang: str, province_name: str, paths: Mapping[str, str] | None = None) -> int:
    """Write the minutes; returns the number of pages. `names` maps record id to the name
    in the page's script; `paths` a path's key to its label (the committee's changes)."""
    rtl = lang == "ar"
    canvas = Canvas(str(out), pagesize=A4)
    canvas.setTitle(_("Minutes of the committee session", lang))
    width, height = A4
    box = width - 2 * MARGIN
    pages = 1
    with LOCK:
        y = _header(canvas, session, ranking, lang, rtl, province_name, height - MARGIN, box)
        y = _row(canvas, _heads(lang), rtl, y, box, heavy=True)
        for entry in ranking.entries:
            if y < MARGIN + 20:
                canvas.showPage()
                pages += 1
                y = _row(canvas, _heads(lang), rtl, height - MARGIN, box, heavy=True)
            y = _row(canvas, _cells(entry, session, names, lang, paths or {}), rtl, y, box)
        canvas.showPage()
        canvas.save()
    return pages


def _header(canvas: Canvas, session: Any, ranking: Any, lang: str, rtl: bool,
            province: str, y: float, box: float) -> float:
    category = (_("Category {n}", lang).format(n=session.category) if session.category
                else _("Both categories", lang))
    lines = [
        (_("Minutes of the committee session", lang), 14.0, True),
        (f"{province} · {category}", 11.0, True),
        (_("Date", lang) + f": {LRI}{format_date(session.held_on)}{PDI}", SIZE, False),
        (_("Place", lang) + f": {session.place}", SIZE, False),
        (_("Members present", lang) + ": " + "، ".join(session.members) if rtl else
         _("Members present", lang) + ": " + ", ".join(session.members), SIZE, False),
    ]
    if ranking.quota is not None:
        # The two numbers isolated left to right, so Arabic does not read them "quota / n".
        fraction = _("{points} / {maximum}", lang).format(points=ranking.accepted,
                                                            maximum=ranking.quota)
        lines.append((_("Accepted / quota: {fraction}", lang).format(
            fraction=f"{LRI}{fraction}{PDI}"), SIZE, False))
    for text, size, heavy in lines:
        for line in wrap(text, box, size, rtl, heavy):
            y -= size * 1.5
            draw_line(canvas, line, MARGIN, y, size, box=box)
    return y - 6


def _heads(lang: str) -> list[str]:
    return [_("Rank", lang), _("Name", lang), _("Total", lang), _("Committee decision", lang),
            _("Reason", lang)]


def _cells(entry: Any, session: Any, names: Mapping[str, str], lang: str,
           paths: Mapping[str, str]) -> list[str]:
    decision = entry.decision
    if decision is not None and decision.decided_on == session.held_on:
        outcome, reason = _(OUTCOMES[decision.outcome], lang), decision.reason or ""
        # What the committee did besides the outcome is part of its decision (issue 12).
        if decision.override:
            outcome += " · " + _("accepted by override although not eligible", lang)
        if decision.category is not None:
            outcome += " · " + _("category set to: {category}", lang).format(
                category=_("Category {n}", lang).format(n=decision.category))
        if decision.path:
            outcome += " · " + _("path set to: {path}", lang).format(
                path=paths.get(decision.path, decision.path))
    else:
        outcome, reason = _("Pending", lang), ""
    total = f"{entry.total:g}"
    return [str(entry.rank), names.get(entry.record_id, ""), total, outcome, reason]


def _row(canvas: Canvas, cells: list[str], rtl: bool, y: float, box: float,
         heavy: bool = False) -> float:
    widths = [share * box for _key, share in COLUMNS]
    order = list(range(len(cells)))[::-1] if rtl else list(range(len(cells)))
    wrapped = [wrap(cells[i], widths[i] - 4, SIZE, rtl, heavy) for i in range(len(cells))]
    depth = max(len(w) for w in wrapped) or 1
    x = MARGIN
    for i in order:
        for k, line in enumerate(wrapped[i]):
            draw_line(canvas, line, x + 2, y - SIZE * 1.4 * (k + 1), SIZE, box=widths[i] - 4)
        x += widths[i]
    bottom = y - SIZE * 1.4 * depth - 3
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, bottom, MARGIN + box, bottom)
    return bottom
