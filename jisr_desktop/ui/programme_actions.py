"""The programme's steps after orientation, wired into the main window: buttons on her
record (orientation to a place, the service card editor, the incubation, the follow-up
visits) and the follow-up calendar in the Go menu, each shown only to the roles the role
table lets do or see that step.

`install(window)` is the window's one line for all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.ui.context import AppContext

WARNING_STYLE = "color: #8a4b00; font-weight: bold;"


def _open(ctx: AppContext, factory: Callable[..., QDialog], record_id: str,
          parent: QWidget) -> QDialog:
    dialog = factory(ctx, record_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _factory(name: str) -> Callable[..., QDialog]:
    """Imported when first opened: the window starts without them."""
    if name == "referral":
        from jisr_desktop.ui.referral_dialog import ReferralDialog

        return ReferralDialog
    if name == "service_card":
        from jisr_desktop.ui.service_card_editor import ServiceCardEditor

        return ServiceCardEditor
    if name == "incubation":
        from jisr_desktop.ui.incubation_dialog import IncubationDialog

        return IncubationDialog
    if name == "follow_up":
        from jisr_desktop.ui.follow_up_dialog import FollowUpDialog

        return FollowUpDialog
    raise KeyError(name)


class ProgrammeActions:
    """The buttons on the record page and the calendar's menu action."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.ctx: AppContext = window.ctx
        self.page = window.record_view
        self.last: QDialog | None = None  # the dialog opened last (tests, screenshots)
        role = self.ctx.account.role
        self.buttons: dict[str, QPushButton] = {}
        self._button("referral", lambda: self.open("referral"),
                     may(role, Action.CONFIRM) or may(role, Action.ASSESS))
        self._button("service_card", lambda: self.open("service_card"),
                     may(role, Action.ASSESS) or may(role, Action.DELIVER))
        self._button("incubation", lambda: self.open("incubation"),
                     may(role, Action.DECIDE) or may(role, Action.ASSESS))
        self._button("follow_up", lambda: self.open("follow_up"),
                     may(role, Action.DELIVER) or may(role, Action.DECIDE))
        # Her contract's warning, on her record: ends within 30 days, or has ended.
        self.warning = QLabel()
        self.warning.setObjectName("incubationWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setVisible(False)
        self.page.programme_row.addWidget(self.warning, 1)
        self.page.programme_row.addStretch(0)
        self.info: Any = None
        self.page.loaded.connect(lambda _id: self._page_shown())
        self._install_calendar(may(role, Action.DELIVER) or may(role, Action.ASSESS)
                               or may(role, Action.DECIDE))
        self.ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    def _button(self, name: str, slot: Callable[[], Any], visible: bool) -> None:
        button = QPushButton()
        button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(visible)
        self.page.programme_row.addWidget(button)
        self.buttons[name] = button

    def _record(self) -> str | None:
        return self.page.record_id

    def open(self, name: str) -> QDialog | None:
        """The dialog of `name` on the record shown, window-modal."""
        record_id = self._record()
        if record_id is None:
            return None
        self.last = _open(self.ctx, _factory(name), record_id, self.window)
        return self.last

    def _install_calendar(self, visible: bool) -> None:
        from jisr_desktop.ui.follow_up_calendar import FollowUpCalendarPage

        window = self.window
        self.calendar = FollowUpCalendarPage(self.ctx)
        window.stack.addWidget(self.calendar)
        self.act_calendar = QAction(window)
        self.act_calendar.setObjectName("followUpCalendar")
        self.act_calendar.triggered.connect(self.show_calendar)
        self.act_calendar.setVisible(visible)
        window.menu_go.addAction(self.act_calendar)
        self.calendar.openRecord.connect(self.show_record)

    def show_calendar(self) -> None:
        self.calendar.load_incubators()
        self.window.show_page(self.calendar)

    def show_record(self, record_id: str) -> None:
        self.page.show_record(record_id)
        self.window.show_page(self.page)

    def _page_shown(self) -> None:
        record_id = self._record()
        if record_id is None:
            return
        from jisr_desktop.models.store.incubations import IncubationRepository

        incubations = IncubationRepository(self.ctx.store)
        # The selection committee's answer in force: a waiting list or a refusal is said
        # on her record as the contract's warning is.
        self.ctx.tasks.run(lambda: incubations.selection(record_id), key="programme.warning",
                           on_done=self._show_warning)

    def _show_warning(self, info: Any) -> None:
        from jisr_desktop.ui.incubation_dialog import selection_text

        self.info = info
        text = selection_text(info, date.today(), self.ctx.lang)
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def retranslate(self) -> None:
        if self.info is not None:
            self._show_warning(self.info)
        texts = {
            "referral": (_("Orientation to a place…"),
                         _("Choose the place, the appointment and the person to contact")),
            "service_card": (_("Edit the service card…"),
                             _("Add, take off or plan a service, with its reason")),
            "follow_up": (_("Follow-up visits…"),
                          _("After incubation: her visits and the next steps")),
            "incubation": (_("Incubation…"),
                           _("The selection, the funding and the 12-month contract")),
        }
        self.act_calendar.setText(_("Follow-up calendar"))
        for name, (text, tip) in texts.items():
            if name in self.buttons:
                self.buttons[name].setText(text)
                self.buttons[name].setToolTip(tip)


def install(window: Any) -> ProgrammeActions:
    return ProgrammeActions(window)

