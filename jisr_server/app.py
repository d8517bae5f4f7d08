"""The FastAPI application: `create_app(settings)` wires state, limits, errors and routes.

FastAPI because the protocol is published as OpenAPI straight from the typed request and
response models, which schemathesis then holds the server to.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jisr_desktop.models.programme.reference import load_reference
from jisr_desktop.sync.protocol import Code
from jisr_server import __version__
from jisr_server.api import (
    audit_routes,
    auth_routes,
    definitions_routes,
    health_routes,
    pairs_routes,
    sync_routes,
)
from jisr_server.api.deps import ServerState
from jisr_server.catalog import FormCache
from jisr_server.config import Settings
from jisr_server.db import get_state, make_engine, migrate
from jisr_server.errors import ApiError
from jisr_server.limits import BodyLimit
from jisr_server.throttle import AddressBudget, HashSlots

DESCRIPTION = """Sync API of the Al Jisr programme: devices log in, push batches of
operations from their outbox, pull the changes of their scope, and download versioned
definitions. The full protocol, with examples: docs/sync-protocol.md."""


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.resolved_url())
    if run_migrations:
        migrate(engine)
    forms = FormCache()
    with engine.connect() as conn:
        server_id = get_state(conn, "server_id") or ""
        forms.warm(conn)
        conn.rollback()
    app = FastAPI(title="Jisr sync API", version=__version__, description=DESCRIPTION)
    app.state.jisr = ServerState(
        settings=settings,
        engine=engine,
        server_id=server_id,
        forms=forms,
        reference=load_reference(),
        push_slots=threading.BoundedSemaphore(settings.push_concurrency),
        login_slots=HashSlots(
            settings.login_hash_concurrency,
            settings.login_hash_queue,
            settings.login_hash_wait_seconds,
            settings.retry_after_seconds,
        ),
        login_budget=AddressBudget(settings.login_per_address_per_minute),
    )
    for module in (health_routes, auth_routes, sync_routes, definitions_routes, audit_routes,
                   pairs_routes):
        app.include_router(module.router)
    _install_error_handlers(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        read_timeout=settings.body_read_timeout_seconds,
    )
    # Replies gzipped when asked (Accept-Encoding): on EDGE a pull page is ~4x smaller.
    app.add_middleware(GZipMiddleware, minimum_size=500)
    return app


def app_from_env() -> FastAPI:
    """The factory `uvicorn --factory` calls in each worker (settings from JISR_SERVER_*)."""
    return create_app(Settings.from_env(), run_migrations=False)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": [str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        body: dict[str, Any] = {
            "code": str(Code.INVALID_REQUEST),
            "detail": "the request does not match the API schema (see errors)",
            "errors": errors,
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED}.get(
            exc.status_code, Code.HTTP_ERROR
        )
        return JSONResponse(
            {"code": str(code), "detail": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
