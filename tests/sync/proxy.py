"""An impairment proxy of our own: asyncio, loopback only, in a thread of the test.

Linux netem is not in this kernel, and a real 2G link cannot be ordered in CI; this
proxy sits between the client and the real server and makes the link bad on purpose:

- `delay` one way (seconds, each direction: the round trip is twice that),
- `rate` bytes per second, each direction (a bottleneck queue, then the delay),
- faults, for the next connection(s) or for all: `reset_after` N bytes sent up (the
  server sees a cut body, so nothing commits), `drop_reply` (the request is forwarded
  whole, then the connection closes at the reply's first byte: the server has
  committed and the client never hears), `black_hole` (accept and say nothing),
  `portal` (a captive portal's 200 with an HTML page),
- `cut()` closes every open connection now (a link that drops).

`up` and `down` count the bytes that crossed, as a link would bill them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass

PORTAL = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 62\r\n"
          b"Connection: close\r\n\r\n<html><body>Welcome to the free hotspot. Log in</body></html>")
CHUNK = 1024


@dataclass
class Fault:
    kind: str  # "reset_after" | "drop_reply" | "black_hole" | "portal"
    n: int = 0  # bytes, for reset_after


class _Pipe:
    """One direction: a bottleneck of `rate` bytes/s, then `delay` seconds of flight."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.busy_until = 0.0

    def arrival(self, nbytes: int) -> float:
        now = time.monotonic()
        rate = self.proxy.rate
        start = max(now, self.busy_until)
        self.busy_until = start + (nbytes / rate if rate else 0.0)
        return self.busy_until + self.proxy.delay


class Proxy:
    def __init__(self, target_host: str, target_port: int, *, delay: float = 0.0,
                 rate: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay, self.rate = delay, rate
        self.up = 0
        self.down = 0
        self.connections = 0
        self.faults: list[Fault] = []  # one per new connection, in order
        self.always: Fault | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        # One bottleneck per direction for the whole link, as a radio link has.
        self._up_pipe = _Pipe(self)
        self._down_pipe = _Pipe(self)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- control, from the test's thread -------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        self.port = future.result(10)

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._open):
                writer.transport.abort()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def fault_next(self, kind: str, n: int = 0) -> None:
        self.faults.append(Fault(kind, n))

    def set_always(self, kind: str | None, n: int = 0) -> None:
        self.always = Fault(kind, n) if kind else None

    def cut(self) -> None:
        """Drop every open connection now, as a link that goes down. What was queued on
        the link is lost with them: the link is free again from now (without this, the
        bytes of the cut requests, which the client hands over all at once, kept it busy
        long after the cut, as no real link does)."""
        def abort() -> None:
            now = time.monotonic()
            for pipe in (self._up_pipe, self._down_pipe):
                pipe.busy_until = min(pipe.busy_until, now)
            for writer in list(self._open):
                writer.transport.abort()

        self._loop.call_soon_threadsafe(abort)

    def reset_counts(self) -> None:
        self.up = self.down = 0

    # -- the proxy itself ----------------------------------------------------------------

    async def _listen(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _handle(self, c_reader: asyncio.StreamReader,
                      c_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        fault = self.faults.pop(0) if self.faults else self.always
        self._open.add(c_writer)
        try:
            if fault and fault.kind == "black_hole":
                with contextlib.suppress(Exception):
                    while await c_reader.read(CHUNK):
                        pass
                return
            if fault and fault.kind == "portal":
                with contextlib.suppress(Exception):
                    await c_reader.read(CHUNK)
                    c_writer.write(PORTAL)
                    await c_writer.drain()
                return
            try:
                s_reader, s_writer = await asyncio.open_connection(*self.target)
            except OSError:
                return
            self._open.add(s_writer)
            done = asyncio.Event()
            up = asyncio.create_task(self._carry(c_reader, s_writer, self._up_pipe, True,
                                                 fault, done, c_writer))
            down = asyncio.create_task(self._carry(s_reader, c_writer, self._down_pipe, False,
                                                   fault, done, s_writer))
            await done.wait()
            for task in (up, down):
                task.cancel()
            for writer in (s_writer, c_writer):
                writer.transport.abort()
            self._open.discard(s_writer)
        finally:
            self._open.discard(c_writer)
            c_writer.transport.abort()

    async def _carry(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     pipe: _Pipe, upward: bool, fault: Fault | None, done: asyncio.Event,
                     other: asyncio.StreamWriter) -> None:
        """Read as fast as the sender sends; a second task delivers each chunk at its
        arrival time (bottleneck, then flight), so the delay is paid once, not per chunk."""
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        deliver = asyncio.create_task(self._deliver_all(queue, writer, upward, done))
        sent = 0
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                if not upward and fault and fault.kind == "drop_reply":
                    done.set()  # the server answered: the client never hears it
                    return
                if upward and fault and fault.kind == "reset_after" and sent + len(data) > fault.n:
                    data = data[: max(0, fault.n - sent)]
                    if data:
                        queue.put_nowait((pipe.arrival(len(data)), data))
                    break
                queue.put_nowait((pipe.arrival(len(data)), data))
                sent += len(data)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        finally:
            queue.put_nowait(None)
        await deliver

    async def _deliver_all(self, queue: asyncio.Queue, writer: asyncio.StreamWriter,
                           upward: bool, done: asyncio.Event) -> None:
        try:
            while (item := await queue.get()) is not None:
                at, data = item
                wait = at - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
                if upward:
                    self.up += len(data)
                else:
                    self.down += len(data)
        except (ConnectionError, OSError):
            pass
        finally:
            done.set()
