"""Definitions from the server: the manifest with its ETag, new versions fetched to a
temporary folder, each checked against the manifest's hash, all installed in one
transaction, then the records re-scored when the grid or orientation rules changed.

A form being filled keeps its version: drafts name the form version they started with
and installing never touches them; old versions stay, records name theirs."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from jisr_desktop.models.programme.definitions import (
    EXTRA_KINDS,
    Definition,
    DefinitionError,
    parse_definition,
)
from jisr_desktop.models.store import sync_state
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import DEFINITION_KINDS, Repository
from jisr_desktop.models.store.tokens import DeviceToken
from jisr_desktop.sync.client import Client, LinkError

log = logging.getLogger(__name__)

RESCORING_KINDS = ("grid", "orientation")
# Besides the five that score a record, the card templates, the directory of places and
# the lists of the later paths: an administrator publishes them like the others (issue 12:
# "the desktop receives it with the definitions").
SYNCED_KINDS = (*DEFINITION_KINDS, *EXTRA_KINDS)


class DefinitionRefused(Exception):
    """A downloaded version is not what the manifest names (its hash differs) or not a
    valid definition: nothing was installed. Not a link failure to retry at once (the
    same body would come again), and no reason to hold back the records' sync: the
    next run asks again (the manifest's ETag was not kept)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def refresh(store: Store, client: Client, token: DeviceToken) -> list[Definition]:
    """Install what the server publishes and this store lacks; returns what was installed.
    A body whose hash differs from the manifest's (a proxy rewrote it) raises
    DefinitionRefused: nothing is installed, and the next run tries again."""
    etag = sync_state.get_value(store, "manifest_etag")
    reply = client.call("GET", "/v1/definitions", token=token.token,
                        headers={"If-None-Match": etag} if etag else None)
    if reply.status == 304:
        return []
    entries = (reply.data or {}).get("definitions")
    if not isinstance(entries, list):
        raise LinkError("not_the_server")
    repo = Repository(store)
    have = {(i, v) for kind in SYNCED_KINDS for i, v, _h, _a in repo.definition_versions(kind)}
    wanted = [e for e in entries if e.get("kind") in SYNCED_KINDS
              and (e.get("id"), e.get("version")) not in have]
    fetched = _fetch(store, client, token, wanted) if wanted else []
    before = _active_versions(repo)
    installed = repo.install_definitions(fetched) if fetched else []
    if installed and any(before.get(k) != v for k, v in _active_versions(repo).items()
                         if k in RESCORING_KINDS):
        from jisr_desktop.models.workflows.rescoring import rescore_all

        log.info("new grid or orientation rules: re-scoring")
        rescore_all(repo, repo.active_definitions())
    sync_state.set_values(store, manifest_etag=reply.headers.get("ETag"))
    return installed


def _fetch(store: Store, client: Client, token: DeviceToken,
           wanted: list[dict]) -> list[Definition]:
    out: list[Definition] = []
    # Definitions hold no personal data; the folder is the store's, readable by her alone.
    with tempfile.TemporaryDirectory(prefix="definitions-", dir=store.folder) as tmp:
        for entry in wanted:
            reply = client.call("GET", str(entry["url"]), token=token.token, expect_down=20_000)
            path = Path(tmp) / f"{entry['id']}-{entry['version']}.json"
            path.write_text(json.dumps(reply.data, ensure_ascii=False), encoding="utf-8")
            try:
                definition = parse_definition(path.read_bytes(), f"server:{entry['url']}")
            except DefinitionError as exc:
                log.warning("definition refused: %s", exc)
                raise DefinitionRefused("bad_definition") from exc
            if definition.content_hash != entry.get("hash"):
                log.warning("definition %s version %s refused: not the manifest's hash",
                            entry.get("id"), entry.get("version"))
                raise DefinitionRefused("hash_mismatch")
            out.append(definition)
    return out


def _active_versions(repo: Repository) -> dict[str, int]:
    out = {}
    for kind in DEFINITION_KINDS:
        for _id, version, _hash, active in repo.definition_versions(kind):
            if active:
                out[kind] = version
    return out
