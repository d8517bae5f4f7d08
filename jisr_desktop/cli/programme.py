"""The programme's workflow after registration, headless: the committee's ranked lists
(one per province and category), its decisions, the directory of places, the orientation
to a named place and the incubator's review of the path, the service card's edits.
Incubation and follow-up are in `incubation`; the EN path, licences and groups in `paths`.

Registered by `jisr_desktop.cli.build_parser` through `register(add)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from jisr_desktop.cli.common import EXIT_INVALID, CliError, find_record
from jisr_desktop.cli.common import print_json as _print_json
from jisr_desktop.cli.common import session as _session
from jisr_desktop.cli.common import today as _today
from jisr_desktop.i18n import _

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_committee(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.groups import GroupRepository
    from jisr_desktop.models.workflows.committee import ranking

    store, repo, _defs = _session(args)
    with store:
        result = ranking(repo, args.province, args.category)
        # A group is ranked once, under its responsible member's record: say which.
        groups = {g.responsible_id: g for g in GroupRepository(store).in_province(args.province)}
    _print_json({
        "province": result.province_code,
        "category": result.category,
        "quota": result.quota,
        "counts": result.counts,
        "not_eligible": result.not_eligible,
        "entries": [{**_entry(e), "group": _group(groups.get(e.record_id))}
                    for e in result.entries],
    })
    return 0


def _group(group: Any) -> dict[str, Any] | None:
    if group is None:
        return None
    return {"id": group.id, "kind": group.kind, "legal_id": group.legal_id,
            "members": [m.record_id for m in group.members]}


def _entry(e: Any) -> dict[str, Any]:
    decision = e.decision
    return {
        "rank": e.rank, "id": e.record_id, "name_ar": e.name_ar, "name_lat": e.name_lat,
        "total": e.total, "subtotals": e.subtotals, "proposed_category": e.category,
        "tie_note": e.tie_note, "outcome": e.outcome,
        "decided_on": decision.decided_on if decision else None,
        "category": decision.category if decision else None,
        "path": decision.path if decision else None,
    }


def cmd_decide(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jisr_desktop.models.store.decisions import DecisionRepository, ReasonRequired

    store, repo, defs = _session(args)
    with store:
        record = find_record(repo, args.id)
        if args.path and args.path not in defs.orientation.data["paths"]:
            raise CliError(_("Unknown path {path}.").format(path=args.path), EXIT_INVALID)
        try:
            info = DecisionRepository(store).committee_decide(
                record.id, outcome=args.outcome, decided_on=args.date or _today_text(args),
                reason=args.reason, category=args.category, path=args.path)
        except ReasonRequired as exc:
            raise CliError(_("A waiting list, a refusal or a change of category or path needs its reason (--reason)."), EXIT_INVALID) from exc  # noqa: E501
        except PermissionError as exc:
            raise CliError(_("Only a supervisor may record the committee's decision.")) from exc
        except ValueError as exc:
            raise CliError(_("The date must be written YYYY-MM-DD."), EXIT_INVALID) from exc
    _print_json(asdict(info))
    return 0


def _today_text(args: argparse.Namespace) -> str:
    from datetime import date

    return (_today(args) or date.today()).isoformat()


def cmd_places(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jisr_desktop.models.store.referrals import directory_in_force

    store, repo, _defs = _session(args)
    with store:
        directory = directory_in_force(repo)
    places = [asdict(p) for p in directory.places
              if (not args.region or p.region == args.region)
              and (not args.province or p.province == args.province)]
    none_named = {k: directory.none_named(k) for k in directory.kinds if directory.none_named(k)}
    _print_json({"version": directory.version, "places": places, "none_named": none_named})
    return 0


def cmd_orient(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jisr_desktop.models.store.referrals import (
        ReferralRepository,
        UnknownPlace,
        directory_in_force,
    )

    store, repo, _defs = _session(args)
    with store:
        record = find_record(repo, args.id)
        try:
            info = ReferralRepository(store).orient(
                record.id, directory_in_force(repo), place_id=args.place,
                appointment=args.appointment, contact=args.contact)
        except UnknownPlace as exc:
            raise CliError(_("No place {place} in the directory: see the places command.")
                           .format(place=args.place), EXIT_INVALID) from exc
        except PermissionError as exc:
            raise CliError(_("This role may not orient a woman.")) from exc
        except ValueError as exc:
            raise CliError(_("The appointment must be written YYYY-MM-DD HH:MM."),
                           EXIT_INVALID) from exc
    _print_json(asdict(info))
    return 0


def cmd_review_path(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jisr_desktop.models.store.decisions import ReasonRequired
    from jisr_desktop.models.store.referrals import ReferralRepository

    store, repo, defs = _session(args)
    with store:
        record = find_record(repo, args.id)
        if args.path not in defs.orientation.data["paths"]:
            raise CliError(_("Unknown path {path}.").format(path=args.path), EXIT_INVALID)
        current = _path_of(repo, defs, record)
        try:
            info = ReferralRepository(store).review_path(
                record.id, path=args.path, path_in_force=current, reason=args.reason)
        except ReasonRequired as exc:
            raise CliError(_("A change of the path needs its reason (--reason)."),
                           EXIT_INVALID) from exc
        except PermissionError as exc:
            raise CliError(_("This role may not review a path.")) from exc
        history = [asdict(r) for r in ReferralRepository(store).history(record.id)]
    _print_json({"review": asdict(info), "history": history})
    return 0


def _path_of(repo: Any, defs: Any, record: Any) -> str | None:
    from jisr_desktop.cards import placement
    from jisr_desktop.cards.for_record import in_force_for
    from jisr_desktop.models.store.decisions import AGENT_CONFIRMATION, DecisionRepository

    later = in_force_for(repo, [record.id])[record.id]
    confirmation = DecisionRepository(repo.store).latest(record.id, AGENT_CONFIRMATION)
    printed = placement.in_force(record, defs.orientation, [confirmation, later.committee],
                                 later.review)
    return ((printed.evaluation or {}).get("orientation") or {}).get("path")


def cmd_service_card(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from jisr_desktop.models.store.assessments import AssessmentRepository
    from jisr_desktop.models.store.decisions import ReasonRequired
    from jisr_desktop.models.store.service_edits import (
        ServiceEdits,
        UnknownService,
        services_in_force,
    )

    action, service = next(((a, getattr(args, a)) for a in ("add", "remove", "schedule")
                            if getattr(args, a)), (None, None))
    store, repo, defs = _session(args)
    with store:
        record = find_record(repo, args.id)
        assessment = AssessmentRepository(store).latest(record.id)
        if assessment is None:
            raise CliError(_("This record has no skills assessment yet."), EXIT_INVALID)
        edits = ServiceEdits(store)
        if action is not None:
            try:
                edits.edit(record.id, assessment.id, defs.services, action=action,
                           service_id=service, reason=args.reason, scheduled_on=args.on)
            except UnknownService as exc:
                raise CliError(_("No service {service} in the catalogue.").format(
                    service=service), EXIT_INVALID) from exc
            except ReasonRequired as exc:
                raise CliError(_("Adding or removing a service needs its reason (--reason)."),
                               EXIT_INVALID) from exc
            except PermissionError as exc:
                raise CliError(_("Only incubator staff may edit a service card.")) from exc
            except ValueError as exc:
                raise CliError(_("The date must be written YYYY-MM-DD."), EXIT_INVALID) from exc
        history = edits.history(record.id, assessment.id)
        services, planned = services_in_force(assessment.recommended, history)
    _print_json({"services": services, "planned": planned,
                 "history": [asdict(e) for e in history]})
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from datetime import date

    from jisr_desktop.models.store.sessions import SessionRepository

    store, _repo, _defs = _session(args)
    with store:
        try:
            info = SessionRepository(store).open(
                args.province, held_on=date.fromisoformat(args.date), place=args.place,
                members=args.member or [], category=args.category)
        except PermissionError as exc:
            raise CliError(_("Only a supervisor may record the committee's decision.")) from exc
        except ValueError as exc:
            raise CliError(_("A session needs its date (YYYY-MM-DD), its place and the members present (--member, once each)."), EXIT_INVALID) from exc  # noqa: E501
    _print_json(asdict(info))
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    from jisr_desktop.cards.minutes import write_minutes
    from jisr_desktop.models.store.sessions import SessionRepository

    store, repo, _defs = _session(args)
    with store:
        session = SessionRepository(store).get(args.session)
        if session is None:
            raise CliError(_("No committee session {id}.").format(id=args.session))
        pages, women = write_minutes(repo, session, args.out, args.minutes_lang)
    _print_json({"session": session.id, "lang": args.minutes_lang, "pages": pages,
                 "women": women, "out": args.out})
    return 0


def register(add: Add) -> None:
    """Add this module's commands to the CLI's parser."""
    p = add("committee", cmd_committee, _("the committee's ranked list of a province"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--category", type=int, choices=(1, 2),
                   help=_("one category's ranking (default: both together)"))

    p = add("decide", cmd_decide, _("record the committee's decision about a woman"))
    p.add_argument("id")
    p.add_argument("--outcome", required=True, choices=("accepted", "waiting_list", "refused"))
    p.add_argument("--date", help=_("date of the committee's session, YYYY-MM-DD"))
    p.add_argument("--reason")
    p.add_argument("--category", type=int, choices=(1, 2),
                   help=_("the category the committee puts her in, if not the proposed one"))
    p.add_argument("--path", help=_("the path the committee chooses, if not the proposed one"))
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("session", cmd_session, _("record a committee session: date, place, members"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--category", type=int, choices=(1, 2))
    p.add_argument("--date", required=True, help=_("date of the committee's session, YYYY-MM-DD"))
    p.add_argument("--place", required=True)
    p.add_argument("--member", action="append", help=_("a member present (once per member)"))

    p = add("minutes", cmd_minutes, _("print a session's minutes as a PDF"))
    p.add_argument("session")
    p.add_argument("--lang", dest="minutes_lang", choices=("ar", "fr"), default="ar")
    p.add_argument("--out", required=True)

    p = add("places", cmd_places, _("the directory of incubators and centres"))
    p.add_argument("--region", help=_("HCP region code, e.g. 07"))
    p.add_argument("--province", help=_("HCP province code, e.g. 07.351"))

    p = add("orient", cmd_orient, _("name the place, the appointment and the person to see"))
    p.add_argument("id")
    p.add_argument("--place", required=True, help=_("a place id of the directory"))
    p.add_argument("--appointment", help=_("date and time, YYYY-MM-DD HH:MM"))
    p.add_argument("--contact", help=_("the person to contact there"))

    p = add("review-path", cmd_review_path,
            _("after the first interviews: confirm or change her path"))
    p.add_argument("id")
    p.add_argument("--path", required=True)
    p.add_argument("--reason")

    p = add("service-card", cmd_service_card,
            _("show, or edit, the services of her service card"))
    p.add_argument("id")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--add", metavar="SERVICE", help=_("add a service of the catalogue"))
    what.add_argument("--remove", metavar="SERVICE", help=_("take a service off the card"))
    what.add_argument("--schedule", metavar="SERVICE", help=_("plan a service on a day (--on)"))
    p.add_argument("--on", help=_("the day it is planned, YYYY-MM-DD"))
    p.add_argument("--reason")
