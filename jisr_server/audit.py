"""GET /v1/audit: who changed what, from which device, when; within the reader's scope."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select

from jisr_server.documents import iso
from jisr_server.schema import audit
from jisr_server.scope import Principal


def audit_rows(
    engine: Engine, who: Principal, record_id: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if record_id is not None:
        query = query.where(audit.c.record_id == record_id)
    if who.scope_kind != "national":
        query = query.where(who.filter(audit))
    with engine.connect() as conn:
        rows = [r._asdict() for r in conn.execute(query)]
        conn.rollback()
    for row in rows:
        row["at"] = iso(row["at"])
        row["details"] = json.loads(row["details"]) if row["details"] else None
    return rows
