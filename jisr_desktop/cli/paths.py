"""Three later paths of the programme, headless (issue 12): the category-2 path at
Entraide Nationale (`en-path`), the licences and labels after incubation (`licence`), and
cooperatives and groups as applicants (`group-create`, `group-add`, `group-remove`,
`group`, `groups`); `path-lists` shows the lists they use.

Registered by `jisr_desktop.cli.build_parser` through `register(add)`. Exit codes as the
README says: 2 for input the rules refuse (nothing saved), 1 for a role that may not.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from jisr_desktop.cli.common import EXIT_INVALID, CliError, print_json, session
from jisr_desktop.i18n import _

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as exc:
        raise CliError(_("The date must be written YYYY-MM-DD."), EXIT_INVALID) from exc


def _woman(repo: Any, ref: str) -> Any:
    """The record an id (or its first characters) or a CIN names; a clear refusal if none."""
    from jisr_desktop.cards.for_record import find_record
    from jisr_desktop.models.programme.identity import normalize_cin

    record = find_record(repo, ref)
    if record is None:
        key = normalize_cin(ref)
        found = [r for r in repo.search(key, limit=5) if key and r.cin == key] if key else []
        record = repo.get(found[0].id) if len(found) == 1 else None
    if record is None:
        raise CliError(_("No record with the id or CIN {id}.").format(id=ref))
    return record


def _refused(exc: Exception) -> CliError:
    """The sentence for a refusal of the path rules or of a group's membership."""
    from jisr_desktop.user_messages import path_refusal_text

    return CliError(path_refusal_text(exc), EXIT_INVALID)


