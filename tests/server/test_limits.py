"""Body size limit (413 with the limit), bad encodings, overload (503 + Retry-After)."""

from __future__ import annotations

import gzip
import json
import threading
import uuid

import requests

from tests.server.conftest import Backend, Server, upsert

LIMIT = 1024 * 1024  # JISR_SERVER_MAX_BODY_BYTES in the test server


def test_too_large_body_is_413_with_the_limit(backend: Backend) -> None:
    client = backend.client("agent_a")
    body = json.dumps({"batch_id": "big", "ops": [], "pad": "x" * (LIMIT + 10)})
    response = client.post("/v1/sync/push", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert response.json()["limit_bytes"] == LIMIT


def test_gzip_bomb_is_413(backend: Backend) -> None:
    client = backend.client("agent_a")
    body = gzip.compress(b'{"batch_id": "b", "ops": [], "pad": "' + b"x" * (LIMIT * 3) + b'"}')
    assert len(body) < LIMIT
    response = client.post(
        "/v1/sync/push",
        data=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert response.json()["limit_bytes"] == LIMIT


def test_broken_gzip_and_unknown_encodings(backend: Backend) -> None:
    client = backend.client("agent_a")
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    broken = client.post("/v1/sync/push", data=b"not gzip at all", headers=headers)
    assert broken.status_code == 400 and broken.json()["code"] == "bad_gzip"
    brotli = client.post("/v1/sync/push", data=b"{}", headers={**headers, "Content-Encoding": "br"})
    assert brotli.status_code == 415


def test_overload_answers_503_with_retry_after(tmp_path) -> None:
    """One push slot and no waiting: concurrent pushes beyond it are told to come back."""
    from tests.server.conftest import _prepare, login

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    _prepare(url)
    server = Server(
        url, {"JISR_SERVER_PUSH_CONCURRENCY": "1", "JISR_SERVER_PUSH_WAIT_SECONDS": "0"}
    )
    try:
        token = login(server.url, "agent_a", "d").json()["token"]
        statuses: list[requests.Response] = []

        def push() -> None:
            ops = [upsert() for _ in range(200)]
            statuses.append(
                requests.post(
                    server.url + "/v1/sync/push",
                    json={"batch_id": str(uuid.uuid4()), "ops": ops},
                    headers={"Authorization": f"Bearer {token}", "X-Device-Id": "d"},
                    timeout=60,
                )
            )

        threads = [threading.Thread(target=push) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in statuses)
        assert 200 in codes and 503 in codes, codes
        busy = next(r for r in statuses if r.status_code == 503)
        assert busy.headers["Retry-After"] == "5"
        assert busy.json()["code"] == "busy"
    finally:
        server.stop()
