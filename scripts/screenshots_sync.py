"""Screenshots of the sync panel and the conflicts view in Arabic, French and Tamazight.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_sync.py [OUT_DIR]

Real parts throughout: a server child process on a throw-away SQLite file, a second
device that edits a registration, and the real main window (1366x768) of a field agent
whose own offline edit of it ends in a conflict. Saves sync-<lang>.png (the panel after
the run), conflicts-<lang>.png (the conflict side by side) and, for a supervisor,
pairs-<lang>.png (two registrations of one woman, flagged by the server).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.settings import Settings
from jisr_desktop.ui.context import open_context
from jisr_desktop.ui.fonts import apply_fonts, load_fonts
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner
from tests.conftest import make_submission
from tests.server.conftest import PASSWORD, Server, _prepare
from tests.sync.conftest import edit, engine_for, new_device, sign_in

SIZE = (1366, 768)


def enrol_one(store, **answers):
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.enrolment import enrol

    repo = Repository(store)
    outcome = enrol(repo, repo.active_definitions(), make_submission(**answers),
                    allow_duplicate=True)
    assert outcome.saved
    return outcome.record


def _window(folder: Path, agent: str, role: str, tasks: TaskRunner):
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.ui.main_window import MainWindow

    store = Store.create(folder, agent, "demo passphrase", role=role, province_code="07.351")
    ctx = open_context(folder, store, tasks, LanguageManager("ar"), Settings())
    window = MainWindow(ctx)
    window.sync_panel.session.adapter.stop_probing()
    window.resize(*SIZE)
    window.show()
    return window


def _wait(tasks: TaskRunner, app: QApplication) -> None:
    tasks.wait_idle(60)
    app.processEvents()


def _sign_in(window, url: str, username: str, tasks, app) -> None:
    box = window.sync_panel.sign_in
    box.url.setText(url)
    box.username.setText(username)
    box.password.setText(PASSWORD)
    box.passphrase.setText("demo passphrase")
    box.button.click()
    _wait(tasks, app)
    _wait(tasks, app)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_fonts(app, load_fonts())
    defs = load_directory()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url_db = f"sqlite:///{root / 'server.db'}"
        _prepare(url_db)
        server = Server(url_db)
        tasks = TaskRunner()
        try:
            other = new_device(root / "other", defs)
            engine = engine_for(other, sign_in(other, server.url), server.url)
            record = enrol_one(other, cin="EE412345", first_name_lat="Itto",
                               last_name_lat="Ouhammou", first_name_ar="إيطو",
                               last_name_ar="أوحمو", date_of_birth="1990-05-04")
            assert engine.run().ok
            window = _window(root / "laptop", "Amina Agent", "field_agent", tasks)
            _sign_in(window, server.url, "agent_a", tasks, app)
            edit(other, record.id, household_size=2, project_stage="underway")
            edit(window.ctx.store, record.id, household_size=9, phone="0661234567")
            assert engine.run().ok
            panel = window.sync_panel
            window.show_page(panel)
            panel.sync_now()
            _wait(tasks, app)
            for lang in ("ar", "fr", "zgh"):
                window.set_language(lang)
                panel.tabs.setCurrentIndex(0)
                _wait(tasks, app)
                window.grab().save(str(out / f"sync-{lang}.png"))
                panel.status_tab.rows[0].button.click()
                _wait(tasks, app)
                window.grab().save(str(out / f"conflicts-{lang}.png"))
            _pairs(root, server.url, other, engine, tasks, app, out)
            window.close()
        finally:
            tasks.wait_idle()
            tasks.shutdown()
            server.stop()
    print(f"screenshots in {out}")


def _pairs(root: Path, url: str, other, engine, tasks, app, out: Path) -> None:
    """A second registration of one woman, then the supervisor's tab."""
    enrol_one(other, cin="JB123987", first_name_lat="Yamna", last_name_lat="Aït Brahim",
              first_name_ar="يامنة", last_name_ar="آيت ابراهيم")
    third = new_device(root / "third", load_directory())
    third_engine = engine_for(third, sign_in(third, url), url)
    enrol_one(third, cin="jb 123987", first_name_lat="Yamina", last_name_lat="Ait Brahim",
              first_name_ar="يامنة", last_name_ar="ايت ابراهيم")
    assert engine.run().ok and third_engine.run().ok
    window = _window(root / "supervisor", "Naima Supervisor", "supervisor", tasks)
    _sign_in(window, url, "supervisor_07", tasks, app)
    panel = window.sync_panel
    window.show_page(panel)
    panel.tabs.setCurrentWidget(panel.pairs)
    panel.session.adapter.load_pairs()
    _wait(tasks, app)
    for lang in ("ar", "fr", "zgh"):
        window.set_language(lang)
        _wait(tasks, app)
        window.grab().save(str(out / f"pairs-{lang}.png"))
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
