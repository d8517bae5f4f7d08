"""Many registrations at once: import, export, demo-data."""

from __future__ import annotations

import argparse
from pathlib import Path

from jisr_desktop.cli.common import (
    EXIT_FAILURE,
    EXIT_INVALID,
    CliError,
    exit_code_for,
    print_json,
    say,
    session,
    today,
)
from jisr_desktop.i18n import _
from jisr_desktop.user_messages import error_text, file_problem_text


def cmd_import(args: argparse.Namespace) -> int:
    from jisr_desktop.models.store.errors import StoreError
    from jisr_desktop.models.workflows.file_io import FileProblem
    from jisr_desktop.models.workflows.import_export import ImportStopped, import_file

    store, repo, defs = session(args)
    with store:
        try:
            report = import_file(repo, defs, Path(args.file), today=today(args))
        except FileProblem as exc:
            raise CliError(file_problem_text(exc.code, exc.params), EXIT_INVALID) from exc
        except ImportStopped as stopped:
            _report_problems(stopped.report, args.lang)
            print_json(stopped.report.to_dict(args.lang))
            cause = stopped.__cause__
            if isinstance(cause, StoreError):
                say(error_text(cause.code))
            say(_stopped_text(stopped.report))
            return exit_code_for(cause.code) if isinstance(cause, StoreError) else EXIT_FAILURE
    _report_problems(report, args.lang)
    print_json(report.to_dict())
    return 0 if not report.problems else EXIT_INVALID


def _stopped_text(report) -> str:
    return _(
        "The import stopped at line {line}: the {saved} new and {updated} updated "
        "registrations before it are saved, nothing from that line on. Import the file "
        "again once the cause is fixed: rows already saved are recognised."
    ).format(line=report.stopped_at_line, saved=report.saved, updated=report.updated)


def _report_problems(report, lang: str) -> None:
    for problem in report.problems:
        say(
            _("line {line}: {field}: {message}").format(
                line=problem.line, field=problem.field, message=problem.render(lang)
            )
        )


def cmd_export(args: argparse.Namespace) -> int:
    from jisr_desktop.models.workflows.export import export_file

    store, repo, defs = session(args)
    with store:
        count = export_file(repo, defs, Path(args.out), args.format, lang=args.lang)
    print_json({"exported": count, "format": args.format, "out": args.out})
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.workflows.import_export import save_many

    store, repo, defs = session(args)
    with store:
        rows = generate(args.count, args.seed, today=today(args), agent=store.agent)
        report = save_many(repo, defs, ((i + 1, row) for i, row in enumerate(rows)),
                           today=today(args))
    print_json(report.to_dict())
    return 0


def register(add) -> None:
    p = add("import", cmd_import, _("import registrations from CSV, TSV or JSON"))
    p.add_argument("file")
    p.add_argument("--today", help=argparse.SUPPRESS)

    p = add("export", cmd_export, _("export registrations"))
    p.add_argument("--format", choices=("csv", "xlsx", "json"), required=True)
    p.add_argument("--out", required=True)

    p = add("demo-data", cmd_demo_data, _("add synthetic registrations"))
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--today", help=argparse.SUPPRESS)
