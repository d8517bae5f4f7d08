"""`jisr-desktop`: no subcommand starts the window; a subcommand works headless."""

from __future__ import annotations

import multiprocessing
import sys

from jisr_desktop.cli import run


def main(argv: list[str] | None = None) -> int:
    # Re-scoring uses worker processes; in a frozen (PyInstaller) app they start through here.
    multiprocessing.freeze_support()
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
