"""The card templates the screens print with: the ones installed in the store (an
administrator's `definitions --load DIR` installs a folder's `cards/`, the ministry's
exact letterhead for one), else those shipped with the app, the highest version of each
card winning (`models/store/card_templates.py`). The preview and the batch print read
them here, on the db lane, so a template installed after the app started is used at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jisr_desktop.models.store.card_templates import card_templates_in_force
from jisr_desktop.models.store.repository import Repository


def card_template(repo: Repository, kind: str) -> Mapping[str, Any]:
    """The template data of one card ("orientation", "service"); KeyError if none."""
    return card_templates_in_force(repo)[kind].data


def card_template_versions(repo: Repository) -> dict[str, int]:
    """The version in force of each card (what the preview says it prints with)."""
    return {kind: d.version for kind, d in card_templates_in_force(repo).items()}
