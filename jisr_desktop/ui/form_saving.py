"""The registration page's save: `enrol` on the db lane (the same use case as the CLI).
Invalid answers come back as messages at their fields, a same-CIN duplicate asks the
agent first, and a saved registration deletes its draft in the same task.

A mixin of `RegistrationPage`, kept apart from the form and from its draft.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import DefinitionSet
from jisr_desktop.models.programme.reference import ReferenceData
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import EnrolOutcome, enrol
from jisr_desktop.ui.form_dialogs import duplicate_box
from jisr_desktop.ui.form_model import reason_text
from jisr_desktop.ui.form_status import MISSING, ST_DUPLICATE_KEPT, ST_SAVED, ST_SAVING
from jisr_desktop.ui.tasks import DRAFTS, RECORDS, Changes

KEY_SAVE = "form.save"



def enrol_task(
    repo: Repository,
    defs: DefinitionSet,
    reference: ReferenceData,
    submission: dict[str, Any],
    *,
    record_id: str | None,
    base_version: int | None,
    draft_id: str | None,
    allow_duplicate: bool,
) -> Callable[[], EnrolOutcome]:
    """The db-lane work of one save: enrol, then delete the draft it replaces
    (`draft_id`, None when no draft was written)."""

    def work() -> EnrolOutcome:
        version = base_version
        if record_id and version is None:  # a resumed draft of an edit
            current = repo.get(record_id)
            version = current.version if current else None
        outcome = enrol(
            repo,
            defs,
            submission,
            record_id=record_id,
            base_version=version,
            reference=reference,
            allow_duplicate=allow_duplicate,
        )
        # Same lane as the draft writes, so any draft write queued before is already
        # done: deleting now leaves nothing behind.
        if outcome.saved and draft_id is not None:
            repo.delete_draft(draft_id)
        return outcome

    return work


def save_changes(had_draft: bool, origin: object) -> Callable[[EnrolOutcome], Changes | None]:
    """What a save announces: the record (and the draft it deleted), or nothing when
    it was refused."""

    def changed(outcome: EnrolOutcome) -> Changes | None:
        if outcome.record is None:
            return None  # refused: nothing was written
        kinds = {RECORDS, DRAFTS} if had_draft else {RECORDS}
        return Changes.of(kinds, record_ids=[outcome.record.id], origin=origin)

    return changed


class Saving:
    """The save of `RegistrationPage`; see the module docstring."""

    def save(self) -> None:
        if self._saving:
            return
        # A pending draft is written first (same lane, so before the enrol): if the save
        # is refused, the draft still has the latest answers.
        self.flush_draft()
        self.model.show_all = True
        self._apply(self.model.evaluate())
        self._run_enrol(allow_duplicate=False)

    def _run_enrol(self, *, allow_duplicate: bool) -> None:
        self._saving = True
        self.scroll.setEnabled(False)
        self.save_button.setEnabled(False)
        self._set_status(ST_SAVING)
        ctx = self.ctx
        defs = ctx.defs
        if self.form_definition is not None and defs.form != self.form_definition:
            # Saved under the form version it was filled in (a sync may have brought a
            # newer one meanwhile), scored under the current grid.
            defs = replace(defs, form=self.form_definition)
        work = enrol_task(
            ctx.repo,
            defs,
            ctx.reference,
            self.model.submission(),
            record_id=self.record_id,
            base_version=self.record_version,
            draft_id=self.draft_id if self.draft_written else None,
            allow_duplicate=allow_duplicate,
        )
        # Keyed: if she opens another registration while this one saves, the outcome must
        # not re-target the form now on screen (a later save would overwrite the other
        # woman's record) nor take her away from it. A refused save keeps its draft.
        self.ctx.tasks.write(
            work,
            changes=save_changes(self.draft_written, self),
            key=KEY_SAVE,
            on_done=self._enrolled,
            on_error=self._save_failed,
            always=self._save_over,
        )

    def _save_over(self) -> None:
        self._saving = False
        self.scroll.setEnabled(True)
        self.save_button.setEnabled(True)

    def _enrolled(self, outcome: EnrolOutcome) -> None:
        validation = outcome.evaluation.validation
        if not validation.ok:
            self._set_status(MISSING, len(validation.errors))
            names = {i.field for i in validation.errors}
            first = next((f.name for f in self.form.fields if f.name in names), None)
            if first is not None:
                self.focus_field(first)
            return
        if outcome.record is None:
            if outcome.blocked_by_duplicate and self.confirm_duplicate(outcome):
                self._run_enrol(allow_duplicate=True)
            else:
                self._set_status(ST_DUPLICATE_KEPT)
            return
        self.record_id = outcome.record.id
        self.record_version = outcome.record.version
        self.draft_id = str(uuid.uuid4())
        self.draft_written = False
        self._title = N_("Edit registration")
        self.title.setText(_(self._title))
        self._set_status(ST_SAVED)
        self.saved.emit(outcome.record.id)

    def confirm_duplicate(self, outcome: EnrolOutcome) -> bool:
        """Ask whether this is a different woman with the same CIN (a typo on an old card,
        a reissued number). Only her explicit yes saves the record."""
        box, save = duplicate_box(self, self.duplicates_text(outcome))
        box.exec()
        return box.clickedButton() is save

    def duplicates_text(self, outcome: EnrolOutcome) -> str:
        return "\n".join(
            " ".join(reason_text(r, self.form, self.ctx.lang) for r in d.reasons)
            for d in outcome.duplicates[:3]
        )

    def _save_failed(self, error: BaseException) -> None:
        self._set_status("")
        # Nothing is lost: the draft still holds every answer.
        self.draft_timer.start()
        self._failed(_("The registration could not be saved."), error)

