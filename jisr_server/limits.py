"""Request bodies: a size limit (413 naming the limit) and gzip decoding, before routing.

Pure ASGI rather than a Starlette middleware class: it must see the raw byte stream to
stop counting at the limit, and it hands the endpoint an already-decoded body. The limit
applies to the bytes received and again to the decoded size, so a small gzip bomb is
refused like a big body.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Past this much, stop reading an oversized body and just answer: the client may see the
# connection close, but the server will not read gigabytes to be polite.
_DRAIN_LIMIT = 64 * 1024 * 1024


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if declared is None and b"transfer-encoding" not in headers and encoding == b"identity":
            await self.app(scope, receive, send)  # no body at all (GET and the like)
            return
        if encoding not in (b"identity", b"gzip"):
            await _error(
                send, 415, "unsupported_encoding", "Only gzip is accepted as Content-Encoding."
            )
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _drain(receive, _DRAIN_LIMIT)
            await self._too_large(send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                if more:
                    await _drain(receive, _DRAIN_LIMIT)
                await self._too_large(send)
                return
        data = bytes(body)
        if encoding == b"gzip":
            decoded = _gunzip(data, self.max_bytes)
            if decoded is None:
                await _error(send, 400, "bad_gzip", "The body is not valid gzip.")
                return
            if len(decoded) > self.max_bytes:
                await self._too_large(send)
                return
            data = decoded
        scope = dict(scope)
        scope["headers"] = [
            (k, v)
            for k, v in scope.get("headers", [])
            if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
        ] + [(b"content-length", str(len(data)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _error(
            send,
            413,
            "body_too_large",
            f"the request body exceeds {self.max_bytes} bytes: send smaller batches",
            limit_bytes=self.max_bytes,
        )


def _gunzip(data: bytes, limit: int) -> bytes | None:
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, limit + 1)
    except zlib.error:
        return None
    if len(out) <= limit and not decoder.eof:
        return None  # truncated stream
    return out


async def _drain(receive: Receive, limit: int) -> None:
    seen = 0
    while seen < limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _error(send: Send, status: int, code: str, detail: str, **extra: Any) -> None:
    body = json.dumps({"code": code, "detail": detail, **extra}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
