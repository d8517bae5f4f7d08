"""Pull: pages of changes since the cursor, each applied with its cursor in one local
transaction, so a pull cut at any point resumes where it stopped.

A 410 (the server pruned tombstones past the cursor, or does not know the cursor) and a
changed server id start over from 0, as the protocol says; on another server every op it
never acknowledged goes up again on the next push."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from jisr_desktop.models.store import sync_apply, sync_state
from jisr_desktop.models.store.tokens import DeviceToken
from jisr_desktop.sync import status as st
from jisr_desktop.sync.client import Client, HttpError, LinkError
from jisr_desktop.sync.protocol import EXCLUDE_OWN, PullPage
from jisr_desktop.sync.status import Phase, Progress, Stop

if TYPE_CHECKING:
    from jisr_desktop.sync.engine import RunContext

log = logging.getLogger(__name__)

PAGE = 200  # ~25 KB gzipped: a cut on EDGE costs at most one page
CHANGE_BYTES = 450  # one record change, gzipped, roughly: sizes the timeout
# Entities the server sends for "the same woman twice" (names the server engineer adds).
DUPLICATE_ENTITIES = frozenset({"pair", "duplicate", "duplicate_pair", "duplicate_flag"})


class Puller:
    def __init__(self, ctx: RunContext, client: Client) -> None:
        self.ctx, self.client = ctx, client

    def pull_all(self) -> None:
        store = self.ctx.store
        restarted = False
        summary = self.ctx.summary
        self.ctx.progress(Progress(Phase.PULL, sent=summary.pushed, pulled=summary.pulled))
        while True:
            self.ctx.check()
            cursor = int(sync_state.get_value(store, "cursor") or 0)
            token = self.ctx.engine._pull_token()
            try:
                page = self.ctx.call(lambda c=cursor, t=token.token: self._get(c, t))
            except HttpError as exc:
                if exc.status == 410 and not restarted:
                    log.warning("pull: %s, starting over", exc.code)
                    sync_state.start_over(store, new_server=False,
                                          server_id=sync_state.get_value(store, "server_id"))
                    restarted = True
                    continue
                if exc.status == 401:
                    self.ctx.token_failure(token.agent, exc)
                    continue
                raise Stop(st.SERVER_ERROR) from exc
            known = sync_state.get_value(store, "server_id")
            if known and known != page.server_id and not restarted:
                log.warning("server id changed during pull: starting over")
                sync_state.start_over(store, new_server=True, server_id=page.server_id)
                restarted = True
                continue
            own = not self._own_not_needed()
            self._apply(page)
            if not page.more:
                if own:  # what was to be fetched again came with this device's own changes
                    sync_state.set_values(store, pull_own=None, refetch=None)
                else:
                    self._refetch(token)
                return

    def _get(self, cursor: int, token: str) -> PullPage:
        params: dict[str, object] = {"since": cursor, "limit": PAGE}
        if self._own_not_needed():
            params[EXCLUDE_OWN] = "true"
        reply = self.client.call("GET", "/v1/sync/pull", token=token, params=params,
                                 expect_down=CHANGE_BYTES * PAGE)
        try:
            page = PullPage.from_json(reply.data)
        except (KeyError, TypeError, ValueError) as exc:
            raise LinkError("not_the_server") from exc
        if page.since != cursor:
            raise LinkError("not_the_server")
        return page

    def _refetch(self, token: DeviceToken) -> None:
        """The records the server scored otherwise than this device, one request each:
        a pull of this device's own changes would bring every one of them again (154
        bytes a record on a 2G link) for the sake of a few."""
        store = self.ctx.store
        for record_id in sync_state.refetch_ids(store):
            try:
                reply = self.ctx.call(lambda r=record_id: self.client.call(
                    "GET", f"/v1/records/{r}", token=token.token, expect_down=CHANGE_BYTES))
            except HttpError as exc:
                if exc.status == 404:  # gone from her scope, or merged away
                    sync_state.refetched(store, record_id)
                    continue
                if exc.status == 401:
                    self.ctx.token_failure(token.agent, exc)
                    return
                raise Stop(st.SERVER_ERROR) from exc
            change = reply.data
            if change.get("entity") != "record" or change.get("id") != record_id:
                raise Stop(st.LINK_FAILED)  # not the server's answer
            if sync_apply.apply_fetched(store, change):
                self.ctx.summary.pulled += 1

    def _own_not_needed(self) -> bool:
        """This device's own pushes are left out of the pull (it holds them: downloading
        them again cost 154 bytes a record on a 2G link), except in a full pull after a
        start-over (what it does not list becomes a tombstone here) and after the server
        scored a pushed record otherwise (its evaluation comes back with the record)."""
        store = self.ctx.store
        return not (sync_state.get_value(store, "reconcile")
                    or sync_state.get_value(store, "pull_own"))

    def _apply(self, page: PullPage) -> None:
        outcome = sync_apply.apply_page(self.ctx.store, page.changes, page.next, more=page.more)
        summary = self.ctx.summary
        summary.pulled += outcome.applied + outcome.items
        summary.duplicates_flagged += sum(
            1 for c in outcome.other if c.get("entity") in DUPLICATE_ENTITIES)
        self.ctx.progress(Progress(Phase.PULL, sent=summary.pushed, pulled=summary.pulled,
                                   bytes_up=self.client.bytes_up,
                                   bytes_down=self.client.bytes_down,
                                   speed=self.client.link.goodput))
