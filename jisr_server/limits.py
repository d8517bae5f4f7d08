"""Request bodies: a size limit (413 naming the limit) and gzip decoding, before routing.

It also holds the body to the protocol's one format: JSON (415 otherwise) in UTF-8 (400),
one gzip stream with nothing after it, arriving within a read timeout (408).

Pure ASGI rather than a Starlette middleware class: it must see the raw byte stream to
stop counting at the limit, and it hands the endpoint an already-decoded body. The limit
applies to the bytes received and again to the decoded size, so a small gzip bomb is
refused like a big body.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
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
    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # A client that announces a body and sends it slowly, or not at all, must not hold
        # a connection (and its buffers) for ever: each read waits this long at most.
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        chunked = b"transfer-encoding" in headers
        if (declared is None or declared == b"0") and not chunked and encoding == b"identity":
            await self.app(scope, receive, send)  # no body at all (GET and the like)
            return
        refusal = self._refusal(headers, encoding)
        if refusal is not None:
            await _error(send, *refusal)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _drain(receive, _DRAIN_LIMIT, self.read_timeout)
            await self._too_large(send)
            return
        data = await self._read(receive, send)
        if data is None:
            return
        if encoding == b"gzip":
            data = await self._gunzip(data, send)
            if data is None:
                return
        if b"\x00" in data or not _is_utf8(data):
            # JSON on the wire is UTF-8 (RFC 8259). The JSON parser would also take UTF-16
            # and UTF-32; refusing them keeps one encoding for every client.
            await _error(send, 400, "not_utf8", "the body must be JSON in UTF-8")
            return
        await self.app(_with_length(scope, len(data)), _replay(data, receive), send)

    def _refusal(self, headers: Mapping[bytes, bytes], encoding: bytes) -> tuple | None:
        if encoding not in (b"identity", b"gzip"):
            return 415, "unsupported_encoding", "only gzip is accepted as Content-Encoding"
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if media != b"application/json" and not media.endswith(b"+json"):
            return 415, "not_json", "the body must be sent as Content-Type: application/json"
        return None

    async def _read(self, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once an error was answered (too large, too slow)."""
        body = bytearray()
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                await _error(send, 408, "body_timeout",
                             f"the body did not arrive within {self.read_timeout:g} s")
                return None
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                if more:
                    await _drain(receive, _DRAIN_LIMIT, self.read_timeout)
                await self._too_large(send)
                return None
        return bytes(body)

    async def _gunzip(self, data: bytes, send: Send) -> bytes | None:
        decoded = _gunzip(data, self.max_bytes)
        if decoded is None:
            await _error(send, 400, "bad_gzip", "the body is not one valid gzip stream")
            return None
        if len(decoded) > self.max_bytes:
            await self._too_large(send)
            return None
        return decoded

    async def _too_large(self, send: Send) -> None:
        await _error(
            send,
            413,
            "body_too_large",
            f"the request body exceeds {self.max_bytes} bytes: send smaller batches",
            limit_bytes=self.max_bytes,
        )


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _with_length(scope: Scope, length: int) -> Scope:
    scope = dict(scope)
    scope["headers"] = [
        (k, v)
        for k, v in scope.get("headers", [])
        if k.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
    ] + [(b"content-length", str(length).encode())]
    return scope


def _replay(data: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}
        return await receive()

    return replay


def _gunzip(data: bytes, limit: int) -> bytes | None:
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, limit + 1)
    except zlib.error:
        return None
    if len(out) <= limit and not decoder.eof:
        return None  # truncated stream
    if decoder.unused_data:
        return None  # trailing bytes after the stream (garbage, or a second member)
    return out


async def _drain(receive: Receive, limit: int, timeout: float) -> None:
    seen = 0
    while seen < limit:
        try:
            message = await asyncio.wait_for(receive(), timeout)
        except TimeoutError:
            return
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
