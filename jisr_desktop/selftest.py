"""`jisr-desktop selftest`: proves, headless, that an installed copy (or the PyInstaller
bundle) works: the store opens, the definitions load, the fonts load, the catalogs
translate, a card prints and a form builds. Prints one JSON object; exit code 0 only if
all passed."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any


def _check(results: dict[str, Any], name: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    try:
        value = fn()
    except Exception as exc:  # a self-test reports every failure instead of stopping
        results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return None
    results[name] = {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1),
                     "detail": value if isinstance(value, str | int | list | dict) else None}
    return value


def main() -> int:
    """`jisr-desktop selftest`: print the results as JSON; exit 0 only if all passed."""
    import json
    import sys

    results = run_selftest()
    sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    return 0 if results["ok"] else 1


def run_selftest() -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from jisr_desktop import i18n
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.enrolment import enrol

    results: dict[str, Any] = {}
    defs = _check(results, "definitions", load_directory)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"

        record_ids: list[str] = []

        def store_roundtrip() -> str:
            with Store.create(folder, "selftest", "selftest-passphrase",
                              province_code="07.351") as store:
                repo = Repository(store)
                repo.install_definitions(defs.all())
                row = next(r for r in generate(5, 1, today=date.today())
                           if r.get("consent") == "yes")
                outcome = enrol(repo, defs, row)
                assert outcome.saved, outcome.evaluation.validation.errors
                record_ids.append(outcome.record.id)
            with Store.open(folder, "selftest", "selftest-passphrase") as store:
                assert Repository(store).count() == 1
            return "created, written, reopened"

        if defs is not None:
            _check(results, "store", store_roundtrip)
        _check(results, "translations", lambda: _translations(i18n))
        if record_ids:
            _check(results, "card", lambda: _card(folder, record_ids[0], Path(tmp)))

        from PySide6.QtWidgets import QApplication

        from jisr_desktop.ui.fonts import apply_fonts, load_fonts

        app = QApplication.instance() or QApplication([])
        families = _check(results, "fonts", lambda: _fonts(load_fonts))
        apply_fonts(app, families or [])
        if defs is not None and results.get("store", {}).get("ok"):
            _check(results, "form", lambda: _form(folder))
    results["ok"] = all(v.get("ok") for v in results.values() if isinstance(v, dict))
    return results


def _translations(i18n) -> str:
    for lang in ("ar", "fr"):
        if i18n._("Unlock", lang) == "Unlock":
            raise RuntimeError(f"no {lang} catalog")
    return "ar, fr, zgh"


def _card(folder: Path, record_id: str, tmp: Path) -> str:
    """An orientation card in Arabic and French: the bundle must carry HarfBuzz, python-bidi,
    reportlab and the card fonts, and no glyph may be missing."""
    from jisr_desktop.cards import render_card
    from jisr_desktop.cards.for_record import card_for_record
    from jisr_desktop.models.programme.definitions import load_card_templates
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository

    with Store.open(folder, "selftest", "selftest-passphrase") as store:
        repo = Repository(store)
        data = card_for_record(repo, repo.active_definitions(), record_id, "orientation",
                               agent=store.agent)
    out = tmp / "card.pdf"
    render_card(load_card_templates()["orientation"].data, data, out, "ar+fr")
    size = out.stat().st_size
    if size < 2000:
        raise RuntimeError(f"the card PDF has only {size} bytes")
    return f"{size} bytes"


def _fonts(load_fonts) -> list[str]:
    families = load_fonts()
    joined = " ".join(families).lower()
    for script in ("arab", "tifinagh"):
        if script not in joined:
            raise RuntimeError(f"no {script} font among {families}")
    return families


def _form(folder: Path) -> int:
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.settings import Settings
    from jisr_desktop.ui.context import open_context
    from jisr_desktop.ui.form_page import RegistrationPage
    from jisr_desktop.ui.language import LanguageManager
    from jisr_desktop.ui.tasks import TaskRunner

    store = Store.open(folder, "selftest", "selftest-passphrase")
    tasks = TaskRunner()
    try:
        ctx = open_context(folder, store, tasks, LanguageManager("ar"), Settings())
        page = RegistrationPage(ctx)
        page.start_new()
        from PySide6.QtWidgets import QWidget

        inputs = [w for w in page.findChildren(QWidget) if w.accessibleName()]
        if len(inputs) < 20:
            raise RuntimeError(f"only {len(inputs)} named inputs on the form")
        return len(inputs)
    finally:
        tasks.wait_idle()
        tasks.shutdown()
        store.close()
