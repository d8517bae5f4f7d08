"""Benchmark of the card printer (run by hand).

    .venv/bin/python bench/bench_cards.py [--count 1000] [--uncompacted]

Measures: one orientation card from a cold process (imports, font loading and the PDF; in a
subprocess so nothing is warm), and a batch of `--count` varied cards (synthetic
registrations, Arabic and Latin names) to one A4 PDF, four per sheet, with the process's
resident memory sampled every 100 cards to show it stays flat. Targets: one card < 300 ms,
1,000 cards < 20 s. `--uncompacted` puts back reportlab's own `showPage` (page streams kept
as text until `save()`), to compare the memory with what `_CompactCanvas` saves.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

TODAY = date(2026, 11, 22)

COLD = r"""
import time, sys
t0 = time.perf_counter()
from datetime import date
from types import SimpleNamespace
from jisr_desktop.cards.build import orientation_card
from jisr_desktop.cards.render import render_card
from jisr_desktop.models.programme.definitions import load_card_templates, load_directory
from jisr_desktop.models.programme.reference import load_reference
t1 = time.perf_counter()
defs = load_directory(); ref = load_reference(); tpl = load_card_templates()["orientation"].data
t2 = time.perf_counter()
answers = {"first_name_ar": "فاطمة الزهراء", "last_name_ar": "بناني",
           "first_name_lat": "Fatima-Zahra", "last_name_lat": "Bennani", "cin": "EE123456",
           "province": "07.351", "commune": "07.351.01.01"}
rec = SimpleNamespace(id="1a2b3c4d-5e6f-4789-8abc-def012345678", version=1, answers=answers,
                      evaluation={"category": 1, "orientation": {"path": "employability",
                      "destination": "en_vocational_training_centre"}}, category=1, agent="A")
card = orientation_card(rec, defs.orientation.data, defs.grid.data, ref, issued_on=date.today())
render_card(tpl, card, sys.argv[1], "ar+fr")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2)
"""


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cold(tmp: Path, runs: int = 5) -> dict[str, float]:
    samples = []
    for i in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD, str(tmp / f"cold{i}.pdf")],
                             capture_output=True, text=True, check=True).stdout.split()
        samples.append([float(x) for x in out])
    best = min(samples, key=lambda s: s[2])
    return {"import_s": round(best[0], 3), "definitions_s": round(best[1], 3),
            "first_card_s": round(best[2], 3),
            "first_card_median_s": round(sorted(s[2] for s in samples)[runs // 2], 3)}


def batch(tmp: Path, count: int, uncompacted: bool = False) -> dict[str, object]:
    from jisr_desktop.cards import BatchItem, render_batch
    from jisr_desktop.cards.build import orientation_card
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.programme.definitions import load_card_templates, load_directory
    from jisr_desktop.models.programme.evaluation import evaluate_submission
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.models.workflows.enrolment import compact_evaluation

    if uncompacted:
        from reportlab.pdfgen.canvas import Canvas

        from jisr_desktop.cards import render

        render._CompactCanvas.showPage = Canvas.showPage  # type: ignore[method-assign]
    defs, ref = load_directory(), load_reference()
    template = load_card_templates()["orientation"].data
    # Build the registrations first, so the batch timing is the printer's alone; the
    # batch itself reads them through a generator, as the CLI reads the store.
    records = []
    for i, row in enumerate(generate(count, 7, today=TODAY, agent="Bench")):
        ev = evaluate_submission(defs, row, today=TODAY, reference=ref)
        if ev.score is None:
            continue
        records.append(json.dumps({"answers": dict(ev.validation.answers),
                                   "evaluation": compact_evaluation(ev), "i": i},
                                  ensure_ascii=False, default=str))
    while len(records) < count:
        records.extend(records[: count - len(records)])

    def items():
        for i, raw in enumerate(records):
            data = json.loads(raw)
            rec = SimpleNamespace(id=f"{i:08x}-0000-4000-8000-000000000000", version=1,
                                  answers=data["answers"], evaluation=data["evaluation"],
                                  category=data["evaluation"]["category"], agent="Bench")
            card = orientation_card(rec, defs.orientation.data, defs.grid.data, ref,
                                    issued_on=TODAY, centre="Centre EN Marrakech")
            yield BatchItem(template, card, "ar+fr")

    memory: list[float] = []

    def progress(done: int, _total: int) -> None:
        if done % 100 == 0:
            memory.append(round(rss_mb(), 1))

    out = tmp / "batch.pdf"
    start_rss = rss_mb()
    t0 = time.perf_counter()
    result = render_batch(items(), out, progress=progress, total=count)
    elapsed = time.perf_counter() - t0
    growth = (memory[-1] - memory[0]) / max(1, len(memory) - 1) if len(memory) > 1 else 0.0
    return {"cards": result.cards, "pages": result.pages, "seconds": round(elapsed, 2),
            "compacted_pages": not uncompacted,
            "rss_growth_per_100_cards_mb": round(growth, 2),
            "per_card_ms": round(elapsed / result.cards * 1000, 2),
            "pdf_mb": round(out.stat().st_size / 2**20, 2),
            "rss_before_mb": round(start_rss, 1), "rss_every_100_cards_mb": memory}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--uncompacted", action="store_true")
    parser.add_argument("--no-cold", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        out = {} if args.no_cold else {"cold": cold(tmp)}
        out["batch"] = batch(tmp, args.count, args.uncompacted)
        print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
