"""GET /v1/audit: the audit trail, for supervisors and administrators, within scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jisr_server import sync
from jisr_server.api.deps import Caller, State
from jisr_server.api.models import PLAIN, AuditPage
from jisr_server.errors import ApiError, responses
from jisr_server.scope import AUDIT_READERS

router = APIRouter(tags=["audit"])


@router.get("/v1/audit", response_model=AuditPage, responses=responses(401, 403, 422))
def read_audit(
    who: Caller,
    st: State,
    record_id: Annotated[str | None, Query(max_length=36, pattern=PLAIN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Newest first: who, from which device, when, what."""
    if who.role not in AUDIT_READERS:
        raise ApiError(
            403,
            "forbidden_role",
            "Only supervisors and administrators read the audit trail. / Réservé aux "
            "superviseurs et administrateurs.",
        )
    return {"entries": sync.audit_rows(st.engine, who, record_id, limit)}
