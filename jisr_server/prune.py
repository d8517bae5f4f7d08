"""Forgetting old tombstones (`jisr-server prune`), and telling clients whose cursor is
older to start over (docs/server.md, "Pruning")."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine, delete, insert, select

from jisr_server.db import get_state, set_state, utcnow
from jisr_server.pull import PRUNED_KEY
from jisr_server.schema import audit, items, records


def prune_tombstones(engine: Engine, older_than: timedelta) -> int:
    """Forget tombstones older than `older_than`; clients whose cursor predates the newest
    forgotten one are told to start over, since they would otherwise miss a deletion."""
    cutoff = utcnow() - older_than
    with engine.begin() as conn:
        doomed = [
            (r.id, r.change_no)
            for r in conn.execute(
                select(records.c.id, records.c.change_no).where(
                    records.c.deleted, records.c.updated_at < cutoff
                )
            )
        ]
        if not doomed:
            return 0
        ids = [d[0] for d in doomed]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(delete(items).where(items.c.record_id.in_(chunk)))
            conn.execute(delete(records).where(records.c.id.in_(chunk)))
        through = max(d[1] for d in doomed)
        previous = int(get_state(conn, PRUNED_KEY) or 0)
        set_state(conn, PRUNED_KEY, str(max(through, previous)))
        conn.execute(
            insert(audit).values(
                at=utcnow(), action="prune", details=json.dumps({"tombstones": len(ids)})
            )
        )
    return len(doomed)
