"""Real parts for sync tests: the server as a child process (tests/server/conftest.py's
helpers), real encrypted stores, and the impairment proxy in between."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, distinct_woman, make_submission
from tests.server.conftest import PASSWORD, USERS, Server, _postgres_database, _prepare
from tests.sync.proxy import Proxy

DEVICE_PASSPHRASE = PASSPHRASE


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long fault runs (more state-machine steps and kills)")


@pytest.fixture(scope="session")
def slow(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--slow"))


@pytest.fixture(scope="session")
def sync_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('sync-server') / 'server.db'}"
    _prepare(url)
    server = Server(url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_sync_server() -> Iterator[Server]:
    databases = _postgres_database()
    url = next(databases)
    _prepare(url)
    server = Server(url, workers=2)
    try:
        yield server
    finally:
        server.stop()
        next(databases, None)


@pytest.fixture
def proxy(sync_server: Server) -> Iterator[Proxy]:
    p = Proxy("127.0.0.1", sync_server.port)
    p.start()
    try:
        yield p
    finally:
        p.stop()


def new_device(folder: Path, definitions, *, agent: str = "Amina Agent",
               role: str = "field_agent", province: str = "07.351",
               passphrase: str = DEVICE_PASSPHRASE):
    from jisr_desktop.models.programme.definitions import load_extras
    from jisr_desktop.models.store.database import Store
    from jisr_desktop.models.store.repository import Repository

    store = Store.create(folder, agent, passphrase, role=role, province_code=province)
    # What `init` and the app install: the five, the card templates, places, paths' lists.
    Repository(store).install_definitions([*definitions.all(), *load_extras()])
    return store


SUPERVISOR = "Sara Supervisor"
SUPERVISOR_PASSPHRASE = "ⵙⴰⵔⴰ-سارة-42"


def new_centre(folder: Path, definitions, *, agent: str = "Amina Agent",
               province: str = "07.351"):
    """A store shared by a field agent and her supervisor, opened by the agent. The role
    table lets only an agent holding MANAGE_AGENTS add another: the supervisor sets the
    store up and adds her, as at a centre."""
    from jisr_desktop.models.store.database import Store

    store = new_device(folder, definitions, agent=SUPERVISOR, role="supervisor",
                       province=province, passphrase=SUPERVISOR_PASSPHRASE)
    store.add_agent(agent, DEVICE_PASSPHRASE, "field_agent", province)
    store.close()
    return Store.open(folder, agent, DEVICE_PASSPHRASE)


def sign_in(store, url: str, username: str = "agent_a", passphrase: str = DEVICE_PASSPHRASE):
    from jisr_desktop.sync.accounts import credentials, login

    login(store, passphrase, url, username, PASSWORD)
    return credentials(store, passphrase)


def unique_submission(**overrides):
    """A valid registration with its own CIN, names and birth date, so devices never
    collide by chance (a test that wants a pair overrides the CIN or names and date)."""
    return make_submission(**{**distinct_woman(uuid.uuid4().int), **overrides})


def engine_for(store, creds, url: str | None = None, **kwargs):
    from jisr_desktop.sync.engine import SyncEngine

    kwargs.setdefault("definitions", False)
    kwargs.setdefault("max_attempts", 4)
    kwargs.setdefault("sleep", lambda _s: None)
    return SyncEngine(store, creds, server_url=url, **kwargs)


__all__ = ["PASSWORD", "USERS", "os"]


def quick_client(store, url: str, min_timeout: float = 1.5):
    """A client whose timeouts notice a black hole within seconds (tests only)."""
    from jisr_desktop.models.store import sync_state
    from jisr_desktop.sync.client import Client, Link

    return Client(url, sync_state.device_id(store), link=Link(rtt=0.05,
                                                            min_timeout=min_timeout))


def enrol_one(store, **overrides):
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.enrolment import enrol

    repo = Repository(store)
    outcome = enrol(repo, repo.active_definitions(), unique_submission(**overrides),
                    allow_duplicate=True)
    assert outcome.saved, outcome.evaluation.to_dict("fr")["errors"]
    return outcome.record


def edit(store, record_id: str, **changes):
    from jisr_desktop.models.store.repository import Repository
    from jisr_desktop.models.workflows.enrolment import enrol

    repo = Repository(store)
    current = repo.get(record_id)
    answers = dict(current.answers, **changes)
    # An edit names the version it edits (a creation never overwrites).
    outcome = enrol(repo, repo.active_definitions(), answers, record_id=record_id,
                    base_version=current.version, allow_duplicate=True)
    assert outcome.saved, outcome.evaluation.to_dict("fr")["errors"]
    return outcome.record


def server_records(server_url: str, username: str = "admin") -> dict[str, dict]:
    """Every record the server holds for `username`'s scope, by id (a full pull)."""
    from tests.server.conftest import Client as RawClient
    from tests.server.conftest import login

    device = f"checker-{uuid.uuid4().hex[:8]}"
    token = login(server_url, username, device).json()["token"]
    changes = RawClient(server_url, token, device).pull_all(0, limit=1000)
    return {c["id"]: c for c in changes if c["entity"] == "record"}
