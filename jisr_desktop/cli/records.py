"""One registration at a time: enrol, search, show, stats."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from jisr_desktop.cli.common import (
    EXIT_DUPLICATE,
    EXIT_INVALID,
    CliError,
    print_json,
    read_json,
    say,
    session,
    today,
)
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.decisions import is_uuid
from jisr_desktop.user_messages import error_text

DUPLICATE_CIN = N_(
    "A record with the same CIN exists; nothing was saved. Open it instead, or use --allow-duplicate if this is a different woman."  # noqa: E501
)


def _outcome_json(outcome, lang: str) -> dict[str, Any]:
    evaluation = outcome.evaluation
    data = evaluation.to_dict(lang)
    data["duplicates"] = [
        {"id": d.record_id, "reasons": list(d.reasons), "name_similarity": d.name_similarity}
        for d in outcome.duplicates
    ]
    data["id"] = outcome.record.id if outcome.record else None
    data["saved"] = outcome.saved
    return data


def field_messages(evaluation, form_def, lang: str, severity: str) -> dict[str, list[str]]:
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(form_def)
    issues = evaluation.validation.errors if severity == "error" else evaluation.validation.warnings
    out: dict[str, list[str]] = {}
    for issue in issues:
        out.setdefault(issue.field, []).append(issue.message.render(form.messages, lang))
    return out


def _report_invalid(evaluation, form_def, lang: str, where: str = "") -> None:
    from jisr_desktop.models.programme.definitions import localized
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(form_def)
    for name, messages in field_messages(evaluation, form_def, lang, "error").items():
        try:
            label = localized(form.field(name).label, lang)
        except KeyError:
            label = name
        for message in messages:
            say(f"{where}{name} ({label}): {message}")


def cmd_enrol(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.enrolment import RecordConflict, enrol

    submission = read_json(args.file)
    if not isinstance(submission, dict):
        raise CliError(
            _("{path} must hold one registration (a JSON object).").format(path=args.file),
            EXIT_INVALID,
        )
    # Accept both a bare submission and a record as `export --format json` writes it.
    # A record (with its `version`) edits that version; a bare submission creates.
    base_version = None
    if isinstance(submission.get("answers"), dict):
        record_id, base_version = submission.get("id"), submission.get("version")
        submission = submission["answers"]
    else:
        record_id = submission.pop("id", None)
    if record_id is not None and not isinstance(record_id, str):
        raise CliError(
            _("The record id must be text (a UUID), not {kind}; nothing was saved.").format(
                kind=type(record_id).__name__
            ),
            EXIT_INVALID,
        )
    if record_id is not None and not is_uuid(record_id):
        # The server takes only UUIDs: any other id would stay in the outbox for ever.
        raise CliError(
            _("The record id must be a UUID (36 characters, as the app makes them); "
              "nothing was saved."),
            EXIT_INVALID,
        )
    store, repo, defs = session(args)
    with store:
        try:
            outcome = enrol(
                repo,
                defs,
                submission,
                record_id=record_id,
                base_version=base_version,
                today=today(args),
                allow_duplicate=args.allow_duplicate,
            )
        except RecordConflict as exc:
            raise CliError(error_text(exc.code), EXIT_INVALID) from exc
    result = _outcome_json(outcome, args.lang)
    result["warnings"] = field_messages(outcome.evaluation, defs.form, args.lang, "warning")
    if not outcome.evaluation.validation.ok:
        say(_("The registration is not valid; nothing was saved:"))
        _report_invalid(outcome.evaluation, defs.form, args.lang)
        result["errors"] = field_messages(outcome.evaluation, defs.form, args.lang, "error")
        print_json(result)
        return EXIT_INVALID
    if outcome.blocked_by_duplicate:
        say(_(DUPLICATE_CIN))
        print_json(result)
        return EXIT_DUPLICATE
    print_json(result)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    store, repo, _defs = session(args)
    with store:
        hits = repo.search(args.text, limit=args.limit)
    print_json([asdict(h) for h in hits])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store, repo, _defs = session(args)
    with store:
        record = repo.get(args.id)
        if record is None:
            matches = repo.find_by_prefix(args.id)
            record = repo.get(matches[0]) if len(matches) == 1 else None
        if record is None:
            raise CliError(_("No record with id {id}.").format(id=args.id))
        data = asdict(record)
        data["history"] = [asdict(a) for a in repo.audit_trail(record.id)]
    print_json(data)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store, repo, _defs = session(args)
    with store:
        stats = repo.stats()
        stats["outbox_pending"] = repo.pending_outbox_count()
    print_json(stats)
    return 0


def register(add) -> None:
    p = add("enrol", cmd_enrol, _("validate, score and save one registration"))
    p.add_argument("file")
    p.add_argument("--allow-duplicate", action="store_true")
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("search", cmd_search, _("search names, CIN and phone"))
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)

    p = add("show", cmd_show, _("show one record"))
    p.add_argument("id")

    add("stats", cmd_stats, _("the programme's counts, as JSON"))
