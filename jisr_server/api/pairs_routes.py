"""GET /v1/pairs, POST /v1/pairs/{id}/merge and /dismiss: possible duplicates, settled by
a supervisor (docs/sync-protocol.md, "The same woman twice")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from jisr_server import pair_settle
from jisr_server.api.deps import Caller, State
from jisr_server.api.links import links
from jisr_server.api.models import PLAIN
from jisr_server.errors import responses

router = APIRouter(tags=["pairs"])
PairStatus = Literal["open", "merged", "dismissed", "closed"]
PairId = Annotated[str, Path(max_length=36, pattern=PLAIN)]


class PairSide(BaseModel):
    record_id: str | None = Field(description="null when the record is outside your scope")
    visible: bool
    province: str
    region: str
    deleted: bool
    version: int | None = None
    updated_at: str | None = None
    summary: dict[str, Any] | None = None


class Pair(BaseModel):
    pair_id: str
    status: PairStatus
    reasons: list[str]
    kept: str | None = None
    settled_by: str | None = None
    settled_at: str | None = None
    records: list[PairSide]


class PairList(BaseModel):
    pairs: list[Pair]


class MergeRequest(BaseModel):
    keep: str = Field(min_length=1, max_length=36, pattern=PLAIN,
                      description="The record that stays; the other becomes its tombstone")


_FIRST_PAIR = {"pair_id": "$response.body#/pairs/0/pair_id"}


@router.get(
    "/v1/pairs",
    response_model=PairList,
    operation_id="list_pairs",
    responses={
        **responses(401, 403, 422),
        **links(
            MergePair=("merge_pair", _FIRST_PAIR,
                       {"keep": "$response.body#/pairs/0/records/0/record_id"}),
            DismissPair=("dismiss_pair", _FIRST_PAIR),
        ),
    },
)
def list_pairs(
    who: Caller,
    st: State,
    status: Annotated[PairStatus, Query()] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """The pairs with a record in your scope (supervisors and administrators)."""
    return {"pairs": pair_settle.list_pairs(st.engine, who, status, limit)}


@router.post(
    "/v1/pairs/{pair_id}/merge",
    response_model=Pair,
    operation_id="merge_pair",
    responses={
        # 400, 408, 413, 415: the body's checks (limits.py), as for every request body.
        **responses(400, 401, 403, 404, 408, 409, 413, 415, 422),
        **links(GetKept=("get_record", {"record_id": "$response.body#/kept"})),
    },
)
def merge(pair_id: PairId, body: MergeRequest, who: Caller, st: State) -> dict[str, Any]:
    """Keep one record; the other becomes a tombstone pointing to it (`data.merged_into`)
    and its decisions, assessments and deliveries move over, in one transaction."""
    return pair_settle.merge(st.engine, who, pair_id, body.keep)


@router.post(
    "/v1/pairs/{pair_id}/dismiss",
    response_model=Pair,
    operation_id="dismiss_pair",
    responses={
        **responses(401, 403, 404, 409, 422),
        **links(ReadPairAudit=("read_audit", {"record_id": "$response.body#/records/0/record_id"})),
    },
)
def dismiss(pair_id: PairId, who: Caller, st: State) -> dict[str, Any]:
    """Two different women: the flag is lifted on both devices, and never raised again."""
    return pair_settle.dismiss(st.engine, who, pair_id)
