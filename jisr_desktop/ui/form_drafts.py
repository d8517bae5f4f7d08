"""The registration page's drafts: written 300 ms after the last change, flushed when she
leaves, dropped (after asking) when she deletes the form.

A mixin of `RegistrationPage` (it uses the page's model, timers and task runner); kept
apart so the page module holds the form itself and this one the life of its draft.
"""

from __future__ import annotations

import logging

from jisr_desktop.i18n import N_
from jisr_desktop.ui.form_dialogs import discard_box
from jisr_desktop.ui.form_status import ST_DRAFT_FAILED, ST_DRAFT_SAVED
from jisr_desktop.ui.tasks import DRAFTS

# The page's logger: the messages are the page's, wherever the code sits.
log = logging.getLogger("jisr_desktop.ui.form_page")



class DraftKeeping:
    """Draft writing for `RegistrationPage`; see the module docstring."""


    def write_draft(self) -> None:
        """Write the draft now (the debounce timer calls this; so do hide and save)."""
        self.draft_timer.stop()
        answers = self.model.draft_answers()
        if not answers and not self.draft_written:
            return  # nothing typed yet: no empty draft to offer back later
        repo, definition = self.ctx.repo, self.form_definition
        draft_id, record_id = self.draft_id, self.record_id
        self.draft_written = True
        self.ctx.tasks.write(
            lambda: repo.save_draft(draft_id, definition, answers, record_id=record_id),
            changes={DRAFTS},
            origin=self,
            on_done=self._draft_done,
            on_error=self._draft_failed,
        )

    def flush_draft(self) -> None:
        """Write a pending draft at once (leaving the page, closing the window)."""
        if self.draft_timer.isActive():
            self.write_draft()

    def _draft_done(self, draft_id: str) -> None:
        if draft_id == self.draft_id and not self._saving:
            self._set_status(ST_DRAFT_SAVED)
        self.draftSaved.emit(draft_id)

    def _draft_failed(self, error: BaseException) -> None:
        # Said on the status line, not in a dialog: drafts are written after every pause,
        # and a full disk must not bury her under one dialog per word. The save itself
        # still reports its errors in full.
        log.error("draft not saved", exc_info=error)
        self._set_status(ST_DRAFT_FAILED)

    def keep_as_draft(self) -> bool:
        """Write what was typed as a draft now (she is going to another page); True when
        there is a draft to come back to."""
        # Every edit restarts the draft timer: if it is idle, the draft on disk is current
        # (or nothing was typed).
        self.flush_draft()
        return self.draft_written

    def confirm_discard(self) -> bool:
        """Asked first. The safe answer is the default: Enter or Escape keeps the form."""
        box, delete = discard_box(self)
        self.discard_box = box
        box.exec()
        return box.clickedButton() is delete

    def discard(self) -> None:
        """Drop what was typed (and its draft) after asking."""
        if not self.model.answers or not self.confirm_discard():
            return
        self.draft_timer.stop()
        if self.draft_written:
            draft_id = self.draft_id
            self.ctx.tasks.write(lambda: self.ctx.repo.delete_draft(draft_id),
                                 changes={DRAFTS}, origin=self)
        self._open(None, {}, title=N_("New registration"))

