"""What the programme's screen tests share: a main window on a store, a woman enrolled
(and assessed), and opening one of her record's programme dialogs as a user does."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import close_window, make_context, make_window  # noqa: F401 - shared

ASSESSMENT = {
    "technical": 1, "management": 0, "marketing": 1, "digital": 0, "literacy_numeracy": 1,
    "languages": 1, "soft_skills": 2, "project_maturity": "idea_structured",
    "needs": ["training", "accompaniment", "incubation", "financing"],
}


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


def open_committee_page(qtbot, ctx, province: str):
    """The committee's page on `province`, its ranking read."""
    from jisr_desktop.ui.committee_page import CommitteePage

    page = CommitteePage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.set_province(province)
    ctx.tasks.wait_idle()
    assert page.result is not None
    return page


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
