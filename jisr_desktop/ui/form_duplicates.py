"""The registration page's duplicate lookup: 400 ms after the identifiers change, on the
db lane; a late answer for an older set of identifiers is dropped (keyed task).

A mixin of `RegistrationPage`, kept apart from the form and from the save.
"""

from __future__ import annotations

import logging

from jisr_desktop.ui.form_model import find_duplicate_views

log = logging.getLogger("jisr_desktop.ui.form_page")

KEY_DUPLICATES = "form.duplicates"


class DuplicateLookup:
    """Duplicate lookup for `RegistrationPage`; see the module docstring."""


    def _schedule_duplicates(self) -> None:
        key = self.model.duplicate_key()
        if key == self._dup_key:
            return
        self._dup_key = key
        self.ctx.tasks.discard(KEY_DUPLICATES)
        if not self.model.duplicate_query():
            self.dup_timer.stop()
            self.duplicates.clear()
            return
        self.dup_timer.start()

    def _look_for_duplicates(self) -> None:
        query = self.model.duplicate_query()
        repo, exclude = self.ctx.repo, self.record_id
        self.ctx.tasks.run(
            lambda: find_duplicate_views(repo, query, exclude),
            key=KEY_DUPLICATES,
            on_done=self.duplicates.set_matches,
            # A failed lookup only costs the warning; the save checks the CIN again.
            on_error=lambda error: log.warning("duplicate lookup failed", exc_info=error),
        )

