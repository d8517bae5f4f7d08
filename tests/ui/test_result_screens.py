"""What an agent sees on the result page at 1366x768 (issue 11, points 7, 9, 11, 16, 19):
a not-eligible woman cannot be accepted in one click, her reason is at the top, the
explanations are whole, numbers with a slash keep their order in Arabic, the key actions
are in reach, and a refused consent says what was refused and what can still be done."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextLayout, QTextOption

from jisr_desktop.models.store.decisions import ACCEPTED, COMMITTEE, DecisionRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.result_page import ResultPage
from tests.conftest import TODAY, make_submission

# The main window's page area at 1366x768: menu bar, toolbar and status bar take ~100 px.
PAGE_SIZE = (1366, 640)


def _enrol(ctx, **overrides) -> str:
    outcome = enrol(ctx.repo, ctx.defs, make_submission(**overrides), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _open(qtbot, ctx, record_id: str) -> ResultPage:
    page = ResultPage(ctx)
    qtbot.addWidget(page)
    page.resize(*PAGE_SIZE)
    page.show()
    page.show_record(record_id)
    ctx.tasks.wait_idle()
    assert page.data is not None
    return page


def _in_view(page: ResultPage, widget) -> bool:
    """Shown, and wholly inside the page without scrolling."""
    if not widget.isVisible():
        return False
    top_left = widget.mapTo(page, QPoint(0, 0))
    return page.rect().contains(QRect(top_left, widget.size()))


@pytest.fixture
def minor(ctx) -> str:
    return _enrol(ctx, date_of_birth="2010-05-01", cin="AB100200", phone="0661000111")


def test_a_not_eligible_woman_is_not_accepted_in_one_click(qtbot, ctx, minor) -> None:
    page = _open(qtbot, ctx, minor)
    decisions = DecisionRepository(ctx.store)
    assert page.outcome.currentData() != ACCEPTED  # nothing preselected
    page.committee_button.click()
    assert decisions.latest(minor, COMMITTEE) is None
    page.outcome.setCurrentIndex(page.outcome.findData(ACCEPTED))
    assert page.override.isVisible()
    page.committee_button.click()
    ctx.tasks.wait_idle()
    assert decisions.latest(minor, COMMITTEE) is None  # no override ticked
    assert page.committee_message.text()
    page.override.setChecked(True)
    page.committee_button.click()
    ctx.tasks.wait_idle()
    assert decisions.latest(minor, COMMITTEE) is None  # the override needs its reason
    page.committee_reason.setText("Elle aura 18 ans avant le début de la formation")
    page.committee_button.click()
    ctx.tasks.wait_idle()
    latest = decisions.latest(minor, COMMITTEE)
    assert latest is not None and latest.outcome == ACCEPTED
    assert latest.reason == "Elle aura 18 ans avant le début de la formation"


def test_the_not_eligible_reason_is_at_the_top_in_arabic(qtbot, ctx, minor) -> None:
    assert ctx.lang == "ar"
    page = _open(qtbot, ctx, minor)
    assert _in_view(page, page.not_eligible)
    assert "18" in page.not_eligible.text()
    assert page.not_eligible.mapTo(page, QPoint(0, 0)).y() < page.score_view.mapTo(
        page, QPoint(0, 0)).y()


def test_key_actions_are_in_reach_at_1366x768(qtbot, ctx) -> None:
    record_id = _enrol(ctx)
    for lang in ("ar", "fr"):
        ctx.language.set_language(lang)
        page = _open(qtbot, ctx, record_id)
        for button in (page.back_button, page.answers_button, page.assess_button,
                       page.print_button):
            assert _in_view(page, button), (lang, button.text())
        with qtbot.waitSignal(page.back):
            page.back_button.click()
        with qtbot.waitSignal(page.showAnswers) as shown:
            page.answers_button.click()
        assert shown.args == [record_id]


def test_explanations_are_whole_and_wrapped(qtbot, ctx) -> None:
    page = _open(qtbot, ctx, _enrol(ctx))
    tree = page.criteria
    grid = {c["id"]: c for c in ctx.defs.grid.data["criteria"]}
    longest = max(grid.values(), key=lambda c: len(c["rationale"]["ar"]))
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(3) == longest["rationale"]["ar"])
    width = tree.header().sectionSize(3)
    metrics = QFontMetrics(tree.font())
    assert metrics.horizontalAdvance(item.text(3)) > width  # too long for one line...
    needed = metrics.boundingRect(QRect(0, 0, width - 8, 10_000), Qt.TextFlag.TextWordWrap,
                                  item.text(3)).height()
    assert tree.visualItemRect(item).height() >= needed  # ...so its row holds every line
    assert not item.toolTip(3)  # no tooltip standing in for the text


def _x_of(text: str, needle: str, font) -> float:
    """Where `needle` is on screen when `text` is laid out right to left: the cursor
    after its first character, inside the run (at a run's edge the cursor position is
    ambiguous between the two runs that meet there)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(10_000)
    layout.endLayout()
    return line.cursorToX(text.index(needle) + 1)[0]


