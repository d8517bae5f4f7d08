"""The blocks of a card's body, each drawn with a `Painter`: the three-script letterhead,
the heading band, a field's label and value, and the service card's list of services
with their tick boxes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm

from jisr_desktop.cards.data import CardData, ServiceLine, Text, format_date, pick
from jisr_desktop.cards.painter import BAND, GREY, INK, Painter, is_rtl

Template = Mapping[str, Any]


def draw_letterhead(p: Painter, template: Template) -> None:
    head = template["letterhead"]
    column = (p.width - 4 * mm) / 3
    top = p.y
    bottoms = []
    for lang, x, align, rtl in (
        ("fr", p.left, "start", False),
        ("zgh", p.left + column + 2 * mm, "center", False),
        ("ar", p.left + 2 * (column + 2 * mm), "start", True),
    ):
        p.y = top
        for i, line in enumerate(head[lang]):
            p.para(line, 5.4 if lang != "ar" else 6.0, rtl, align=align, heavy=i == 0,
                   x=x, width=column)
        bottoms.append(p.y)
    p.y = min(bottoms)


def draw_heading(p: Painter, template: Template, langs: tuple[str, ...]) -> None:
    p.gap(2)
    top = p.y
    size = 10.5
    height = p.size(size) * 1.32 * (1 if len(langs) > 1 else len(langs)) + p.size(5)
    if not p.dry:
        p.canvas.setFillColorRGB(*BAND)
        p.canvas.roundRect(p.left, top - height, p.width, height, 3, stroke=0, fill=1)
    p.gap(2.5)
    inner = Painter(p.canvas, p.left + 2 * mm, p.width - 4 * mm, p.y, p.scale, p.dry)
    if len(langs) > 1:
        inner.row(pick(template["heading"], "fr"), pick(template["heading"], "ar"), size,
                  heavy=True)
    else:
        inner.para(pick(template["heading"], langs[0]), size, langs[0] == "ar",
                   align="center", heavy=True)
    p.y = min(inner.y, top - height) - p.size(3)


def draw_value(p: Painter, value: Text | None, langs: tuple[str, ...], *, points: float = 8.6,
           blank: bool = False, heavy: bool = True) -> None:
    if value is None or value == "" or (not isinstance(value, str) and not any(value.values())):
        if blank and not p.dry:
            p.gap(9)
            p.canvas.setStrokeColorRGB(*GREY)
            p.canvas.setDash(1, 1.5)
            p.canvas.setLineWidth(0.4)
            p.canvas.line(p.left, p.y, p.left + p.width, p.y)
            p.canvas.setDash()
            p.gap(1)
        elif blank:
            p.gap(10)
        return
    if isinstance(value, str):
        # On a one-language card a value starts on that language's side; on a bilingual
        # one it follows its own script (a Latin CIN on the left, an Arabic name right).
        rtl = is_rtl(value) if len(langs) > 1 else langs == ("ar",)
        p.para(value, points, rtl, heavy=heavy)
        return
    shown: list[str] = []
    for lang in langs:
        text = pick(value, lang)
        if text and text not in shown:
            p.para(text, points, is_rtl(text) if lang != "ar" else True, heavy=heavy)
            shown.append(text)


def draw_label(p: Painter, label: Mapping[str, str], langs: tuple[str, ...]) -> None:
    if len(langs) > 1:
        p.row(pick(label, "fr"), pick(label, "ar"), 5.8, colour=GREY)
    else:
        p.para(pick(label, langs[0]), 5.8, langs[0] == "ar", colour=GREY)


def draw_services(p: Painter, template: Template, data: CardData, langs: tuple[str, ...]) -> None:
    words = template["services"]
    p.gap(2)
    draw_label(p, words["label"], langs)
    if not data.services:
        draw_value(p, dict(words["empty"]), langs, points=7.2, heavy=False)
        return
    arabic_only = langs == ("ar",)
    box = p.size(5.5)
    current_type = None
    for line in data.services:
        if line.type_label and line.type_label != current_type:
            current_type = line.type_label
            p.gap(1.5)
            if len(langs) > 1:
                p.row(pick(current_type, "fr"), pick(current_type, "ar"), 6.6, heavy=True)
            else:
                p.para(pick(current_type, langs[0]), 6.6, arabic_only, heavy=True)
        top = p.y
        x = p.left + p.width - box if arabic_only else p.left
        text_left = p.left if arabic_only else p.left + box + 1.5 * mm
        bottom = _service_text(p, line, words, langs, text_left, p.width - box - 1.5 * mm)
        if not p.dry:
            _tick_box(p, x, top - box - p.size(1.5), box, ticked=bool(line.delivered_on))
        p.y = min(bottom, top - box - p.size(2.5)) - p.size(1)


def _service_text(p: Painter, line: ServiceLine, words: Mapping[str, Any],
                  langs: tuple[str, ...], text_left: float, text_width: float) -> float:
    """One service's label (and when it was delivered) beside its box; returns the bottom."""
    top = p.y
    arabic_only = langs == ("ar",)
    delivered = {
        lang: (
            f"{pick(words['delivered'], lang)} {format_date(line.delivered_on)}"
            + (f" – {line.delivered_by}" if line.delivered_by else "")
        )
        for lang in langs
    }
    if len(langs) > 1:
        # Two columns, French beside the box and Arabic on the right: one service
        # takes the height of its longer label, not of both.
        half = (text_width - 2 * mm) / 2
        columns = []
        for lang, x_col, rtl in (("fr", text_left, False),
                                 ("ar", text_left + half + 2 * mm, True)):
            col = Painter(p.canvas, x_col, half, top, p.scale, p.dry)
            col.para(pick(line.label, lang), 6.6, rtl)
            if line.delivered_on:
                col.para(delivered[lang], 5.4, rtl, colour=GREY)
            columns.append(col.y)
        bottom = min(columns)
    else:
        lang = langs[0]
        col = Painter(p.canvas, text_left, text_width, top, p.scale, p.dry)
        col.para(pick(line.label, lang), 7.0, arabic_only)
        if line.delivered_on:
            col.para(delivered[lang], 5.6, arabic_only, colour=GREY)
        bottom = col.y
    return bottom


def _tick_box(p: Painter, x: float, by: float, box: float, *, ticked: bool) -> None:
    """The box of one service, ticked once it was delivered."""
    p.canvas.setStrokeColorRGB(*INK)
    p.canvas.setLineWidth(0.6)
    p.canvas.rect(x, by, box, box, stroke=1, fill=0)
    if ticked:
        p.canvas.setLineWidth(1.0)
        path = p.canvas.beginPath()
        path.moveTo(x + box * 0.2, by + box * 0.5)
        path.lineTo(x + box * 0.42, by + box * 0.22)
        path.lineTo(x + box * 0.85, by + box * 0.85)
        p.canvas.drawPath(path, stroke=1, fill=0)
