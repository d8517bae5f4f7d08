"""After the orientation, headless: incubation (the selection, the funding and the
12-month contract, with the warning before it ends) and post-incubation follow-up (visits
and the calendar of next steps). Split from `programme` (issue 12).

Registered by `jisr_desktop.cli.build_parser` through `register(add)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from jisr_desktop.cli.common import EXIT_INVALID, CliError, find_record, print_json, session
from jisr_desktop.cli.common import today as _today
from jisr_desktop.i18n import _

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_incubate(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from datetime import date

    from jisr_desktop.models.store.incubations import IncubationRepository

    def day(text: str | None) -> date | None:
        try:
            return date.fromisoformat(text) if text else None
        except ValueError as exc:
            raise CliError(_("The date must be written YYYY-MM-DD."), EXIT_INVALID) from exc

    store, repo, _defs = session(args)
    with store:
        record = find_record(repo, args.id)
        try:
            info = IncubationRepository(store).record(
                record.id, selected_on=day(args.selected_on), contract_start=day(args.start),
                funding_amount=args.amount, funding_source=args.source,
                funded_on=day(args.funded_on), logistics=args.logistics)
        except PermissionError as exc:
            raise CliError(_("Only incubator staff or a supervisor may record an incubation.")) from exc  # noqa: E501
        except ValueError as exc:
            raise CliError(_("The incubation cannot be recorded: the contract starts before the selection, or the amount is negative."), EXIT_INVALID) from exc  # noqa: E501
    print_json(asdict(info))
    return 0


def cmd_incubations(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from datetime import date

    from jisr_desktop.models.store.incubations import IncubationRepository

    today = _today(args) or date.today()
    store, _repo, _defs = session(args)
    with store:
        found = IncubationRepository(store).warnings(args.province, today, args.days)
    print_json([{**asdict(info), "warning": warning} for info, warning in found])
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from datetime import date

    from jisr_desktop.models.store.follow_up import FollowUpRepository

    store, repo, _defs = session(args)
    with store:
        record = find_record(repo, args.id)
        visits = FollowUpRepository(store)
        if args.on:
            try:
                visits.visit(record.id, visited_on=date.fromisoformat(args.on),
                             visitor=args.visitor or store.agent, topic=args.topic,
                             notes=args.notes, next_step=args.next,
                             next_on=date.fromisoformat(args.next_on) if args.next_on else None)
            except PermissionError as exc:
                raise CliError(_("Only incubator staff may record a follow-up visit.")) from exc
            except ValueError as exc:
                raise CliError(_("Dates are written YYYY-MM-DD, and the next step comes after the visit."), EXIT_INVALID) from exc  # noqa: E501
        history = [asdict(v) for v in visits.history(record.id)]
    print_json(history)
    return 0


def cmd_follow_up_calendar(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from datetime import date

    from jisr_desktop.models.store.follow_up import FollowUpRepository

    since = _today(args) or date.today()
    store, _repo, _defs = session(args)
    with store:
        planned = FollowUpRepository(store).calendar(args.province, since)
    print_json([asdict(v) for v in planned])
    return 0


def register(add: Add) -> None:
    """Add this module's commands to the CLI's parser."""
    p = add("incubate", cmd_incubate,
            _("record her incubation: selection, funding and the 12-month contract"))
    p.add_argument("id")
    p.add_argument("--selected-on", required=True, help=_("day of the selection committee"))
    p.add_argument("--start", required=True, help=_("first day of the contract, YYYY-MM-DD"))
    p.add_argument("--amount", type=int, help=_("funding in dirhams"))
    p.add_argument("--source", choices=("programme", "indh", "other"))
    p.add_argument("--funded-on", help=_("day of the funding, YYYY-MM-DD"))
    p.add_argument("--logistics", help=_("equipment lent by the incubator"))

    p = add("incubations", cmd_incubations,
            _("the province's incubation contracts that end soon or have ended"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--days", type=int, default=30, help=_("how many days ahead to warn"))
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("follow-up", cmd_follow_up,
            _("after incubation: her follow-up visits, or record one (--on)"))
    p.add_argument("id")
    p.add_argument("--on", help=_("day of the visit, YYYY-MM-DD"))
    p.add_argument("--visitor", help=_("who visited (default: the agent)"))
    p.add_argument("--topic", default="visit",
                   choices=("visit", "management_training", "professional_network",
                            "soft_skills", "fairs", "e_commerce", "licences_labels"))
    p.add_argument("--notes")
    p.add_argument("--next", help=_("the next step"))
    p.add_argument("--next-on", help=_("day of the next step, YYYY-MM-DD"))

    p = add("follow-up-calendar", cmd_follow_up_calendar,
            _("the next follow-up steps planned in a province"))
    p.add_argument("--province", required=True, help=_("HCP province code, e.g. 07.351"))
    p.add_argument("--today", help=argparse.SUPPRESS)
