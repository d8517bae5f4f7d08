"""Scopes: on which records a caller acts (what she may do is the role table's,
`jisr_desktop.models.programme.roles`).

A scope is one province, one region or the whole country; a record belongs to the
province its registration names (the `province` answer) and to that province's region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, true

from jisr_desktop.models.programme.roles import ROLES as _ROLES
from jisr_desktop.models.programme.roles import Action, may

ROLES = _ROLES  # what each may do: the one role table, jisr_desktop.models.programme.roles
SCOPE_KINDS = ("province", "region", "national")


class ScopeError(ValueError):
    pass


def parse_scope(text: str) -> tuple[str, str | None]:
    """ "province:07.351", "region:07" or "national" → (kind, code)."""
    kind, _, code = text.partition(":")
    if kind == "national" and not code:
        return kind, None
    if kind in ("province", "region") and code:
        return kind, code
    raise ScopeError(f"scope must be province:CODE, region:CODE or national, not {text!r}")


@dataclass(frozen=True)
class Principal:
    """The caller of a request, from a valid token."""

    user_id: int
    username: str
    role: str
    scope_kind: str
    scope_code: str | None
    device_id: str
    token_id: int

    @property
    def scope(self) -> str:
        return (
            self.scope_kind if self.scope_code is None else f"{self.scope_kind}:{self.scope_code}"
        )

    def may(self, action: Action) -> bool:
        """What the role table lets this caller's role do."""
        return may(self.role, action)

    def covers(self, province: str | None, region: str | None) -> bool:
        if self.scope_kind == "national":
            return True
        if self.scope_kind == "region":
            return region is not None and region == self.scope_code
        return province is not None and province == self.scope_code

    def filter(self, table: Any) -> ColumnElement[bool]:
        """A WHERE clause restricting `table` (with province and region columns) to the scope."""
        if self.scope_kind == "national":
            return true()
        column = table.c.region if self.scope_kind == "region" else table.c.province
        return and_(column == self.scope_code)

    def describe(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role, "scope": self.scope}
