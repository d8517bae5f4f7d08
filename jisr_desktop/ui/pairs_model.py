"""Possible duplicates flagged by the server, without Qt.

Two kinds of data: the pulled `pair` items a device holds for its own records (the flag
shown on a record until a supervisor settles it), and the supervisor's list from
`GET /v1/pairs` (both records side by side, to merge or dismiss). See docs/sync-protocol.md,
"The same woman twice".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jisr_desktop.formatting import format_date
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.form import Form
from jisr_desktop.sync.protocol import PairStatus
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.conflicts_model import display_value
from jisr_desktop.ui.form_model import reason_text


@dataclass(frozen=True)
class PairFlag:
    """An open pair on one of this device's records."""

    record_id: str
    pair_id: str
    reasons: tuple[str, ...]
    other_record_id: str | None  # None when the other copy is in another province


def open_flags(pair_items: Iterable[Mapping[str, Any]]) -> dict[str, PairFlag]:
    """record id -> its open flag, from pulled pair items (their `data`, newest last). A
    later item of the same pair replaces an earlier one, so a settled pair lifts the flag."""
    newest: dict[tuple[str, str], Mapping[str, Any]] = {}
    for data in pair_items:
        newest[(str(data.get("pair_id")), str(data.get("record_id")))] = data
    flags: dict[str, PairFlag] = {}
    for (pair_id, record_id), data in sorted(newest.items()):
        if data.get("status") != PairStatus.OPEN or record_id in flags:
            continue
        flags[record_id] = PairFlag(record_id, pair_id, tuple(data.get("reasons") or ()),
                                    data.get("other_record_id"))
    return flags


def flag_text(flag: PairFlag, form: Form, lang: str) -> str:
    reasons = " ".join(reason_text(r, form, lang) for r in flag.reasons)
    if flag.other_record_id is None:
        where = _("The other registration was made in another province.")
    else:
        where = _("The other registration is in the same province.")
    return _("Possible duplicate found by the server. {reasons} {where} A supervisor will "
             "merge the two registrations or confirm that they are two different women."
             ).format(reasons=reasons, where=where)


@dataclass(frozen=True)
class SideView:
    record_id: str | None
    visible: bool
    lines: tuple[str, ...]  # name, CIN, birth date, place; or "outside your scope"


@dataclass(frozen=True)
class PairRow:
    pair_id: str
    reasons_text: str
    sides: tuple[SideView, SideView]
    settleable: bool  # both records in her scope and alive
    extra: Mapping[str, Any] = field(default_factory=dict)


def _side(raw: Mapping[str, Any], lang: str) -> SideView:
    if not raw.get("visible"):
        return SideView(None, False, (_("A registration outside your scope (province {code})")
                                      .format(code=isolate_ltr(raw.get("province", ""))),))
    summary = raw.get("summary") or {}
    names = [" ".join(str(summary.get(f"{p}_{s}") or "") for p in ("first_name", "last_name"))
             for s in ("ar", "lat")]
    lines = [" · ".join(isolate(n.strip()) for n in names if n.strip())]
    if summary.get("cin"):
        lines.append(_("CIN: {cin}").format(cin=isolate_ltr(summary["cin"])))
    if summary.get("date_of_birth"):
        born = format_date(summary["date_of_birth"], lang, "medium")
        lines.append(_("Born on {date}").format(date=isolate(born)))
    if summary.get("phone"):
        phone = display_value(None, "phone", summary["phone"], lang)
        lines.append(_("Phone: {phone}").format(phone=isolate_ltr(phone)))
    return SideView(str(raw.get("record_id")), True, tuple(line for line in lines if line))


def pair_rows(pairs: Iterable[Mapping[str, Any]], form: Form, lang: str) -> list[PairRow]:
    """The supervisor's list (`GET /v1/pairs` answer's `pairs`) as rows to show."""
    rows = []
    for raw in pairs:
        a, b = (raw.get("records") or [{}, {}])[:2]
        sides = (_side(a, lang), _side(b, lang))
        alive = not (a.get("deleted") or b.get("deleted"))
        rows.append(PairRow(
            pair_id=str(raw["pair_id"]),
            reasons_text=" ".join(reason_text(r, form, lang) for r in raw.get("reasons") or ()),
            sides=sides,
            settleable=alive and all(s.visible for s in sides),
        ))
    return rows
