"""A login flood against the central server (issue 14, point 3), over loopback only.

    .venv/bin/python bench/bench_login_flood.py              # 20 s, 200 clients, bounded
    .venv/bin/python bench/bench_login_flood.py --unbounded-seconds 5 --no-write

200 client threads log in with 200 distinct random usernames for 20 s (as in the issue)
while one thread times an authenticated GET /v1/sync/pull every 0.1 s and another samples
the server's RSS. With --unbounded-seconds N, the same flood first runs for N s against a
server whose password checks are not bounded (the behaviour before the fix), in the same
process, for a ratio on the same machine. Figures replace this bench's section of
bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.server.conftest import Server, _prepare, login  # noqa: E402
from tests.server.flood import FloodResult, flood  # noqa: E402

SECTION = "## Login flood (`bench/bench_login_flood.py`, SQLite) — server engineer"
UNBOUNDED = {
    "JISR_SERVER_LOGIN_HASH_CONCURRENCY": "100000",
    "JISR_SERVER_LOGIN_HASH_QUEUE": "100000",
    "JISR_SERVER_LOGIN_HASH_WAIT_SECONDS": "3600",
}


def run(label: str, seconds: float, clients: int, env: dict[str, str]) -> tuple[str, FloodResult]:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='jisr-flood-')}/server.db"
    _prepare(url)
    # All the attackers share 127.0.0.1, so the per-address budget is lifted: what is
    # measured is the bound on password checks, the defence against many addresses.
    server = Server(url, env={"JISR_SERVER_LOGIN_FAILURE_DELAY": "1.0",
                              "JISR_SERVER_LOGIN_PER_ADDRESS_PER_MINUTE": "100000000",
                              **env})
    try:
        token = login(server.url, "agent_a", "bench").json()["token"]
        headers = {"Authorization": f"Bearer {token}", "X-Device-Id": "bench"}
        result = flood(server.url, server.proc.pid, headers, seconds=seconds, clients=clients)
    finally:
        server.stop()
    print(f"{label}: RSS {result.rss_before:.0f} -> {result.rss_peak:.0f} MiB, GET "
          f"{result.get_before * 1000:.1f} ms -> median {result.get_median * 1000:.0f} ms, "
          f"max {result.get_max * 1000:.0f} ms ({len(result.get_during)} GETs), "
          f"answers {dict(result.statuses)}")
    return label, result


def _row(label: str, seconds: float, r: FloodResult) -> str:
    ms = (lambda v: "never answered" if v == float("inf") else f"{v * 1000:.0f}")  # noqa: E731
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
    return (f"| {label} | {seconds:.0f} | {r.rss_before:.0f} | {r.rss_peak:.0f} | "
            f"{r.get_before * 1000:.1f} | {ms(r.get_median)} | {ms(r.get_max)} | "
            f"{len(r.get_during)} | {answers} |")


def write(rows: list[str], clients: int) -> None:
    load = os.getloadavg()[0]
    lines = [
        SECTION,
        "",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; shared with other sessions "
        f"(1-minute load {load:.1f} at the end): compare the rows, not absolute figures.",
        f"- Load: {clients} client threads, 200 distinct random usernames, wrong passwords, "
        "back to back; one thread times an authenticated `GET /v1/sync/pull?limit=1` every "
        "0.1 s; RSS of the server process sampled every 50 ms.",
        "- Bounded: the shipped settings (password checks at a time: half the cores, "
        "here 1; 8 waiting at most 2 s, then 503 + Retry-After). Unbounded: the same "
        "server with no bound (before).",
        "",
        "| server | s | RSS before MiB | RSS peak MiB | GET before ms | GET median ms | "
        "GET max ms | GETs | answers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
    ]
    target = REPO / "bench" / "RESULTS.md"
    existing = target.read_text(encoding="utf-8")
    start = existing.find(SECTION)
    if start < 0:
        before, after = existing.rstrip("\n") + "\n\n", ""
    else:
        following = existing.find("\n## ", start + len(SECTION))
        before, after = existing[:start], existing[following:] if following >= 0 else ""
    target.write_text(before + "\n".join(lines) + "\n" + after, encoding="utf-8")
    print(f"written to {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--unbounded-seconds", type=float, default=0.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    if args.unbounded_seconds > 0:
        label, result = run("unbounded (before)", args.unbounded_seconds, args.clients,
                            UNBOUNDED)
        rows.append(_row(label, args.unbounded_seconds, result))
    label, result = run("bounded", args.seconds, args.clients, {})
    rows.append(_row(label, args.seconds, result))
    if not args.no_write:
        write(rows, args.clients)
    return 0


if __name__ == "__main__":
    sys.exit(main())
