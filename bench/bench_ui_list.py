"""Benchmark of the beneficiaries list with 100,000 records (run by hand, offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_list.py [--count 100000]

The store is built once and cached under bench/data/ (git-ignored; building 100,000
registrations through validation and scoring takes a few minutes). Measures:

- opening the list: from creating the page to the model holding its first page (200 rows
  read on the db lane, applied on the UI thread), then painted, then counted (the count
  follows the first page); target < 300 ms;
- each keystroke's search while typing a word letter by letter: from the search firing
  (after the 150 ms typing pause the page waits for on purpose) to the model showing the
  first page, to the view repainted, and to the matches counted; target < 50 ms;
- jumping to a random place in the full list: until that page is read and painted.

Figures go by hand into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.import_export import save_many
from jisr_desktop.settings import Settings
from jisr_desktop.ui.context import AccountInfo, AppContext
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner

TODAY = date(2026, 11, 22)
AGENT = "bench"
PASSPHRASE = "bench-pass"
DATA = Path(__file__).resolve().parent / "data"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


def build_store(folder: Path, count: int, seed: int) -> None:
    """The cached store; a marker file says it was completed (an interrupted build is redone)."""
    done = folder / "complete"
    if done.exists():
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    print(f"building a store of {count} records in {folder} (once)…", file=sys.stderr)
    start = time.perf_counter()
    store = Store.create(folder / "store", AGENT, PASSPHRASE, province_code="07.351")
    repo = Repository(store)
    repo.install_definitions(load_directory().all())
    defs = repo.active_definitions()
    rows = generate(count, seed, today=TODAY)
    save_many(repo, defs, enumerate(rows, 1), today=TODAY, chunk=2000)
    store.close()
    done.write_text(json.dumps({"count": count, "seed": seed}))
    print(f"built in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def context(folder: Path, lang: str) -> AppContext:
    store = Store.open(folder / "store", AGENT, PASSPHRASE)
    repo = Repository(store)
    account = store.account()
    return AppContext(
        folder=folder,
        store=store,
        repo=repo,
        defs=repo.active_definitions(),
        reference=load_reference(),
        account=AccountInfo(account.name, account.role, account.province_code),
        tasks=TaskRunner(),
        language=LanguageManager(lang),
        settings=Settings(language=lang),
    )


_LOOP: QEventLoop | None = None


def spin_until(app: QApplication, done, timeout: float = 30.0) -> None:
    # QEventLoop.processEvents, not QApplication.processEvents: with PySide6 6.12 on Python
    # 3.11 the static one drops a reference to None per call and aborts the run after a
    # few thousand calls ("deallocating None").
    global _LOOP
    _LOOP = _LOOP or QEventLoop()
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the list did not load")
        _LOOP.processEvents()
        time.sleep(0.0005)


def words(count: int, seed: int, n: int) -> list[str]:
    """Names as agents type them: Latin first names, family names, Arabic names."""
    rng = random.Random(seed + 7)
    rows = [r for r in generate(min(count, 3000), seed, today=TODAY) if r.get("consent") == "yes"]
    out = []
    for row in rng.sample(rows, n):
        kind = rng.randrange(3)
        if kind == 0:
            out.append(row["first_name_lat"].lower())
        elif kind == 1:
            out.append(row["last_name_lat"].lower())
        else:
            out.append(row["first_name_ar"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--words", type=int, default=25)
    parser.add_argument("--lang", default="ar")
    args = parser.parse_args()

    folder = DATA / f"ui_list_{args.count}_{args.seed}"
    build_store(folder, args.count, args.seed)

    app = QApplication.instance() or QApplication([])
    try:
        from jisr_desktop.ui.fonts import apply_fonts, load_fonts

        apply_fonts(app, load_fonts())
    except ImportError:
        pass
    from jisr_desktop.ui.beneficiaries_page import BeneficiariesPage

    ctx = context(folder, args.lang)
    results: dict[str, object] = {
        "machine": (
            f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu, "
            f"python {platform.python_version()}"
        ),
        "date": date.today().isoformat(),
        "records": ctx.repo.count(),
        "lang": args.lang,
    }

    # Opening the list: a new page each time (the store and its connections stay open, as
    # in the app, where the list is built once the store is unlocked).
    opened, painted, counted = [], [], []
    for i in range(args.opens + 1):
        start = time.perf_counter()
        page = BeneficiariesPage(ctx)
        page.resize(1180, 700)
        page.show()
        spin_until(app, lambda page=page: page.model.ever_loaded)
        t_loaded = time.perf_counter()
        page.table.viewport().repaint()
        t_painted = time.perf_counter()
        spin_until(app, lambda page=page: not page.model.loading)
        t_counted = time.perf_counter()
        if i:  # the first one pays Python's and Qt's imports and caches
            opened.append((t_loaded - start) * 1000)
            painted.append((t_painted - start) * 1000)
            counted.append((t_counted - start) * 1000)
        if i < args.opens:
            page.close()
            page.deleteLater()
            spin_until(app, lambda: True)
    results["open_list_model_ready"] = summary(opened)
    results["open_list_painted"] = summary(painted)
    results["open_list_counted"] = summary(counted)

    # Typing: each letter of a word replaces the text; the debounce is fired at once so the
    # figure is the search itself (the page adds its 150 ms pause before it on purpose).
    model = page.model
    shown_at: list[float] = []
    model.loaded.connect(lambda _n: shown_at.append(time.perf_counter()))
    updated, repainted, counted_k, sizes = [], [], [], []
    for word in words(args.count, args.seed, args.words):
        for end in range(1, len(word) + 1):
            page.search.setText(word[:end])
            if page.current_filter() == model.filter:
                continue  # a space: the page does not search again for the same words
            shown_at.clear()
            start = time.perf_counter()
            page.debounce.stop()
            page._search_now()
            spin_until(app, lambda: bool(shown_at))
            page.table.viewport().repaint()
            t_paint = time.perf_counter()
            spin_until(app, lambda: not model.loading)
            t_count = time.perf_counter()
            updated.append((shown_at[0] - start) * 1000)
            repainted.append((t_paint - start) * 1000)
            counted_k.append((t_count - start) * 1000)
            sizes.append(model.rowCount())
        page.search.clear()
        page._search_now()
        spin_until(app, lambda: not model.loading)
    results["keystroke_model_updated"] = summary(updated)
    results["keystroke_painted"] = summary(repainted)
    results["keystroke_counted"] = summary(counted_k)
    results["keystroke_matches_median"] = statistics.median(sizes)

    # Jumping through the whole list (scroll bar dragged anywhere).
    rng = random.Random(args.seed)
    jumps = []
    bar = page.table.verticalScrollBar()
    for _ in range(30):
        start = time.perf_counter()
        bar.setValue(rng.randrange(bar.maximum() + 1))
        page.table.viewport().repaint()
        spin_until(app, lambda: not ctx.tasks.busy)
        page.table.viewport().repaint()
        jumps.append((time.perf_counter() - start) * 1000)
    results["scroll_jump_painted"] = summary(jumps)
    results["blocks_in_memory"] = len(model.loaded_blocks())

    page.close()
    ctx.tasks.wait_idle()
    ctx.tasks.shutdown()
    ctx.store.close()
    print(json.dumps(results, ensure_ascii=False, indent=2), flush=True)
    # Skip interpreter teardown: PySide6 can crash while garbage-collecting the leftover
    # pages at exit, which would only hide the figures above.
    os._exit(0)


if __name__ == "__main__":
    main()
