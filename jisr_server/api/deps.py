"""What every endpoint shares: the server's state and the caller behind the token."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from jisr_desktop.models.programme.reference import ReferenceData
from jisr_server import auth
from jisr_server.catalog import FormCache
from jisr_server.config import Settings
from jisr_server.scope import Principal
from jisr_server.throttle import AddressBudget, HashSlots


@dataclass
class ServerState:
    settings: Settings
    engine: Engine
    server_id: str
    forms: FormCache
    reference: ReferenceData
    push_slots: threading.BoundedSemaphore
    login_slots: HashSlots
    login_budget: AddressBudget


def state(request: Request) -> ServerState:
    return request.app.state.jisr


_bearer = HTTPBearer(auto_error=False, description="The token from POST /v1/auth/login")


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_device_id: Annotated[
        str | None,
        Header(
            description="The device the token was issued to (required: 401 device_mismatch "
            "when missing or different)"
        ),
    ] = None,
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise auth.unauthorized("missing_token")
    with state(request).engine.connect() as conn:
        who = auth.authenticate(conn, credentials.credentials, x_device_id)
        conn.rollback()
    return who


Caller = Annotated[Principal, Depends(principal)]
State = Annotated[ServerState, Depends(state)]
