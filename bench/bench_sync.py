"""Sync over a 2G-like link, and many devices at once against PostgreSQL.

    .venv/bin/python bench/bench_sync.py                 # the defaults below
    .venv/bin/python bench/bench_sync.py --records 2000 --baseline 500 --scale 10 --no-write
    .venv/bin/python bench/bench_sync.py --skip-link --devices 50 --per-device 2000

Part 1: N synthetic registrations made on one device, pushed by the real engine through
the impairment proxy (tests/sync/proxy.py) set to 20 kbit/s each way, 600 ms round trip,
the link cut every few minutes, two batches in flight; then the pull (`exclude_own`: the
device's own records do not come back down). In the same run, a
second device sends `--baseline` records one request per record, uncompressed, each after
a HEAD-like probe, the way OpenRosa clients submit. `--scale S` runs the link S times
faster (rate x S, delay / S, cut interval / S, backoff / S): shares and bytes are
unchanged, times are reported both as measured and x S.

Part 2: `--devices` stores of `--per-device` records each sync at once (threads of this
process, one engine each) against `jisr-server serve --workers 2` on PostgreSQL, one
field agent per device in a province of her own; every record must be on the server
exactly once. `--json PATH` keeps each part's figures as soon as it ends.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jisr_desktop.models.demo.data import generate  # noqa: E402
from jisr_desktop.models.programme.definitions import load_directory  # noqa: E402
from jisr_desktop.models.programme.form import from_definition  # noqa: E402
from jisr_desktop.models.programme.reference import load_reference  # noqa: E402
from jisr_desktop.models.store import sync_state  # noqa: E402
from jisr_desktop.models.store.database import Store  # noqa: E402
from jisr_desktop.models.store.repository import Repository  # noqa: E402
from jisr_desktop.models.workflows.enrolment import derived_from, evaluate  # noqa: E402
from jisr_desktop.sync.accounts import credentials, login  # noqa: E402
from jisr_desktop.sync.client import Client, Link  # noqa: E402
from jisr_desktop.sync.engine import SyncEngine  # noqa: E402
from tests.conftest import distinct_woman  # noqa: E402
from tests.server.conftest import PASSWORD, Server, _postgres_database, _prepare  # noqa: E402
from tests.sync.proxy import Proxy  # noqa: E402

SECTION = "## Sync over a 2G link (`bench/bench_sync.py`) — sync engineer"
PASSPHRASE = "bench passphrase"
RATE = 20_000 / 8  # bytes per second, each way
ONE_WAY = 0.300  # seconds: 600 ms round trip
TODAY = date(2026, 11, 30)


def databases():
    try:
        return _postgres_database()
    except BaseException:  # pytest.skip outside pytest: fall back to SQLite
        folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
        return iter([f"sqlite:///{folder / 'server.db'}"])


def device(folder: Path, count: int, seed: int, defs, agent: str = "Bench Agent") -> Store:
    """A store with `count` valid registrations in its outbox (evaluated as at TODAY)."""
    store = Store.create(folder, agent, PASSPHRASE, role="admin", province_code="07.351")
    repo = Repository(store)
    repo.install_definitions(defs.all())
    active = repo.active_definitions()
    reference = load_reference()
    items = []
    for sub in generate(count * 2, seed, today=TODAY, reference=reference):
        if sub.get("consent") != "yes":
            continue  # the server refuses a refusal without a province (see RESULTS notes)
        ev = evaluate(active, sub, today=TODAY, reference=reference)
        if ev.validation.ok:
            items.append((ev.validation.answers, derived_from(ev), None))
        if len(items) == count:
            break
    repo.bulk_save(items, form=active.form)
    return store


def variants(store_template: list, n: int, seed: int,
             place: tuple[str, str, str] | None = None) -> list:
    """Copies of evaluated items, each a woman of her own: a fresh CIN and last names in
    both scripts (neither is scored), so the server flags no pairs among the devices'
    copies of one template; all in `place` (province, region, commune) if given (neither
    scored nor oriented by). The birth date stays the template's: it is scored (the age
    decides eligibility), and a copy scored otherwise on the server comes back down,
    which is what made each of the 50 devices pull its 2,000 records back in the first
    runs of this bench."""
    where = {"province": place[0], "region": place[1], "commune": place[2]} if place else {}
    out = []
    for i, (answers, derived, _rid) in enumerate(store_template[:n]):
        woman = distinct_woman(("bench_sync", seed, i))
        woman.pop("date_of_birth")
        out.append(({**answers, **woman, **where}, derived, None))
    return out


def places(count: int) -> list[tuple[str, str, str]]:
    """(province, region, commune) for `count` devices, a province each while they last
    (as bench_server.places)."""
    ref = load_reference()
    found = []
    for province in ref.provinces.values():
        communes = ref.communes_of(province.code)
        if communes and province.type != "prefecture_of_arrondissements":
            found.append((province.code, province.region_code, communes[0].code))
    return [found[i % len(found)] for i in range(count)]


def sign_in(store: Store, url: str, username: str = "admin") -> dict:
    login(store, PASSPHRASE, url, username, PASSWORD)
    return credentials(store, PASSPHRASE)


def link_run(args, server: Server, defs, tmp: Path) -> dict[str, Any]:
    scale = args.scale
    proxy = Proxy("127.0.0.1", server.port, delay=ONE_WAY / scale, rate=RATE * scale)
    proxy.start()
    try:
        store = device(tmp / "link", args.records, 7, defs)
        creds = sign_in(store, proxy.url)
        ids = [r for (r,) in _ids(store)]
        proxy.reset_counts()
        stop = threading.Event()
        cuts = [0]

        def cutter() -> None:
            while not stop.wait(args.cut_every / scale):
                proxy.cut()
                cuts[0] += 1

        threading.Thread(target=cutter, daemon=True).start()
        client = Client(proxy.url, sync_state.device_id(store), link=Link())
        engine = SyncEngine(store, creds, client=client, definitions=False, max_attempts=50,
                            backoff_base=1.0 / scale)
        runs = 0
        start = time.monotonic()
        push_done = None

        def progress(p) -> None:
            nonlocal push_done
            if push_done is None and p.phase != "push":
                push_done = (time.monotonic() - start, proxy.up, proxy.down,
                             client.useful_up)

        while True:
            runs += 1
            summary = engine.run(progress=progress)
            if summary.ok or runs > 50:
                break
        total = time.monotonic() - start
        stop.set()
        push_s, push_up, push_down, useful_up = push_done or (total, proxy.up, proxy.down,
                                                              client.useful_up)
        n = len(ids)
        result = {
            "records": n, "runs": runs, "cuts": cuts[0], "scale": scale,
            "push_s": push_s, "total_s": total,
            "push_up_bytes_per_record": push_up / n, "push_down_bytes_per_record": push_down / n,
            "push_wire_bytes_per_record": (push_up + push_down) / n,
            "pull_down_bytes_per_record": (proxy.down - push_down) / n,
            "link_use_up": push_up / (push_s * RATE * scale),
            "goodput_share_up": useful_up / (push_s * RATE * scale),
            "push_s_per_record": push_s / n,
            "duplicates_answered": summary.duplicates,
        }
        result.update(check(server.url, store, ids))
        result.update(baseline(args, proxy, defs, tmp))
        store.close()
        return result
    finally:
        proxy.stop()


def _ids(store: Store):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT id FROM records").fetchall()


def check(url: str, store: Store, ids: list[str]) -> dict[str, Any]:
    """Lost: a local record not on the server at its local version; duplicated: a record
    whose server version is above the local one (an op applied twice)."""
    from tests.server.conftest import Client as Raw
    from tests.server.conftest import login as raw_login

    device_id = f"check-{uuid.uuid4().hex[:8]}"
    token = raw_login(url, "admin", device_id).json()["token"]
    changes = Raw(url, token, device_id).pull_all(0, limit=1000)
    on_server = {c["id"]: c for c in changes if c["entity"] == "record"}
    repo = Repository(store)
    # Calculations (the age) are worked out again by the server on the day it received the
    # op (docs/sync-protocol.md): not an edit, so not compared.
    form = from_definition(repo.active_definitions().form)
    calculated = {f.name for f in form.fields if f.type == "calculate"}

    def content(answers) -> dict:
        return {k: v for k, v in dict(answers).items() if k not in calculated}

    lost = dup = 0
    for rid in ids:
        local = repo.get(rid)
        remote = on_server.get(rid)
        if remote is None or remote["version"] < local.version:
            lost += 1
        elif remote["version"] > local.version or content(remote["answers"]) != content(
                local.answers):
            dup += 1
    return {"lost": lost, "duplicated": dup}


def baseline(args, proxy: Proxy, defs, tmp: Path) -> dict[str, Any]:
    """One request per record, uncompressed, each after a probe: OpenRosa's way."""
    store = device(tmp / "baseline", args.baseline, 11, defs, agent="Baseline Agent")
    token = sign_in(store, proxy.url)["Baseline Agent"].token
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT op_id, record_id, op, base_version, payload FROM outbox ORDER BY seq"
        ).fetchall()
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}",
                            "X-Device-Id": sync_state.device_id(store)})
    proxy.reset_counts()
    start = time.monotonic()
    sent = 0
    for op_id, record_id, op, base, payload in rows:
        body = {"batch_id": str(uuid.uuid4()), "ops": [{
            "op_id": op_id, "record_id": record_id, "op": op, "base_version": base,
            "payload": json.loads(payload)}]}
        for _attempt in range(20):
            try:
                session.head(proxy.url + "/v1/health", timeout=30)
                r = session.post(proxy.url + "/v1/sync/push", json=body, timeout=60)
                if r.ok:
                    sent += 1
                    break
            except requests.RequestException:
                time.sleep(1.0 / args.scale)
    seconds = time.monotonic() - start
    store.close()
    return {"baseline_records": sent, "baseline_s_per_record": seconds / max(1, sent),
            "baseline_wire_bytes_per_record": (proxy.up + proxy.down) / max(1, sent)}


