"""What the QR code on a card says, and how the search box reads it back.

The payload names the record and the card, never the woman: no name, no CIN, no phone, so
a photographed card reveals nothing but an opaque id. The check value is a CRC-32 over the
other parts. It catches a misread, a hand-typed code with a typo or a QR from another app;
it is not a signature (a card proves nothing by itself; the record in the store does).

    JISR1.<RECORD ID>.<card number>.<CRC-32, 8 hex digits>

Upper-case letters, digits, dots and hyphens only: QR's alphanumeric mode, so the code is
one size smaller (bigger modules, easier to scan from a worn card). Reading accepts any case.
"""

from __future__ import annotations

import re
import zlib

PREFIX = "JISR1"
_PAYLOAD = re.compile(
    r"^JISR1\.(?P<record>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"\.(?P<card>[0-9A-Z-]{1,40})\.(?P<check>[0-9A-F]{8})$"
)
# A scanner set up for a US (QWERTY) keyboard, typing into the French (AZERTY) layout of most
# Moroccan PCs, types the digit row as signs, "-" as ")", "." as ":" and "a" as "q". One
# simultaneous table undoes it ("-" comes from the key of 6, ")" from the key of "-").
_AZERTY = str.maketrans(
    {"&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8",
     "ç": "9", "à": "0", ")": "-", ":": ".", "q": "a", "Q": "A"}
)


def _check(record_id: str, card_no: str) -> str:
    return f"{zlib.crc32(f'{record_id}.{card_no}'.encode('ascii')):08X}"


def card_number(kind: str, record_id: str, edition: int) -> str:
    """A short number printed on the card and carried by its QR: O (orientation) or S
    (service), the first 8 characters of the record id (what agents type in the search
    box), and the edition, which grows each time a new card replaces an older one."""
    return f"{kind[:1].upper()}-{record_id[:8].upper()}-{edition}"


def qr_payload(record_id: str, card_no: str) -> str:
    record_id = record_id.lower()
    card_no = card_no.upper()
    if not _PAYLOAD.match(f"{PREFIX}.{record_id}.{card_no}.00000000"):
        raise ValueError(f"cannot encode record {record_id!r} / card {card_no!r}")
    return f"{PREFIX}.{record_id.upper()}.{card_no}.{_check(record_id, card_no)}"


def qr_modules(payload: str) -> list[list[bool]]:
    """The QR symbol's modules (True = dark), error correction M (15 %: a folded or
    scratched card still reads). reportlab's widget draws each module as a validated shape,
    which made it most of a batch's time; the card draws the rows itself."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [list(map(bool, row)) for row in code.modules]


def parse_qr_payload(text: str) -> tuple[str, str] | None:
    """(record id, card number) from a scanned or typed payload; None when `text` is not a
    card's code or its check value does not match (the search box then searches words)."""
    candidate = text.strip()
    for attempt in (candidate, _from_azerty(candidate)):
        if attempt is None:
            continue
        match = _PAYLOAD.match(_normalise(attempt))
        if match and _check(match["record"], match["card"]) == match["check"]:
            return match["record"], match["card"]
    return None


def is_card_code(text: str) -> bool:
    """Whether `text` has the shape of a card's code, whatever its check value: the search
    box then says the code is misread rather than searching for it as a name."""
    candidate = text.strip()
    for attempt in (candidate, _from_azerty(candidate)):
        if attempt is not None and _PAYLOAD.match(_normalise(attempt)):
            return True
    return False


def _normalise(text: str) -> str:
    # The record id is lower-case hex, the rest upper-case; a scanner may change either.
    parts = text.split(".")
    if len(parts) != 4:
        return text
    return ".".join((parts[0].upper(), parts[1].lower(), parts[2].upper(), parts[3].upper()))


def _from_azerty(text: str) -> str | None:
    if not text.upper().startswith("JISR&"):
        return None
    return text.translate(_AZERTY)
