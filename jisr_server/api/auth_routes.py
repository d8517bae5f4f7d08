"""POST /v1/auth/login and /v1/auth/logout."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from jisr_server import auth
from jisr_server.api.deps import Caller, State
from jisr_server.api.links import links
from jisr_server.api.models import LoginRequest, LoginResponse, LogoutResponse, UserInfo
from jisr_server.errors import responses
from jisr_server.throttle import too_many_from_address

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post(
    "/login",
    response_model=LoginResponse,
    operation_id="login",
    responses={
        **responses(400, 401, 408, 413, 415, 422, 429, 503),
        # With the token as "Authorization: Bearer <token>": pull, download, log out.
        **links(Pull=("pull", {}), Manifest=("manifest", {}), LogOut=("logout", {})),
    },
)
async def login(body: LoginRequest, st: State, request: Request) -> LoginResponse:
    """A token bound to `device_id`. Each failure is slowed down; repeated failures lock the
    username out for a while, and too many attempts from one address are refused (429 with
    Retry-After); too many logins at once are answered 503 with Retry-After."""
    address = request.client.host if request.client else ""
    wait = st.login_budget.wait_for(address)
    if wait > 0:
        raise too_many_from_address(wait)
    # The database work and the argon2 check run on the thread pool, a bounded number at a
    # time (throttle.py); the failure delay is awaited on the event loop, so a flood of
    # wrong passwords holds no thread while it waits (a time.sleep there would tie up one
    # of the pool's 40 threads per failure and starve every other synchronous route).
    async with st.login_slots.slot():
        result = await run_in_threadpool(
            auth.login,
            st.engine,
            st.settings,
            body.username,
            body.password,
            body.device_id,
            body.device_name,
        )
    if result is None:
        await asyncio.sleep(st.settings.login_failure_delay)
        raise auth.bad_credentials()
    who = result.principal
    return LoginResponse(
        token=result.token,
        expires_at=result.expires_at,
        device_id=who.device_id,
        user=UserInfo(**who.describe()),
        server_id=st.server_id,
    )


@router.post(
    "/logout",
    response_model=LogoutResponse,
    operation_id="logout",
    responses={**responses(401, 422), **links(LogInAgain=("login", {}))},
)
def logout(who: Caller, st: State) -> LogoutResponse:
    """Revoke the token of this request; it is refused from now on."""
    auth.revoke(st.engine, who)
    return LogoutResponse(revoked=True)
