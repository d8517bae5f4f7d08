"""What every page needs, handed over explicitly rather than reached through a global."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jisr_desktop.models.programme.definitions import DefinitionSet
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.settings import Settings
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner


@dataclass(frozen=True)
class AccountInfo:
    name: str
    role: str
    province_code: str | None

    @property
    def can_decide(self) -> bool:
        """The committee's decision is recorded by a supervisor (or an admin)."""
        return may(self.role, Action.DECIDE)

    @property
    def can_enrol(self) -> bool:
        return may(self.role, Action.ENROL)

    @property
    def can_assess(self) -> bool:
        return may(self.role, Action.ASSESS)

    @property
    def can_deliver(self) -> bool:
        """Marking a service delivered: the server accepts a delivery only from a role
        that may deliver (roles.OP_ACTIONS), so the screen offers it to no other."""
        return may(self.role, Action.DELIVER)


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


def open_context(folder: Path, store: Store, tasks: TaskRunner, language: LanguageManager,
                 settings: Settings) -> AppContext:
    """Everything the pages need, once the store is open (the app, the self-test and the
    benchmarks all start here)."""
    from jisr_desktop.models.programme.definitions import load_directory, load_extras
    from jisr_desktop.models.programme.reference import load_reference

    repo = Repository(store)
    # A newer release ships newer definitions: install them; old versions stay in the store.
    repo.install_definitions([*load_directory().all(), *load_extras()])
    account = store.account()
    return AppContext(
        folder=folder,
        store=store,
        repo=repo,
        defs=repo.active_definitions(),
        reference=load_reference(),
        account=AccountInfo(account.name, account.role, account.province_code),
        tasks=tasks,
        language=language,
        settings=settings,
    )
