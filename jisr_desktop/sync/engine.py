"""The sync engine: drain the outbox, pull what changed, keep the definitions current.

`SyncEngine(store, credentials).run()` does one pass and says what happened; the panel
reads `status()`. Nothing here touches Qt or SQL: the store modules (sync_state,
sync_apply, tokens) hold the SQL, `client` the HTTP.

The order of a run matters: first the batches an earlier run left in flight (the same
ids again, so the server answers "duplicate" for what it already applied), then new
batches, then the pull. A pulled change is applied only to records with nothing local
left unanswered, so pushing first lets the pull bring every record up to date.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping

from jisr_desktop.models.store import sync_state, tokens
from jisr_desktop.models.store.database import Store, utcnow
from jisr_desktop.models.store.tokens import DeviceToken
from jisr_desktop.sync import status as st
from jisr_desktop.sync.client import Backoff, Client, HttpError, Link, LinkError
from jisr_desktop.sync.pull import Puller
from jisr_desktop.sync.push import Pusher
from jisr_desktop.sync.status import (
    Failure,
    Phase,
    Progress,
    State,
    Stop,
    SyncStatus,
    SyncSummary,
)

log = logging.getLogger(__name__)

__all__ = ["Failure", "Progress", "State", "SyncEngine", "SyncStatus", "SyncSummary"]

# Auth refusals after which a token is never presented again: she signs in anew.
REFUSED_TOKEN = frozenset({"expired_token", "revoked_token", "invalid_token", "device_mismatch"})


class SyncEngine:
    """One device's sync with its saved server.

    `credentials` maps agent name to her unsealed token (accounts.credentials). Ops of
    agents not in it wait, and the summary names them. `max_attempts` bounds the retries
    of one request within a run; `budget` (seconds) bounds the whole run."""

    def __init__(self, store: Store, credentials: Mapping[str, DeviceToken], *,
                 server_url: str | None = None, client: Client | None = None,
                 max_attempts: int = 6, budget: float | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None, definitions: bool = True,
                 backoff_base: float = 1.0) -> None:
        self.store = store
        self.credentials = dict(credentials)
        # Read when first needed, not here: the window builds an engine on its UI thread.
        self._server_url = server_url
        self.max_attempts = max_attempts
        self.budget = budget
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.with_definitions = definitions
        self.backoff_base = backoff_base
        self._client = client
        self._running = False

    @property
    def server_url(self) -> str | None:
        if self._server_url is None:
            self._server_url = sync_state.get_value(self.store, "server_url")
        return self._server_url

    @server_url.setter
    def server_url(self, url: str | None) -> None:
        self._server_url = url

    # -- public ---------------------------------------------------------------------------

    def run(self, progress: Callable[[Progress], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> SyncSummary:
        summary = SyncSummary()
        started = time.monotonic()
        self._running = True
        try:
            self._run(summary, progress or (lambda _p: None), cancelled or (lambda: False),
                      started)
        except Stop as stop:
            summary.error = stop.code
        finally:
            self._running = False
            self._finish(summary, started)
        return summary

    def status(self) -> SyncStatus:
        counts = sync_state.counts(self.store)
        left = counts.get(sync_state.PENDING, 0) + counts.get(sync_state.IN_FLIGHT, 0)
        failures = self.failures()
        waiting = self._waiting()
        last_error = sync_state.get_value(self.store, "last_error")
        if self._running:
            state = State.SYNCING
        elif failures or waiting or last_error in (st.SIGN_IN_AGAIN, st.NOT_SIGNED_IN):
            state = State.NEEDS_ATTENTION
        elif last_error == st.LINK_FAILED or left:
            state = State.OFFLINE
        else:
            state = State.UP_TO_DATE
        speed = sync_state.get_value(self.store, "goodput")
        return SyncStatus(state=state, sent=counts.get(sync_state.ACKED, 0), left=left,
                          speed=float(speed) if speed else None,
                          last_success=sync_state.get_value(self.store, "last_success"),
                          failures=failures, waiting_for_sign_in=waiting,
                          server_url=self.server_url, last_error=last_error)

    def failures(self) -> list[Failure]:
        out = []
        for row, state, result in sync_state.problems(self.store):
            out.append(Failure(record_id=row.record_id, op_id=row.op_id, op=row.op,
                               state=state, code=result.get("code") or state,
                               reason=result.get("reason"), errors=result.get("errors") or [],
                               author=row.author or None))
        return out

    # -- one run ----------------------------------------------------------------------------

    def _run(self, summary: SyncSummary, progress: Callable[[Progress], None],
             cancelled: Callable[[], bool], started: float) -> None:
        if not self.server_url:
            raise Stop(st.NO_SERVER)
        if not self.credentials:
            raise Stop(st.NOT_SIGNED_IN)
        client = self._client or Client(self.server_url, sync_state.device_id(self.store),
                                        link=self._saved_link())
        self._client = client
        ctx = RunContext(self, summary, progress, cancelled, started)
        if self.with_definitions:
            progress(Progress(Phase.DEFINITIONS))
            self._definitions(ctx, client)
        Pusher(ctx, client).push_all()
        Puller(ctx, client).pull_all()
        progress(Progress(Phase.DONE, sent=summary.pushed, pulled=summary.pulled))

    def _definitions(self, ctx: RunContext, client: Client) -> None:
        """New definitions first (the records pushed next may name them); a version that
        cannot be installed is left for the next run and holds back no record."""
        from jisr_desktop.sync.definitions import DefinitionRefused, refresh

        token = self._pull_token()
        try:
            installed = ctx.call(lambda: refresh(self.store, client, token))
            ctx.summary.definitions_installed = len(installed or ())
        except DefinitionRefused as exc:
            log.warning("definitions not installed (%s): the next run asks again", exc.what)
        except HttpError as exc:
            if exc.status == 401:
                ctx.token_failure(token.agent, exc)
                return
            log.warning("definitions not fetched: %s", exc)

    def _finish(self, summary: SyncSummary, started: float) -> None:
        counts = sync_state.counts(self.store)
        summary.conflicts = counts.get(sync_state.CONFLICT, 0)
        summary.rejected = counts.get(sync_state.REJECTED, 0)
        summary.left = counts.get(sync_state.PENDING, 0) + counts.get(sync_state.IN_FLIGHT, 0)
        summary.waiting_for_sign_in = self._waiting()
        if self._client is not None:
            summary.bytes_up, summary.bytes_down = self._client.bytes_up, self._client.bytes_down
        summary.seconds = round(time.monotonic() - started, 3)
        summary.ok = summary.error is None and summary.left == 0
        if summary.ok is False and summary.error is None and summary.waiting_for_sign_in:
            summary.error = st.NOT_SIGNED_IN
        values: dict[str, object] = {"last_error": summary.error, "last_run": utcnow()}
        if summary.error is None:
            values["last_success"] = utcnow()
        if self._client is not None:
            values["goodput"] = round(self._client.link.goodput, 1)
            values["rtt"] = round(self._client.link.rtt, 3)
        sync_state.set_values(self.store, **values)

    def _saved_link(self) -> Link:
        goodput = sync_state.get_value(self.store, "goodput")
        rtt = sync_state.get_value(self.store, "rtt")
        link = Link()
        if goodput:
            link.goodput = float(goodput)
        if rtt:
            link.rtt = float(rtt)
        return link

    def _waiting(self) -> list[str]:
        return [a for a in sync_state.waiting_authors(self.store) if a not in self.credentials]

    def _pull_token(self) -> DeviceToken:
        """Pulls use the token of the agent running the sync (her scope), else any."""
        token = self.credentials.get(self.store.agent) or next(iter(self.credentials.values()),
                                                               None)
        if token is None:
            raise Stop(st.NOT_SIGNED_IN)
        return token

    def token_refused(self, agent: str, code: str) -> None:
        """The server refused her token: never present it again; her ops wait."""
        log.warning("token of %s refused: %s", agent, code)
        tokens.mark_refused(self.store, agent, code)
        self.credentials.pop(agent, None)


class RunContext:
    """What the push and pull halves of one run share: the summary, the callbacks, and
    one retry policy (backoff with jitter, Retry-After, a bounded number of attempts)."""

    def __init__(self, engine: SyncEngine, summary: SyncSummary,
                 progress: Callable[[Progress], None], cancelled: Callable[[], bool],
                 started: float) -> None:
        self.engine, self.summary = engine, summary
        self.progress, self.cancelled, self.started = progress, cancelled, started
        self.backoff = Backoff(base=engine.backoff_base, rng=engine.rng)

    @property
    def store(self) -> Store:
        return self.engine.store

    def check(self) -> None:
        if self.cancelled():
            raise Stop(st.CANCELLED)
        budget = self.engine.budget
        if budget is not None and time.monotonic() - self.started > budget:
            raise Stop(st.LINK_FAILED)

    def call(self, fn, *, on_timeout: Callable[[], None] | None = None):
        """Run `fn` (one request) until it gives an answer; LinkError and 429/503 are
        retried after a backoff, other HTTP errors go to the caller."""
        for _attempt in range(self.engine.max_attempts):
            self.check()
            try:
                result = fn()
            except LinkError as exc:
                log.info("link failed: %s", exc.what)
                # A timeout says the request was too big for this link; a cut or a reset
                # costs the batch whatever its size, and says nothing of the next one.
                if on_timeout is not None and "Timeout" in exc.what:
                    on_timeout()
                delay = self.backoff.next_delay()
            except HttpError as exc:
                if exc.status not in (429, 503):
                    raise
                delay = self.backoff.next_delay(exc.retry_after)
            else:
                self.backoff.reset()
                return result
            self._sleep(delay)
        raise Stop(st.LINK_FAILED)

    def _sleep(self, delay: float) -> None:
        # Sleep in slices so that a cancel is seen within a second.
        end = time.monotonic() + delay
        while (left := end - time.monotonic()) > 0:
            self.check()
            self.engine.sleep(min(left, 0.5))

    def token_failure(self, agent: str, exc: HttpError) -> None:
        """A 401 for this agent's token: stop using it; if it was the runner's, say so."""
        if exc.status == 401 and exc.code in REFUSED_TOKEN:
            self.engine.token_refused(agent, exc.code)
            if agent == self.store.agent or not self.engine.credentials:
                raise Stop(st.SIGN_IN_AGAIN) from exc
            return
        raise Stop(st.SERVER_ERROR) from exc
