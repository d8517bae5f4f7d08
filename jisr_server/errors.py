"""One error shape for every refusal: a stable machine `code` (`protocol.Code`, which
clients translate), a `detail` in plain English for developers and logs, and any extra
fields (the body limit, the cursor to start over from)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    code: str
    detail: str
    limit_bytes: int | None = None
    retry_after: int | None = None
    errors: list[dict[str, Any]] | None = None


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = str(code)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the error statuses an endpoint can answer."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS.get(s, "Error")} for s in statuses}


_DESCRIPTIONS = {
    400: "Malformed request: code http_error (the HTTP layer could not parse it), bad_gzip, "
    "or not_utf8",
    408: "The body did not arrive in time (body_timeout)",
    415: "Content-Type is not application/json (not_json), or Content-Encoding is not gzip",
    401: "No token, or an unknown, expired or revoked one",
    403: "Outside the caller's role or scope",
    404: "Not found, or not visible to the caller",
    410: "Cursor no longer served: start over from since=0",
    413: "Request body too large",
    422: "Request does not match the schema",
    429: "Too many attempts; see Retry-After",
    503: "Server busy; see Retry-After",
}
