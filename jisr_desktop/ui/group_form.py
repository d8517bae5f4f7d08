"""Forming an applicant group (programme document, 108 and 267): its kind, name, legal
identifier and responsible member (a woman of the registry, by her CIN, with the day she
consented to apply with it). The store's rules decide; a refusal is said here."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.identity import normalize_cin
from jisr_desktop.models.store.groups import GroupInfo, GroupRepository, MemberRefused
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import apply_date_format, from_qdate
from jisr_desktop.ui.path_box import PathBox, date_edit, shipped_lists


class GroupFormBox(PathBox):
    created = Signal(str)  # the responsible member's CIN

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, 0, parent)
        self.table.setParent(self)  # no list here: only the form
        self.table.hide()
        self.catalogue = shipped_lists()[0]  # the kinds; the store's newest list decides
        form = QFormLayout(self)
        self.kind, self.name, self.legal_id = QComboBox(), QLineEdit(), QLineEdit()
        self.responsible, self.consent_on = QLineEdit(), date_edit()
        self.labels = [QLabel() for _i in range(5)]
        for label, widget in zip(self.labels, (self.kind, self.name, self.legal_id,
                                               self.responsible, self.consent_on),
                                 strict=True):
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.button = QPushButton()
        self.button.clicked.connect(self.form_group)
        form.addRow(self.message, self.button)
        self.button.setEnabled(ctx.account.can_enrol)
        self.retranslate()

    def form_group(self) -> None:
        kind, name, legal_id = self.kind.currentData(), self.name.text(), self.legal_id.text()
        cin, on = self.responsible.text(), from_qdate(self.consent_on.date())
        repo, groups = self.ctx.repo, GroupRepository(self.ctx.store)

        def write() -> GroupInfo:
            key = normalize_cin(cin)
            found = [s.id for s in repo.search(key, limit=5) if key and s.cin == key]
            if len(found) != 1:
                raise MemberRefused("no_woman")
            return groups.create(catalogue_in_force(repo), kind=kind, name=name, legal_id=legal_id,
                                 responsible_id=found[0], consent_on=on)

        def after(group: GroupInfo) -> None:
            self.name.clear()
            self.legal_id.clear()
            self.created.emit(group.members[0].cin)

        self.save(write, _("The group is formed."), after)

    def retranslate(self) -> None:
        lang = self.ctx.lang
        self.setTitle(_("Form a group"))
        texts = (_("Kind"), _("Name"), _("Legal identifier"), _("CIN of the responsible member"),
                 _("Day of her consent to the group"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        apply_date_format(self.consent_on, lang)
        self.button.setText(_("Form the group"))
        current = self.kind.currentData()
        self.kind.clear()
        for kind in self.catalogue.ids("group_kinds"):
            self.kind.addItem(self.catalogue.label("group_kinds", kind, lang), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
