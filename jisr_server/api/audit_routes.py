"""GET /v1/audit: the audit trail, for supervisors and administrators, within scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jisr_desktop.models.programme.roles import Action
from jisr_desktop.sync.protocol import Code
from jisr_server import audit
from jisr_server.api.deps import Caller, State
from jisr_server.api.models import PLAIN, AuditPage
from jisr_server.errors import ApiError, responses

router = APIRouter(tags=["audit"])


@router.get(
    "/v1/audit",
    response_model=AuditPage,
    operation_id="read_audit",
    responses=responses(401, 403, 422),
)
def read_audit(
    who: Caller,
    st: State,
    record_id: Annotated[str | None, Query(max_length=36, pattern=PLAIN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Newest first: who, from which device, when, what."""
    if not who.may(Action.READ_AUDIT):
        raise ApiError(403, Code.FORBIDDEN_ROLE, f"the role {who.role} may not read the audit")
    return {"entries": audit.audit_rows(st.engine, who, record_id, limit)}
