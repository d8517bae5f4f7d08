"""POST /v1/sync/push, GET /v1/sync/pull and GET /v1/records/{id}."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from jisr_desktop.sync.protocol import Code, PushReply
from jisr_server import pull as pulls
from jisr_server import push as pushes
from jisr_server.api.deps import Caller, State
from jisr_server.api.links import links
from jisr_server.api.models import PLAIN, PullResponse, PushRequest, PushResponse, RecordDoc
from jisr_server.errors import ApiError, responses

router = APIRouter(tags=["sync"])


@router.post(
    "/v1/sync/push",
    response_model=PushResponse,
    operation_id="push",
    responses={
        **responses(400, 401, 408, 413, 415, 422, 503),
        **links(
            GetPushedRecord=("get_record", {"record_id": "$response.body#/results/0/record_id"}),
            ReadPushedAudit=("read_audit", {"record_id": "$response.body#/results/0/record_id"}),
        ),
    },
)
def push(body: PushRequest, who: Caller, st: State) -> dict[str, Any] | JSONResponse:
    """Apply a batch of operations; one result per op, in order. Send `Content-Encoding:
    gzip` to compress the body, and `"compact": true` for results that leave out each op's
    ids (they come in the ops' order, under `ops_digest`). Ops outside the caller's role or
    scope are rejected one by one (the rest of the batch still applies)."""
    ops = [
        pushes.RawOp(o.op_id, o.record_id, o.op, o.base_version, _payload(o.payload))
        for o in body.ops
    ]
    # Pushes hold row locks and the change counter; more at once only queue in the
    # database. Waiting a little here, then 503, keeps latency bounded under load.
    if not st.push_slots.acquire(timeout=st.settings.push_wait_seconds):
        raise ApiError(
            503,
            Code.BUSY,
            "the server is busy; retry after Retry-After seconds",
            headers={"Retry-After": str(st.settings.retry_after_seconds)},
            retry_after=st.settings.retry_after_seconds,
        )
    try:
        results = pushes.push(st.engine, st.forms, st.reference, who, body.batch_id, ops)
    finally:
        st.push_slots.release()
    reply = PushReply(body.batch_id, st.server_id, results)
    if body.compact:
        # As built, not re-serialised by the response model, which would put back a null
        # for every absent field: a 2G link pays for each byte (absent means null here).
        return JSONResponse(reply.to_json(compact=True))
    return reply.to_json()


def _payload(raw: dict[str, Any] | str | None) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None  # rejected as invalid_payload, per op
    return raw


@router.get(
    "/v1/sync/pull",
    response_model=PullResponse,
    operation_id="pull",
    responses={
        **responses(401, 403, 410, 422),
        **links(
            GetPulledRecord=("get_record", {"record_id": "$response.body#/changes/0/record_id"}),
            PullNext=("pull", {"since": "$response.body#/next"}),
        ),
    },
)
def pull(
    who: Caller,
    st: State,
    since: Annotated[int, Query(ge=0, le=2**62, description="The `next` of the last pull")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    province: Annotated[
        str | None,
        Query(max_length=32, pattern=PLAIN, description="Only this province (within scope)"),
    ] = None,
    exclude_own: Annotated[
        bool,
        Query(description="Leave out what this device's own pushes wrote (not after a "
                          "start-over: a full pull must list everything)"),
    ] = False,
) -> dict[str, Any]:
    """The changes after `since`, oldest first, within the caller's scope; deletions come
    as tombstones (`deleted: true`). Pull again with `since=next` while `more` is true."""
    if province is not None and not who.covers(province, _region_of(st, province)):
        raise ApiError(
            403,
            Code.OUT_OF_SCOPE,
            f"province {province} is outside your scope",
        )
    page = pulls.pull(st.engine, who, since, min(limit, st.settings.pull_max_limit), province,
                      exclude_own=exclude_own)
    return {
        "since": page.since,
        "next": page.next,
        "more": page.more,
        "server_id": st.server_id,
        "changes": page.changes,
    }


def _region_of(st: Any, province: str) -> str | None:
    known = st.reference.provinces.get(province)
    return known.region_code if known else None


@router.get(
    "/v1/records/{record_id}",
    response_model=RecordDoc,
    operation_id="get_record",
    responses={
        **responses(401, 404, 422),
        **links(RecordAudit=("read_audit", {"record_id": "$response.body#/id"})),
    },
)
def get_record(
    record_id: Annotated[str, Path(max_length=36, pattern=PLAIN)], who: Caller, st: State
) -> dict[str, Any]:
    """The server's copy of one record. 404 both when it does not exist and when it is
    outside the caller's scope, so that existence does not leak."""
    found = pulls.get_record(st.engine, who, record_id)
    if found is None:
        raise ApiError(404, Code.NOT_FOUND, "no such record")
    return found