def scale_run(args, defs, tmp: Path) -> dict[str, Any]:
    dbs = _postgres_database()
    url = next(dbs)
    _prepare(url)
    server = Server(url, workers=2)
    try:
        template = device(tmp / "template", args.per_device, 3, defs, agent="Template")
        with template.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT answers FROM records").fetchall()
        active = Repository(template).active_definitions()
        template.close()
        items = []
        for (answers,) in rows:
            ev = evaluate(active, json.loads(answers), today=TODAY)
            items.append((ev.validation.answers, derived_from(ev), None))
        # One field agent per device, each in a province of her own (as the programme's
        # agents are): each device then pulls its province, not 49 other devices' records.
        from jisr_server.auth import create_user
        from jisr_server.db import make_engine

        where = places(args.devices)
        db = make_engine(url)
        for d, (province, _region, _commune) in enumerate(where):
            create_user(db, f"bench_agent_{d}", PASSWORD, "field_agent", f"province:{province}")
        db.dispose()
        stores = []
        for d in range(args.devices):
            store = Store.create(tmp / f"dev{d}", f"Agent {d}", PASSPHRASE, role="admin",
                                 province_code=where[d][0])
            repo = Repository(store)
            repo.install_definitions(defs.all())
            repo.bulk_save(variants(items, args.per_device, d, where[d]), form=active.form)
            stores.append((store, sign_in(store, server.url, f"bench_agent_{d}")))
        summaries: list[Any] = [None] * len(stores)

        def one(i: int) -> None:
            store, creds = stores[i]
            engine = SyncEngine(store, creds, definitions=False, max_attempts=30)
            for _ in range(10):
                summaries[i] = engine.run()
                if summaries[i].left == 0:
                    return

        start = time.monotonic()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - start
        lost = dup = 0
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            counts = dict(conn.execute("SELECT id, version FROM records").fetchall())
        for store, _creds in stores:
            for (rid,) in _ids(store):
                v = counts.get(rid)
                lost += v is None
                dup += bool(v and v > 1)
            store.close()
        return {"devices": args.devices, "per_device": args.per_device, "seconds": seconds,
                "records": args.devices * args.per_device, "lost": lost, "duplicated": dup,
                "left": sum(s.left for s in summaries if s),
                "pulled": sum(s.pulled for s in summaries if s),
                "records_per_s": args.devices * args.per_device / seconds}
    finally:
        server.stop()
        next(dbs, None)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=10_000)
    p.add_argument("--baseline", type=int, default=500)
    p.add_argument("--scale", type=float, default=4.0)
    p.add_argument("--cut-every", type=float, default=180.0, help="seconds of real link")
    p.add_argument("--devices", type=int, default=50)
    p.add_argument("--per-device", type=int, default=2000)
    p.add_argument("--skip-link", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument("--no-write", action="store_true")
    p.add_argument("--json", type=Path, help="write the figures here after each part")
    args = p.parse_args()
    defs = load_directory()
    results: dict[str, Any] = {"args": vars(args)}
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        if not args.skip_link:
            dbs = databases()
            url = next(dbs)
            _prepare(url)
            server = Server(url)
            try:
                results["link"] = link_run(args, server, defs, Path(tmp))
            finally:
                server.stop()
                next(dbs, None)
            print(json.dumps(results["link"], indent=1), flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1, default=str))
        if not args.skip_scale:
            results["scale"] = scale_run(args, defs, Path(tmp))
            print(json.dumps(results["scale"], indent=1), flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=1, default=str))
    if not args.no_write:
        write_results(results)
    return 0


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}"


