"""Benchmark of the local store with 100,000 synthetic registrations (run by hand).

    .venv/bin/python bench/bench_store.py [--count 100000] [--seed 1]
    .venv/bin/python bench/bench_store.py --cached bench/data/ui_list_100000_1 --only rescore

`--cached FOLDER` copies a store built earlier (FOLDER/store, agent "bench", passphrase
"bench-pass", as bench_ui_list.py builds it: generate(100000, 1), refusals included) to a
temporary folder and measures on the copy instead of building one (minutes); the cache
itself is never written (a cache made before migration 0005 is upgraded on the copy, before
any timing). `--only rescore` measures the two re-scorings alone, and
`--repeat N` runs the three passes N times (same weights; a weight up; the weight back
with a label changed, which makes the pass read every record).

Measures: loading the registrations (validate + score + save), search latency over a few
hundred prefix and normalised queries (p50/p95), one `enrol` save, re-scoring every record
under a new grid version (and under one that changes a weight), `find_by_prefix`, the
store's re-open. Targets on a 2-core machine: search p95 < 30 ms, a save < 50 ms,
re-scoring 100,000 < 5 s. A fixed CPU workload is timed first, in the same process, so
figures from noisy machines can be compared as ratios to it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

if __name__ == "__main__":
    # Not in the re-scoring's worker processes, which import this module again (as
    # `__mp_main__`, being spawned): the app's main module, `jisr_desktop.__main__`, is not
    # imported again there, and its workers import neither the store nor SQLAlchemy.
    from jisr_desktop.models.demo.data import generate
    from jisr_desktop.models.programme.definitions import load_directory, parse_definition
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.enrolment import enrol
    from jisr_desktop.models.workflows.import_export import save_many
    from jisr_desktop.models.workflows.rescoring import rescore_all

TODAY = date(2026, 11, 22)


def calibrate() -> float:
    """Seconds for a fixed pure-Python workload: the machine's yardstick."""
    start = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i % 7
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def queries(rows: list[dict], rng: random.Random, n: int) -> list[str]:
    out = []
    for row in rng.sample(rows, n):
        kind = rng.randrange(5)
        if kind == 0:
            out.append(row["first_name_lat"][:3])  # a prefix while typing
        elif kind == 1:
            out.append(f"{row['last_name_lat'].upper()} {row['first_name_lat'][:2]}")
        elif kind == 2:
            out.append(row["first_name_ar"].replace("ة", "ه").replace("أ", "ا"))
        elif kind == 3:
            out.append(row["cin"][:4].lower())
        else:
            out.append((row.get("phone") or "0612")[:6])
    return out


