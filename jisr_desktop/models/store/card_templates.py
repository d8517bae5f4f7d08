"""The card templates in force: the newest version of each card among those installed in
the store (`definitions --load DIR` installs a folder's `cards/`) and the shipped ones, so
the ministry's exact letterhead can replace ours without a new release (issue 12)."""

from __future__ import annotations

from jisr_desktop.models.programme.definitions import CARD_KIND, Definition, load_card_templates
from jisr_desktop.models.store.repository import Repository


def card_templates_in_force(repo: Repository) -> dict[str, Definition]:
    """By card ("orientation", "service"): the highest version, stored or shipped."""
    templates = dict(load_card_templates())
    for def_id, version, _hash, _active in repo.definition_versions(CARD_KIND):
        found = repo.definition(def_id, version)
        if found is None:
            continue
        card = found.data["card"]
        if card not in templates or templates[card].version < found.version:
            templates[card] = found
    return templates
