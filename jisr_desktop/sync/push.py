"""Push: batches claimed in the store, sent under their author's token, answers settled.

The batch size follows the link: doubled after a quick success, halved after a timeout
or a 413 (a cut costs the batch whatever its size), between 1 and 500 ops (the server
takes up to 1,000). On EDGE a quick batch is a few tens of kilobytes: a cut then costs
one batch, never the whole outbox.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from jisr_desktop.models.store import sync_apply, sync_state
from jisr_desktop.models.store.sync_state import Batch, Settled
from jisr_desktop.models.store.tokens import DeviceToken
from jisr_desktop.sync import status as st
from jisr_desktop.sync.client import Client, HttpError, LinkError, Reply, encode_body
from jisr_desktop.sync.protocol import COMPACT, PushReply, Status
from jisr_desktop.sync.status import Phase, Progress, Stop

if TYPE_CHECKING:
    from jisr_desktop.sync.engine import RunContext

log = logging.getLogger(__name__)

MIN_BATCH, START_BATCH, MAX_BATCH = 1, 50, 500
QUICK_SECONDS = 20.0  # a batch answered within this may grow
RESULT_BYTES = 20  # one op's answer in a compact reply, gzipped, roughly
# Batches on the link at once: two keep the uplink busy while the other's reply comes
# down (bench/RESULTS.md: one at a time used 66 % of a 2G link). More would only queue
# behind the same bottleneck and cost more on a cut.
IN_FLIGHT = 2


class Pusher:
    def __init__(self, ctx: RunContext, client: Client) -> None:
        self.ctx, self.client = ctx, client
        saved = sync_state.get_value(ctx.store, "batch_size")
        self.size = int(saved) if saved else START_BATCH
        self._halt = threading.Event()
        self._resend: deque[Batch] = deque()
        self._ready: tuple[Batch, DeviceToken, dict] | None = None  # claimed, not yet sent
        self._due = 0.0  # monotonic time from which another batch may start

    def push_all(self) -> None:
        """Keep IN_FLIGHT batches on the link: the next one goes up while the server works
        on the last and its reply comes down, so the uplink never idles for a round trip.

        The next batch starts when the last one's body should be up (its size at the
        goodput measured), not at once: two bodies going up side by side would finish
        together and leave the uplink idle during both replies. Only the HTTP runs in the
        sender threads; the store is claimed and settled on this thread, in claim order.
        Each batch is claimed (committed in flight) before it is sent, and claims never
        share a record, so per-record order holds; a batch whose answer never came stays
        in flight and is resent with the same ids next run."""
        store = self.ctx.store
        self._resend = deque(sync_state.in_flight_batches(store))
        window: deque[tuple[Batch, Future]] = deque()
        with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="sync-push") as pool:
            try:
                while True:
                    self._fill(window, pool)
                    if not window:
                        return
                    waiting = self._ready is not None and len(window) < IN_FLIGHT
                    timeout = max(0.0, self._due - time.monotonic()) if waiting else None
                    done, _ = wait([window[0][1]], timeout=timeout)
                    if done:
                        batch, future = window.popleft()
                        self._answered(batch, future.result)
            finally:
                self._drain(window)
                sync_state.set_values(store, batch_size=self.size)

    def _fill(self, window: deque[tuple[Batch, Future]], pool: ThreadPoolExecutor) -> None:
        """Start batches while fewer than IN_FLIGHT are out and the link is free for one."""
        while len(window) < IN_FLIGHT:
            if self._ready is None:
                self.ctx.check()
                batch = self._resend.popleft() if self._resend else sync_state.claim_batch(
                    self.ctx.store, self.ctx.engine.credentials, self.size)
                if batch is None:
                    return
                token = self._token(batch)
                if token is None:
                    continue  # stays in flight, same ids, until she signs in again
                self._ready = (batch, token, self._body(batch))
            if window and time.monotonic() < self._due:
                return
            batch, token, body = self._ready
            self._ready = None
            # When its body should be up, a round trip early: then the next may start.
            now = time.monotonic()
            up = len(encode_body(body))
            self._due = max(now, self._due) + up / max(self.client.link.goodput, 200.0) \
                - self.client.link.rtt
            window.append((batch, pool.submit(self._sent, batch, token, body)))

    def _drain(self, window: deque[tuple[Batch, Future]]) -> None:
        """A run stopping: wait for the batches still on the link and keep the answers
        that came; the others stay in flight, resent with the same ids next time."""
        self._halt.set()  # the other sender stops retrying
        for batch, future in window:
            try:
                answer = future.result()
            except Exception:  # the run is already stopping for a reason of its own
                continue
            self._settle(batch, answer)

    def _token(self, batch: Batch) -> DeviceToken | None:
        creds = self.ctx.engine.credentials
        return creds.get(batch.author) or (
            None if batch.author else next(iter(creds.values()), None))

    def _sent(self, batch: Batch, token: DeviceToken,
              body: dict | None = None) -> tuple[Reply, PushReply]:
        """In a sender thread: the request, retried as the run's policy says, until the
        other sender's failure stops the run."""

        def attempt() -> tuple[Reply, PushReply]:
            if self._halt.is_set():
                raise Stop(st.LINK_FAILED)
            return self._post(batch, token.token, body)

        return self.ctx.call(attempt, on_timeout=self._shrink)

    def _shrink(self) -> None:
        self.size = max(MIN_BATCH, self.size // 2)

    def send(self, batch: Batch) -> None:
        """One batch alone, waiting for its answer (the parts of a split batch)."""
        token = self._token(batch)
        if token is None:
            return  # stays in flight, same ids, until she signs in again
        self._answered(batch, lambda: self._sent(batch, token))

    def _answered(self, batch: Batch, answer: Callable[[], tuple[Reply, PushReply]]) -> None:
        try:
            reply = answer()
        except HttpError as exc:
            if exc.status == 413:
                self._too_large(batch)
                return
            if exc.status == 401:
                self.ctx.token_failure(batch.author, exc)
                return
            log.warning("push refused as a whole: %s", exc)
            raise Stop(st.SERVER_ERROR) from exc
        self._settle(batch, reply)

    def _too_large(self, batch: Batch) -> None:
        self._shrink()
        if len(batch.rows) > 1:
            for part in sync_state.split_batch(self.ctx.store, batch):
                self.send(part)
            return
        row = batch.rows[0]  # one op alone above the server's limit: refused for good
        sync_state.settle(self.ctx.store, [Settled(row.op_id, row.record_id, "rejected", None, {
            "op_id": row.op_id, "record_id": row.record_id, "status": "rejected",
            "code": "body_too_large"})], sync_apply.release_into)

    @staticmethod
    def _body(batch: Batch) -> dict:
        return {"batch_id": batch.batch_id, COMPACT: True, "ops": [
            {"op_id": r.op_id, "record_id": r.record_id, "op": r.op,
             "base_version": r.base_version, "payload": _slim(json.loads(r.payload))}
            for r in batch.rows]}

    def _post(self, batch: Batch, token: str, body: dict | None = None
              ) -> tuple[Reply, PushReply]:
        body = body if body is not None else self._body(batch)
        reply = self.client.call("POST", "/v1/sync/push", token=token, body=body,
                                 expect_down=200 + RESULT_BYTES * len(batch.rows))
        return reply, _checked(reply, batch)

    def _settle(self, batch: Batch, answer: tuple[Reply, PushReply]) -> None:
        reply, push = answer
        store = self.ctx.store
        known = sync_state.get_value(store, "server_id")
        if known and known != push.server_id:
            log.warning("server id changed: starting over")
            sync_state.start_over(store, new_server=True, server_id=push.server_id)
        elif not known:
            sync_state.set_values(store, server_id=push.server_id)
        settled = [Settled(r.op_id, r.record_id, str(r.status), r.version, r.to_json())
                   for r in push.results]
        differ = sync_state.settle(store, settled, sync_apply.release_into)
        summary = self.ctx.summary
        if differ:
            # The server scored some records otherwise: they are fetched again after the
            # pull and take the server's whole evaluation (a day's age, another grid).
            log.info("server evaluation differs for %d record(s)", len(differ))
            summary.evaluations_differ += len(differ)
            sync_state.note_refetch(store, differ)
        done = [r for r in push.results if r.status in (Status.APPLIED, Status.DUPLICATE)]
        summary.pushed += len(done)
        summary.duplicates += sum(1 for r in done if r.status == Status.DUPLICATE)
        # Two batches share the link: each takes twice as long for the same bytes.
        if reply.seconds < QUICK_SECONDS * IN_FLIGHT and len(batch.rows) >= self.size:
            self.size = min(MAX_BATCH, self.size * 2)
        counts = sync_state.counts(store)
        self.ctx.progress(Progress(
            Phase.PUSH, sent=summary.pushed,
            left=counts.get(sync_state.PENDING, 0) + counts.get(sync_state.IN_FLIGHT, 0),
            bytes_up=self.client.bytes_up, bytes_down=self.client.bytes_down,
            speed=self.client.link.goodput))


def _slim(payload: dict) -> dict:
    """The server scores the answers itself and reads only the versions of the client's
    evaluation (docs/sync-protocol.md): the points per criterion would be about half of
    a registration's bytes on the wire, for nothing. A registration's `id` and `version`
    are informative there too (the op names the record, the server counts versions): 6
    bytes a record gzipped. (An item's payload keeps its `id`: that is the item's.)"""
    evaluation = payload.get("evaluation") if isinstance(payload, dict) else None
    if isinstance(evaluation, dict) and "versions" in evaluation:
        kept = {k: v for k, v in payload.items() if k not in ("id", "version")}
        return {**kept, "evaluation": {"versions": evaluation["versions"]}}
    return payload


def _checked(reply: Reply, batch: Batch) -> PushReply:
    """Only the server echoes the batch id with one result per op, in order: anything
    else (a portal's JSON, a proxy's page) is a failed link, never a success."""
    data = reply.data
    try:
        push = PushReply.from_json(data, [(r.op_id, r.record_id) for r in batch.rows])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError("not_the_server") from exc
    if push.batch_id != batch.batch_id or [r.op_id for r in push.results] != [
            r.op_id for r in batch.rows]:
        raise LinkError("not_the_server")
    return push


