"""The sync protocol's vocabulary, shared by the desktop and the server (docs/sync-protocol.md).

The standard library and the programme's item schemas only (models/programme/items.py,
whose names, keys and codes it takes rather than spelling them again): the server imports
this module, and nothing else of the desktop but the programme rules. Op names, statuses,
entities and codes are `StrEnum`s, so they compare equal to the strings on the wire and
JSON-encode as those strings; results and pages are plain dataclasses with
`to_json`/`from_json`, so neither end builds a result as an ad-hoc dict."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from jisr_desktop.models.programme import items

PROTOCOL_VERSION = 1

# Every request after login names the device its token was issued to.
DEVICE_HEADER = "X-Device-Id"


class Op(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"
    DECISION = "decision"
    ASSESSMENT = "assessment"
    DELIVERY = "delivery"
    # The programme's later items (issue 12; their schemas: models/programme/items.py).
    REFERRAL = items.REFERRAL  # an orientation to a named place, or the incubator's path review
    SERVICE_EDIT = items.SERVICE_EDIT  # incubator staff's add, remove or schedule on the card
    INCUBATION = items.INCUBATION  # selection, funding and the 12-month contract
    FOLLOW_UP = items.FOLLOW_UP  # a post-incubation follow-up visit
    # The three later paths (issue 12; the same schemas' module).
    EN_STEP = items.EN_STEP  # a step of her category-2 path at Entraide Nationale
    LICENCE = items.LICENCE  # a licence or label she needs, at one status
    GROUP = items.GROUP  # a cooperative or group applying as one, on its responsible's record
    GROUP_MEMBER = items.GROUP_MEMBER  # a woman's membership of a group, on her own record


# Ops on the registration itself, and ops that attach an item (its own id) to a record.
RECORD_OPS = frozenset({Op.UPSERT, Op.DELETE})
ITEM_OPS = frozenset({Op.DECISION, Op.ASSESSMENT, Op.DELIVERY})
# Items of the programme's later steps: attached to a record like the three above, checked
# against a strict schema (an unknown key is refused, not dropped).
PROGRAMME_OPS = frozenset(Op(kind) for kind in items.KINDS)
ITEM_OPS = ITEM_OPS | PROGRAMME_OPS
# The payload keys of each, which the desktop sends (`asdict` of its Info dataclasses,
# in their own order) and the server checks: the programme's schemas, written once.
PROGRAMME_KEYS: dict[str, tuple[str, ...]] = items.KEYS


class Status(StrEnum):
    """What the server did with one op."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # already applied under this op id (or the same content)
    CONFLICT = "conflict"  # based on a version the server has moved past
    REJECTED = "rejected"  # refused for good; `code` says why


class Entity(StrEnum):
    RECORD = "record"
    DECISION = "decision"
    ASSESSMENT = "assessment"
    DELIVERY = "delivery"
    REFERRAL = items.REFERRAL
    SERVICE_EDIT = items.SERVICE_EDIT
    INCUBATION = items.INCUBATION
    FOLLOW_UP = items.FOLLOW_UP
    EN_STEP = items.EN_STEP
    LICENCE = items.LICENCE
    GROUP = items.GROUP
    GROUP_MEMBER = items.GROUP_MEMBER
    # Pulled only, never pushed: a possible duplicate the server flagged on this record
    # (`data`: pair_id, other_record_id, reasons, status, kept; docs/sync-protocol.md).
    PAIR = "pair"


class PairStatus(StrEnum):
    OPEN = "open"  # flagged: show it on the record until a supervisor settles it
    MERGED = "merged"  # `kept` stayed; the other record is a tombstone (`merged_into`)
    DISMISSED = "dismissed"  # two different women
    CLOSED = "closed"  # its other record was merged into a third


