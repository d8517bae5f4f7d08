"""A real server process over real HTTP, on a fresh SQLite file and on a real PostgreSQL.

One server per backend for the whole session (starting one costs about two seconds); each
test works on records with fresh UUIDs, so tests do not see each other's data. PostgreSQL
tests are skipped when it is unreachable, unless JISR_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import make_submission

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get(
    "JISR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# The shipped form's version (2 since the text bounds moved into it, issue 14 point 11).
FORM = {"id": "jisr.registration", "version": json.loads(
    (REPO / "resources" / "definitions" / "registration.json").read_text("utf-8"))["version"]}
PASSWORD = "correct horse battery"
# Province A (Marrakech, region 07), another province of region 07, province B (Tanger, 01).
PROVINCE_A = {"region": "07", "province": "07.351", "commune": "07.351.01.01"}
PROVINCE_A2 = {"region": "07", "province": "07.161", "commune": "07.161.01.01"}
PROVINCE_B = {"region": "01", "province": "01.511", "commune": "01.511.01.01"}
USERS = {
    "agent_a": ("field_agent", "province:07.351"),
    "agent_a2": ("field_agent", "province:07.161"),
    "agent_b": ("field_agent", "province:01.511"),
    "staff_a": ("incubator_staff", "province:07.351"),
    "supervisor_07": ("supervisor", "region:07"),
    "supervisor_01": ("supervisor", "region:01"),
    "admin": ("admin", "national"),
    "throttled": ("field_agent", "province:07.351"),
    "throttled_parallel": ("field_agent", "province:07.351"),
}
SERVER_ENV = {
    "JISR_SERVER_LOGIN_FAILURE_DELAY": "0.2",
    "JISR_SERVER_LOGIN_FREE_ATTEMPTS": "3",
    # Long enough that a burst of logins on a loaded machine ends inside the lock-out.
    "JISR_SERVER_LOGIN_LOCKOUT_SECONDS": "3",
    "JISR_SERVER_MAX_BODY_BYTES": str(1024 * 1024),
    # Every test logs in from 127.0.0.1, schemathesis with hundreds of random names: the
    # per-address budget has its own server in test_login_flood.py.
    "JISR_SERVER_LOGIN_PER_ADDRESS_PER_MINUTE": "1000000",
    "JISR_SERVER_LOGIN_HASH_QUEUE": "64",
    "JISR_SERVER_LOGIN_HASH_WAIT_SECONDS": "30",
    "JISR_SERVER_BODY_READ_TIMEOUT_SECONDS": "2",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JISR_SERVER_")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(SERVER_ENV)
    env.update(extra or {})
    return env


def run_cli(*args: str, url: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jisr_server.cli", *args, "--database-url", url],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=server_env(),
        timeout=60,
    )


class Server:
    """`jisr-server serve` as a child process; `url` is its base URL on loopback."""

    def __init__(
        self, database_url: str, env: dict[str, str] | None = None, workers: int = 1
    ) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(  # noqa: SIM115 - closed in stop()
            Path(os.environ.get("TMPDIR", "/tmp")) / f"jisr-server-{self.port}.log", "w+"
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jisr_server.cli",
                "serve",
                "--port",
                str(self.port),
                "--database-url",
                database_url,
                "--log-level",
                "warning",
                "--workers",
                str(workers),
            ],
            cwd=REPO,
            env=server_env(env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited:\n{self.log.read()}")
            try:
                if requests.get(self.url + "/v1/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not start in 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def _postgres_database() -> Iterator[str]:
    import psycopg

    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"jisr_test_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("JISR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Backend:
    name: str
    server: Server
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def engine(self) -> Any:
        from jisr_server.db import make_engine

        return make_engine(self.server.database_url)

    def client(self, username: str, device: str | None = None) -> Client:
        """A client logged in as `username` (one token per user and device, reused)."""
        device = device or f"{username}-laptop"
        key = f"{username}/{device}"
        if key not in self.tokens:
            self.tokens[key] = login(self.url, username, device).json()["token"]
        return Client(self.url, self.tokens[key], device)


def _prepare(url: str) -> None:
    from jisr_server.auth import create_user
    from jisr_server.catalog import publish_shipped
    from jisr_server.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    publish_shipped(engine)
    for username, (role, scope) in USERS.items():
        create_user(engine, username, PASSWORD, role, scope)
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    if request.param == "sqlite":
        databases: Iterator[str] = iter(
            [f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'server.db'}"]
        )
    else:
        databases = _postgres_database()
    url = next(databases)
    _prepare(url)
    server = Server(url)
    try:
        yield Backend(request.param, server)
    finally:
        server.stop()
        next(databases, None)  # runs the generator's clean-up (drops the database)


def login(url: str, username: str, device: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(
        url + "/v1/auth/login",
        json={"username": username, "password": password, "device_id": device},
        timeout=30,
    )


class Client:
    def __init__(self, url: str, token: str, device: str) -> None:
        self.url = url
        self.token = token
        self.device = device
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["X-Device-Id"] = device

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url + path, timeout=30, **kwargs)

    def push(
        self, ops: list[dict[str, Any]], batch_id: str | None = None, *, compress: bool = False
    ) -> requests.Response:
        body = json.dumps({"batch_id": batch_id or str(uuid.uuid4()), "ops": ops}).encode()
        headers = {"Content-Type": "application/json"}
        if compress:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return self.session.post(self.url + "/v1/sync/push", data=body, headers=headers, timeout=60)

    def results(self, ops: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
        response = self.push(ops, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()["results"]

    def pull_all(self, since: int, limit: int = 500, **params: Any) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        while True:
            response = self.get("/v1/sync/pull", params={"since": since, "limit": limit, **params})
            assert response.status_code == 200, response.text
            page = response.json()
            changes += page["changes"]
            since = page["next"]
            if not page["more"]:
                return changes


def upsert(
    record_id: str | None = None,
    base_version: int = 0,
    place: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    **answers: Any,
) -> dict[str, Any]:
    """An outbox row as the desktop writes it (`_write_record`)."""
    record_id = record_id or str(uuid.uuid4())
    submission = make_submission(**{**(place or PROVINCE_A), **woman(record_id), **answers})
    return {
        "op_id": str(uuid.uuid4()),
        "record_id": record_id,
        "op": "upsert",
        "base_version": base_version,
        "payload": {
            "id": record_id,
            "version": base_version + 1,
            "form": form or FORM,
            "answers": submission,
            "evaluation": None,
        },
    }


_ARABIC_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def woman(record_id: str) -> dict[str, str]:
    """A CIN and last names of her own for each record (the same for every edit of it): the
    server flags records sharing a CIN, or near-identical names and a birth date, as one
    woman twice. Twelve random letters keep any two names well below that threshold."""
    digest = hashlib.sha256(record_id.encode()).digest()
    latin = "".join(chr(ord("a") + b % 26) for b in digest[:12])
    arabic = "".join(_ARABIC_LETTERS[b % len(_ARABIC_LETTERS)] for b in digest[12:24])
    return {
        # Two letters and six digits: 676 million CINs, so no two records of a session meet.
        "cin": chr(65 + digest[28] % 26) + chr(65 + digest[29] % 26)
        + f"{int.from_bytes(digest[24:28], 'big') % 1_000_000:06d}",
        "last_name_lat": latin.capitalize(),
        "last_name_ar": arabic,
    }


def delete_op(record_id: str, base_version: int) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "record_id": record_id,
        "op": "delete",
        "base_version": base_version,
        "payload": {"id": record_id, "version": base_version + 1},
    }


def assessment_payload(record_id: str, **data: Any) -> dict[str, Any]:
    """An assessment as assessments.py sends it."""
    return {
        "id": str(uuid.uuid4()),
        "record_id": record_id,
        "definition": {"id": "jisr.assessment", "version": 1},
        "answers": {"a": 1},
        "recommended": ["training"],
        "agent": "staff",
        "created_at": "2026-12-01T10:00:00+00:00",
        "updated_at": "2026-12-01T10:00:00+00:00",
        **data,
    }


def delivery_payload(record_id: str, **data: Any) -> dict[str, Any]:
    """A service delivery as assessments.py (`mark_delivered`) sends it."""
    return {
        "id": str(uuid.uuid4()),
        "assessment_id": str(uuid.uuid4()),
        "record_id": record_id,
        "service_id": "training",
        "delivered_on": "2026-12-01",
        "delivered_by": "Centre Al Amal",
        "agent": "staff",
        "at": "2026-12-01T10:00:00+00:00",
        **data,
    }
