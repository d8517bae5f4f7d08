"""What a record's derived values follow from besides her answers (the basis of a pass),
and, from the basis of the last pass, which records a new pass must read at all.

A record's derived values are a function of her scoring answers and of the basis: the
form, the grid and the orientation rules as data (their version numbers aside), the day
(the age), the answers read, and the app's release (its scoring code). The store keeps
the basis of the last pass that ended, and each record's copy (`scoring_inputs`) then
holds what that basis gives her answers; so a new pass needs to read:

- no copy, when the basis is the same (a new grid version that moves no weight);
- only the copies whose answer a changed weight reads, when the grid differs from the
  last pass's only in the points of criteria that map an answer to points (no `when`,
  no bands): for a woman whose answer is none of the changed ones, every criterion gives
  the same points, so the totals, the category, the eligibility, the orientation and the
  evaluation are the same too;
- every copy otherwise.

The records written since their copy was made are read in every case (store/rewrite.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from jisr_desktop import __version__
from jisr_desktop.models.programme.definitions import Definition

# (field, the answers whose points changed): see store/rewrite.py's CopyFilter.
Narrowing = list[tuple[str, tuple[str, ...]]]


def _digest(value: Any) -> str:
    body = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).hexdigest()


def _unversioned(d: Definition) -> dict[str, Any]:
    return {k: v for k, v in d.data.items() if k != "version"}


def scoring_basis(
    form: Definition, grid: Definition, rules: Definition, today: date, fields: tuple[str, ...]
) -> str:
    """The basis as the store keeps it: digests of all but the grid, and of the grid,
    and which grid it was (to compare its weights with a new one's)."""
    return json.dumps({
        "rest": _digest([__version__, today.isoformat(), list(fields),
                         _unversioned(form), _unversioned(rules)]),
        "grid": _digest(_unversioned(grid)),
        "grid_id": grid.id,
        "grid_version": grid.version,
    }, sort_keys=True)


def copies_to_read(
    previous: str | None,
    current: str,
    grid: Definition,
    definition: Callable[[str, int], Definition | None],
) -> Narrowing | None:
    """Which copies a pass under `current` (with `grid`) must read, after a last pass
    under `previous`: None, all; [], none; else those the narrowing names.
    `definition(id, version)` finds the last pass's grid in the store."""
    try:
        before = json.loads(previous) if previous else None
        now = json.loads(current)
    except ValueError:
        return None
    if not isinstance(before, dict) or before.get("rest") != now["rest"]:
        return None
    if before.get("grid") == now["grid"]:
        return []
    old = definition(str(before.get("grid_id")), before.get("grid_version"))
    if old is None or _digest(_unversioned(old)) != before.get("grid"):
        return None
    return changed_points(old.data, grid.data)


def changed_points(old: dict[str, Any], new: dict[str, Any]) -> Narrowing | None:
    """The answers whose points differ between two grids that differ in nothing else
    but their version and the points of criteria mapping an answer to points; None when
    anything else differs."""
    keys = (set(old) | set(new)) - {"version", "criteria"}
    if any(not _same(old.get(k), new.get(k)) for k in keys):
        return None
    before, after = old.get("criteria") or [], new.get("criteria") or []
    if len(before) != len(after):
        return None
    out: Narrowing = []
    for a, b in zip(before, after, strict=True):
        if _same(a, b):
            continue
        differs = {k for k in set(a) | set(b) if not _same(a.get(k), b.get(k))}
        if differs != {"points"} or "when" in a or "bands" in a or not a.get("field"):
            return None
        pa, pb = a.get("points"), b.get("points")
        if not isinstance(pa, dict) or not isinstance(pb, dict):
            return None
        # An answer missing from the table earns the int 0.
        moved = sorted(k for k in set(pa) | set(pb) if not _same(pa.get(k, 0), pb.get(k, 0)))
        if moved:
            out.append((a["field"], tuple(moved)))
    return out


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: 2 and 2.0 differ (they print apart in an evaluation), as Python's
    == would not say."""
    return _canonical(a) == _canonical(b)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
