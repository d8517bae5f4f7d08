"""A login flood, shared by tests/server/test_login_flood.py (a few seconds) and
bench/bench_login_flood.py (20 s): `clients` threads log in with distinct random usernames
while one more thread times an authenticated GET and another samples the server's RSS."""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class FloodResult:
    rss_before: float
    rss_peak: float
    get_before: float  # median seconds of the authenticated GET, before the flood
    get_during: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    retry_after_missing: int = 0

    @property
    def get_median(self) -> float:
        return statistics.median(self.get_during) if self.get_during else float("inf")

    @property
    def get_max(self) -> float:
        return max(self.get_during) if self.get_during else float("inf")

    @property
    def attempts(self) -> int:
        return sum(self.statuses.values())


def _timed_get(url: str, headers: dict[str, str]) -> float:
    started = time.monotonic()
    response = requests.get(url + "/v1/sync/pull", params={"limit": 1}, headers=headers,
                            timeout=120)
    assert response.status_code == 200, response.text
    return time.monotonic() - started


def _time_gets(url: str, headers: dict[str, str], seconds: float, delay: float,
               out: Any) -> None:
    """In a process of its own: time the GET every 0.1 s, once the flood is under way."""
    stop = time.monotonic() + seconds
    time.sleep(delay)
    found = []
    while time.monotonic() < stop:
        found.append(_timed_get(url, headers))
        time.sleep(0.1)
    out.put(found)


def flood(url: str, pid: int, headers: dict[str, str], *, seconds: float, clients: int = 200,
          usernames: int = 200) -> FloodResult:
    """Flood `url` with logins for `seconds`; `headers` authenticate the timed GET."""
    result = FloodResult(rss_mib(pid), rss_mib(pid),
                         statistics.median(_timed_get(url, headers) for _ in range(10)))
    names = [f"flood-{uuid.uuid4().hex[:12]}" for _ in range(usernames)]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def attacker(index: int) -> None:
        session = requests.Session()
        n = index
        while time.monotonic() < stop:
            try:
                response = session.post(url + "/v1/auth/login", timeout=60, json={
                    "username": names[n % len(names)], "password": "guess-" + str(n),
                    "device_id": "flood"})
            except requests.RequestException:
                response = None
            n += clients
            with lock:
                result.statuses[response.status_code if response is not None else 0] += 1
                if response is not None and response.status_code in (429, 503) and (
                    "Retry-After" not in response.headers
                ):
                    result.retry_after_missing += 1

    def sampler() -> None:
        while time.monotonic() < stop:
            result.rss_peak = max(result.rss_peak, rss_mib(pid))
            time.sleep(0.05)

    # The GET is timed from another process: among 200 busy client threads, it would
    # mostly measure this process's own GIL.
    context = multiprocessing.get_context("spawn")
    timings = context.Queue()
    getter = context.Process(target=_time_gets, args=(url, headers, stop - time.monotonic(),
                                                      min(1.0, seconds / 4), timings))
    getter.start()
    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=sampler)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.get_during = timings.get(timeout=180)
    getter.join(timeout=60)
    result.rss_peak = max(result.rss_peak, rss_mib(pid))
    return result
