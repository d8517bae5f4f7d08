"""The programme's workflow after registration, headless: the committee's ranked lists
(one per province and category), its decisions, and (see `places`) the orientation.

Registered by `jisr_desktop.cli.build_parser` through `register(add)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from jisr_desktop.cli import EXIT_INVALID, CliError, _print_json, _session, _today
from jisr_desktop.i18n import _

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_committee(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.committee import ranking

    store, repo, _defs = _session(args)
    with store:
        result = ranking(repo, args.province, args.category)
    _print_json({
        "province": result.province_code,
        "category": result.category,
        "quota": result.quota,
        "counts": result.counts,
        "not_eligible": result.not_eligible,
        "entries": [_entry(e) for e in result.entries],
    })
    return 0


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

    from jisr_desktop.cards.for_record import find_record
    from jisr_desktop.models.store.decisions import DecisionRepository, ReasonRequired

    store, repo, defs = _session(args)
    with store:
        record = find_record(repo, args.id)
        if record is None:
            raise CliError(_("No record with id {id}.").format(id=args.id))
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