def test_numbers_with_a_slash_read_in_order_in_arabic(qtbot, ctx) -> None:
    page = _open(qtbot, ctx, _enrol(ctx))
    group = next(page.criteria.topLevelItem(i) for i in range(page.criteria.topLevelItemCount())
                 if "/" in page.criteria.topLevelItem(i).text(2))
    shown = group.text(2)
    part, whole = (p.strip() for p in strip_isolates(shown).split("/"))
    assert part != whole
    font = page.criteria.font()
    # Visually left to right: the points, then the maximum ("57 / 60", not "60 / 57").
    assert _x_of(shown, part, font) < _x_of(shown, whole, font)
    # The bare text (what the page showed before) is what put them the wrong way round.
    bare = strip_isolates(shown)
    assert _x_of(bare, part, font) > _x_of(bare, whole, font)


def test_a_refused_consent_says_what_and_what_next(qtbot, ctx) -> None:
    record_id = _enrol(ctx, consent="no", refusal_note="Elle veut en parler à sa famille")
    page = _open(qtbot, ctx, record_id)
    assert page.title.text() not in ("", "—")
    assert page.refusal_box.isVisible()
    box = page.refusal_box
    assert "Elle veut en parler à sa famille" in box.note.text()
    assert box.what.text() and box.next_step.text()
    for hidden in (page.score_view, page.proposal_box, page.committee_box, page.history_box,
                   page.assess_button, page.print_button):
        assert not hidden.isVisible()
    with qtbot.waitSignal(page.editRecord) as asked:
        box.consent_button.click()
    assert asked.args == [record_id]


def test_the_page_reads_her_again_when_a_write_elsewhere_changes_her(qtbot, ctx) -> None:
    """A decision recorded by another part of the app (her record view, the committee
    list, a sync) shows on the result page without reopening it: the runner's notice."""
    from jisr_desktop.ui.tasks import DECISIONS, Changes

    record_id = _enrol(ctx)
    page = _open(qtbot, ctx, record_id)
    assert page.history.rowCount() == 0
    decisions = DecisionRepository(ctx.store)
    ctx.tasks.write(lambda: decisions.confirm(record_id, category=1, path=None,
                                              destination=None, reason="Vu en entretien"),
                    changes=Changes.of({DECISIONS}, record_ids={record_id}))
    ctx.tasks.wait_idle()
    ctx.tasks.wait_idle()
    assert page.history.rowCount() == 1


def test_the_committee_quota_reads_in_order_in_arabic(qtbot, ctx) -> None:
    from jisr_desktop.ui.committee_page import CommitteePage

    _enrol(ctx)
    page = CommitteePage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.set_province("07.351")
    ctx.tasks.wait_idle()
    shown = page.quota.text()
    accepted, quota = "0", f"{page.result.quota:,}".replace(",", "")
    digits = strip_isolates(shown)
    assert quota in digits.replace("\u202f", "").replace(",", "").replace(".", "")
    number = next(p for p in re.split(r"[^\d]+", digits) if len(p) > 1)
    # Left to right on screen: what is accepted, then the quota ("0 / 964", not "964 / 0").
    font = page.quota.font()
    assert _x_of(shown, accepted, font) < _x_of(shown, number, font)
