"""Screenshots of every screen in Arabic, French and Tamazight, from the running app.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR]

Builds a throw-away store with demo registrations, opens the real main window as a
supervisor, visits each page in each language and saves `<page>-<lang>.png`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.import_export import save_many
from jisr_desktop.settings import Settings
from jisr_desktop.ui.context import open_context
from jisr_desktop.ui.fonts import apply_fonts, load_fonts
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner

TODAY = date(2026, 11, 22)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_fonts(app, load_fonts())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        store = Store.create(folder, "Naima Supervisor", "demo", role="supervisor",
                             province_code="07.351")
        repo = Repository(store)
        from jisr_desktop.models.programme.definitions import load_directory

        defs = load_directory()
        repo.install_definitions(defs.all())
        rows = [dict(r, province="07.351", region="07", commune="07.351.01.01")
                for r in generate(120, 3, today=TODAY)]
        save_many(repo, defs, enumerate(rows, 1), today=TODAY)
        tasks = TaskRunner()
        language = LanguageManager("ar")
        ctx = open_context(folder, store, tasks, language, Settings())
        from jisr_desktop.ui.main_window import MainWindow

        window = MainWindow(ctx)
        window.resize(1280, 820)
        window.show()
        record_id = next(r.id for r in repo.iter_records() if r.category)
        for lang in ("ar", "fr", "zgh"):
            window.set_language(lang)
            shots = {
                "beneficiaries": lambda: window.show_page(window.beneficiaries),
                "registration": window.new_registration,
                "result": lambda: window.open_record(record_id),
                "committee": lambda: window.show_page(window.committee),
                "assessment": lambda: window.open_assessment(record_id),
            }
            for name, show in shots.items():
                show()
                tasks.wait_idle()
                app.processEvents()
                window.grab().save(str(out / f"{name}-{lang}.png"))
        window.close()
        tasks.wait_idle()
        tasks.shutdown()
        store.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