def write_results(results: dict[str, Any]) -> None:
    lines = [SECTION, "",
             f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; machine: "
             f"{machine()}; load average at the end "
             f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}.",
             f"- Command: `bench/bench_sync.py {' '.join(sys.argv[1:])}`", ""]
    link = results.get("link")
    if link:
        s = link["scale"]
        lines += [
            f"### {link['records']} registrations through the proxy: 20 kbit/s each way, "
            f"600 ms RTT, a cut every {results['args']['cut_every']:.0f} s "
            f"(run {s:g}x faster: times x {s:g} below are the real-link equivalents)", "",
            "| figure | value | target |", "|---|---:|---:|",
            f"| push time (real-link equivalent) | {link['push_s']:.1f} s "
            f"({link['push_s'] * s / 60:.1f} min) | |",
            f"| cuts during the run / engine runs | {link['cuts']} / {link['runs']} | |",
            f"| uplink use during the push (bytes on the wire / capacity) | "
            f"{100 * link['link_use_up']:.0f}% | >= 80% |",
            f"| goodput, uplink (bytes of answered requests / capacity) | "
            f"{100 * link['goodput_share_up']:.0f}% | |",
            f"| bytes on the wire per record, push, up + down | "
            f"{link['push_wire_bytes_per_record']:.0f} "
            f"({link['push_up_bytes_per_record']:.0f} + "
            f"{link['push_down_bytes_per_record']:.0f}) | <= 200 |",
            f"| bytes per record, the pull after the push (own records left out) | "
            f"{link['pull_down_bytes_per_record']:.1f} | |",
            f"| time per record, push (real-link equivalent) | "
            f"{1000 * link['push_s_per_record'] * s:.0f} ms | |",
            f"| baseline: one request per record ({link['baseline_records']} records) | "
            f"{1000 * link['baseline_s_per_record'] * s:.0f} ms/record, "
            f"{link['baseline_wire_bytes_per_record']:.0f} B/record | |",
            f"| speed-up per record over the baseline | "
            f"{link['baseline_s_per_record'] / link['push_s_per_record']:.0f}x | >= 10x |",
            f"| lost / duplicated | {link['lost']} / {link['duplicated']} | 0 / 0 |",
            f"| ops answered \"duplicate\" (resent after cuts) | "
            f"{link['duplicates_answered']} | |", ""]
    scale = results.get("scale")
    if scale:
        lines += [
            f"### {scale['devices']} devices x {scale['per_device']} records at once, "
            "PostgreSQL, `--workers 2`", "",
            f"- {scale['records']} records in {scale['seconds']:.1f} s "
            f"({scale['records_per_s']:.0f} records/s); lost {scale['lost']}, duplicated "
            f"{scale['duplicated']}, left in outboxes {scale['left']}; changes pulled by "
            f"all devices together {scale.get('pulled', 0)}.", ""]
    target = REPO / "bench" / "RESULTS.md"
    existing = target.read_text(encoding="utf-8")
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
