"""The page of the programme's later paths (issue 12): a woman found by her CIN, then her
Entraide Nationale path and her licences and labels; and the applicant groups. Installed
in the main window by `install(window)` (a "Go" menu and toolbar action)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.decision_boxes import say, wrapped_label
from jisr_desktop.ui.en_path_box import EnPathBox
from jisr_desktop.ui.errors import show_error
from jisr_desktop.ui.group_box import GroupBox
from jisr_desktop.ui.group_form import GroupFormBox
from jisr_desktop.ui.licences_box import LicencesBox


class PathsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Scrolled: the three tabs' forms are taller than a 1366x768 screen at 125 %, and a
        # page of the main window's stack sets the window's minimum height.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        row = QHBoxLayout()
        self.cin_label, self.cin, self.open_button = QLabel(), QLineEdit(), QPushButton()
        self.cin_label.setBuddy(self.cin)
        self.open_button.clicked.connect(self.find)
        self.cin.returnPressed.connect(self.find)
        for widget in (self.cin_label, self.cin, self.open_button):
            row.addWidget(widget)
        layout.addLayout(row)
        self.who = wrapped_label()
        layout.addWidget(self.who)
        self.tabs = QTabWidget()
        self.en_path, self.licences, self.group = EnPathBox(ctx), LicencesBox(ctx), GroupBox(ctx)
        self.group_form = GroupFormBox(ctx)
        self.group_form.created.connect(self._show_group)
        groups = QWidget()
        column = QVBoxLayout(groups)
        column.addWidget(self.group, 1)
        column.addWidget(self.group_form)
        # Scrolled: the group, its members and the new-group form are taller than a
        # 1366x768 laptop's page, which otherwise grew the window past the screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(groups)
        for tab in (self.en_path, self.licences, scroll):
            self.tabs.addTab(tab, "")
        layout.addWidget(self.tabs, 1)
        self.en_path.setEnabled(False)
        self.licences.setEnabled(False)
        ctx.language.changed.connect(lambda _lang: self.retranslate())
        self.retranslate()

    def find(self) -> None:
        """The woman with this CIN; her EN path and licences open beside her name."""
        key, repo = normalize_cin(self.cin.text()), self.ctx.repo

        def read() -> Any:
            found = [s for s in repo.search(key, limit=5) if key and s.cin == key]
            return found[0] if len(found) == 1 else None

        self.ctx.tasks.run(read, on_done=self._found, key=f"paths:{id(self)}",
                           on_error=lambda e: show_error(self, _("This could not be read."), e))

    def _found(self, summary: Any) -> None:
        if summary is None:
            say(self.who, _("No woman with this CIN in the registry."), True)
            return
        self.open_for(summary.id, summary.name_ar if self.ctx.lang == "ar" else summary.name_lat)

    def open_for(self, record_id: str, name: str = "") -> None:
        say(self.who, name, False)
        for box in (self.en_path, self.licences):
            box.setEnabled(True)
            box.show_record(record_id)

    def _show_group(self, cin: str) -> None:
        self.group.cin.setText(cin)
        self.group.find()

    def retranslate(self) -> None:
        self.cin_label.setText(_("CIN"))
        self.open_button.setText(_("Open"))
        for box in (self.en_path, self.licences, self.group, self.group_form):
            box.retranslate()
        self.tabs.setTabText(0, _("Entraide Nationale path"))
        self.tabs.setTabText(1, _("Licences and labels"))
        self.tabs.setTabText(2, _("Cooperative or group"))


def install(window: Any) -> PathsPage:
    """Add the page and its action to `window` (ui.main_window.MainWindow)."""
    page = PathsPage(window.ctx)
    window.stack.addWidget(page)
    action = QAction(window)
    action.triggered.connect(lambda: window.show_page(page))
    window.menu_go.addAction(action)
    page.action = action

    def retranslate(_lang: str = "") -> None:
        action.setText(_("Later paths"))

    retranslate()
    window.ctx.language.changed.connect(retranslate)
    return page
