"""Which definition versions a record was scored with, kept once per scoring.

A record's evaluation used to name its versions, so a re-scoring pass under a new grid
version had to rewrite every record, moved or not. Now a `scorings` row holds each set of
versions once (migration 0005):

- a save names the scoring it was scored under (`records.scoring_id`): the newest row
  when its versions are the same, else a new row;
- a re-scoring pass is a scoring of its own (`is_pass`), started before its first write:
  the records whose values it moves get its id in the same UPDATE, and once it is
  `complete` every other record it covered is taken to be under it too (it was scored
  again under those versions, and its values did not move).

So the versions of a record are those of `max(scoring_id, newest complete pass)`: a pass
interrupted half-way leaves the records it rewrote under it, and the others under what
they were. (A record saved while a pass runs, behind its read position, is then taken to
be under that pass: it was scored with the active definitions, which are the pass's.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from jisr_desktop.models.store.database import utcnow
from jisr_desktop.models.store.schema import Scoring

_canonical = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


@dataclass(frozen=True)
class ScoringView:
    """The scorings table as read once for a batch of records."""

    floor: int  # the newest complete pass (0: none)
    versions: dict[int, dict[str, Any]]

    def of(self, scoring_id: int | None) -> dict[str, Any] | None:
        return self.versions.get(max(scoring_id or 0, self.floor))

    def evaluation(self, stored: str | None, scoring_id: int | None) -> dict[str, Any] | None:
        """The evaluation as the programme knows it (`evaluation.compact`), versions first."""
        if not stored:
            return None
        body = json.loads(stored)
        versions = self.of(scoring_id)
        return {"versions": versions, **body} if versions is not None else body


def read_view(s: Session | Any) -> ScoringView:
    """`s` a session or a connection. The table has one row per pass and per change of the
    active definitions: a few dozen rows in a store's life."""
    rows = s.execute(text("SELECT id, versions, is_pass, complete FROM scorings")).all()
    floor = max((r[0] for r in rows if r[2] and r[3]), default=0)
    return ScoringView(floor, {r[0]: json.loads(r[1]) for r in rows})


def for_save(s: Session, versions: Mapping[str, Any] | None) -> int | None:
    """The scoring a record saved now with `versions` names: the newest one if its versions
    are these, else a new one."""
    if not versions:
        return None
    newest = s.execute(text("SELECT id, versions FROM scorings ORDER BY id DESC LIMIT 1")).first()
    if newest is not None and json.loads(newest[1]) == dict(versions):
        return int(newest[0])
    row = Scoring(versions=_canonical(dict(versions)), is_pass=False, complete=True, at=utcnow())
    s.add(row)
    s.flush()
    return row.id


def start_pass(s: Session, versions: Mapping[str, Any]) -> int:
    row = Scoring(versions=_canonical(dict(versions)), is_pass=True, complete=False, at=utcnow())
    s.add(row)
    s.flush()
    return row.id


def complete_pass(s: Session, scoring_id: int) -> None:
    s.execute(text("UPDATE scorings SET complete = 1 WHERE id = :i"), {"i": scoring_id})
