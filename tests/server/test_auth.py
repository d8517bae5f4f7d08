"""Login, device-bound tokens, expiry, revocation and the failed-login slow-down."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import select, update

from jisr_server.auth import create_user, hash_token, prune_login_failures
from jisr_server.db import utcnow
from jisr_server.schema import login_failures, tokens
from tests.server.conftest import PASSWORD, Backend, Client, login, run_cli


def test_login_gives_a_device_bound_token(backend: Backend) -> None:
    response = login(backend.url, "agent_a", "tablet-1")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["device_id"] == "tablet-1"
    assert body["user"] == {
        "username": "agent_a",
        "role": "field_agent",
        "scope": "province:07.351",
    }
    client = Client(backend.url, body["token"], "tablet-1")
    assert client.get("/v1/sync/pull").status_code == 200
    # Sent from another device, the same token is refused.
    other = client.get("/v1/sync/pull", headers={"X-Device-Id": "someone-else"})
    assert other.status_code == 401
    assert other.json()["code"] == "device_mismatch"
    assert client.get("/v1/sync/pull", headers={"X-Device-Id": "tablet-1"}).status_code == 200
    # Without the header, refused too: the binding is not optional.
    bare = requests.get(
        backend.url + "/v1/sync/pull",
        headers={"Authorization": f"Bearer {body['token']}"},
        timeout=10,
    )
    assert bare.status_code == 401
    assert bare.json()["code"] == "device_mismatch"
    assert bare.headers["WWW-Authenticate"] == "Bearer"


def test_wrong_password_and_unknown_user_look_the_same(backend: Backend) -> None:
    wrong = login(backend.url, "agent_b", "d", password="nope-nope")
    unknown = login(backend.url, "nobody-at-all", "d")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "bad_credentials"


def test_no_token_or_a_bad_one_is_401(backend: Backend) -> None:
    bare = requests.get(backend.url + "/v1/sync/pull", timeout=10)
    assert bare.status_code == 401
    assert bare.json()["code"] == "missing_token"
    assert bare.headers["WWW-Authenticate"] == "Bearer"
    forged = Client(backend.url, "forged-token", "d").get("/v1/sync/pull")
    assert forged.status_code == 401
    assert forged.json()["code"] == "invalid_token"
    for path in ("/v1/definitions", "/v1/records/x", "/v1/audit"):
        assert requests.get(backend.url + path, timeout=10).status_code == 401
    assert (
        requests.post(
            backend.url + "/v1/sync/push", json={"batch_id": "b", "ops": []}, timeout=10
        ).status_code
        == 401
    )


def test_logout_revokes_the_token(backend: Backend) -> None:
    token = login(backend.url, "agent_a", "to-revoke").json()["token"]
    client = Client(backend.url, token, "to-revoke")
    assert client.post("/v1/auth/logout").json() == {"revoked": True}
    after = client.get("/v1/sync/pull")
    assert after.status_code == 401
    assert after.json()["code"] == "revoked_token"
    # Other tokens of the same user still work.
    assert backend.client("agent_a").get("/v1/sync/pull").status_code == 200


def test_expired_token_is_refused(backend: Backend) -> None:
    token = login(backend.url, "agent_a", "expiring").json()["token"]
    engine = backend.engine()
    with engine.begin() as conn:
        conn.execute(
            update(tokens)
            .where(tokens.c.token_hash == hash_token(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    engine.dispose()
    response = Client(backend.url, token, "expiring").get("/v1/sync/pull")
    assert response.status_code == 401
    assert response.json()["code"] == "expired_token"


def test_tokens_are_stored_hashed(backend: Backend) -> None:
    token = login(backend.url, "agent_a", "hashed").json()["token"]
    engine = backend.engine()
    with engine.connect() as conn:
        stored = {r.token_hash for r in conn.execute(tokens.select())}
    engine.dispose()
    assert token not in stored
    assert hash_token(token) in stored


def test_failed_logins_are_slowed_then_locked_out(backend: Backend) -> None:
    for _ in range(3):  # JISR_SERVER_LOGIN_FREE_ATTEMPTS=3 in the test server
        started = time.monotonic()
        assert login(backend.url, "throttled", "d", password="wrong-guess").status_code == 401
        assert time.monotonic() - started >= 0.2  # the per-failure delay
    locked = login(backend.url, "throttled", "d")  # even the right password waits
    assert locked.status_code == 429
    assert locked.json()["code"] == "too_many_attempts"
    assert int(locked.headers["Retry-After"]) >= 1
    time.sleep(float(locked.headers["Retry-After"]) + 0.1)
    assert login(backend.url, "throttled", "d").status_code == 200


def test_parallel_wrong_logins_are_all_counted(backend: Backend) -> None:
    """Attempts are counted atomically, before the password is checked: a burst of wrong
    passwords at once cannot slip past the lock-out, and every attempt let through counts."""
    attempts = 8

    def wrong(_: int) -> requests.Response:
        return login(backend.url, "throttled_parallel", "d", password="parallel-guess")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = [r.status_code for r in pool.map(wrong, range(attempts))]
    elapsed = time.monotonic() - started
    assert set(statuses) <= {401, 429}
    engine = backend.engine()
    with engine.connect() as conn:
        counted = conn.scalar(
            select(login_failures.c.failures).where(
                login_failures.c.username == "throttled_parallel"
            )
        )
    engine.dispose()
    # Every password checked (each 401) was counted; no more than the free attempts were
    # checked while the 1 s lock-out held (JISR_SERVER_LOGIN_FREE_ATTEMPTS=3).
    assert counted == statuses.count(401)
    if elapsed < 1.0:
        assert statuses.count(401) == 3 and statuses.count(429) == attempts - 3
    # Locked now, even for the right password.
    assert login(backend.url, "throttled_parallel", "d").status_code == 429


def test_prune_forgets_old_failed_login_counts(backend: Backend) -> None:
    assert login(backend.url, "stale-name", "d", password="wrong-guess").status_code == 401
    engine = backend.engine()
    with engine.begin() as conn:
        conn.execute(
            update(login_failures)
            .where(login_failures.c.username == "stale-name")
            .values(last_at=utcnow() - timedelta(days=2))
        )
    assert prune_login_failures(engine) >= 1
    with engine.connect() as conn:
        left = conn.scalar(
            select(login_failures.c.username).where(login_failures.c.username == "stale-name")
        )
    engine.dispose()
    assert left is None


def test_a_stolen_laptop_and_then_the_account_are_cut_off(backend: Backend) -> None:
    # A token stolen with a laptop (the device id comes with it): the administrator
    # revokes that device's tokens; if the password leaked too, disables the account.
    name = f"lost-{uuid.uuid4().hex[:8]}"
    engine = backend.engine()
    create_user(engine, name, PASSWORD, "field_agent", "province:07.351")
    engine.dispose()
    stolen = Client(backend.url, login(backend.url, name, "stolen-laptop").json()["token"],
                    "stolen-laptop")
    office = Client(backend.url, login(backend.url, name, "office-laptop").json()["token"],
                    "office-laptop")
    url = backend.server.database_url
    done = run_cli("revoke-tokens", name, "--device", "stolen-laptop", url=url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"1 tokens of {name} on device stolen-laptop revoked")
    refused = stolen.get("/v1/sync/pull")
    assert refused.status_code == 401 and refused.json()["code"] == "revoked_token"
    assert office.get("/v1/sync/pull").status_code == 200
    # The password leaked too: every token refused, and the password logs in no more.
    assert run_cli("revoke-tokens", name, "--disable", url=url).returncode == 0
    assert office.get("/v1/sync/pull").status_code == 401
    again = login(backend.url, name, "stolen-laptop")
    assert again.status_code == 401 and again.json()["code"] == "bad_credentials"
    unknown = run_cli("revoke-tokens", "nobody-at-all", url=url)
    assert unknown.returncode == 2 and "no user named" in unknown.stderr
