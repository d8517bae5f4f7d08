"""The manifest of definitions and reference lists, downloads with ETag / 304, and
publishing a new version from the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import content_hash
from tests.server.conftest import Backend, run_cli, upsert


def test_manifest_lists_every_definition_and_list(backend: Backend) -> None:
    client = backend.client("agent_a")
    response = client.get("/v1/definitions")
    assert response.status_code == 200
    manifest = response.json()
    kinds = {d["kind"] for d in manifest["definitions"]}
    assert {"form", "grid", "orientation", "assessment", "services", "card"} <= kinds
    assert {r["id"] for r in manifest["reference"]} == {"regions", "provinces", "communes"}
    etag = response.headers["ETag"]
    again = client.get("/v1/definitions", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_definition_download_with_etag(backend: Backend) -> None:
    client = backend.client("agent_a")
    form = next(
        d for d in client.get("/v1/definitions").json()["definitions"] if d["kind"] == "form"
    )
    response = client.get(form["url"])
    assert response.status_code == 200
    assert content_hash(response.json()) == form["hash"]
    assert response.headers["ETag"] == f'"{form["hash"]}"'
    cached = client.get(form["url"], headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304
    stale = client.get(form["url"], headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert client.get("/v1/definitions/form/jisr.registration/99").status_code == 404


def test_reference_list_download(backend: Backend) -> None:
    client = backend.client("agent_a")
    entry = next(
        r for r in client.get("/v1/definitions").json()["reference"] if r["id"] == "provinces"
    )
    response = client.get(entry["url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = (paths.reference_dir() / "provinces.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry["hash"]
    assert response.text.splitlines()[0].startswith("code,")
    assert (
        client.get(entry["url"], headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


def test_publish_a_new_form_version(backend: Backend, tmp_path: Path) -> None:
    folder = tmp_path / "defs"
    shutil.copytree(paths.definitions_dir(), folder, ignore=shutil.ignore_patterns("schemas"))
    form_file = folder / "registration.json"
    form = json.loads(form_file.read_text(encoding="utf-8"))
    client = backend.client("agent_a")
    version = (
        max(
            d["version"]
            for d in client.get("/v1/definitions").json()["definitions"]
            if d["kind"] == "form"
        )
        + 1
    )
    form["version"] = version
    form_file.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    # The shipped form stays published; only the new version is added.
    done = run_cli("publish-definitions", str(folder), url=backend.server.database_url)
    assert done.returncode == 0, done.stderr
    assert f"form jisr.registration version {version}" in done.stdout
    op = upsert(form={"id": "jisr.registration", "version": version})
    assert client.results([op])[0]["status"] == "applied"
    # The same version number with other content is refused.
    form["title"] = {**form["title"], "fr": "Formulaire changé"}
    form_file.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    again = run_cli("publish-definitions", str(folder), url=backend.server.database_url)
    assert again.returncode == 2 and "already published" in again.stderr
