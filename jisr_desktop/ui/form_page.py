"""New registration / edit: the form built from the definition, opened, edited and
re-labelled. Its other jobs live beside it as mixins of `RegistrationPage`:
`form_display` (showing a FormState), `form_drafts`, `form_duplicates` (the lookup) and
`form_saving`.

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

import uuid
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

from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.definitions import Definition, localized
from jisr_desktop.models.programme.form import Form, from_definition
from jisr_desktop.models.store.repository import DraftInfo, RecordDetail
from jisr_desktop.ui.age_notice import age_rules
from jisr_desktop.ui.choice_widgets import ReferenceWidget
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.duplicates_panel import DuplicatesPanel
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.field_widget import FieldWidget
from jisr_desktop.ui.form_display import FormDisplay
from jisr_desktop.ui.form_drafts import DraftKeeping
from jisr_desktop.ui.form_duplicates import KEY_DUPLICATES, DuplicateLookup
from jisr_desktop.ui.form_model import DUPLICATE_KEYS, FormModel
from jisr_desktop.ui.form_saving import KEY_SAVE, Saving
from jisr_desktop.ui.form_status import ST_LOADING, ST_NOT_FOUND, status_text
from jisr_desktop.ui.form_widgets import make_field_widget

DRAFT_DELAY_MS = 300
RECORDED_BY = "consent_recorded_by"  # a field-name contract (docs/definitions.md)
DUPLICATE_DELAY_MS = 400
# Task keys: a newer task of the same key supersedes the older one's answer.
KEY_OPEN = "form.open"



class RegistrationPage(FormDisplay, DraftKeeping, DuplicateLookup, Saving, QWidget):
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
        self._build_chrome()
        self._make_timers()
        self.form_definition: Definition | None = None
        self._build_form(ctx.defs.form)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    def _build_chrome(self) -> None:
        """What stays the same across form versions: title, progress, buttons, status."""
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
        # Ctrl+S while anything on this page has focus; the main window has no Save action.
        self.save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

    def _make_timers(self) -> None:
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.write_draft)
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(DUPLICATE_DELAY_MS)
        self.dup_timer.timeout.connect(self._look_for_duplicates)

    # -- building (once per form version) -----------------------------------------------------

    def _build_form(self, definition: Definition) -> None:
        self.form_definition = definition
        self.form: Form = from_definition(definition)
        self.model = FormModel(self.form, self.ctx.reference)
        self.widgets: dict[str, FieldWidget] = {}
        self.section_boxes: dict[str, QGroupBox] = {}
        # Reference fields filtered by another field: parent name -> children.
        self.children_of: dict[str, list[ReferenceWidget]] = {}
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
        self.status.setText(status_text(msgid, n))

    # -- for tests and the main window --------------------------------------------------------

    def widget(self, name: str) -> FieldWidget:
        return self.widgets[name]
