"""New registration / edit: the form built from the definition, live checks, drafts,
duplicates, save.

How it fits together:
- The widgets are built once per form version (`_build_form`), one `FieldWidget` per
  field, grouped in a section box per definition section. Opening a new, edited or
  resumed registration only sets values, so the page opens in a few milliseconds.
- Every edit goes to the Qt-free `FormModel`, which re-judges the whole form with the
  domain's `validate` (about 0.1 ms) and says what to show: relevance, one message per
  field, required marks, calculated values, progress. The page only applies that state.
- A draft is written 300 ms after the last change, on the db lane; the draft id is made
  here, up front, so two writes in flight can never create two drafts.
- Duplicates are looked up 400 ms after the identifiers change, on the db lane; a late
  answer for an older set of identifiers is dropped.
- Save runs `enrol` on the db lane (the same use case as the CLI): invalid answers come
  back as messages at their fields, a same-CIN duplicate asks the agent first, and a
  saved registration deletes its draft in the same task.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_number
from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.expressions import references
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.store.repository import DraftInfo, RecordDetail
from jisr_desktop.models.workflows.enrolment import EnrolOutcome, enrol
from jisr_desktop.ui.age_notice import AGE_FIELD, age_notice, age_rules
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.duplicates_panel import DuplicatesPanel
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.form_dialogs import discard_box, duplicate_box
from jisr_desktop.ui.form_model import (
    DUPLICATE_KEYS,
    FormModel,
    FormState,
    find_duplicate_views,
    reason_text,
    render,
)
from jisr_desktop.ui.form_widgets import (
    CalculatedWidget,
    FieldWidget,
    ReferenceWidget,
    make_field_widget,
)
from jisr_desktop.ui.tasks import DRAFTS, RECORDS, Changes

log = logging.getLogger(__name__)

DRAFT_DELAY_MS = 300
RECORDED_BY = "consent_recorded_by"  # a field-name contract (docs/definitions.md)
DUPLICATE_DELAY_MS = 400
# Task keys: a newer task of the same key supersedes the older one's answer.
KEY_OPEN = "form.open"
KEY_SAVE = "form.save"
KEY_DUPLICATES = "form.duplicates"

# Status lines, kept as msgids so a language switch re-renders them.
ST_DRAFT_SAVED = N_("Draft saved.")
ST_SAVING = N_("Saving…")
ST_LOADING = N_("Loading…")
ST_DUPLICATE_KEPT = N_("Not saved: a woman with this CIN is already registered.")
ST_SAVED = N_("Registration saved.")
ST_DRAFT_FAILED = N_("The draft could not be saved; the answers are still on screen.")
ST_NOT_FOUND = N_("This registration or draft no longer exists.")
MISSING = N_("{n} answer is missing or not valid.")
MISSING_PLURAL = N_("{n} answers are missing or not valid.")


class RegistrationPage(QWidget):
    saved = Signal(str)  # record id, after a successful save
    openRecord = Signal(str)  # the agent chose an existing (duplicate) record instead
    draftSaved = Signal(str)  # draft id, once the draft is on disk

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id: str | None = None  # the record being edited, None for a new one
        self.record_version: int | None = None  # the version of it being edited
        self.draft_id: str = str(uuid.uuid4())
        self.draft_written = False  # a draft row exists for draft_id
        self._dup_key: tuple[Any, ...] = ()
        self._saving = False
        self._status: tuple[str, int | None] = ("", None)

        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.progress.setMaximumHeight(12)
        self.progress_label.setBuddy(self.progress)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.discard_button = QPushButton()
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.progress_label)
        header.addWidget(self.progress)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.save_button)
        self.body = QVBoxLayout(self)
        self.body.addLayout(header)
        self.duplicates: DuplicatesPanel | None = None
        self.body.addWidget(self.scroll, 1)
        self.body.addLayout(bottom)

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.write_draft)
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(DUPLICATE_DELAY_MS)
        self.dup_timer.timeout.connect(self._look_for_duplicates)

        # Ctrl+S while anything on this page has focus; the main window has no Save action.
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

        self.form_definition: Definition | None = None
        self._build_form(ctx.defs.form)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    # -- building (once per form version) -----------------------------------------------------

    def _build_form(self, definition: Definition) -> None:
        self.form_definition = definition
        self.form: Form = from_definition(definition)
        self.model = FormModel(self.form, self.ctx.reference)
        self.widgets: dict[str, FieldWidget] = {}
        self.section_boxes: dict[str, QGroupBox] = {}
        # Reference fields filtered by another field: parent name -> children.
        self.children_of: dict[str, list[ReferenceWidget]] = {}
        # Calculated fields and the answers they are computed from.
        self._inputs_of = {
            f.name: set(references(f.calculation)) for f in self.form.fields if f.calculation
        }
        self.age_rules = age_rules(self.ctx.defs.grid)

        if self.duplicates is None:
            self.duplicates = DuplicatesPanel(self.form)
            self.duplicates.openRecord.connect(self.openRecord)
            self.body.insertWidget(1, self.duplicates)
        else:
            self.duplicates.set_form(self.form)
            self.duplicates.clear()

        holder = QWidget()
        column = QVBoxLayout(holder)
        for section in self.form.sections:
            box = QGroupBox()
            box.setObjectName(f"section_{section.name}")
            box_layout = QVBoxLayout(box)
            for fld in section.fields:
                widget = make_field_widget(fld, self.ctx.reference)
                widget.setObjectName(f"field_{fld.name}")
                widget.edited.connect(self._edited)
                box_layout.addWidget(widget)
                self.widgets[fld.name] = widget
                if isinstance(widget, ReferenceWidget) and fld.filter_by:
                    self.children_of.setdefault(fld.filter_by, []).append(widget)
            column.addWidget(box)
            self.section_boxes[section.name] = box
        column.addStretch(1)
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll.setWidget(holder)
        self._set_tab_order()
        self._apply(self.model.state)

    def _set_tab_order(self) -> None:
        # Document order, whatever order the layouts happened to create widgets in.
        chain = [w for fw in self.widgets.values() for w in fw.focus_chain()]
        chain += [self.discard_button, self.save_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _ensure_current_form(self) -> None:
        """A definitions update (sync) may have brought a new form version."""
        if self.ctx.defs.form != self.form_definition:
            self._build_form(self.ctx.defs.form)
            self.retranslate()

    # -- opening ------------------------------------------------------------------------------

    def start_new(self) -> None:
        """An empty form. The consent date defaults to today (the definition says so) and
        the agent who records the consent is the one signed in; she can change either."""
        self._ensure_current_form()
        answers = {}
        if RECORDED_BY in self.form and self.form.field(RECORDED_BY).is_answer:
            answers[RECORDED_BY] = self.ctx.account.name
        self.ctx.tasks.discard(KEY_SAVE)  # a save still running belongs to the form she left
        self.ctx.tasks.discard(KEY_OPEN)
        self._open(None, answers, title=N_("New registration"))

    def edit(self, record_id: str) -> None:
        """Load a saved registration for correction; saving updates the same record."""
        self._ensure_current_form()
        self._begin_loading()
        self.ctx.tasks.run(
            lambda: self.ctx.repo.get(record_id),
            key=KEY_OPEN,
            on_done=self._record_loaded,
            on_error=lambda error: self._failed(_("The registration could not be opened."), error),
        )

    def resume_draft(self, draft_id: str) -> None:
        """Continue a registration saved as a draft (after a crash, or left unfinished)."""
        self._ensure_current_form()
        self._begin_loading()
        repo = self.ctx.repo

        def work() -> tuple[DraftInfo, Definition | None] | None:
            draft = next((d for d in repo.drafts() if d.id == draft_id), None)
            # The form version she started with, though a sync installed a newer one since.
            return None if draft is None else (
                draft, repo.definition(draft.form_id, draft.form_version))

        self.ctx.tasks.run(
            work,
            key=KEY_OPEN,
            on_done=self._draft_loaded,
            on_error=lambda error: self._failed(_("The draft could not be opened."), error),
        )

    def _begin_loading(self) -> None:
        self.flush_draft()
        self.ctx.tasks.discard(KEY_SAVE)
        self._open(None, {}, title=N_("New registration"))
        self._set_status(ST_LOADING)
        self.scroll.setEnabled(False)

    def _record_loaded(self, record: RecordDetail | None) -> None:
        self.scroll.setEnabled(True)
        if record is None:
            self._set_status(ST_NOT_FOUND)
            return
        self._open(record.id, record.answers, title=N_("Edit registration"))
        self.record_version = record.version

    def _draft_loaded(self, found: tuple[DraftInfo, Definition | None] | None) -> None:
        self.scroll.setEnabled(True)
        if found is None:
            self._set_status(ST_NOT_FOUND)
            return
        draft, definition = found
        if definition is not None and definition != self.form_definition:
            self._build_form(definition)
            self.retranslate()
        title = N_("Edit registration") if draft.record_id else N_("New registration")
        self._open(draft.record_id, draft.answers, title=title, draft_id=draft.id)

    def _open(
        self,
        record_id: str | None,
        answers: dict[str, Any],
        *,
        title: str,
        draft_id: str | None = None,
    ) -> None:
        self.draft_timer.stop()
        self.dup_timer.stop()
        self.record_id = record_id
        self.record_version = None
        self.draft_id = draft_id or str(uuid.uuid4())
        self.draft_written = draft_id is not None
        self._title = title
        self.ctx.tasks.discard(KEY_DUPLICATES)
        self.duplicates.clear()
        self._set_status("")
        self.model.reset(answers)
        self._fill(self.model.answers)
        self._apply(self.model.evaluate())
        self._dup_key = ()
        self._schedule_duplicates()
        self.title.setText(_(title))
        self.scroll.verticalScrollBar().setValue(0)
        first = self.widgets[self.form.fields[0].name].focus_target()
        first.setFocus()

    def _fill(self, answers: dict[str, Any]) -> None:
        # Document order: a region is set before its provinces are listed.
        for fld in self.form.fields:
            widget = self.widgets[fld.name]
            if isinstance(widget, ReferenceWidget) and fld.filter_by:
                widget.set_parent_code(answers.get(fld.filter_by))
            if fld.is_answer:
                widget.set_value(answers.get(fld.name))

    # -- editing ------------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        widget = self.widgets[name]
        self.model.set(name, widget.value())
        self._update_children(name, widget.value())
        self._apply(self.model.evaluate())
        self.draft_timer.start()  # restarts: one write after she pauses
        if name in DUPLICATE_KEYS:
            self._schedule_duplicates()

    def _update_children(self, parent: str, code: Any) -> None:
        for child in self.children_of.get(parent, ()):
            if child.set_parent_code(code):
                # The commune of another province is no answer: drop it, and its children.
                self.model.set(child.field.name, None, touch=False)
                self._update_children(child.field.name, None)

    def _apply(self, state: FormState) -> None:
        """Show a state: visibility, marks, messages, calculated values, progress."""
        lang = self.ctx.lang
        for name, widget in self.widgets.items():
            visible = name in state.relevant
            if widget.isHidden() == visible:  # setVisible only on change: it re-lays out
                widget.setVisible(visible)
            widget.set_required(name in state.required)
            msg = state.messages.get(name)
            if msg is None:
                widget.set_message(None)
            else:
                widget.set_message(render(msg.text, self.form, lang), msg.severity)
            if isinstance(widget, CalculatedWidget):
                self._show_calculated(name, widget, state, msg is None)
        for name, box in self.section_boxes.items():
            visible = name in state.visible_sections
            if box.isHidden() == visible:
                box.setVisible(visible)
        # Only on change: this runs on every keystroke, and each Qt setter call counts
        # (see the shiboken note in the tests).
        if self.progress.maximum() != max(state.total_required, 1):
            self.progress.setMaximum(max(state.total_required, 1))
        if self.progress.value() != state.answered:
            self.progress.setValue(state.answered)
        text = _("Required answers: {answered} of {total}").format(
            answered=state.answered, total=state.total_required
        )
        if self.progress_label.text() != text:
            self.progress_label.setText(text)

    def _show_calculated(self, name: str, widget: CalculatedWidget, state: FormState,
                         free: bool) -> None:
        # An age from a birth date in the future is no age ("-4"): nothing is shown until
        # what it is computed from is right.
        failing = {i.field for i in state.result.errors}
        value = None if self._inputs_of.get(name, set()) & failing else \
            state.calculated.get(name)
        widget.show_value(value)
        if name == AGE_FIELD and free:
            lang = self.ctx.lang
            notice = age_notice(value, self.age_rules, lang, format_number(value, lang))
            if notice is None:
                widget.set_message(None)
            else:
                widget.set_message(notice.text, notice.severity)

    # -- drafts -------------------------------------------------------------------------------

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

    def hideEvent(self, event: QHideEvent) -> None:
        # Leaving the page (or the window closing): what was typed is on disk first, and
        # no lookup fires later into a task runner that may be shutting down.
        self.flush_draft()
        if self.dup_timer.isActive():
            self.dup_timer.stop()
            self._dup_key = ()  # looked up again when she comes back
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._schedule_duplicates()

    def stop_timers(self) -> None:
        """Write a pending draft and cancel the pending lookup (before the runner stops)."""
        self.flush_draft()
        self.dup_timer.stop()

    # -- duplicates ---------------------------------------------------------------------------

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

    # -- saving -------------------------------------------------------------------------------

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
        repo, defs, reference = ctx.repo, ctx.defs, ctx.reference
        if self.form_definition is not None and defs.form != self.form_definition:
            # Saved under the form version it was filled in (a sync may have brought a
            # newer one meanwhile), scored under the current grid.
            defs = replace(defs, form=self.form_definition)
        submission = self.model.submission()
        record_id, draft_id, had_draft = self.record_id, self.draft_id, self.draft_written
        base_version = self.record_version

        def work() -> EnrolOutcome:
            nonlocal base_version
            if record_id and base_version is None:  # a resumed draft of an edit
                current = repo.get(record_id)
                base_version = current.version if current else None
            outcome = enrol(
                repo,
                defs,
                submission,
                record_id=record_id,
                base_version=base_version,
                reference=reference,
                allow_duplicate=allow_duplicate,
            )
            # Same lane as the draft writes, so any draft write queued before is already
            # done: deleting now leaves nothing behind.
            if outcome.saved and had_draft:
                repo.delete_draft(draft_id)
            return outcome

        def changed(outcome: EnrolOutcome) -> Changes | None:
            if outcome.record is None:
                return None  # refused: nothing was written
            kinds = {RECORDS, DRAFTS} if had_draft else {RECORDS}
            return Changes.of(kinds, record_ids=[outcome.record.id], origin=self)

        # Keyed: if she opens another registration while this one saves, the outcome must
        # not re-target the form now on screen (a later save would overwrite the other
        # woman's record) nor take her away from it. A refused save keeps its draft.
        self.ctx.tasks.write(
            work,
            changes=changed,
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

    def _failed(self, message: str, error: BaseException) -> None:
        self.scroll.setEnabled(True)
        show_error(self, message, error)

    def focus_field(self, name: str) -> None:
        widget = self.widgets[name]
        target = widget.focus_target()
        self.scroll.ensureWidgetVisible(widget)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- language -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Re-label every widget in place; values stay where they are."""
        lang = self.ctx.lang
        self.title.setText(_(getattr(self, "_title", N_("New registration"))))
        self.save_button.setText(_("Save"))
        self.save_button.setToolTip(_("Save the registration (Ctrl+S)"))
        self.save_button.setAccessibleName(_("Save"))
        self.discard_button.setText(_("Delete the form…"))
        self.discard_button.setAccessibleName(_("Delete the form"))
        self.progress.setAccessibleName(_("Progress"))
        for section in self.form.sections:
            self.section_boxes[section.name].setTitle(localized(section.label, lang))
        for widget in self.widgets.values():
            widget.retranslate(lang)
        self.duplicates.retranslate(lang)
        self._apply(self.model.state)  # messages are re-rendered from their codes
        self._set_status(*self._status)

    def _set_status(self, msgid: str, n: int | None = None) -> None:
        self._status = (msgid, n)
        if not msgid:
            self.status.setText("")
        elif msgid == MISSING and n is not None:
            self.status.setText(ngettext(MISSING, MISSING_PLURAL, n).format(n=n))
        else:
            self.status.setText(_(msgid))

    # -- for tests and the main window --------------------------------------------------------

    def widget(self, name: str) -> FieldWidget:
        return self.widgets[name]
