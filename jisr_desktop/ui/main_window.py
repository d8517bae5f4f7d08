"""The main window: menus, the page stack, the status bar — and nothing else.

Pages do their own work; the window only wires their navigation signals together, shows
what the agent's role allows, and locks itself after the configured idle time.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from jisr_desktop.i18n import N_, _, ngettext
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.privacy import PrivacyCurtain
from jisr_desktop.ui.screen_fit import fit
from jisr_desktop.ui.tasks import OUTBOX, SETTINGS, Changes
from jisr_desktop.ui.unlock_dialog import LANG_NAMES

ROLE_NAMES = {
    "field_agent": N_("Field agent"),
    "incubator_staff": N_("Incubator staff"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrator"),
}


class IdleWatcher(QObject):
    """Notes the time of the last keyboard or mouse input anywhere in the application."""

    INPUT_EVENTS = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.Wheel,
            QEvent.Type.MouseMove,
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.last_input = time.monotonic()

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False


class MainWindow(QMainWindow):
    locked = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        from jisr_desktop.ui.assessment_page import AssessmentPage
        from jisr_desktop.ui.beneficiaries_page import BeneficiariesPage
        from jisr_desktop.ui.committee_page import CommitteePage
        from jisr_desktop.ui.drafts_page import DraftsPage
        from jisr_desktop.ui.form_page import RegistrationPage
        from jisr_desktop.ui.result_page import ResultPage

        self.stack = QStackedWidget()
        self.beneficiaries = BeneficiariesPage(ctx)
        self.registration = RegistrationPage(ctx)
        self.result = ResultPage(ctx)
        self.committee = CommitteePage(ctx)
        self.assessment = AssessmentPage(ctx)
        self.drafts = DraftsPage(ctx)
        for page in (
            self.beneficiaries,
            self.registration,
            self.result,
            self.committee,
            self.assessment,
            self.drafts,
        ):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self._build_actions()
        self._wire_pages()
        from jisr_desktop.ui.record_page import install as install_record_view

        self.record_view = install_record_view(self)  # her record; Back; Edit (screens-b)
        from jisr_desktop.ui.programme_actions import install as install_programme

        self.programme = install_programme(self)  # the steps after orientation (issue 12)
        from jisr_desktop.ui.sync_setup import install_sync

        self.sync_panel = install_sync(self)  # the sync page, its action, background probe
        from jisr_desktop.ui.store_check import install as install_store_check

        self.store_check = install_store_check(self, ctx)  # every page, once, in the background
        from jisr_desktop.ui.paths_page import install as install_paths

        self.paths_page = install_paths(self)  # EN path, licences, groups (issue 12)
        self.sync_label = QLabel()
        self.agent_label = QLabel()
        self.statusBar().addPermanentWidget(self.agent_label)
        self.statusBar().addWidget(self.sync_label)
        self.curtain = PrivacyCurtain(self)
        self.idle = IdleWatcher()
        from PySide6.QtWidgets import QApplication

        QApplication.instance().installEventFilter(self.idle)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(15_000)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()
        # The count of what waits for the server changes only when something is written
        # (a save, a decision, a sync): the runner says so, no timer polls the store.
        ctx.tasks.changed.connect(self._store_changed)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()
        self.refresh_status()
        self.show_page(self.beneficiaries)
        fit(self, 1180, 760)  # smaller on a 1366 × 768 laptop with its taskbar

    # -- actions and menus --------------------------------------------------------------------

    def _build_actions(self) -> None:
        account = self.ctx.account
        self.act_list = QAction(self)
        self.act_list.triggered.connect(lambda: self.show_page(self.beneficiaries))
        self.act_new = QAction(self)
        self.act_new.setShortcut(QKeySequence.StandardKey.New)
        self.act_new.triggered.connect(self.new_registration)
        self.act_new.setVisible(account.can_enrol)
        self.act_committee = QAction(self)
        self.act_committee.triggered.connect(lambda: self.show_page(self.committee))
        self.act_committee.setVisible(account.can_decide)
        self.act_drafts = QAction(self)
        self.act_drafts.triggered.connect(lambda: self.show_page(self.drafts))
        self.act_drafts.setVisible(account.can_enrol)
        self.act_search = QAction(self)
        self.act_search.setShortcut(QKeySequence.StandardKey.Find)
        self.act_search.triggered.connect(self.focus_search)
        self.act_lock = QAction(self)
        self.act_lock.setShortcut(QKeySequence("Ctrl+L"))
        self.act_lock.triggered.connect(self.lock)
        self.act_centre = QAction(self)
        self.act_centre.triggered.connect(self.ask_centre)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.close)
        self.lang_group = QActionGroup(self)
        self.lang_actions: dict[str, QAction] = {}
        for code, name in LANG_NAMES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == self.ctx.lang)
            action.triggered.connect(lambda _c=False, code=code: self.set_language(code))
            self.lang_group.addAction(action)
            self.lang_actions[code] = action

        self.menu_file = self.menuBar().addMenu("")
        for action in (self.act_new, self.act_centre, self.act_lock, self.act_quit):
            self.menu_file.addAction(action)
        self.menu_go = self.menuBar().addMenu("")
        for action in (self.act_list, self.act_search, self.act_drafts, self.act_committee):
            self.menu_go.addAction(action)
        self.menu_lang = self.menuBar().addMenu("")
        for action in self.lang_actions.values():
            self.menu_lang.addAction(action)
        self.toolbar = self.addToolBar("main")
        self.toolbar.setMovable(False)
        for action in (self.act_list, self.act_new, self.act_drafts, self.act_committee):
            self.toolbar.addAction(action)

    def _wire_pages(self) -> None:
        self.beneficiaries.openRecord.connect(self.open_record)
        self.beneficiaries.newRegistration.connect(self.new_registration)
        self.registration.saved.connect(self._registration_saved)
        self.registration.openRecord.connect(self._open_from_form)
        self.drafts.openDraft.connect(self.resume_draft)
        self.result.openRecord.connect(self.open_record)
        self.result.assess.connect(self.open_assessment)
        self.committee.openRecord.connect(self.open_record)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Al Jisr — enrolment"))
        self.act_list.setText(_("Beneficiaries"))
        self.act_new.setText(_("New registration"))
        self.act_committee.setText(_("Committee"))
        self.act_drafts.setText(_("Drafts"))
        self.act_search.setText(_("Search"))
        self.act_lock.setText(_("Lock"))
        self.act_centre.setText(_("Centre name…"))
        self.act_quit.setText(_("Quit"))
        self.menu_file.setTitle(_("&File"))
        self.menu_go.setTitle(_("&Go"))
        self.menu_lang.setTitle(_("&Language"))
        account = self.ctx.account
        self.agent_label.setText(
            f"{account.name} · {_(ROLE_NAMES.get(account.role, account.role))}"
        )
        self.refresh_status()

    # -- navigation ---------------------------------------------------------------------------

    def show_page(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)

    def focus_search(self) -> None:
        self.show_page(self.beneficiaries)
        self.beneficiaries.focus_search()

    def new_registration(self) -> None:
        if not self.ctx.account.can_enrol:
            return
        self.registration.start_new()
        self.show_page(self.registration)

    def resume_draft(self, draft_id: str) -> None:
        self.registration.resume_draft(draft_id)
        self.show_page(self.registration)

    def open_record(self, record_id: str) -> None:
        self.result.show_record(record_id)
        self.sync_panel.show_flag(record_id)  # a possible duplicate the server flagged
        self.show_page(self.result)

    def _open_from_form(self, record_id: str) -> None:
        """Another woman's record, from the duplicates panel: the form she was filling
        stays a draft (written before the page goes), to continue from Drafts."""
        kept = self.registration.keep_as_draft()
        self.open_record(record_id)
        if kept:
            self.statusBar().showMessage(
                _("The registration in progress was kept in Drafts."), 15_000)

    def open_assessment(self, record_id: str) -> None:
        self.assessment.open_for(record_id)
        self.show_page(self.assessment)

    def _registration_saved(self, record_id: str) -> None:
        self.open_record(record_id)

    def ask_centre(self) -> None:
        """The centre's name, printed in the footer of every card made on this laptop."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("Centre"))
        dialog.setLabelText(_("Name of the centre, printed on the cards:"))
        dialog.setTextValue(self.ctx.settings.centre)
        # Qt has no Tamazight catalog: the buttons get our own translated text.
        dialog.setOkButtonText(_("Save"))
        dialog.setCancelButtonText(_("Cancel"))
        self.centre_dialog = dialog
        dialog.textValueSelected.connect(self.set_centre)
        dialog.open()

    def set_centre(self, name: str) -> None:
        self.ctx.settings.centre = " ".join(name.split())
        self.ctx.settings.save(self.ctx.folder)
        self.ctx.tasks.announce({SETTINGS}, origin=self)  # an open card preview may care

    def set_language(self, lang: str) -> None:
        self.ctx.language.set_language(lang)
        self.ctx.settings.language = lang
        self.ctx.settings.save(self.ctx.folder)
        self.lang_actions[lang].setChecked(True)

    # -- status and locking -------------------------------------------------------------------

    def refresh_status(self) -> None:
        from jisr_desktop.models.store import sync_state

        store = self.ctx.store
        self.ctx.tasks.run(lambda: sync_state.counts(store), on_done=self._show_pending,
                           on_error=self.store_error, key="main.pending")

    def store_error(self, error: BaseException) -> None:
        """A read of this window failed: a damaged store says so (store_check), else log."""
        self.store_check.report(error)

    def _store_changed(self, changes: Changes) -> None:
        if OUTBOX in changes:
            self.refresh_status()

    def _show_pending(self, counts: dict[str, int]) -> None:
        """Outbox rows by state (sync_state.counts). "Everything is sent" only when nothing
        waits and nothing needs a person: a conflict or a refusal is not "sent"."""
        pending = counts.get("pending", 0) + counts.get("in_flight", 0)
        conflicts, rejected = counts.get("conflict", 0), counts.get("rejected", 0)
        parts = []
        if conflicts:
            parts.append(ngettext("{n} conflict needs attention",
                                  "{n} conflicts need attention", conflicts).format(n=conflicts))
        if rejected:
            parts.append(ngettext("{n} change refused by the server",
                                  "{n} changes refused by the server", rejected
                                  ).format(n=rejected))
        if pending:
            parts.append(ngettext("{n} change waiting to be sent",
                                  "{n} changes waiting to be sent", pending).format(n=pending))
        self.sync_label.setText(" · ".join(parts) or _("Everything is sent"))

    def check_idle(self) -> None:
        minutes = self.ctx.settings.idle_lock_minutes
        if minutes > 0 and time.monotonic() - self.idle.last_input > minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Hide everything and ask for the passphrase again; the pages keep their state."""
        if getattr(self, "_locking", False):
            return
        self._locking = True
        from jisr_desktop.ui.unlock_dialog import UnlockDialog

        self.curtain.close()
        self.locked.emit()
        dialog = UnlockDialog(
            self.ctx.folder,
            self.ctx.tasks,
            self.ctx.reference,
            lang=self.ctx.lang,
            agent=self.ctx.account.name,
            lock_only=True,
            language=self.ctx.language,
            parent=self,
        )
        dialog.languageChosen.connect(self.set_language)
        self.lock_dialog = dialog
        dialog.finished.connect(self._unlocked)
        # Application-modal: above a message box that was waiting for an answer, which
        # would otherwise keep the keyboard from the passphrase box.
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.show()

    def _unlocked(self, result: int) -> None:
        self._locking = False
        if result:
            self.idle.last_input = time.monotonic()
            self.curtain.open()
        else:
            # Closing the lock dialog without the passphrase must not reveal anything.
            self.close()

    def welcome(self) -> None:
        """At start: the centre's name if none was given yet, then her drafts."""
        if self.ctx.settings.centre:
            self.offer_drafts()
            return
        self.ask_centre()
        self.centre_dialog.finished.connect(lambda _result: self.offer_drafts())

    def offer_drafts(self) -> None:
        """Ask, once the drafts are read (off the UI thread), whether to continue one."""
        agent = self.ctx.account.name
        self.ctx.tasks.run(lambda: self.ctx.repo.drafts(agent), on_done=self._ask_drafts,
                           key="main.drafts")

    def _ask_drafts(self, drafts: list) -> None:
        if not drafts:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Unfinished registration"))
        box.setText(
            ngettext(
                "An unfinished registration was saved as a draft. Continue it?",
                "{n} unfinished registrations were saved as drafts. See them?",
                len(drafts),
            ).format(n=len(drafts))
        )
        label = _("Continue") if len(drafts) == 1 else _("Show the drafts")
        go = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        self.drafts_box = box

        def answered(_result: int) -> None:
            if box.clickedButton() is not go:
                return
            if len(drafts) == 1:
                self.resume_draft(drafts[0].id)
            else:
                self.show_page(self.drafts)

        box.finished.connect(answered)
        box.open()

    def closeEvent(self, event) -> None:
        self.ctx.tasks.wait_idle(5.0)
        super().closeEvent(event)
