"""GET /v1/sync/pull and GET /v1/records/{id}: the changes of a scope after a cursor, and
one record (docs/sync-protocol.md, "Pull")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from jisr_desktop.sync.protocol import Code
from jisr_server.db import CHANGE_COUNTER, get_state
from jisr_server.documents import item_document, record_document
from jisr_server.errors import ApiError
from jisr_server.schema import counters, items, records
from jisr_server.scope import Principal

PRUNED_KEY = "pruned_through"


@dataclass(frozen=True)
class Page:
    since: int
    next: int
    more: bool
    changes: list[dict[str, Any]]


def pull(
    engine: Engine, who: Principal, since: int, limit: int, province: str | None = None,
    exclude_own: bool = False,
) -> Page:
    """`exclude_own`: leave out the rows the caller's device's own pushes wrote (it holds
    them); rows the server wrote on its own (pairs, merges: SERVER_DEVICE) still come."""
    with engine.connect() as conn:
        # Read the counter first: every change number up to it is committed (the counter
        # row is held until commit), so the queries below, bounded by it, see a gap-free
        # prefix even if they run in later snapshots.
        high = int(
            conn.scalar(select(counters.c.value).where(counters.c.name == CHANGE_COUNTER)) or 0
        )
        pruned = int(get_state(conn, PRUNED_KEY) or 0)
        if 0 < since < pruned:
            raise ApiError(
                410,
                Code.CURSOR_EXPIRED,
                "This cursor is older than the changes the server keeps: pull again from "
                "since=0.",
                start_over_since=0,
            )
        if since > high:
            raise ApiError(
                410,
                Code.CURSOR_UNKNOWN,
                "This cursor is ahead of the server (was it reset?): pull again from since=0.",
                start_over_since=0,
            )
        found: list[tuple[int, dict[str, Any]]] = []
        for table, document in ((records, record_document), (items, item_document)):
            where = [table.c.change_no > since, table.c.change_no <= high, who.filter(table)]
            if province is not None:
                where.append(table.c.province == province)
            if exclude_own:
                where.append(table.c.device_id != who.device_id)
            rows = conn.execute(
                select(table).where(*where).order_by(table.c.change_no).limit(limit + 1)
            )
            found += [(r.change_no, document(r._asdict())) for r in rows]
        conn.rollback()
    found.sort(key=lambda pair: pair[0])
    page = [doc for _, doc in found[:limit]]
    more = len(found) > limit
    return Page(since, page[-1]["change"] if page else since, more, page)


def get_record(engine: Engine, who: Principal, record_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(records).where(records.c.id == record_id)).first()
        conn.rollback()
    if row is None or not who.covers(row.province, row.region):
        return None
    return record_document(row._asdict())
