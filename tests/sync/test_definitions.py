"""Definitions from the server (`sync/definitions.py`), over a real server process: the
manifest with its ETag, new versions downloaded to a temporary place, checked against
the manifest's hash, installed in one transaction, the records re-scored under a new
grid, and a draft keeping the form version it was started with."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from jisr_desktop import paths
from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.sync.client import Client
from jisr_desktop.sync.definitions import DefinitionRefused, refresh
from jisr_desktop.sync.protocol import Status
from tests.conftest import make_submission
from tests.server.conftest import Server, _prepare, run_cli
from tests.sync.conftest import engine_for, enrol_one, new_device, sign_in


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: these tests publish new versions, which others must not see."""
    url = f"sqlite:///{tmp_path_factory.mktemp('definitions-server') / 'server.db'}"
    _prepare(url)
    srv = Server(url)
    try:
        yield srv
    finally:
        srv.stop()


class Recording(Client):
    """The real client, noting each request's path and status."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[tuple[str, int]] = []

    def call(self, method, path, **kwargs):
        reply = super().call(method, path, **kwargs)
        self.seen.append((path, reply.status))
        return reply


def _client(store, url: str) -> Recording:
    return Recording(url, sync_state.device_id(store))


def _token(store, url: str):
    return sign_in(store, url)["Amina Agent"]


def _publish(server: Server, tmp_path: Path, **changes: dict) -> None:
    """Publish a folder of the shipped definitions with some files given a new version."""
    folder = tmp_path / "defs"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(paths.definitions_dir(), folder, ignore=shutil.ignore_patterns("schemas"))
    for name, edit in changes.items():
        path = folder / name
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = run_cli("publish-definitions", str(folder), url=server.database_url)
    assert done.returncode == 0, done.stderr


def _richer_households(grid: dict) -> None:
    """Grid version + 1: a household of 5 or 6 is worth 5 points, not 4."""
    grid["version"] += 1
    criterion = next(c for c in grid["criteria"] if c["id"] == "household_size")
    band = next(b for b in criterion["bands"] if b.get("min") == 5)
    band["points"] = 5


def _new_form_version(form: dict) -> None:
    form["version"] += 1


def _tamper_newest_grid(server: Server) -> None:
    """The body the server sends no longer has the hash its manifest names."""
    engine = create_engine(server.database_url)
    with engine.begin() as conn:
        version, body = conn.execute(text(
            "SELECT version, body FROM published WHERE kind = 'grid' "
            "ORDER BY version DESC LIMIT 1")).one()
        data = json.loads(body)
        data["description"] = {**data.get("description", {}), "fr": "changé en route"}
        conn.execute(text("UPDATE published SET body = :b WHERE kind = 'grid' AND "
                          "version = :v"), {"b": json.dumps(data, ensure_ascii=False),
                                            "v": version})
    engine.dispose()


def _versions(store, kind: str) -> dict[int, bool]:
    return {v: active for _i, v, _h, active in Repository(store).definition_versions(kind)}


def _leftovers(store) -> list[Path]:
    return list(Path(store.folder).glob("definitions-*"))


def test_the_manifest_comes_with_its_etag_and_a_second_fetch_is_a_304(tmp_path, definitions,
                                                                       server):
    store = new_device(tmp_path / "dev", definitions)
    try:
        client = _client(store, server.url)
        token = _token(store, server.url)
        assert refresh(store, client, token) == []  # the shipped versions: nothing new
        assert client.seen == [("/v1/definitions", 200)]
        assert sync_state.get_value(store, "manifest_etag")
        assert refresh(store, client, token) == []
        assert client.seen[-1] == ("/v1/definitions", 304)
        assert len(client.seen) == 2  # nothing downloaded either time
    finally:
        store.close()


def test_a_new_grid_is_installed_and_the_records_rescored(tmp_path, definitions, server):
    store = new_device(tmp_path / "dev", definitions)
    try:
        repo = Repository(store)
        record = enrol_one(store, household_size=6)
        before = repo.get(record.id)
        grid_before = _versions(store, "grid")
        client = _client(store, server.url)
        token = _token(store, server.url)
        refresh(store, client, token)  # the manifest as it was: its ETag kept
        _publish(server, tmp_path, **{"grid.json": _richer_households})

        installed = refresh(store, client, token)
        assert [(d.kind, d.version) for d in installed] == [("grid", max(grid_before) + 1)]
        assert client.seen[-1][1] == 200 and client.seen[-1][0].startswith("/v1/definitions/")
        grid_now = _versions(store, "grid")
        assert grid_now[max(grid_before) + 1] is True
        assert not any(active for v, active in grid_now.items() if v != max(grid_now))
        after = repo.get(record.id)
        assert after.score_total == before.score_total + 1  # 5 points for her household
        assert after.version == before.version  # re-scoring is not an edit to send
        assert not _leftovers(store)  # the temporary folder is gone
        # And the next run asks again with the new ETag: nothing more.
        assert refresh(store, client, token) == []
        assert client.seen[-1] == ("/v1/definitions", 304)
    finally:
        store.close()


def test_a_body_that_does_not_match_the_manifest_installs_nothing(tmp_path, definitions,
                                                                  server):
    store = new_device(tmp_path / "dev", definitions)
    try:
        client = _client(store, server.url)
        token = _token(store, server.url)
        refresh(store, client, token)
        etag = sync_state.get_value(store, "manifest_etag")
        _publish(server, tmp_path, **{"grid.json": _richer_households,
                                      "registration.json": _new_form_version})
        # A proxy (or a broken disk) changed the new grid's body after it was published.
        _tamper_newest_grid(server)
        grids, forms = _versions(store, "grid"), _versions(store, "form")

        with pytest.raises(DefinitionRefused) as refused:
            refresh(store, client, token)
        assert refused.value.what == "hash_mismatch"
        # Nothing installed, not even the form that was fine: one transaction or none.
        assert _versions(store, "grid") == grids and _versions(store, "form") == forms
        assert sync_state.get_value(store, "manifest_etag") == etag  # asked again next run
        assert not _leftovers(store)
    finally:
        store.close()


def test_a_bad_definition_does_not_stop_the_sync(tmp_path, definitions, server):
    """A run whose definitions cannot be installed still sends and receives records."""
    store = new_device(tmp_path / "dev", definitions)
    try:
        record = enrol_one(store)
        creds = sign_in(store, server.url)
        _publish(server, tmp_path, **{"grid.json": _richer_households})
        _tamper_newest_grid(server)
        summary = engine_for(store, creds, server.url, definitions=True).run()
        assert summary.pushed == 1 and summary.left == 0, summary
        assert Repository(store).get(record.id) is not None
    finally:
        store.close()


def test_a_draft_keeps_the_form_version_it_started_with(tmp_path, definitions, server):
    store = new_device(tmp_path / "dev", definitions)
    try:
        repo = Repository(store)
        form_before = repo.active_definitions().form
        answers = make_submission(household_size=3)
        answers.pop("phone")  # half filled
        draft_id = repo.save_draft(None, form_before, answers)
        client = _client(store, server.url)
        token = _token(store, server.url)
        _publish(server, tmp_path, **{"registration.json": _new_form_version})
        installed = refresh(store, client, token)
        assert [(d.kind, d.version) for d in installed] == [("form", form_before.version + 1)]
        assert repo.active_definitions().form.version == form_before.version + 1
        [draft] = [d for d in repo.drafts() if d.id == draft_id]
        assert (draft.form_id, draft.form_version) == (form_before.id, form_before.version)
        assert repo.definition(draft.form_id, draft.form_version) == form_before
        # Finished under its own version, the registration goes up and is applied.
        from jisr_desktop.models.workflows.enrolment import enrol

        done = enrol(repo, replace(repo.active_definitions(), form=form_before),
                     {**draft.answers, "phone": "06 11 22 33 44"}, allow_duplicate=True)
        assert done.saved
        summary = engine_for(store, sign_in(store, server.url), server.url).run()
        assert summary.ok and summary.rejected == 0
        with store.engine.connect() as conn:
            status = conn.exec_driver_sql(
                "SELECT result FROM outbox WHERE record_id = ?", (done.record.id,)).scalar()
        assert status is None or json.loads(status).get("status") != Status.REJECTED
    finally:
        store.close()


def _named_en_centre(places: dict) -> None:
    """Directory version + 1: an administrator names an Entraide Nationale centre."""
    places["version"] += 1
    name = {"ar": "مركز التكوين المهني الداوديات", "fr": "Centre de formation Daoudiate",
            "zgh": "ⴰⵏⴰⵎⵎⴰⵙ ⵏ ⵓⵙⵍⵎⴷ ⴷⴷⴰⵡⴷⵢⴰⵜ"}
    places["places"].append({"id": "en_07_daoudiate", "kind": "en_vocational_training_centre",
                             "region": "07", "province": "07.351", "commune": None,
                             "name": name, "address": None, "phone": None, "status": "open",
                             "capacity": 40})


def test_a_new_directory_of_places_reaches_the_desktop(tmp_path, definitions, server):
    from jisr_desktop.models.store.referrals import directory_in_force

    store = new_device(tmp_path / "dev", definitions)
    try:
        client = _client(store, server.url)
        token = _token(store, server.url)
        refresh(store, client, token)
        before = max(_versions(store, "places"))
        _publish(server, tmp_path, **{"places.json": _named_en_centre})

        installed = refresh(store, client, token)
        assert [(d.kind, d.version) for d in installed] == [("places", before + 1)]
        directory = directory_in_force(Repository(store))
        assert "en_07_daoudiate" in {p.id for p in directory.places}
    finally:
        store.close()
