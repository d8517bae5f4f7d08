"""The store's collection of per-job objects, and the old one-class API over them.

`Repository(store)` holds one object per job, as Anki's collection holds `col.decks` and
`col.models`: `repo.records`, `repo.listing`, `repo.drafts`, `repo.definitions`,
`repo.decisions`, `repo.assessments`, `repo.outbox`, `repo.stats`, `repo.audit`, all
sharing one `repo.journal` (the write rule, journal.py). New code should call those; the
methods below are a thin facade kept so callers written against the one-class API
(pages, CLI, cards, benches) go on working unchanged. Every read returns plain
dataclasses, never live ORM objects, so the UI and the CLI can hold results across
threads and after the session closes.

Why here and not on `Store`: `Store` (database.py) is the open, keyed connection and
stays below the jobs, which import it; hanging the jobs on it would make each module
import the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jisr_desktop.models.programme.definitions import Definition, DefinitionSet
from jisr_desktop.models.programme.duplicates import DuplicateMatch

# Re-exported: names callers imported from here before the split.
from jisr_desktop.models.programme.evaluation import Derived
from jisr_desktop.models.programme.people import full_name  # noqa: F401
from jisr_desktop.models.store import derived, rewrite
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.audit import AuditInfo, AuditTrail
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.store.definitions import DEFINITION_KINDS, Definitions  # noqa: F401
from jisr_desktop.models.store.drafts import DraftInfo, Drafts  # noqa: F401
from jisr_desktop.models.store.journal import Journal, live_record  # noqa: F401
from jisr_desktop.models.store.listing import (  # noqa: F401
    FTS_DRIVE_LIMIT,
    NOT_ELIGIBLE,
    SORT_COLUMNS,
    Listing,
    RecordFilter,
    RecordSummary,
    ScoredRecord,
)
from jisr_desktop.models.store.outbox import Outbox
from jisr_desktop.models.store.records import RecordDetail, Records
from jisr_desktop.models.store.rewrite import DerivedRewrite
from jisr_desktop.models.store.search import fts_query, search_terms  # noqa: F401
from jisr_desktop.models.store.stats import STAT_FIELDS, Stats


class Repository:
    DERIVED_COLUMNS = derived.DERIVED_COLUMNS
    STAT_FIELDS = STAT_FIELDS

    def __init__(self, store: Store) -> None:
        self.store = store
        self.journal = Journal(store)
        self.records = Records(store, self.journal)
        self.listing = Listing(store)
        self.drafts = Drafts(store)
        self.definitions = Definitions(store, self.journal)
        self.decisions = DecisionRepository(store)
        self.assessments = AssessmentRepository(store)
        self.outbox = Outbox(store)
        self.stats = Stats(store)
        self.audit = AuditTrail(store)

    # -- the facade: one line each, delegating -------------------------------------------------

    def install_definitions(self, definitions: Iterable[Definition]) -> list[Definition]:
        return self.definitions.install(definitions)

    def active_definitions(self) -> DefinitionSet:
        return self.definitions.active()

    def definition(self, def_id: str, version: int) -> Definition | None:
        return self.definitions.get(def_id, version)

    def definition_versions(self, kind: str) -> list[tuple[str, int, str, bool]]:
        return self.definitions.versions(kind)

    def save_registration(self, answers: Mapping[str, Any], derived: Derived, **kw: Any
                          ) -> RecordDetail:
        return self.records.save(answers, derived, **kw)

    def bulk_save(self, items: Iterable[tuple[Mapping[str, Any], Derived, str | None]],
                  **kw: Any) -> int:
        return self.records.save_many(items, **kw)

    @staticmethod
    def derived_row(record_id: str, d: Derived) -> tuple[Any, ...]:
        return derived.derived_row(record_id, d)

    def derived_rewrite(self, fields: Iterable[str], *, versions: Mapping[str, Any],
                        status: str = "registered", chunk: int = 4000,
                        basis: str | None = None,
                        copies: rewrite.CopyFilter = None) -> DerivedRewrite:
        return DerivedRewrite(self.store, self.journal, tuple(fields), status=status,
                              chunk=chunk, versions=versions, basis=basis, copies=copies)

    def scoring_basis(self) -> str | None:
        """The basis of the last re-scoring pass that ended (`rewrite.BASIS_KEY`)."""
        return rewrite.stored_basis(self.store)

    def delete(self, record_id: str) -> bool:
        return self.records.delete(record_id)

    def get(self, record_id: str) -> RecordDetail | None:
        return self.records.get(record_id)

    def find_by_prefix(self, prefix: str) -> list[str]:
        return self.records.find_by_prefix(prefix)

    def count(self) -> int:
        return self.records.count()

    def iter_records(self, *, chunk: int = 1000, province_code: str | None = None
                     ) -> Iterator[RecordDetail]:
        return self.records.iter(chunk=chunk, province_code=province_code)

    def duplicate_candidates(self, answers: Mapping[str, Any], *, exclude_id: str | None = None
                             ) -> list[DuplicateMatch]:
        return self.records.duplicate_candidates(answers, exclude_id=exclude_id)

    def search(self, query: str, *, limit: int = 50, offset: int = 0) -> list[RecordSummary]:
        return self.listing.search(query, limit=limit, offset=offset)

    def page(self, filter: RecordFilter, **kw: Any) -> list[RecordSummary]:
        return self.listing.page(filter, **kw)

    def count_matching(self, filter: RecordFilter) -> int:
        return self.listing.count_matching(filter)

    def scored_in_province(self, province_code: str) -> list[ScoredRecord]:
        return self.listing.scored_in_province(province_code)

    def save_draft(self, draft_id: str | None, form: Definition, answers: Mapping[str, Any],
                   *, record_id: str | None = None) -> str:
        return self.drafts.save(draft_id, form, answers, record_id=record_id)

    # `repo.drafts(agent)` and `repo.stats()` still work: those objects are callable.

    def delete_draft(self, draft_id: str) -> None:
        self.drafts.delete(draft_id)

    def pending_outbox_count(self) -> int:
        return self.outbox.pending_count()

    def audit_trail(self, record_id: str | None = None, limit: int = 100) -> list[AuditInfo]:
        return self.audit.entries(record_id, limit)
