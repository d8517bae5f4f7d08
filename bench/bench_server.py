"""Load test of the central server on PostgreSQL: N simulated devices push 200-op batches
and pull, over loopback only, bounded in batches and in time.

    .venv/bin/python bench/bench_server.py              # 1, 10 and 50 devices
    .venv/bin/python bench/bench_server.py --devices 10 --workers 2 --batches 10 --no-write

Creates a throw-away database on the local PostgreSQL (trust auth, user postgres), starts
`jisr-server serve` on it, and reports records ingested per second and the latency of a
200-op push (p50, p95, max). Figures replace this bench's section of bench/RESULTS.md
unless --no-write.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jisr_desktop.models.programme.reference import load_reference  # noqa: E402
from tests.conftest import distinct_woman, make_submission  # noqa: E402
from tests.server.conftest import FORM, Server, login  # noqa: E402

PG_ADMIN = os.environ.get(
    "JISR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "bench password 123"
SECTION = "## Central server (`bench/bench_server.py`, PostgreSQL) — server engineer"
BATCH = 200
# Per level: batches per device, so every level ingests a comparable, bounded amount.
BATCHES = {1: 20, 10: 12, 50: 3}
TIME_LIMIT = 90.0


@dataclass
class Device:
    username: str
    device_id: str
    province: str
    region: str
    commune: str
    token: str = ""
    cursor: int = 0
    push_latencies: list[float] = field(default_factory=list)
    pull_latencies: list[float] = field(default_factory=list)
    applied: int = 0
    busy: int = 0
    errors: int = 0


def places(count: int) -> list[tuple[str, str, str]]:
    ref = load_reference()
    found = []
    for province in ref.provinces.values():
        communes = ref.communes_of(province.code)
        if communes and province.type != "prefecture_of_arrondissements":
            found.append((province.code, province.region_code, communes[0].code))
    return [found[i % len(found)] for i in range(count)]


_serial = iter(range(10**7))


def batch_body(device: Device, index: int) -> bytes:
    ops = []
    for i in range(BATCH):
        rid = str(uuid.uuid4())
        n = next(_serial)
        # A person per record: her own phone number and CIN (a cached phone parse would
        # flatter the server), names (both scripts) and birth date of her own, so the
        # server flags no pairs among them, household sizes varying as in real ones.
        answers = make_submission(**{
            **distinct_woman(("bench_server", n)),
            "region": device.region,
            "province": device.province,
            "commune": device.commune,
            "household_size": 1 + (i % 12),
            "first_name_lat": "Bench" + "".join(chr(97 + int(c)) for c in f"{index}{i}"),
            "phone": f"061{n:07d}",
            "cin": f"EE{n:06d}",
        })
        ops.append(
            {
                "op_id": str(uuid.uuid4()),
                "record_id": rid,
                "op": "upsert",
                "base_version": 0,
                "payload": {
                    "id": rid,
                    "version": 1,
                    "answers": answers,
                    "evaluation": None,
                    "form": FORM,
                },
            }
        )
    body = {"batch_id": str(uuid.uuid4()), "ops": ops}
    return gzip.compress(json.dumps(body, ensure_ascii=False).encode("utf-8"), 5)


def run_device(
    url: str, device: Device, bodies: list[bytes], deadline: float, rate: float | None,
    phase: float = 0.0,
) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {device.token}"
    session.headers["X-Device-Id"] = device.device_id
    start = time.monotonic()
    for n, body in enumerate(bodies):
        if rate:  # open loop: batch n leaves at (n + phase) / rate s, whatever the server does
            time.sleep(max(0.0, start + (n + phase) / rate - time.monotonic()))
        while time.monotonic() < deadline:
            started = time.perf_counter()
            response = session.post(
                url + "/v1/sync/push",
                data=body,
                timeout=120,
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
            )
            elapsed = time.perf_counter() - started
            if response.status_code in (429, 503):
                device.busy += 1
                time.sleep(min(float(response.headers.get("Retry-After", "1")), 1.0))
                continue
            if response.status_code != 200:
                device.errors += 1
                break
            device.push_latencies.append(elapsed)
            device.applied += sum(r["status"] == "applied" for r in response.json()["results"])
            break
        started = time.perf_counter()
        pulled = session.get(
            url + "/v1/sync/pull", params={"since": device.cursor, "limit": 1000}, timeout=120
        )
        device.pull_latencies.append(time.perf_counter() - started)
        if pulled.status_code == 200:
            device.cursor = pulled.json()["next"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process, from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _processes() -> list[tuple[int, int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        found.append((int(entry.name), int(rest.split()[1]), head.split("(", 1)[1]))
    return found


def cpu_snapshot(server_pid: int | None) -> dict[str, float]:
    """CPU seconds used so far by this client process, the server and its worker processes,
    and every PostgreSQL process (read only: nothing is signalled)."""
    procs = _processes()
    tree = {server_pid} if server_pid else set()
    grew = True
    while grew:
        grew = False
        for pid, ppid, _ in procs:
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    postgres = [pid for pid, _, name in procs if name.startswith("postgres")]
    return {
        "client": time.process_time(),
        "server": sum(_proc_cpu(p) for p in tree),
        "postgres": sum(_proc_cpu(p) for p in postgres),
    }


def run_level(
    url: str, devices: list[Device], rate: float | None = None, server_pid: int | None = None
) -> dict[str, Any]:
    batches = BATCHES.get(len(devices), 3) if rate is None else 10
    # Every body is built and gzipped before the clock starts: the client then spends its
    # CPU on HTTP only, which it shares with the server on the same cores.
    bodies = {d.device_id: [batch_body(d, i) for i in range(batches)] for d in devices}
    deadline = time.monotonic() + TIME_LIMIT
    # Paced devices are spread over the second (device i leaves at i/N of it): laptops in
    # different centres do not sync in lockstep, and a burst of all N at the same instant
    # measures queueing behind one's neighbours rather than the server's latency.
    threads = [
        threading.Thread(
            target=run_device,
            args=(url, d, bodies[d.device_id], deadline, rate, i / len(devices)),
        )
        for i, d in enumerate(devices)
    ]
    before = cpu_snapshot(server_pid)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    after = cpu_snapshot(server_pid)
    cpu = {k: after[k] - before[k] for k in before}
    pushes = [x for d in devices for x in d.push_latencies]
    pulls = [x for d in devices for x in d.pull_latencies]
    applied = sum(d.applied for d in devices)
    return {
        "devices": len(devices),
        "mode": f"paced {rate:g}/s per device" if rate else "back to back",
        "batches": len(pushes),
        "records": applied,
        "seconds": wall,
        "records_per_s": applied / wall if wall else 0.0,
        "push_p50_ms": 1000 * percentile(pushes, 0.50),
        "push_p95_ms": 1000 * percentile(pushes, 0.95),
        "push_max_ms": 1000 * max(pushes, default=float("nan")),
        "pull_p95_ms": 1000 * percentile(pulls, 0.95),
        "busy_503": sum(d.busy for d in devices),
        "errors": sum(d.errors for d in devices),
        # CPU per ingested record, in ms, by who spent it; and the client's share of the
        # machine's CPU time over the run (os.cpu_count() cores x wall seconds).
        "cpu_ms_per_record": {
            k: round(1000 * v / applied, 3) if applied else None for k, v in cpu.items()
        },
        "client_cpu_share": cpu["client"] / ((os.cpu_count() or 1) * wall) if wall else 0.0,
        "machine_busy": sum(cpu.values()) / ((os.cpu_count() or 1) * wall) if wall else 0.0,
        "load_1min_before": load,
    }


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with psycopg.connect(PG_ADMIN) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, "
        f"PostgreSQL {pg}, {platform.system()} {platform.release()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, nargs="*", default=[1, 10, 50])
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (nproc)"
    )
    parser.add_argument(
        "--paced",
        type=int,
        nargs="*",
        default=[10],
        help="device counts also run open-loop, one batch per second each",
    )
    parser.add_argument(
        "--batches", type=int, help=f"batches per device at every level (default: {BATCHES})"
    )
    parser.add_argument(
        "--push-concurrency", type=int, help="JISR_SERVER_PUSH_CONCURRENCY (pushes at once per "
        "worker; the server's default when not given)"
    )
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the rows to this JSON file")
    args = parser.parse_args()
    if args.batches:
        for level in (*args.devices, *args.paced):
            BATCHES[level] = args.batches

    from jisr_server.auth import create_user
    from jisr_server.catalog import publish_shipped
    from jisr_server.db import make_engine, migrate

    name = f"jisr_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    server = None
    rows = []
    try:
        engine = make_engine(url)
        migrate(engine)
        publish_shipped(engine)
        total = sum(args.devices) + sum(args.paced)
        all_devices = []
        for n, (province, region, commune) in enumerate(places(total)):
            username = f"agent{n}"
            create_user(engine, username, PASSWORD, "field_agent", f"province:{province}")
            all_devices.append(Device(username, f"dev-{n}", province, region, commune))
        engine.dispose()
        env = {"JISR_SERVER_MAX_BODY_BYTES": str(8 * 1024 * 1024)}
        if args.push_concurrency:
            env["JISR_SERVER_PUSH_CONCURRENCY"] = str(args.push_concurrency)
        server = Server(url, env, workers=args.workers)
        for d in all_devices:
            d.token = login(server.url, d.username, d.device_id, PASSWORD).json()["token"]
        offset = 0
        for count in args.devices:
            devices = all_devices[offset : offset + count]
            offset += count
            row = run_level(server.url, devices, server_pid=server.proc.pid)
            rows.append(row)
            print(json.dumps(row))
        for count in args.paced:
            devices = all_devices[offset : offset + count]
            offset += count
            row = run_level(server.url, devices, rate=1.0, server_pid=server.proc.pid)
            rows.append(row)
            print(json.dumps(row))
    finally:
        if server is not None:
            server.stop()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    if not args.no_write:
        write_results(rows, args.workers)
    return 0


def _cpu_cell(cpu: dict[str, float | None]) -> str:
    return " / ".join(
        "-" if cpu.get(k) is None else f"{cpu[k]:.2f}" for k in ("server", "postgres", "client")
    )


def write_results(rows: list[dict[str, Any]], workers: int) -> None:
    lines = [
        SECTION,
        "",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine()}",
        f"- Server: `jisr-server serve --workers {workers}` on PostgreSQL, loopback; clients "
        f"are threads of one process on the same machine (they share its {os.cpu_count()} "
        "cores); every request body is built and gzipped before the clock starts.",
        f"- Load: each device pushes gzip batches of {BATCH} new registrations, each validated "
        "by the server against the shipped form version, then pulls its province; "
        f"{BATCHES} batches per device per level, at most {TIME_LIMIT:.0f} s.",
        "- Targets: 2,000 records/s at 10 devices; p95 of a 200-op push under 500 ms.",
        "",
        "- CPU ms/record: CPU time (user + system, from /proc) of the server processes, of "
        "all PostgreSQL processes and of the client, per ingested record; client share: the "
        "client's CPU over cores x wall time; load: 1-minute load average before the level.",
        "",
        "| devices | mode | batches | records | s | records/s | push p50 ms | push p95 ms | "
        "push max ms | pull p95 ms | 503 | errors | CPU ms/record server / pg / client | "
        "client share | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['devices']} | {r['mode']} | {r['batches']} | {r['records']} | "
            f"{r['seconds']:.1f} | "
            f"{r['records_per_s']:.0f} | {r['push_p50_ms']:.0f} | {r['push_p95_ms']:.0f} | "
            f"{r['push_max_ms']:.0f} | {r['pull_p95_ms']:.0f} | {r['busy_503']} | "
            f"{r['errors']} | {_cpu_cell(r['cpu_ms_per_record'])} | "
            f"{100 * r['client_cpu_share']:.0f}% | {r['load_1min_before']:.1f} |"
        )
    # The figures replace this bench's own section of bench/RESULTS.md, up to its notes,
    # which are written by hand; the other benches' sections stay as they are.
    target = REPO / "bench" / "RESULTS.md"
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    start = existing.find(SECTION)
    if start < 0:
        before, after = existing.rstrip("\n") + "\n\n", ""
    else:
        notes = existing.find("\n### Notes", start)
        following = existing.find("\n## ", start + len(SECTION))
        end = notes if notes >= 0 else (following if following >= 0 else len(existing))
        before, after = existing[:start], existing[end:]
    target.write_text(before + "\n".join(lines) + "\n" + after, encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    sys.exit(main())
