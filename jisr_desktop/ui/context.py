"""What every page needs, handed over explicitly rather than reached through a global."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jisr_desktop.models.definitions import DefinitionSet
from jisr_desktop.models.reference import ReferenceData
from jisr_desktop.models.repository import Repository
from jisr_desktop.models.store import Store
from jisr_desktop.settings import Settings
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner

ROLE_FIELD_AGENT = "field_agent"
ROLE_INCUBATOR = "incubator_staff"
ROLE_SUPERVISOR = "supervisor"
ROLE_ADMIN = "admin"


@dataclass(frozen=True)
class AccountInfo:
    name: str
    role: str
    province_code: str | None

    @property
    def can_decide(self) -> bool:
        """The committee's decision is recorded by a supervisor (or an admin)."""
        return self.role in (ROLE_SUPERVISOR, ROLE_ADMIN)

    @property
    def can_enrol(self) -> bool:
        return self.role in (ROLE_FIELD_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN)

    @property
    def can_assess(self) -> bool:
        return self.role in (ROLE_INCUBATOR, ROLE_SUPERVISOR, ROLE_ADMIN)


@dataclass
class AppContext:
    folder: Path
    store: Store
    repo: Repository
    defs: DefinitionSet
    reference: ReferenceData
    account: AccountInfo
    tasks: TaskRunner
    language: LanguageManager
    settings: Settings

    @property
    def lang(self) -> str:
        return self.language.lang
