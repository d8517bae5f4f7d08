"""How long the app takes to quit once its window is gone: the real start-up path
(`app.run_gui`: unlock dialog, context on the db lane, main window), a search typed just
before closing so a read may be in flight, then the main window closed.

Prints the time from the close to `run_gui` returning (task runner shut down, store
closed, lock released) and to the interpreter's exit handlers.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_quit.py [RECORDS]   (default 2000)
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.conftest import AGENT, PASSPHRASE

_NONE_GUARD = [None] * 200_000  # see tests/ui/test_form_page.py
T: dict[str, float] = {}


def fill(folder: Path, count: int) -> None:
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.import_export import save_many

    store = Store.create(folder, AGENT, PASSPHRASE, role="admin", province_code="07.351")
    repo = Repository(store)
    repo.install_definitions(load_directory().all())
    rows = generate(count, 1, agent=AGENT)
    save_many(repo, repo.active_definitions(), ((i + 1, r) for i, r in enumerate(rows)))
    store.close()


def drive(app: QApplication) -> None:
    from jisr_desktop.ui.main_window import MainWindow
    from jisr_desktop.ui.unlock_dialog import UnlockDialog

    for w in app.topLevelWidgets():
        if isinstance(w, UnlockDialog) and w.isVisible() and "typed" not in T:
            T["typed"] = 1
            w.passphrase.setText(PASSPHRASE)
            w.submit()
        if isinstance(w, MainWindow) and w.isVisible() and "window" not in T:
            T["window"] = time.monotonic()

            def close(window=w) -> None:
                for other in app.topLevelWidgets():
                    if other is not window and other.isVisible():
                        other.close()
                T["close"] = time.monotonic()
                window.close()

            def search(window=w) -> None:
                window.beneficiaries.search.setText("fa")
                QTimer.singleShot(450, close)  # past the debounce: the query is running

            QTimer.singleShot(1500, search)
    QTimer.singleShot(50, lambda: drive(app))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", type=int, nargs="?", default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp()) / "data"
    fill(folder, args.records)
    app = QApplication([])
    QTimer.singleShot(50, lambda: drive(app))
    atexit.register(lambda: print(f"close -> exit handlers: "
                                  f"{(time.monotonic() - T['close']) * 1000:.0f} ms"))
    from jisr_desktop.app import run_gui

    run_gui(argparse.Namespace(data_dir=str(folder), lang_explicit="fr"))
    print(f"records: {args.records}")
    print(f"close -> run_gui returned: {(time.monotonic() - T['close']) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
