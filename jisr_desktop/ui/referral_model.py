"""What the referral dialog shows, Qt-free: the places she may be sent to (her region's
incubator, or an association or an Entraide Nationale centre of her province, the one the
directory proposes first), the orientation in force (place, appointment, contact), the
path in force, and the history of orientations and path reviews, newest first.

`load_referral_view` runs on the db lane; the texts are made at display time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jisr_desktop.cards import placement
from jisr_desktop.cards.for_record import in_force_for
from jisr_desktop.formatting import format_datetime
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.definitions import localized
from jisr_desktop.models.programme.places import REGIONAL_INCUBATOR, Directory, Place
from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository
from jisr_desktop.models.store.referrals import (
    ORIENTATION,
    ReferralInfo,
    ReferralRepository,
    directory_in_force,
)
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.result_model import ResultData, title_text


@dataclass(frozen=True)
class ReferralView:
    record_id: str
    title: str
    directory: Directory
    places: tuple[Place, ...]  # the one proposed first
    proposed: str | None
    fallback: bool  # no place of her destination's kind in her province
    path_in_force: str | None
    paths: dict[str, Any]  # orientation.json's paths (labels)
    history: tuple[ReferralInfo, ...]

    @property
    def orientation(self) -> ReferralInfo | None:
        found = [r for r in self.history if r.kind == ORIENTATION]
        return found[-1] if found else None


def load_referral_view(ctx: AppContext, record_id: str) -> ReferralView | None:
    """db lane."""
    record = ctx.repo.get(record_id)
    if record is None:
        return None
    directory = directory_in_force(ctx.repo)
    later = in_force_for(ctx.repo, [record.id])[record.id]
    confirmation = DecisionRepository(ctx.store).latest(record.id, AGENT_CONFIRMATION)
    printed = placement.in_force(record, ctx.defs.orientation, [confirmation, later.committee],
                                 later.review)
    orientation = (printed.evaluation or {}).get("orientation") or {}
    places, proposed, fallback = offered_places(directory, printed.answers,
                                                orientation.get("destination"))
    return ReferralView(
        record_id=record.id, title=title_text(ResultData(record, None, None, None), ctx.lang),
        directory=directory, places=places, proposed=proposed, fallback=fallback,
        path_in_force=orientation.get("path"), paths=dict(ctx.defs.orientation.data["paths"]),
        history=tuple(ReferralRepository(ctx.store).history(record.id)))


def offered_places(directory: Directory, answers: dict[str, Any],
                   destination: str | None) -> tuple[tuple[Place, ...], str | None, bool]:
    """Her region's incubators and every association or EN centre of her province, the
    place proposed for her destination first (the agent may pick another of them)."""
    region, province = answers.get("region") or "", answers.get("province") or ""
    offered = list(directory.incubators(region, province))
    offered += [p for p in directory.places
                if p.kind != REGIONAL_INCUBATOR and p.province == province]
    proposed, fallback = None, False
    if destination and region:
        choice = directory.choice(destination, region, province)
        proposed = choice.proposed.id if choice.proposed else None
        fallback = choice.fallback
    offered.sort(key=lambda p: p.id != proposed)
    return tuple(offered), proposed, fallback


def place_text(directory: Directory, place: Place, lang: str) -> str:
    """The name and its status, as the list shows it (the kind is in the details)."""
    status = localized(directory.status_label(place.status), lang)
    return f"{localized(place.name, lang)} · {status}"


def place_details(directory: Directory, place: Place | None, lang: str) -> str:
    """Its kind, address and phone, or what is still missing."""
    if place is None:
        return ""
    kind = localized(directory.kind_label(place.kind), lang)
    address = localized(place.address, lang) if place.address else _("address not known yet")
    phone = isolate_ltr(place.phone) if place.phone else _("phone not known yet")
    return f"{kind} — " + _("Address: {address} · Phone: {phone}").format(
        address=address, phone=phone)


def path_label(view: ReferralView, path: str | None, lang: str) -> str:
    if not path:
        return "—"
    return localized((view.paths.get(path) or {}).get("label"), lang) or path


def history_rows(view: ReferralView, lang: str) -> list[tuple[str, str, str, str]]:
    """When, by whom, what, the details (a reason, the appointment), newest first."""
    rows = []
    for r in reversed(view.history):
        if r.kind == ORIENTATION:
            place = view.directory.get(r.place_id or "")
            what = _("Sent to {place}").format(
                place=localized(place.name, lang) if place else (r.place_id or "—"))
            parts = []
            if r.appointment:
                parts.append(_("appointment {when}").format(
                    when=isolate(format_datetime(r.appointment, lang))))
            if r.contact:
                parts.append(_("contact: {name}").format(name=isolate(r.contact)))
            detail = " · ".join(parts)
        else:
            what = _("Path confirmed or changed: {path}").format(
                path=path_label(view, r.path, lang))
            detail = (_("Reason: {reason}").format(reason=isolate(r.reason))
                      if r.reason else "")
        rows.append((isolate(format_datetime(r.at, lang)), isolate(r.agent), what, detail))
    return rows
