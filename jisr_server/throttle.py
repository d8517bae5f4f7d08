"""What keeps a login flood from stalling the server (docs/server.md, "Login flood").

A password check is argon2id: 64 MiB and tens of milliseconds of CPU each, by design. The
per-username lock-out does nothing against many usernames at once (a flood of 200 distinct
names took the server from 481 MiB to 5.3 GiB and an authenticated GET from 7 ms to 20 s),
so two more bounds stand before it:

- a per-client-address budget of attempts (a token bucket: `rate` a minute, as a burst),
  answered 429 with Retry-After, at the cost of a dictionary look-up;
- a fixed number of password checks at a time, with a short queue: a login that finds the
  queue full, or waits longer than `wait` seconds, is answered 503 with Retry-After. The
  queue is waited on in the event loop, so waiting logins hold no thread and no memory
  beyond their request, and the other routes keep their threads.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jisr_desktop.sync.protocol import Code
from jisr_server.errors import ApiError

# Addresses remembered at most; the least recently seen are forgotten first. A forgotten
# address starts with a full budget again, which a flood of spoofed sources cannot use:
# TCP needs a real handshake from each address.
_MAX_ADDRESSES = 10_000


class AddressBudget:
    """At most `per_minute` login attempts a minute from one client address."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait_for(self, address: str, now: float | None = None) -> float:
        """0 when `address` may try now (the attempt is spent); else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0
            self._buckets[address] = (tokens, now)
            while len(self._buckets) > _MAX_ADDRESSES:
                self._buckets.popitem(last=False)
        return wait


class HashSlots:
    """`size` password checks at a time, `queue` more waiting at most `wait` seconds."""

    def __init__(self, size: int, queue: int, wait: float, retry_after: int) -> None:
        self.size = max(1, size)
        self.queue = max(0, queue)
        self.wait = wait
        self.retry_after = retry_after
        self._semaphore: asyncio.Semaphore | None = None
        self._waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._semaphore is None:  # made in the event loop that serves the requests
            self._semaphore = asyncio.Semaphore(self.size)
        semaphore = self._semaphore
        if semaphore.locked() and self._waiting >= self.queue:
            raise self._busy()
        self._waiting += 1
        try:
            await asyncio.wait_for(semaphore.acquire(), self.wait)
        except TimeoutError:
            raise self._busy() from None
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            semaphore.release()

    def _busy(self) -> ApiError:
        return ApiError(
            503,
            Code.BUSY,
            "too many logins at once; retry after Retry-After seconds",
            headers={"Retry-After": str(self.retry_after)},
            retry_after=self.retry_after,
        )


def too_many_from_address(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(
        429,
        Code.TOO_MANY_ATTEMPTS,
        "too many login attempts from this address; retry after Retry-After seconds",
        headers={"Retry-After": str(seconds)},
        retry_after=seconds,
    )
