"""The result page: the explanation per criterion, the agent's confirmation or change of
the proposal (a change needs its reason), and the committee's decision, which only a
supervisor records."""

from __future__ import annotations

import dataclasses

import pytest

from jisr_desktop.models.store.decisions import (
    ACCEPTED,
    AGENT_CONFIRMATION,
    COMMITTEE,
    REFUSED,
    DecisionRepository,
)
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.result_page import ResultPage
from tests.conftest import TODAY, make_submission


@pytest.fixture
def record_id(ctx) -> str:
    outcome = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _open(qtbot, ctx, record_id: str) -> ResultPage:
    page = ResultPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.show_record(record_id)
    ctx.tasks.wait_idle()
    assert page.data is not None
    return page


def test_score_is_explained_per_criterion(qtbot, ctx, record_id) -> None:
    page = _open(qtbot, ctx, record_id)
    grid = ctx.defs.grid.data
    items = [page.criteria.topLevelItem(i) for i in range(page.criteria.topLevelItemCount())]
    # One line per group (its subtotal), then one per criterion of the group.
    group_lines = [it for it in items if "/" in it.text(2)]
    lines = [it for it in items if "/" not in it.text(2)]
    assert len(group_lines) == len(grid["groups"])
    assert len(lines) == len(grid["criteria"]) > 5
    assert sum(int(it.text(2)) for it in lines) == page.data.record.score_total == 60
    assert all(it.text(1) and it.text(3) for it in lines)  # her answer and why, every line
    assert "60" in page.total.text()


def test_a_change_needs_a_reason_and_is_recorded(qtbot, ctx, record_id) -> None:
    page = _open(qtbot, ctx, record_id)
    decisions = DecisionRepository(ctx.store)
    page.change_button.click()
    assert page.change_box.isVisible()
    other = next(
        i for i in range(page.new_category.count())
        if page.new_category.itemData(i) not in (None, "", page.data.record.category)
    )
    chosen = page.new_category.itemData(other)
    page.new_category.setCurrentIndex(other)
    page.save_change()
    ctx.tasks.wait_idle()
    assert page.change_message.isVisible() and page.change_message.text()
    assert decisions.history(record_id) == []  # nothing recorded without the reason
    page.change_reason.setText("Elle a déjà une activité de couture")
    page.save_change()
    ctx.tasks.wait_idle()
    latest = decisions.latest(record_id, AGENT_CONFIRMATION)
    assert latest is not None and latest.reason == "Elle a déjà une activité de couture"
    assert latest.category == chosen != page.data.record.category
    assert page.history.rowCount() == 1


def test_confirming_the_proposal_needs_no_reason(qtbot, ctx, record_id) -> None:
    page = _open(qtbot, ctx, record_id)
    page.confirm_proposal()
    ctx.tasks.wait_idle()
    latest = DecisionRepository(ctx.store).latest(record_id, AGENT_CONFIRMATION)
    assert latest is not None and latest.category == page.data.record.category
    assert page.decision_message.text()


def test_committee_decision_by_a_supervisor(qtbot, ctx, record_id) -> None:
    page = _open(qtbot, ctx, record_id)  # the fixture's account is an admin
    assert page.committee_box.isVisible()
    page.outcome.setCurrentIndex(page.outcome.findData(REFUSED))
    page.record_committee_decision()
    ctx.tasks.wait_idle()
    decisions = DecisionRepository(ctx.store)
    assert decisions.latest(record_id, COMMITTEE) is None  # a refusal needs its reason
    assert page.committee_message.text()
    page.outcome.setCurrentIndex(page.outcome.findData(ACCEPTED))
    page.record_committee_decision()
    ctx.tasks.wait_idle()
    latest = decisions.latest(record_id, COMMITTEE)
    assert latest is not None and latest.outcome == ACCEPTED


def test_a_field_agent_sees_no_committee_controls(qtbot, ctx, record_id) -> None:
    ctx.account = dataclasses.replace(ctx.account, role="field_agent")
    page = _open(qtbot, ctx, record_id)
    assert not page.committee_box.isVisible()
    page.record_committee_decision()  # even if called, nothing is recorded
    ctx.tasks.wait_idle()
    assert DecisionRepository(ctx.store).latest(record_id, COMMITTEE) is None


def test_a_decision_saved_while_she_moves_on_stays_with_its_record(qtbot, ctx, record_id) -> None:
    other = enrol(ctx.repo, ctx.defs, make_submission(cin="JB765432", phone="0661112233"),
                  today=TODAY).record.id
    page = _open(qtbot, ctx, record_id)
    page.committee_reason.setText("Dossier complet")
    page.outcome.setCurrentIndex(page.outcome.findData(ACCEPTED))
    page.record_committee_decision()
    page.show_record(other)  # before the save's answer is back
    page.committee_reason.setText("typed for the second woman")
    ctx.tasks.wait_idle()
    decisions = DecisionRepository(ctx.store)
    assert decisions.latest(record_id, COMMITTEE).outcome == ACCEPTED
    assert decisions.latest(other, COMMITTEE) is None
    assert page.record_id == other
    assert page.committee_reason.text() == "typed for the second woman"  # not cleared
    assert not page.committee_message.text()  # no "recorded" said about her