def cmd_en_path(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.programme_paths import PathRuleError
    from jisr_desktop.models.store.en_path import EnPathRepository
    from jisr_desktop.models.workflows.en_path import record_en_step

    step, value = next(((s, getattr(args, a)) for s, a in (
        ("programme", "programme"), ("enrolment", "enrol"), ("completion", "complete"),
        ("outcome", "after")) if getattr(args, a)), (None, None))
    store, repo, _defs = session(args)
    with store:
        record = _woman(repo, args.id)
        if step is not None:
            values = {"programme": {"programme_id": value}, "enrolment": {"place_id": value},
                      "completion": {"result": value}, "outcome": {"outcome": value}}[step]
            try:
                record_en_step(repo, record.id, step, on=_day(args.on), notes=args.notes,
                               **values)
            except PathRuleError as exc:
                raise _refused(exc) from exc
            except PermissionError as exc:
                raise CliError(_("Only incubator staff may record this.")) from exc
        path = EnPathRepository(store).in_force(record.id)
    print_json({"id": record.id, "path": {s: asdict(i) for s, i in path.items()}})
    return 0


def cmd_licence(args: argparse.Namespace) -> int:
    from jisr_desktop.models.programme.programme_paths import PathRuleError
    from jisr_desktop.models.store.licences import LicenceRepository
    from jisr_desktop.models.store.path_lists import catalogue_in_force

    store, repo, _defs = session(args)
    with store:
        record = _woman(repo, args.id)
        licences = LicenceRepository(store)
        if args.licence:
            if not (args.status and args.on):
                raise CliError(_("A licence's status needs --status and --on."), EXIT_INVALID)
            try:
                licences.set_status(record.id, catalogue_in_force(repo), args.licence,
                                    args.status, _day(args.on), name=args.name,
                                    notes=args.notes)
            except PathRuleError as exc:
                raise _refused(exc) from exc
            except PermissionError as exc:
                raise CliError(_("Only incubator staff may record this.")) from exc
        states = [asdict(s) for s in licences.in_force(record.id)]
    print_json({"id": record.id, "licences": states})
    return 0


def cmd_path_lists(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.path_lists import catalogue_in_force

    store, repo, _defs = session(args)
    with store:
        catalogue = catalogue_in_force(repo)
    sections = ("en_programmes", "en_results", "en_outcomes", "licences", "licence_statuses",
                "group_kinds")
    print_json({"version": catalogue.version, **{
        s: {i: catalogue.label(s, i, args.lang) for i in catalogue.ids(s)} for s in sections}})
    return 0


# --- applicant groups -----------------------------------------------------------------------


def _group_json(repo: Any, group: Any) -> dict[str, Any]:
    from jisr_desktop.models.workflows.groups import score_group

    score = score_group(repo, group)
    return {**asdict(group), "score": asdict(score)}


def _group_arg(store: Any, ref: str) -> Any:
    from jisr_desktop.models.store.groups import GroupRepository

    group = GroupRepository(store).get(ref)
    if group is None:
        raise CliError(_("No group {id}.").format(id=ref))
    return group


def _group_write(args: argparse.Namespace, write: Callable[[Any, Any], Any]) -> int:
    """Open the store, run one group write, print the group; the refusals as messages."""
    from jisr_desktop.models.programme.programme_paths import PathRuleError
    from jisr_desktop.models.store.groups import MemberRefused

    store, repo, _defs = session(args)
    with store:
        try:
            group = write(store, repo)
        except (PathRuleError, MemberRefused) as exc:
            raise _refused(exc) from exc
        except PermissionError as exc:
            raise CliError(_("Only an agent who registers women may form a group.")) from exc
        shown = _group_json(repo, group)
    print_json(shown)
    return 0


def cmd_group_create(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.groups import GroupRepository
    from jisr_desktop.models.store.path_lists import catalogue_in_force

    def write(store: Any, repo: Any) -> Any:
        lead = _woman(repo, args.responsible)
        return GroupRepository(store).create(
            catalogue_in_force(repo), kind=args.kind, name=args.name, legal_id=args.legal_id,
            responsible_id=lead.id, consent_on=_day(args.consent_on))

    return _group_write(args, write)


def cmd_group_add(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.groups import GroupRepository

    def write(store: Any, repo: Any) -> Any:
        group = _group_arg(store, args.group)
        return GroupRepository(store).add_member(group.id, _woman(repo, args.member).id,
                                                 _day(args.consent_on))

    return _group_write(args, write)


def cmd_group_remove(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.groups import GroupRepository

    def write(store: Any, repo: Any) -> Any:
        group = _group_arg(store, args.group)
        return GroupRepository(store).remove_member(group.id, _woman(repo, args.member).id,
                                                    args.reason)

    return _group_write(args, write)


def cmd_group(args: argparse.Namespace) -> int:
    store, repo, _defs = session(args)
    with store:
        shown = _group_json(repo, _group_arg(store, args.group))
    print_json(shown)
    return 0


def cmd_groups(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.groups import GroupRepository

    if not (args.cin or args.province):
        raise CliError(_("Say which groups: --cin of a member, or --province."), EXIT_INVALID)
    store, repo, _defs = session(args)
    with store:
        groups = GroupRepository(store)
        found = groups.find_by_cin(args.cin) if args.cin else groups.in_province(args.province)
        shown = [_group_json(repo, g) for g in found]
    print_json(shown)
    return 0


def _register_groups(add: Add) -> None:
    kinds = ("cooperative", "company", "group")
    p = add("group-create", cmd_group_create,
            _("a cooperative, company or group applying as one, with its responsible member"))
    p.add_argument("--kind", required=True, choices=kinds)
    p.add_argument("--name", required=True)
    p.add_argument("--legal-id", help=_("its legal identifier (cooperative or company)"))
    p.add_argument("--responsible", required=True,
                   help=_("her record id, its first characters, or her CIN"))
    p.add_argument("--consent-on", required=True,
                   help=_("the day she consented to apply with the group, YYYY-MM-DD"))

    p = add("group-add", cmd_group_add, _("add a woman of the registry to a group"))
    p.add_argument("group")
    p.add_argument("member", help=_("her record id, its first characters, or her CIN"))
    p.add_argument("--consent-on", required=True,
                   help=_("the day she consented to apply with the group, YYYY-MM-DD"))

    p = add("group-remove", cmd_group_remove, _("a member leaves a group"))
    p.add_argument("group")
    p.add_argument("member", help=_("her record id, its first characters, or her CIN"))
    p.add_argument("--reason")

    p = add("group", cmd_group, _("a group: its members and its one score"))
    p.add_argument("group")

    p = add("groups", cmd_groups, _("the groups a woman is a member of (--cin), or a province's"))
    p.add_argument("--cin")
    p.add_argument("--province", help=_("HCP province code, e.g. 07.351"))


def register(add: Add) -> None:
    """Add this module's commands to the CLI's parser."""
    p = add("en-path", cmd_en_path,
            _("category 2: her Entraide Nationale path, or record one step of it"))
    p.add_argument("id", help=_("her record id, its first characters, or her CIN"))
    step = p.add_mutually_exclusive_group()
    step.add_argument("--programme", help=_("the EN programme chosen (see path-lists)"))
    step.add_argument("--enrol", metavar="CENTRE", help=_("enrolled in this EN centre (--on)"))
    step.add_argument("--complete", metavar="RESULT", help=_("completed, with this result (--on)"))
    step.add_argument("--after", metavar="OUTCOME", help=_("what she did after (see path-lists)"))
    p.add_argument("--on", help=_("the day, YYYY-MM-DD"))
    p.add_argument("--notes")

    p = add("licence", cmd_licence,
            _("after incubation: her licences and labels, or record a status"))
    p.add_argument("id", help=_("her record id, its first characters, or her CIN"))
    p.add_argument("--licence", help=_("the licence or label (see path-lists)"))
    p.add_argument("--status", choices=("needed", "applied", "obtained", "refused"))
    p.add_argument("--on", help=_("the day, YYYY-MM-DD"))
    p.add_argument("--name", help=_("the name of an other licence or label"))
    p.add_argument("--notes")

    add("path-lists", cmd_path_lists,
        _("the lists of the EN path, the licences and labels, and the kinds of group"))
    _register_groups(add)