class Code(StrEnum):
    """Stable machine codes: per-op refusals and HTTP error bodies. Clients translate them;
    the server's `detail`/`reason` text is for logs and developers."""

    # per-op refusals
    INVALID = "invalid"  # the answers fail validation (`errors` lists the fields)
    INVALID_PAYLOAD = items.INVALID_PAYLOAD
    FORBIDDEN_OP = items.FORBIDDEN
    OUT_OF_SCOPE = "out_of_scope"
    NOT_FOUND = "not_found"
    UNKNOWN_FORM = "unknown_form"
    # authentication
    BAD_CREDENTIALS = "bad_credentials"
    MISSING_TOKEN = "missing_token"
    INVALID_TOKEN = "invalid_token"
    EXPIRED_TOKEN = "expired_token"
    REVOKED_TOKEN = "revoked_token"
    DEVICE_MISMATCH = "device_mismatch"
    FORBIDDEN_ROLE = "forbidden_role"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    # transport and load
    BODY_TOO_LARGE = "body_too_large"
    BAD_GZIP = "bad_gzip"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    BUSY = "busy"
    DATABASE_UNAVAILABLE = "database_unavailable"
    START_OVER = "start_over"  # 410: the cursor is no longer served
    # Added with the server's hardening (docs/sync-protocol.md, "Codes"): the codes the
    # server has always sent, now named here, and the refusals it learnt since.
    # per-op refusals
    INVALID_ID = "invalid_id"  # record_id (or an item's id) is not a UUID
    INVALID_OP = "invalid_op"  # op is not one of Op, or base_version not an integer >= 0
    UNKNOWN_DEFINITION_VERSION = "unknown_definition_version"  # the server never published it
    UNKNOWN_RECORD = "unknown_record"  # an item for a record the server lacks (push it first)
    INVALID_DECISION = "invalid_decision"
    REASON_REQUIRED = items.REASON_REQUIRED
    KIND_CHANGED = "kind_changed"  # an item replaced by one of another kind
    OP_ID_REUSED = "op_id_reused"  # an op id already used for another record
    # The committee accepted a woman the record's evaluation finds not eligible without
    # `override: true` and a reason (issue 12).
    OVERRIDE_REQUIRED = "override_required"
    # HTTP error bodies
    INVALID_REQUEST = "invalid_request"  # 422: the body does not match the API schema
    HTTP_ERROR = "http_error"  # 400: a request the HTTP layer could not parse
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_JSON = "not_json"  # 415: Content-Type is not application/json
    NOT_UTF8 = "not_utf8"  # 400: the JSON body is not UTF-8 (RFC 8259)
    BODY_TIMEOUT = "body_timeout"  # 408: the body did not arrive in time
    CURSOR_EXPIRED = "cursor_expired"  # 410: older than the pruned tombstones
    CURSOR_UNKNOWN = "cursor_unknown"  # 410: ahead of the server (a reset server)
    # settling a flagged pair
    ALREADY_SETTLED = "already_settled"
    RECORD_DELETED = "record_deleted"


@dataclass
class OpResult:
    """The server's answer to one op, in the order the ops were sent."""

    op_id: str
    record_id: str
    status: Status
    version: int | None = None
    change: int | None = None
    code: str | None = None
    reason: str | None = None
    errors: list[dict[str, Any]] | None = None
    server: dict[str, Any] | None = None  # the server's copy, on a conflict
    stored: dict[str, Any] | None = None  # what the server stored, when it differs from sent
    # The server's own evaluation of an applied upsert (EVALUATION_KEYS; None without one):
    # the device stores it and notices when its own score differs.
    evaluation: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op_id": self.op_id, "record_id": self.record_id,
                               "status": str(self.status)}
        for name in ("version", "change", "code", "reason", "errors", "server", "stored",
                     "evaluation"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OpResult:
        return cls(
            op_id=str(data["op_id"]),
            record_id=str(data["record_id"]),
            status=Status(data["status"]),
            version=data.get("version"),
            change=data.get("change"),
            code=data.get("code"),
            reason=data.get("reason"),
            errors=data.get("errors"),
            server=data.get("server"),
            stored=data.get("stored"),
            evaluation=data.get("evaluation"),
        )


@dataclass
class OutOp:
    """One outbox row as it travels: the op, the record it is about, the version it edits."""

    op_id: str
    record_id: str
    op: Op
    base_version: int
    payload: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"op_id": self.op_id, "record_id": self.record_id, "op": str(self.op),
                "base_version": self.base_version, "payload": self.payload}


