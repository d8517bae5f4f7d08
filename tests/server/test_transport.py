"""The body as the protocol allows it: JSON, in UTF-8, one gzip stream, arriving in time
(issue 14, point 16). Each case is sent as a hostile client would, on a raw connection
where the HTTP library would tidy it up."""

from __future__ import annotations

import gzip
import json
import socket
import time
import uuid

import requests

from tests.server.conftest import Backend, upsert


def _body() -> bytes:
    return json.dumps({"batch_id": str(uuid.uuid4()), "ops": [upsert()]}).encode()


def test_utf16_and_utf32_bodies_are_refused(backend: Backend) -> None:
    client = backend.client("agent_a")
    text = _body().decode()
    for encoding in ("utf-16", "utf-16-le", "utf-32"):
        response = client.post("/v1/sync/push", data=text.encode(encoding),
                               headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (encoding, response.text)
        assert response.json()["code"] == "not_utf8"
    assert client.post("/v1/sync/push", data=_body(),
                       headers={"Content-Type": "application/json"}).status_code == 200


def test_gzip_with_trailing_bytes_is_refused(backend: Backend) -> None:
    client = backend.client("agent_a")
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    for body in (gzip.compress(_body()) + b"garbage", gzip.compress(_body()) * 2):
        response = client.post("/v1/sync/push", data=body, headers=headers)
        assert response.status_code == 400 and response.json()["code"] == "bad_gzip"


def test_a_body_that_is_not_json_is_415(backend: Backend) -> None:
    client = backend.client("agent_a")
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = client.post("/v1/sync/push", data=_body(), headers={"Content-Type": media})
        assert response.status_code == 415, (media, response.text)
        assert response.json()["code"] == "not_json"
    login = requests.post(backend.url + "/v1/auth/login", data="username=a&password=b",
                          headers={"Content-Type": "application/x-www-form-urlencoded"},
                          timeout=10)
    assert login.status_code == 415


def _raw(backend: Backend, head: str, wait: float = 15.0) -> tuple[bytes, float]:
    """Send `head` (no body) and read until the server answers and closes; the answer and
    how long it took."""
    port = int(backend.url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.encode())
        reply = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            reply += chunk
    return reply, time.monotonic() - started


def test_an_announced_body_that_never_comes_does_not_hold_the_connection(
    backend: Backend,
) -> None:
    # JISR_SERVER_BODY_READ_TIMEOUT_SECONDS=2 in the test server.
    huge = (
        "POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000000000\r\n\r\n"
    )
    reply, took = _raw(backend, huge)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert took < 10, took
    small = (
        "POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    reply, took = _raw(backend, small)
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert b'"body_timeout"' in reply
    assert took < 10, took


def test_the_400_answer_is_documented(backend: Backend) -> None:
    spec = requests.get(backend.url + "/openapi.json", timeout=10).json()
    for path, method in (("/v1/sync/push", "post"), ("/v1/auth/login", "post")):
        responses = spec["paths"][path][method]["responses"]
        assert {"400", "408", "415"} <= set(responses), (path, sorted(responses))
        assert "http_error" in responses["400"]["description"]
    links = spec["paths"]["/v1/sync/push"]["post"]["responses"]["200"]["links"]
    assert links["GetPushedRecord"]["operationId"] == "get_record"