def measure_queries(repo: Repository, defs, rows: list[dict], args, results: dict) -> None:
    rng = random.Random(args.seed)
    timings, hits = [], 0
    for q in queries(rows, rng, args.queries):
        t = time.perf_counter()
        hits += bool(repo.search(q, limit=50))
        timings.append((time.perf_counter() - t) * 1000)
    results["search_ms_p50"] = round(statistics.median(timings), 2)
    results["search_ms_p95"] = round(percentile(timings, 0.95), 2)
    results["search_found_share"] = round(hits / len(timings), 3)

    saves = []
    for i, row in enumerate(generate(30, args.seed + 1000, today=TODAY)):
        row = dict(row, cin=f"ZB{900000 + i}")
        t = time.perf_counter()
        enrol(repo, defs, row, today=TODAY)
        saves.append((time.perf_counter() - t) * 1000)
    results["enrol_save_ms_median"] = round(statistics.median(saves), 2)
    results["enrol_save_ms_max"] = round(max(saves), 2)

    ids = [r.id for r in repo.iter_records(chunk=5000)][:: max(1, args.count // 50)]
    prefix_ms = []
    for rid in ids:
        t = time.perf_counter()
        assert rid in repo.find_by_prefix(rid[:8])
        prefix_ms.append((time.perf_counter() - t) * 1000)
    results["find_by_prefix_ms_median"] = round(statistics.median(prefix_ms), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--cached", type=Path, help="copy this store folder instead of building")
    parser.add_argument("--only", choices=("rescore",), help="measure the re-scorings alone")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the three re-scorings")
    args = parser.parse_args()
    results: dict[str, object] = {
        "machine": f"{platform.node()} {platform.machine()} python {platform.python_version()}",
        "date": date.today().isoformat(),
        "count": args.count,
    }
    results["calibration_s"] = round(calibrate(), 3)
    defs = load_directory()
    with tempfile.TemporaryDirectory() as tmp:
        if args.cached:
            start = time.perf_counter()
            shutil.copytree(args.cached / "store", Path(tmp) / "s")
            results["cached"] = str(args.cached)
            results["copy_s"] = round(time.perf_counter() - start, 2)
            store = Store.open(Path(tmp) / "s", "bench", "bench-pass")
            repo = Repository(store)
            rows: list[dict] = []
            if args.only != "rescore":
                rows = [
                    r for r in generate(args.count, args.seed, today=TODAY)
                    if r.get("consent") == "yes"
                ]
        else:
            rows = [
                r for r in generate(args.count, args.seed, today=TODAY) if r.get("consent") == "yes"
            ]
            store = Store.create(Path(tmp) / "s", "bench", "bench-pass", province_code="07.351")
            repo = Repository(store)
            repo.install_definitions(defs.all())
            start = time.perf_counter()
            report = save_many(repo, defs, enumerate(rows, 1), today=TODAY, chunk=2000)
            results["load_s"] = round(time.perf_counter() - start, 2)
            results["loaded"] = report.saved
        if args.only != "rescore":
            measure_queries(repo, defs, rows, args, results)
        results["load_average_before_rescore"] = [round(x, 2) for x in os.getloadavg()]

        # The first pass after the upgrade to migration 0013 (or after an import) reads
        # every record from `records` and makes its copy in `scoring_inputs`; the passes
        # below read the copies. Timed apart, under the grid in force.
        results["rescore_making_copies_yardstick_s"] = round(calibrate(), 3)
        start = time.perf_counter()
        rescore_all(repo, repo.active_definitions(), today=TODAY)
        results["rescore_making_copies_s"] = round(time.perf_counter() - start, 2)
        results["rescore_making_copies_rewritten"] = repo.audit_trail(None, 1)[0].changes.get(
            "rewritten")

        # A new grid version, same weights: no score moves, so (since migration 0005) no
        # record is rewritten, and every one names the new version through the pass; since
        # the basis (workflows/rescoring/basis.py), no copy is even read. Then a version
        # that changes one weight (divorced +1): only the divorced women's copies are read.
        # Then the weight back with a label changed too: no narrowing, every copy is read
        # (the pass of any other change to the grid). The yardstick is timed before each.
        passes = (("rescore", 0, False), ("rescore_weight_changed", 1, False),
                  ("rescore_weight_and_label_changed", -1, True))
        for _rep in range(args.repeat):
            for label, bump, relabel in passes:
                grid = json.loads(json.dumps(repo.active_definitions().grid.data))
                grid["version"] += 1
                for criterion in grid["criteria"]:
                    if criterion["id"] == "social_status":
                        criterion["points"]["divorced"] += bump
                        if relabel:
                            criterion["label"]["fr"] += "."
                repo.install_definitions([parse_definition(json.dumps(grid), f"{label}.json")])
                results[f"{label}_yardstick_s"] = round(calibrate(), 3)
                start = time.perf_counter()
                n = rescore_all(repo, repo.active_definitions(), today=TODAY)
                elapsed = round(time.perf_counter() - start, 2)
                if args.repeat > 1:
                    results.setdefault(f"{label}_runs_s", []).append(elapsed)
                    results.setdefault(f"{label}_runs_yardstick_s", []).append(
                        results[f"{label}_yardstick_s"]
                    )
                rewritten = repo.audit_trail(None, 1)[0].changes.get("rewritten")
                results[f"{label}_s"] = elapsed
                results[f"{label}_records"] = n
                results[f"{label}_rewritten"] = rewritten
                if args.repeat > 1:
                    results.setdefault(f"{label}_runs_rewritten", []).append(rewritten)
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        store.close()
        start = time.perf_counter()
        Store.open(Path(tmp) / "s", "bench", "bench-pass").close()
        results["store_open_s"] = round(time.perf_counter() - start, 3)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
