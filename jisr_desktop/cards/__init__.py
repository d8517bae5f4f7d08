"""Printed cards (orientation card, service card) as PDF: plain data in, a PDF out.

No Qt and no SQL here: the desktop app, the CLI and the batch give `CardData` (built with
`build.py` from a record and its definitions) and a template from
`resources/definitions/cards/`; `render_card` writes one A6 card (`render.py`, drawn with
`painter.py` and `blocks.py`), `render_batch` A4 sheets of four (`batch.py`). Text layout
(HarfBuzz shaping, bidi, font chain) is in `text.py`.
"""

from jisr_desktop.cards.batch import BatchItem, BatchResult, render_batch
from jisr_desktop.cards.data import CardData, OrientationCardData, ServiceCardData, ServiceLine
from jisr_desktop.cards.fonts import MissingGlyphError
from jisr_desktop.cards.qr import card_number, is_card_code, parse_qr_payload, qr_payload
from jisr_desktop.cards.render import CardOverflowError, draw_card, render_card

__all__ = [
    "BatchItem",
    "BatchResult",
    "CardData",
    "CardOverflowError",
    "MissingGlyphError",
    "OrientationCardData",
    "ServiceCardData",
    "ServiceLine",
    "card_number",
    "draw_card",
    "is_card_code",
    "parse_qr_payload",
    "qr_payload",
    "render_batch",
    "render_card",
]
