"""What explaining a saved record needs beyond its own row: the definition version it was
scored under (its labels and rationales are read there, not copied into every record)
and the decision in force about it. Shared by the result page and the cards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from jisr_desktop.models.programme.decisions import AGENT_CONFIRMATION
from jisr_desktop.models.programme.definitions import Definition

D = TypeVar("D")


def named_version(evaluation: Mapping[str, Any] | None, kind: str) -> tuple[str, int] | None:
    """(id, version) of the `kind` definition ("form", "grid", "orientation") the
    evaluation names; None if it names none."""
    named = ((evaluation or {}).get("versions") or {}).get(kind) or {}
    if not named.get("id") or not named.get("version"):
        return None
    return str(named["id"]), int(named["version"])


def definition_named(
    evaluation: Mapping[str, Any] | None,
    kind: str,
    active: Definition,
    lookup: Callable[[str, int], Definition | None],
) -> Definition:
    """The `kind` definition the record was scored under: `active` when it names that one
    (or none), else `lookup(id, version)`, or `active` if the store no longer has it."""
    named = named_version(evaluation, kind)
    if named is None or named == (active.id, active.version):
        return active
    return lookup(*named) or active


def decision_in_force(history: Iterable[D], kind: str = AGENT_CONFIRMATION) -> D | None:
    """The newest decision of `kind` in a record's history (oldest first): the one in force,
    the earlier ones being what it replaced."""
    return next((d for d in reversed(list(history)) if getattr(d, "kind", None) == kind), None)
