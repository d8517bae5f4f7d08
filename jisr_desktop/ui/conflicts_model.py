"""A conflict, side by side, without Qt: which answers differ between the copy on this
computer and the server's, in words, and what the agent's choice means.

The view opens one conflict (as `sync.conflicts.list_conflicts` gives it: the answers
here and on the server) and lets the agent keep her copy, the server's, or pick field by
field; `choice()` turns her picks into what `sync.conflicts.resolve` takes: "local",
"server", or a side per differing field. The resolution goes up as a new upsert on the
server's version (the engine's part).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import _
from jisr_desktop.models.programme.form import Form
from jisr_desktop.models.programme.messages import pick

LOCAL, SERVER = "local", "server"
EMPTY = "—"


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    local_text: str
    server_text: str


@dataclass(frozen=True)
class ConflictView:
    record_id: str
    title: str  # her name as each copy spells it, or the short id
    local_deleted: bool
    server_deleted: bool
    merged_into: str | None  # the server merged this copy into another record
    diffs: list[FieldDiff] = field(default_factory=list)
    local: Mapping[str, Any] = field(default_factory=dict)
    server: Mapping[str, Any] = field(default_factory=dict)

    @property
    def can_pick_fields(self) -> bool:
        """Field by field only makes sense when both copies hold answers."""
        return not (self.local_deleted or self.server_deleted) and bool(self.diffs)


def display_value(form: Form | None, name: str, value: Any, lang: str) -> str:
    """An answer as she would read it: a choice's label, a formatted number."""
    if value is None or value == "" or value == []:
        return EMPTY
    labels: dict[str, str] = {}
    if form is not None and name in form:
        labels = {str(c.value): pick(c.label, lang) or str(c.value)
                  for c in form.field(name).choices}
    values = value if isinstance(value, list) else [value]
    parts = []
    for item in values:
        if str(item) in labels:
            parts.append(labels[str(item)])
        elif isinstance(item, str) and item.startswith("+212") and item[1:].isdigit():
            parts.append("0" + item[4:])  # a phone as agents write it, not in E.164
        elif isinstance(item, int | float) and not isinstance(item, bool):
            parts.append(format_number(item, lang))
        else:
            parts.append(str(item))
    return ("، " if lang == "ar" else ", ").join(parts)


def _field_order(form: Form | None, names: set[str]) -> list[str]:
    ordered = [f.name for f in form.fields if f.name in names] if form else []
    return ordered + sorted(names - set(ordered))


def _label(form: Form | None, name: str, lang: str) -> str:
    if form is not None and name in form:
        return pick(form.field(name).label, lang) or name
    return name


def _title(local: Mapping[str, Any], server: Mapping[str, Any], record_id: str) -> str:
    for answers in (local, server):
        name = " ".join(str(answers.get(k) or "") for k in ("first_name_ar", "last_name_ar"))
        latin = " ".join(str(answers.get(k) or "") for k in ("first_name_lat", "last_name_lat"))
        parts = [p.strip() for p in (name, latin) if p.strip()]
        if parts:
            return " · ".join(parts)
    return record_id[:8]


def conflict_view(conflict: Any, form: Form | None, lang: str) -> ConflictView:
    """`conflict` is a `sync.conflicts.Conflict`: `local` answers (None: deleted here),
    `server` answers (None: deleted there or not visible), `server_deleted`."""
    local = dict(conflict.local or {})
    server = dict(conflict.server or {})
    names = {k for k in set(local) | set(server) if local.get(k) != server.get(k)}
    if form is not None:
        # Only what the agent typed: calculated fields follow from the answers.
        names = {n for n in names if n not in form or form.field(n).is_answer}
    diffs = [
        FieldDiff(n, _label(form, n, lang), display_value(form, n, local.get(n), lang),
                  display_value(form, n, server.get(n), lang))
        for n in _field_order(form, names)
    ]
    return ConflictView(
        record_id=conflict.record_id,
        title=_title(local, server, conflict.record_id),
        local_deleted=conflict.local is None,
        server_deleted=bool(conflict.server_deleted) or conflict.server is None,
        merged_into=getattr(conflict, "merged_into", None),
        diffs=diffs,
        local=local,
        server=server,
    )


def choice(view: ConflictView, picks: Mapping[str, str]) -> str | dict[str, str]:
    """What `sync.conflicts.resolve` takes: one whole side, or a side per differing field
    (a field not picked keeps the server's answer)."""
    sides = {d.name: picks.get(d.name, SERVER) for d in view.diffs}
    if set(sides.values()) == {LOCAL}:
        return LOCAL
    if set(sides.values()) <= {SERVER}:
        return SERVER
    return sides


def side_caption(view: ConflictView, side: str) -> str:
    if side == LOCAL:
        return _("Deleted on this computer") if view.local_deleted else _("On this computer")
    if view.merged_into:
        return _("Merged on the server into another record")
    return _("Deleted on the server") if view.server_deleted else _("On the server")
