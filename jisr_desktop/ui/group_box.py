"""Applicant groups (programme document, 108 and 267): a member's CIN finds her group,
its members and its one score (the mean of the members' vulnerability, the responsible
member's readiness: docs/workflow.md); a woman of the registry is added by her CIN, and a
member chosen in the table leaves it, with the reason (the CLI's group-remove)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.models.store.groups import GroupInfo, GroupRepository, MemberRefused
from jisr_desktop.models.workflows.groups import score_group
from jisr_desktop.textdir import isolate, isolate_ltr
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate
from jisr_desktop.ui.decision_boxes import say, wrapped_label
from jisr_desktop.ui.path_box import PathBox, date_edit


class GroupBox(PathBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 2, parent)
        self.group: GroupInfo | None = None
        form = QFormLayout(self)
        self.cin, self.find_label = QLineEdit(), QLabel()
        self.find_label.setBuddy(self.cin)
        self.find_button = QPushButton()
        self.find_button.clicked.connect(self.find)
        self.cin.returnPressed.connect(self.find)
        form.addRow(self.find_label, self.cin)
        form.addRow(self.find_button)
        self.summary = wrapped_label()
        form.addRow(self.summary)
        form.addRow(self.table)
        self.table.setMinimumHeight(140)  # four members in view, not one
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._update_leave)
        self.leave_reason, self.leave_label = QLineEdit(), QLabel()
        self.leave_label.setBuddy(self.leave_reason)
        self.leave_button = QPushButton()
        self.leave_button.clicked.connect(self.remove_member)
        leave = QHBoxLayout()
        leave.addWidget(self.leave_reason, 1)
        leave.addWidget(self.leave_button)
        form.addRow(self.leave_label, leave)
        self.member_cin, self.member_label = QLineEdit(), QLabel()
        self.consent_on, self.consent_label = date_edit(), QLabel()
        for label, widget in ((self.member_label, self.member_cin),
                              (self.consent_label, self.consent_on)):
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add_member)
        form.addRow(self.message, self.add_button)
        self.retranslate()
        self._update_leave()

    def find(self) -> None:
        cin, repo = self.cin.text(), self.ctx.repo
        groups = GroupRepository(self.ctx.store)

        def read() -> tuple[GroupInfo, Any] | None:
            found = groups.find_by_cin(cin)
            return (found[0], score_group(repo, found[0])) if found else None

        self.load(read, self._show)

    def _show(self, found: tuple[GroupInfo, Any] | None) -> None:
        self.group = found[0] if found else None
        self.add_button.setEnabled(self.group is not None)
        if found is None:
            self.summary.setText(_("No group has a member with this CIN."))
            self.fill([])
            return
        group, score = found
        total = f"{score.total:g}" if score.total is not None else _("not eligible")
        self.summary.setText(_("{name} ({legal_id}): {n} members, score {total}").format(
            # Isolated: a Latin name first must not turn the Arabic sentence around.
            name=isolate(group.name), legal_id=isolate_ltr(group.legal_id or "-"),
            n=score.members, total=total))
        script = "ar" if self.ctx.lang == "ar" else "lat"
        self.fill([(m.name_ar if script == "ar" else m.name_lat, m.cin) for m in group.members])
        for row, member in enumerate(group.members):
            self.table.item(row, 0).setData(Qt.ItemDataRole.UserRole, member.record_id)
        self._update_leave()

    def selected_member(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _update_leave(self) -> None:
        chosen = self.selected_member()
        responsible = self.group is not None and chosen == self.group.responsible_id
        self.leave_button.setEnabled(chosen is not None and not responsible)
        self.leave_button.setToolTip(
            _("The responsible member cannot leave her group.") if responsible else "")

    def remove_member(self) -> None:
        group, record_id = self.group, self.selected_member()
        if group is None or record_id is None:
            return
        reason, groups = self.leave_reason.text(), GroupRepository(self.ctx.store)
        self.save(lambda: groups.remove_member(group.id, record_id, reason),
                  _("She has left the group."), lambda _g: self._left(group))

    def _left(self, group: GroupInfo) -> None:
        self.leave_reason.clear()
        self._refind(group)

    def add_member(self) -> None:
        group = self.group
        if group is None:
            return
        cin, on = self.member_cin.text(), from_qdate(self.consent_on.date())
        groups = GroupRepository(self.ctx.store)

        def write() -> GroupInfo:
            key = normalize_cin(cin)
            members = [s.id for s in self.ctx.repo.search(key, limit=5) if key and s.cin == key]
            if len(members) != 1:
                raise MemberRefused("no_woman")
            return groups.add_member(group.id, members[0], on)

        self.save(write, _("She is added to the group."), lambda _g: self._refind(group))

    def _refind(self, group: GroupInfo) -> None:
        self.member_cin.clear()
        self.cin.setText(group.members[0].cin if group.members else self.cin.text())
        self.find()

    def retranslate(self) -> None:
        self.setTitle(_("Cooperative or group"))
        self.find_label.setText(_("CIN of a member"))
        self.find_button.setText(_("Find her group"))
        self.table.setHorizontalHeaderLabels([_("Member"), _("CIN")])
        self.member_label.setText(_("CIN of the woman to add"))
        self.consent_label.setText(_("Day of her consent to the group"))
        apply_date_format(self.consent_on, self.ctx.lang)
        self.add_button.setText(_("Add to the group"))
        self.leave_label.setText(_("Reason for leaving"))
        self.leave_reason.setPlaceholderText(_("Why she leaves (optional)"))
        self.leave_button.setText(_("Remove from the group"))
        self.leave_button.setAccessibleName(_("Remove the chosen member from the group"))
        self.add_button.setEnabled(self.group is not None)
        if self.group is None and self.summary.text():
            say(self.summary, "", False)