# A push body with "compact": true asks for results that do not echo each op's ids: the
# results come in the order of the ops, and `OPS_DIGEST` names the ops they answer. Two
# UUIDs an op are ~46 of the ~52 gzipped bytes of a result, on a 2G link where a whole
# registration goes up in ~150.
COMPACT = "compact"
OPS_DIGEST = "ops_digest"


def ops_digest(op_ids: Sequence[str]) -> str:
    """What a compact reply says it answers: a short hash of the batch's op ids, in order.
    With the batch id echoed, a reply to some other batch (or a page of a portal) cannot
    pass for this one's."""
    return hashlib.sha256("\n".join(op_ids).encode("utf-8")).hexdigest()[:16]


@dataclass
class PushBatch:
    batch_id: str
    ops: list[OutOp] = field(default_factory=list)
    compact: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"batch_id": self.batch_id, "ops": [op.to_json() for op in self.ops]}
        if self.compact:
            out[COMPACT] = True
        return out


@dataclass
class PushReply:
    batch_id: str
    server_id: str
    results: list[OpResult]

    @classmethod
    def from_json(cls, data: Mapping[str, Any],
                  ops: Sequence[tuple[str, str]] | None = None) -> PushReply:
        """`ops` ((op id, record id) of each op sent, in order) reads a compact reply: its
        results take those ids by position, once the digest shows they answer these ops.
        Raises ValueError for a reply that answers other ops."""
        results = list(data["results"])
        if OPS_DIGEST in data:
            if ops is None or len(results) != len(ops) or data[OPS_DIGEST] != ops_digest(
                    [op_id for op_id, _record_id in ops]):
                raise ValueError("a compact reply to other ops")
            results = [{**r, "op_id": op_id, "record_id": record_id}
                       for r, (op_id, record_id) in zip(results, ops, strict=True)]
        return cls(batch_id=str(data["batch_id"]), server_id=str(data["server_id"]),
                   results=[OpResult.from_json(r) for r in results])

    def to_json(self, *, compact: bool = False) -> dict[str, Any]:
        """The reply as the server sends it; `compact` leaves each result's ids out."""
        results = [r.to_json() for r in self.results]
        out: dict[str, Any] = {"batch_id": self.batch_id, "server_id": self.server_id}
        if compact:
            for r in results:
                del r["op_id"], r["record_id"]
            out[OPS_DIGEST] = ops_digest([r.op_id for r in self.results])
        out["results"] = results
        return out


@dataclass
class PullPage:
    since: int
    next: int
    more: bool
    server_id: str
    changes: list[dict[str, Any]]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PullPage:
        return cls(since=int(data["since"]), next=int(data["next"]), more=bool(data["more"]),
                   server_id=str(data["server_id"]), changes=list(data["changes"]))


# -- the server's evaluation in a push result, and pulls without the device's own changes --

# What a push result carries of the server's evaluation of an upsert (docs/sync-protocol.md,
# "Push"): the total score, the category, eligibility and the proposed path. The whole
# compact evaluation would double a reply's bytes on a 2G link for what a pull gives anyway.
EVALUATION_KEYS = ("total", "category", "eligible", "path")

# GET /v1/sync/pull?exclude_own=true: leave out the changes this device's own pushes wrote
# (it holds them already); a full pull after a start-over must not use it.
EXCLUDE_OWN = "exclude_own"


def evaluation_summary(compact: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """EVALUATION_KEYS of a compact evaluation (`models.programme.evaluation.compact`)."""
    if not isinstance(compact, Mapping):
        return None
    orientation = compact.get("orientation")
    path = orientation.get("path") if isinstance(orientation, Mapping) else None
    return {"total": compact.get("total"), "category": compact.get("category"),
            "eligible": compact.get("eligible"), "path": path}
