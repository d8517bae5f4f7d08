"""The server's "same woman twice" flags on this device's records (pulled `pair` items).

A device holds few open pairs at a time (a supervisor settles them), so they live as one
JSON value of the sync state, written in the transaction of the pull page that brought
them: a settled pair (merged, dismissed, closed) replaces its open item and lifts the flag.
The record's personal data stays in the records table; an item names only ids and reasons.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.database import Store

KEY = "pair_flags"


def put_in(s: Session, change: Mapping[str, Any]) -> None:
    """Keep a pulled pair item (its `data`), open or settled, in the page's transaction."""
    held = json.loads(sync_state.value_in(s, KEY) or "{}")
    data = dict(change.get("data") or {})
    if data.get("status") == "open":
        held[str(change.get("id"))] = data
    else:
        held.pop(str(change.get("id")), None)
    sync_state.set_in(s, **{KEY: json.dumps(held, sort_keys=True) if held else None})


def open_items(store: Store) -> list[dict[str, Any]]:
    """The open pair items held here, as the server sent them."""
    return list(json.loads(sync_state.get_value(store, KEY) or "{}").values())
