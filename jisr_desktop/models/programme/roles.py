"""The one role table: who may do what, on the desktop and on the server.

Every check of a role, in the store, the CLI, the windows and the central server, asks
this table (`may(role, action)`), so a role's row here is the whole truth about it. The
desktop's local row is a convenience for the screens; the server decides, from the same
table, what a device's token may push (see docs/security.md).

Our reading of the programme (DOMAIN.md, "Who uses the app"): field agents register and
confirm the grid's proposal; incubator staff assess and deliver services; supervisors
(the provincial committee's secretariat) record committee decisions and read the audit
trail; administrators may do everything, and only they create administrators."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    FIELD_AGENT = "field_agent"
    INCUBATOR_STAFF = "incubator_staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Action(StrEnum):
    ENROL = "enrol"  # create or edit a registration
    DELETE = "delete"  # delete a registration (tombstone)
    CONFIRM = "confirm"  # the agent's confirmation or change of the grid's proposal
    DECIDE = "decide"  # the committee's decision (law 09-08: a person decides)
    ASSESS = "assess"  # skills assessment and service card
    DELIVER = "deliver"  # record a service delivered
    PRINT = "print"  # print cards
    READ_AUDIT = "read_audit"
    MANAGE_AGENTS = "manage_agents"  # add agents to this store
    CREATE_ADMIN = "create_admin"
    PUBLISH = "publish"  # load or publish new definitions
    SETTLE_DUPLICATES = "settle_duplicates"  # merge or dismiss a flagged pair
    # The programme's later steps (issue 12; models/programme/items.py).
    INCUBATE = "incubate"  # the selection, funding and contract of her incubation
    FOLLOW_UP = "follow_up"  # a post-incubation follow-up visit


ROLES: tuple[str, ...] = tuple(r.value for r in Role)

# What each sync op is in this table, by the op's name (sync/protocol.py's `Op`; the
# server checks the names match): a role may send an op when it may do its action. A
# decision goes by its kind instead (decisions.ACTION_OF_KIND: a confirmation or the
# committee's decision). The desktop offers the same actions on its screens, so a device
# never queues an op its own server would refuse.
OP_ACTIONS: dict[str, Action] = {
    "upsert": Action.ENROL,
    "delete": Action.DELETE,
    "assessment": Action.ASSESS,
    "delivery": Action.DELIVER,
}

_ALL = frozenset(Action)
TABLE: dict[Role, frozenset[Action]] = {
    Role.FIELD_AGENT: frozenset({Action.ENROL, Action.DELETE, Action.CONFIRM, Action.PRINT}),
    Role.INCUBATOR_STAFF: frozenset({Action.ASSESS, Action.DELIVER, Action.PRINT,
                                     Action.INCUBATE, Action.FOLLOW_UP}),
    Role.SUPERVISOR: frozenset({
        Action.ENROL, Action.CONFIRM, Action.DECIDE, Action.ASSESS, Action.PRINT,
        Action.READ_AUDIT, Action.MANAGE_AGENTS, Action.SETTLE_DUPLICATES,
        # The selection committee's choice, which the secretariat records too.
        Action.INCUBATE,
    }),
    Role.ADMIN: _ALL,
}


def may(role: str | None, action: Action | str) -> bool:
    """True when `role` may do `action` (an unknown role may do nothing)."""
    try:
        return Action(action) in TABLE[Role(role)]
    except ValueError:
        return False


def is_role(value: object) -> bool:
    return isinstance(value, str) and value in ROLES
