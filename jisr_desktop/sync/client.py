"""The HTTP side of sync: one `requests.Session`, gzip both ways, timeouts from the
measured link, backoff with jitter, and no trust in a 200 that is not the server's.

A rural link gives 20-50 kbit/s with round trips near a second, cuts mid-request and
captive portals. Timeouts follow what the request should take at the goodput measured so
far (a fixed 30 s is too short for a batch on EDGE and far too long for a dead link),
and every answer is checked for the shape only the server gives.
"""

from __future__ import annotations

import gzip
import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from jisr_desktop.sync.protocol import DEVICE_HEADER, PROTOCOL_VERSION

# Before anything is measured: a little under a 2G link's 20 kbit/s.
INITIAL_GOODPUT = 2_000.0  # bytes per second
INITIAL_RTT = 1.0  # seconds
MIN_TIMEOUT, MAX_TIMEOUT = 8.0, 300.0
USER_AGENT = f"jisr-desktop-sync/{PROTOCOL_VERSION}"
LINK_FAILURES = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class LinkError(Exception):
    """The link failed (timeout, reset, refused connection, captive portal): nothing was
    learnt about what the server did; the same request may be sent again."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class HttpError(Exception):
    """The server answered with an error: `status`, its stable `code`, `retry_after`."""

    def __init__(self, status: int, code: str, retry_after: float | None = None,
                 body: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status, self.code, self.retry_after = status, code, retry_after
        self.body = dict(body or {})


@dataclass
class Reply:
    status: int
    data: Any  # parsed JSON, or None for 304
    headers: Mapping[str, str]
    bytes_up: int
    bytes_down: int
    seconds: float


class Link:
    """What has been measured of the link: goodput (EWMA) and round-trip time."""

    def __init__(self, goodput: float = INITIAL_GOODPUT, rtt: float = INITIAL_RTT,
                 min_timeout: float = MIN_TIMEOUT) -> None:
        self.goodput = goodput
        self.rtt = rtt
        self.min_timeout = min_timeout  # tests lower it to see a black hole quickly

    def timeout(self, bytes_up: int, bytes_down: int) -> tuple[float, float]:
        """(connect, read) seconds: three times what the transfer should take, plus a few
        round trips for the server's work and the handshake."""
        expected = (bytes_up + bytes_down) / max(self.goodput, 200.0)
        slack = 4 * self.rtt + self.min_timeout / 2
        read = min(MAX_TIMEOUT, max(self.min_timeout, 3 * expected + slack))
        return (min(30.0, max(self.min_timeout / 2, 4 * self.rtt)), read)

    def measured(self, nbytes: int, seconds: float) -> None:
        if nbytes < 2_000 or seconds <= 0:  # small replies measure latency, not bandwidth
            self.rtt = 0.7 * self.rtt + 0.3 * max(0.01, seconds)
            return
        transfer = max(0.05, seconds - self.rtt)
        self.goodput = 0.6 * self.goodput + 0.4 * (nbytes / transfer)


class Backoff:
    """Exponential backoff with full jitter; a server's Retry-After wins when given."""

    def __init__(self, base: float = 1.0, cap: float = 60.0,
                 rng: random.Random | None = None) -> None:
        self.base, self.cap = base, cap
        self.rng = rng or random.Random()
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        self.failures += 1
        if retry_after is not None:
            return min(self.cap * 5, max(0.0, retry_after))
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** (self.failures - 1)))

    def reset(self) -> None:
        self.failures = 0


def encode_body(body: Any) -> bytes:
    """A request body as it goes on the wire: compact JSON, gzip level 9."""
    return gzip.compress(json.dumps(body, separators=(",", ":"),
                                    ensure_ascii=False).encode("utf-8"), 9)


class Client:
    """One server, one device: every request names the device, tokens are per call."""

    def __init__(self, base_url: str, device_id: str, *,
                 session: requests.Session | None = None, link: Link | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self.session = session or requests.Session()
        self.session.headers.update({
            DEVICE_HEADER: device_id,
            "Accept-Encoding": "gzip",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        self.link = link or Link()
        self.clock = clock
        self.bytes_up = 0
        self.bytes_down = 0
        self.useful_up = 0  # bytes of requests that got their answer (goodput)
        self.useful_down = 0
        # The push keeps two requests on the link (two connections of the one session's
        # pool): the counters and the link's measures are updated under this lock.
        self._lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    def call(self, method: str, path: str, *, token: str | None = None,
             body: Any = None, params: Mapping[str, Any] | None = None,
             expect_down: int = 2_000, headers: Mapping[str, str] | None = None) -> Reply:
        """One request. Raises LinkError when the link failed, HttpError for a server
        error; returns the reply of a 2xx/304 whose body is JSON (or empty on 304)."""
        head = dict(headers or {})
        if token:
            head["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = encode_body(body)
            head.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        up = len(data or b"") + 300  # headers, roughly
        start = self.clock()
        try:
            response = self.session.request(
                method, self.base_url + path, data=data, params=params, headers=head,
                timeout=self.link.timeout(up, expect_down), allow_redirects=False)
            raw = response.content
        except LINK_FAILURES as exc:
            raise LinkError(type(exc).__name__) from exc
        seconds = self.clock() - start
        down = int(response.headers.get("Content-Length") or len(raw)) + 200
        with self._lock:
            self.bytes_up += up
            self.bytes_down += down
            self.link.measured(up + down, seconds)
        reply = self._reply(response, raw, up, down, seconds)
        with self._lock:
            self.useful_up += up
            self.useful_down += down
        return reply

    @staticmethod
    def _reply(response: requests.Response, raw: bytes, up: int, down: int,
               seconds: float) -> Reply:
        if response.status_code == 304:
            return Reply(304, None, response.headers, up, down, seconds)
        kind = response.headers.get("Content-Type", "")
        try:
            data = json.loads(raw) if "json" in kind else None
        except ValueError:
            data = None
        if 300 <= response.status_code < 400 or (response.ok and not isinstance(data, dict)):
            # A redirect or an HTML page: a captive portal or a proxy, not the server.
            raise LinkError("not_the_server")
        if not response.ok:
            code = data.get("code") if isinstance(data, dict) else None
            if not code:
                if response.status_code >= 500 or data is None:
                    raise LinkError(f"http_{response.status_code}")
                code = f"http_{response.status_code}"
            retry = response.headers.get("Retry-After")
            raise HttpError(response.status_code, str(code),
                            float(retry) if retry and retry.isdigit() else None, data)
        return Reply(response.status_code, data, response.headers, up, down, seconds)
