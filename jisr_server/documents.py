"""Records and items as the protocol shows them: in pulls, in conflicts and at
GET /v1/records/{id} (docs/sync-protocol.md, "Pull")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jisr_desktop.sync.protocol import Entity
from jisr_server.db import as_utc


def iso(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="milliseconds")


def record_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A record row as the protocol shows it."""
    data = json.loads(row["data"]) if row["data"] else {}
    return {
        "change": row["change_no"],
        "entity": str(Entity.RECORD),
        "id": row["id"],
        "record_id": row["id"],
        "version": row["version"],
        "deleted": bool(row["deleted"]),
        "province": row["province"],
        "region": row["region"],
        "updated_at": iso(row["updated_at"]),
        "form": data.get("form"),
        "answers": data.get("answers"),
        "evaluation": data.get("evaluation"),
        **({"data": {"merged_into": data["merged_into"]}} if "merged_into" in data else {}),
    }


def item_document(row: Mapping[str, Any]) -> dict[str, Any]:
    """A decision, assessment or delivery row; a tombstone (its record was deleted) keeps
    no data."""
    deleted = bool(row.get("deleted", False))
    return {
        "change": row["change_no"],
        "entity": row["kind"],
        "id": row["id"],
        "record_id": row["record_id"],
        "version": row["record_version"],
        "deleted": deleted,
        "province": row["province"],
        "region": row["region"],
        "updated_at": iso(row["updated_at"]),
        "data": None if deleted else json.loads(row["data"]),
    }
