"""GET /v1/health (no token: load balancers and the desktop's "test connection")."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from jisr_server import __version__
from jisr_server.api.deps import State
from jisr_server.api.links import links
from jisr_server.api.models import Health
from jisr_server.errors import ApiError, responses

router = APIRouter(tags=["health"])


@router.get(
    "/v1/health",
    response_model=Health,
    operation_id="health",
    responses={**responses(503), **links(LogIn=("login", {}))},
)
def health(st: State) -> Health:
    try:
        with st.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.rollback()
    except Exception as exc:  # any database failure means "not ready", never a 500
        raise ApiError(
            503,
            "database_unavailable",
            f"Database unavailable: {type(exc).__name__}",
            headers={"Retry-After": str(st.settings.retry_after_seconds)},
        ) from exc
    return Health(
        status="ok",
        version=__version__,
        server_id=st.server_id,
        database=st.engine.dialect.name,
    )
