"""Post-incubation follow-up visits (issue 12; programme document, 430-449): the day, who
visited, what it was about (a plain visit or one of the document's services: management
training, the professional network, soft skills, fairs, e-commerce, licences and labels),
what was seen, the next step and its day. Her visits are listed below, newest first; the
next steps of every woman of an incubator are on the follow-up calendar.

Recording is incubator staff's (`Action.DELIVER`); the notes stay in the encrypted store.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import format_date
from jisr_desktop.i18n import N_, _
from jisr_desktop.models.programme.roles import Action, may
from jisr_desktop.models.store.follow_up import TOPICS, FollowUpRepository, VisitInfo
from jisr_desktop.textdir import isolate
from jisr_desktop.ui.context import AppContext
from jisr_desktop.ui.date_input import DateInput
from jisr_desktop.ui.programme_dialog import ProgrammeDialog, list_table
from jisr_desktop.ui.result_model import ResultData, title_text
from jisr_desktop.ui.tasks import RECORDS

FOLLOW_UP = "follow_up"  # a change kind of the runner
TOPIC_NAMES = {
    "visit": N_("Follow-up visit"),
    "management_training": N_("Management training"),
    "professional_network": N_("Professional network"),
    "soft_skills": N_("Soft skills"),
    "fairs": N_("Fairs and exhibitions"),
    "e_commerce": N_("E-commerce"),
    "licences_labels": N_("Licences and labels (ONSSA, handicraft label)"),
}


@dataclass(frozen=True)
class VisitsView:
    record_id: str
    title: str
    visits: tuple[VisitInfo, ...]


def load_visits_view(ctx: AppContext, record_id: str) -> VisitsView | None:
    """db lane."""
    record = ctx.repo.get(record_id)
    if record is None:
        return None
    return VisitsView(record_id, title_text(ResultData(record, None, None, None), ctx.lang),
                      tuple(FollowUpRepository(ctx.store).history(record_id)))


def topic_text(topic: str) -> str:
    return _(TOPIC_NAMES[topic]) if topic in TOPIC_NAMES else topic


class FollowUpDialog(ProgrammeDialog):
    size_hint = (900, 680)

    def __init__(self, ctx: AppContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, parent)
        self.setObjectName("followUpDialog")
        self.may_record = may(ctx.account.role, Action.DELIVER)
        self.body.addWidget(self._visit_box())
        self.visits_box = QGroupBox()
        self.visits = list_table(5)
        QVBoxLayout(self.visits_box).addWidget(self.visits)
        self.body.addWidget(self.visits_box, 1)
        self.start()

    def loader(self):
        ctx, record_id = self.ctx, self.record_id
        return lambda: load_visits_view(ctx, record_id)

    def _visit_box(self) -> QGroupBox:
        self.visit_box = QGroupBox()
        self.visited_on = DateInput()
        self.visitor = QLineEdit(self.ctx.account.name)
        self.visitor.setObjectName("visitor")
        self.topic = QComboBox()
        self.topic.setObjectName("topic")
        for topic in TOPICS:
            self.topic.addItem("", topic)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setMaximumHeight(80)
        self.next_step = QLineEdit()
        self.next_step.setObjectName("nextStep")
        self.next_on = DateInput()
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveVisit")
        self.save_button.clicked.connect(self.save)
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout(self.visit_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, widget in (("on", self.visited_on), ("visitor", self.visitor),
                            ("topic", self.topic), ("notes", self.notes),
                            ("next", self.next_step), ("next_on", self.next_on)):
            label = self.labels.setdefault(key, QLabel())
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow("", self.save_button)
        self.visit_box.setVisible(self.may_record)
        return self.visit_box

    def show_view(self, view: VisitsView) -> None:
        lang = self.ctx.lang
        rows = [(isolate(format_date(v.visited_on, lang)), isolate(v.visitor),
                 topic_text(v.topic), isolate(v.notes) if v.notes else "",
                 # Isolated: a French note in an Arabic row keeps its words in order.
                 " · ".join(filter(None, [isolate(v.next_step) if v.next_step else "",
                                          isolate(format_date(v.next_on, lang))
                                          if v.next_on else ""])))
                for v in reversed(view.visits)]
        self.visits.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                self.visits.setItem(i, j, QTableWidgetItem(text))
        self.visits.resizeRowsToContents()

    def save(self) -> None:
        if not self.may_record:
            return
        visited_on, next_on = self.visited_on.date(), self.next_on.date()
        if visited_on is None or (self.next_on.line.text().strip() and next_on is None):
            self.say(lambda: _("The day of the visit is needed, and days are written as "
                               "dates."), error=True)
            return
        store, record_id = self.ctx.store, self.record_id
        visitor, topic = self.visitor.text(), self.topic.currentData()
        notes, step = self.notes.toPlainText(), self.next_step.text()

        def done(_info: object) -> None:
            for box in (self.notes, self.next_step):
                box.clear()
            self.next_on.line.clear()

        self.write(
            lambda: FollowUpRepository(store).visit(
                record_id, visited_on=visited_on, visitor=visitor, topic=topic, notes=notes,
                next_step=step, next_on=next_on),
            {FOLLOW_UP, RECORDS},
            {PermissionError: lambda: _("Only incubator staff may record a follow-up visit."),
             ValueError: lambda: _("Who visited is needed, and the next step comes after "
                                   "the visit.")},
            lambda: _("The visit was recorded."), self.save_button, on_done=done)

    def retranslate_body(self) -> None:
        lang = self.ctx.lang
        self.setWindowTitle(_("Follow-up visits"))
        self.heading.setText(_("Post-incubation follow-up"))
        self.visit_box.setTitle(_("A visit"))
        for key, text in (("on", _("Day of the visit")), ("visitor", _("Visited by")),
                          ("topic", _("About")), ("notes", _("Notes")),
                          ("next", _("Next step")), ("next_on", _("Day of the next step"))):
            self.labels[key].setText(text)
        self.visited_on.retranslate(lang, _("Day of the visit"))
        self.next_on.retranslate(lang, _("Day of the next step"))
        for i, topic in enumerate(TOPICS):
            self.topic.setItemText(i, topic_text(topic))
        self.save_button.setText(_("Record the visit"))
        self.visits_box.setTitle(_("Her visits"))
        self.visits.setHorizontalHeaderLabels(
            [_("Day"), _("Visited by"), _("About"), _("Notes"), _("Next step")])
