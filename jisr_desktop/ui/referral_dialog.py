"""Referral to a place (issue 12): from her record, the agent picks the place in the
directory (her region's incubator, or an association or an Entraide Nationale centre of
her province; the one proposed comes first), sets the appointment (day and time) and the
person to contact. After the incubator's first interviews its staff confirm or change her
path, with a reason for a change; every orientation and review stays in the history.

Who may do what is the role table's: orienting is `Action.CONFIRM` (field agents,
supervisors), the review of the path is `Action.ASSESS` (incubator staff, supervisors).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.decisions import ReasonRequired
from jisr_desktop.models.store.referrals import ReferralRepository, UnknownPlace
from jisr_desktop.ui.card_preview import can_print
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.decision_boxes import wrapped_label
from jisr_desktop.ui.programme_dialog import ProgrammeDialog, list_table
from jisr_desktop.ui.referral_model import (
    ReferralView,
    history_rows,
    load_referral_view,
    path_label,
    place_details,
    place_text,
)
from jisr_desktop.ui.tasks import DECISIONS, RECORDS

REFERRALS = "referrals"  # a change kind of the runner: an orientation or a path review


class ReferralDialog(ProgrammeDialog):
    size_hint = (940, 680)

    def __init__(self, ctx: AppContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, parent)
        self.setObjectName("referralDialog")
        role = ctx.account.role
        self.may_orient = may(role, Action.CONFIRM)
        self.may_review = may(role, Action.ASSESS)
        self.body.addWidget(self._orientation_box())
        self.body.addWidget(self._review_box())
        self.history_box = QGroupBox()
        self.history = list_table(4)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.body.addWidget(self.history_box, 1)
        # Her card names the place once recorded (a provisional sheet before the
        # committee accepted her).
        self.card_button = QPushButton()
        self.card_button.setObjectName("orientationCard")
        self.card_button.clicked.connect(self.print_card)
        self.card_button.setVisible(can_print(ctx.account, "orientation"))
        self.actions.addWidget(self.card_button)
        self.start()

    def print_card(self) -> None:
        from jisr_desktop.ui.card_preview import open_card_preview

        self.preview = open_card_preview(self.ctx, self.record_id, "orientation", self)

    def loader(self):
        ctx, record_id = self.ctx, self.record_id
        return lambda: load_referral_view(ctx, record_id)

    # -- building -----------------------------------------------------------------------------

    def _orientation_box(self) -> QGroupBox:
        self.orient_box = QGroupBox()
        self.place = QComboBox()
        self.place.setObjectName("place")
        self.place.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.place.setMinimumContentsLength(30)
        self.place.currentIndexChanged.connect(lambda _i: self._show_place())
        self.place_info = wrapped_label()
        self.fallback_note = wrapped_label()
        self.day = DateInput()
        self.time = QTimeEdit()
        # Left to right before the format is set: Qt lays the sections out in the
        # direction of that moment, and "09:30" read "30:09" on an Arabic screen.
        self.time.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.time.setDisplayFormat("HH:mm")  # 24 hours, as the appointment is written
        self.time.setTime(QTime(9, 0))
        self.contact = QLineEdit()
        self.contact.setObjectName("contact")
        self.orient_button = QPushButton()
        self.orient_button.setObjectName("orient")
        self.orient_button.clicked.connect(self.save_orientation)
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addWidget(self.time)
        when.addStretch(1)
        self.labels = {k: QLabel() for k in ("place", "when", "contact", "path", "reason")}
        form = QFormLayout(self.orient_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        where = QVBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        for widget in (self.place, self.place_info, self.fallback_note):
            where.addWidget(widget)
        form.addRow(self.labels["place"], where)
        form.addRow(self.labels["when"], when)
        form.addRow(self.labels["contact"], self.contact)
        form.addRow("", self.orient_button)
        self.labels["place"].setBuddy(self.place)
        self.labels["contact"].setBuddy(self.contact)
        for widget in (self.place, self.day, self.time, self.contact, self.orient_button):
            widget.setEnabled(self.may_orient)
        return self.orient_box

    def _review_box(self) -> QGroupBox:
        self.review_box = QGroupBox()
        self.path_now = wrapped_label()
        self.path = QComboBox()
        self.path.setObjectName("path")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.review_button = QPushButton()
        self.review_button.setObjectName("review")
        self.review_button.clicked.connect(self.save_review)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.review_button)
        form = QFormLayout(self.review_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("", self.path_now)
        form.addRow(self.labels["path"], row)
        form.addRow(self.labels["reason"], self.reason)
        self.labels["path"].setBuddy(self.path)
        self.labels["reason"].setBuddy(self.reason)
        self.review_box.setVisible(self.may_review)
        return self.review_box

    # -- showing ------------------------------------------------------------------------------

    def show_view(self, view: ReferralView) -> None:
        lang = self.ctx.lang
        current = self.place.currentData() or (view.orientation.place_id
                                               if view.orientation else view.proposed)
        self.place.blockSignals(True)
        self.place.clear()
        for p in view.places:
            text = place_text(view.directory, p, lang)
            if p.id == view.proposed:
                text = _("{place} — proposed").format(place=text)
            self.place.addItem(text, p.id)
        found = self.place.findData(current)
        self.place.setCurrentIndex(max(found, 0))
        self.place.blockSignals(False)
        self._show_place()
        self.fallback_note.setVisible(view.fallback)
        if view.orientation is not None and not self.contact.text():
            self.contact.setText(view.orientation.contact or "")
            if view.orientation.appointment:
                moment = datetime.fromisoformat(view.orientation.appointment)
                self.day.set_value(moment.date().isoformat())
                self.time.setTime(QTime(moment.hour, moment.minute))
        chosen = self.path.currentData() or view.path_in_force
        self.path.clear()
        for path_id in view.paths:
            self.path.addItem(path_label(view, path_id, lang), path_id)
        self.path.setCurrentIndex(max(self.path.findData(chosen), 0))
        self.path_now.setText(_("Path in force: {path}").format(
            path=path_label(view, view.path_in_force, lang)))
        rows = history_rows(view, lang)
        self.history.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                self.history.setItem(i, j, QTableWidgetItem(text))
        self.history.resizeRowsToContents()

    def _show_place(self) -> None:
        if self.view is None:
            return
        place = self.view.directory.get(self.place.currentData() or "")
        self.place_info.setText(place_details(self.view.directory, place, self.ctx.lang))

    # -- writing ------------------------------------------------------------------------------

    def save_orientation(self) -> None:
        if self.view is None or not self.may_orient:
            return
        place_id = self.place.currentData()
        appointment = None
        if self.day.line.text().strip():
            day = self.day.date()
            if day is None:
                self.say(lambda: _("The appointment's day is not a date."), error=True)
                return
            t = self.time.time()
            appointment = datetime(day.year, day.month, day.day, t.hour(), t.minute())
        store, directory, record_id = self.ctx.store, self.view.directory, self.record_id
        contact = self.contact.text()
        self.write(
            lambda: ReferralRepository(store).orient(
                record_id, directory, place_id=place_id, appointment=appointment,
                contact=contact),
            {REFERRALS, RECORDS},
            {PermissionError: lambda: _("This role may not orient a woman."),
             UnknownPlace: lambda: _("This place is no longer in the directory.")},
            lambda: _("The orientation was recorded: the card now names this place."),
            self.orient_button)

    def save_review(self) -> None:
        if self.view is None or not self.may_review:
            return
        store, record_id = self.ctx.store, self.record_id
        path, current, reason = self.path.currentData(), self.view.path_in_force, self.reason.text()

        def done(_info: object) -> None:
            self.reason.clear()

        self.write(
            lambda: ReferralRepository(store).review_path(
                record_id, path=path, path_in_force=current, reason=reason),
            {REFERRALS, DECISIONS},
            {PermissionError: lambda: _("This role may not review a path."),
             ReasonRequired: lambda: _("A change of the path needs its reason.")},
            lambda: _("The path was recorded after the first interviews."),
            self.review_button, on_done=done)

    # -- language -----------------------------------------------------------------------------

    def retranslate_body(self) -> None:
        self.setWindowTitle(_("Orientation to a place"))
        self.heading.setText(_("Orientation to a place"))
        self.orient_box.setTitle(_("Where she goes, when, whom to see"))
        self.labels["place"].setText(_("Place"))
        self.labels["when"].setText(_("Appointment"))
        self.labels["contact"].setText(_("Person to contact"))
        self.labels["path"].setText(_("Path"))
        self.labels["reason"].setText(_("Reason"))
        self.day.retranslate(self.ctx.lang, _("Day of the appointment"))
        self.time.setAccessibleName(_("Time of the appointment"))
        self.fallback_note.setText(_("The directory names no place of this kind in her "
                                     "province: her region's incubator is proposed, and names "
                                     "the association or centre after the first interviews."))
        self.orient_button.setText(_("Record the orientation"))
        self.review_box.setTitle(_("After the incubator's first interviews"))
        self.review_button.setText(_("Confirm or change the path"))
        self.reason.setPlaceholderText(_("Needed when the path changes"))
        self.card_button.setText(_("Orientation card…"))
        self.history_box.setTitle(_("History"))
        self.history.setHorizontalHeaderLabels([_("When"), _("By"), _("What"), _("Details")])

