"""What synchronous=FULL costs a save, against NORMAL, in one process (issue 14, point 17).

One store, real SQLCipher in WAL mode; saves alternate between the two modes in rounds so
that the load of a shared machine falls on both alike. Reports the median of one save
(validate + score + write + outbox + audit, i.e. `enrol`) in each mode, and the ratio.

    .venv/bin/python bench/bench_sync_mode.py --saves 200
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.programme.definitions import load_directory
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol

TODAY = date(2026, 11, 22)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    defs = load_directory()
    rows = list(generate(args.saves, 5, today=TODAY))
    times: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "s", "bench", "bench passphrase 2026",
                             province_code="07.351")
        repo = Repository(store)
        repo.install_definitions(defs.all())
        mode = {"value": "FULL"}

        @event.listens_for(store.engine, "checkout")
        def _mode(dbapi_conn, _record, _proxy) -> None:
            dbapi_conn.execute(f"PRAGMA synchronous = {mode['value']}")

        for i, row in enumerate(rows):
            mode["value"] = "FULL" if (i // 10) % 2 == 0 else "NORMAL"
            started = time.perf_counter()
            outcome = enrol(repo, defs, row, today=TODAY, allow_duplicate=True)
            times[mode["value"]].append(time.perf_counter() - started)
            assert outcome.saved or not outcome.evaluation.validation.ok
        store.close()
    full, normal = (statistics.median(times[m]) * 1000 for m in ("FULL", "NORMAL"))
    print(f"saves per mode: {len(times['FULL'])} / {len(times['NORMAL'])}")
    print(f"median save FULL   {full:.1f} ms")
    print(f"median save NORMAL {normal:.1f} ms")
    print(f"FULL / NORMAL      {full / normal:.2f}")


if __name__ == "__main__":
    main()
