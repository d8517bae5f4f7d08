"""The programme paths' lists in force (definition kind `programme_paths`): the newest
version the store has, else the one shipped with the app, as for the directory."""

from __future__ import annotations

from jisr_desktop.models.programme.definitions import PATHS_KIND, load_programme_paths
from jisr_desktop.models.programme.programme_paths import Catalogue
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository


def catalogue_in_force(repo: Repository) -> Catalogue:
    versions = repo.definition_versions(PATHS_KIND)
    if versions:
        def_id, version, _hash, _active = max(versions, key=lambda v: v[1])
        found = repo.definition(def_id, version)
        if found is not None:
            return Catalogue(found)
    shipped = load_programme_paths()
    if shipped is None:
        raise LookupError("no programme paths definition")
    return Catalogue(shipped)


def require(store: Store, action: Action) -> None:
    """PermissionError unless the store's agent is active and her role may `action`."""
    account = store.account()
    if account is None or not account.active or not may(account.role, action):
        raise PermissionError(f"the role may not {action}")


def clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None
