"""Request and response bodies: what /openapi.json publishes and schemathesis checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Identifiers end up in SQL parameters: PostgreSQL refuses NUL in text, and a control
# character in an id is a client bug better refused at the door.
PLAIN = r"^[^\x00-\x1f\x7f]+$"
Id = Field(min_length=1, max_length=64, pattern=PLAIN)
OpName = Literal["upsert", "delete", "decision", "assessment", "delivery",
                 "referral", "service_edit", "incubation", "follow_up",
                 "en_step", "licence", "group", "group_member"]
Status = Literal["applied", "duplicate", "conflict", "rejected"]
Entity = Literal["record", "decision", "assessment", "delivery", "pair",
                 "referral", "service_edit", "incubation", "follow_up",
                 "en_step", "licence", "group", "group_member"]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=150, pattern=PLAIN)
    password: str = Field(min_length=1, max_length=1024)
    device_id: str = Id
    device_name: str | None = Field(default=None, max_length=200, pattern=PLAIN)


class UserInfo(BaseModel):
    username: str
    role: str
    scope: str = Field(description='"province:CODE", "region:CODE" or "national"')


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    device_id: str
    user: UserInfo
    server_id: str


class LogoutResponse(BaseModel):
    revoked: bool


class OpIn(BaseModel):
    """One outbox row, as the desktop stores it. Only `op_id` is checked here: a wrong
    `record_id` (not a UUID), `op` or `base_version` is a per-op `rejected` result, so one
    bad row never blocks the rest of a device's outbox."""

    op_id: str = Id
    record_id: Any = Field(description="A UUID (36 characters); else rejected per op")
    op: Any = Field(
        description="upsert, delete, decision, assessment, delivery, referral, service_edit, "
        "incubation or follow_up; else rejected per op",
        json_schema_extra={"examples": list(OpName.__args__)},  # type: ignore[attr-defined]
    )
    base_version: Any = Field(description="An integer >= 0; else rejected per op")
    # An object; a JSON string (the outbox column as it is) is accepted too.
    payload: dict[str, Any] | str | None = None


class PushRequest(BaseModel):
    batch_id: str = Id
    ops: list[OpIn] = Field(max_length=1000)
    compact: bool = Field(
        default=False,
        description="Results without each op's ids, in the ops' order, under `ops_digest`",
    )


class RecordDoc(BaseModel):
    """A record or an attached item, as pulls and conflicts show it."""

    model_config = ConfigDict(extra="forbid")

    change: int
    entity: Entity
    id: str
    record_id: str
    version: int
    deleted: bool
    province: str
    region: str
    updated_at: datetime
    form: dict[str, Any] | None = None
    answers: dict[str, Any] | None = None
    evaluation: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


class OpResult(BaseModel):
    op_id: str
    record_id: str
    status: Status
    version: int | None = None
    change: int | None = None
    code: str | None = None
    reason: str | None = None
    errors: list[dict[str, Any]] | None = None
    server: RecordDoc | None = None
    stored: dict[str, Any] | None = None
    evaluation: dict[str, Any] | None = Field(
        default=None,
        description="An applied upsert: the server's own total, category, eligible, path",
    )


class CompactOpResult(BaseModel):
    """A result of a compact reply: the op's ids are those of the op at the same place."""

    status: Status
    version: int | None = None
    change: int | None = None
    code: str | None = None
    reason: str | None = None
    errors: list[dict[str, Any]] | None = None
    server: RecordDoc | None = None
    stored: dict[str, Any] | None = None
    evaluation: dict[str, Any] | None = None


class PushResponse(BaseModel):
    batch_id: str
    server_id: str
    ops_digest: str | None = Field(
        default=None,
        description="A compact reply: sha256 of the op ids joined by newlines, 16 hex digits",
    )
    results: list[OpResult] | list[CompactOpResult]


class PullResponse(BaseModel):
    since: int
    next: int = Field(description="The cursor for the next pull")
    more: bool = Field(description="True when another page is waiting: pull again at once")
    server_id: str
    changes: list[RecordDoc]


class ManifestEntry(BaseModel):
    kind: str
    id: str
    version: int
    hash: str
    media_type: str
    url: str


class Manifest(BaseModel):
    definitions: list[ManifestEntry]
    reference: list[ManifestEntry]
    latest: dict[str, int] = Field(description="Newest version of each id")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    server_id: str
    database: str


class AuditEntry(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    username: str | None
    device_id: str | None
    action: str
    entity: str | None
    entity_id: str | None
    record_id: str | None
    version: int | None
    change_no: int | None
    op_id: str | None
    province: str | None
    region: str | None
    details: dict[str, Any] | None


class AuditPage(BaseModel):
    entries: list[AuditEntry]
