"""What the programme's screen tests share: a main window on a store, a woman enrolled
(and assessed), and opening one of her record's programme dialogs as a user does."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtWidgets import QApplication

from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.main_window import MainWindow
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import make_context

ASSESSMENT = {
    "technical": 1, "management": 0, "marketing": 1, "digital": 0, "literacy_numeracy": 1,
    "languages": 1, "soft_skills": 2, "project_maturity": "idea_structured",
    "needs": ["training", "accompaniment", "incubation", "financing"],
}


def make_window(ctx, qtbot) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    ctx.tasks.wait_idle()
    return window


def close_window(window) -> None:
    window.registration.draft_timer.stop()
    window.registration.dup_timer.stop()
    window.idle_timer.stop()
    QApplication.instance().removeEventFilter(window.idle)


def enrol_woman(ctx, **overrides) -> str:
    return enrol(ctx.repo, ctx.defs, make_submission(**overrides), today=TODAY).record.id


def assess(ctx, record_id: str):
    defs = ctx.defs
    answers = validate_assessment(defs.assessment, ASSESSMENT, today=TODAY).answers
    recommended = [r.service_id for r in recommend(defs.assessment, defs.services, answers)]
    return AssessmentRepository(ctx.store).save(record_id, answers, recommended,
                                                 definition=defs.assessment)


def open_dialog(window, ctx, record_id: str, name: str):
    window.record_view.show_record(record_id)
    window.show_page(window.record_view)
    ctx.tasks.wait_idle()
    button = window.programme.buttons[name]
    assert button.isVisible()
    button.click()
    ctx.tasks.wait_idle()
    return window.programme.last


def cells(table, row: int) -> list[str]:
    return [strip_isolates(table.item(row, c).text()) for c in range(table.columnCount())]


@contextlib.contextmanager
def role_context(tmp_path, role: str, lang: str = "fr") -> Iterator:
    ctx = make_context(tmp_path / role, role=role, lang=lang)
    try:
        yield ctx
    finally:
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()
        ctx.language.set_language("ar")
