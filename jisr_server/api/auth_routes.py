"""POST /v1/auth/login and /v1/auth/logout."""

from __future__ import annotations

from fastapi import APIRouter

from jisr_server import auth
from jisr_server.api.deps import Caller, State
from jisr_server.api.models import LoginRequest, LoginResponse, LogoutResponse, UserInfo
from jisr_server.errors import responses

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/login", response_model=LoginResponse, responses=responses(401, 413, 422, 429, 503))
def login(body: LoginRequest, st: State) -> LoginResponse:
    """A token bound to `device_id`. Each failure is slowed down; repeated failures lock the
    username out for a while (429 with Retry-After)."""
    result = auth.login(
        st.engine, st.settings, body.username, body.password, body.device_id, body.device_name
    )
    who = result.principal
    return LoginResponse(
        token=result.token,
        expires_at=result.expires_at,
        device_id=who.device_id,
        user=UserInfo(**who.describe()),
        server_id=st.server_id,
    )


@router.post("/logout", response_model=LogoutResponse, responses=responses(401, 422))
def logout(who: Caller, st: State) -> LogoutResponse:
    """Revoke the token of this request; it is refused from now on."""
    auth.revoke(st.engine, who)
    return LogoutResponse(revoked=True)
