"""`jisr-desktop`: no subcommand starts the window; a subcommand works headless.

The only module that knows both faces: the CLI never imports the window, so the
dispatch between them lives here (and so does the self-test, which builds a form)."""

from __future__ import annotations

import multiprocessing
import sys

from jisr_desktop import cli


def main(argv: list[str] | None = None) -> int:
    # Re-scoring uses worker processes; in a frozen (PyInstaller) app they start through here.
    multiprocessing.freeze_support()
    args = cli.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        from jisr_desktop.app import run_gui

        return run_gui(args)
    if args.command == "selftest":
        from jisr_desktop import selftest

        return selftest.main()
    return cli.execute(args)


if __name__ == "__main__":
    sys.exit(main())
