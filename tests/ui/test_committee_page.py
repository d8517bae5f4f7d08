"""The committee list: a province's registrations ranked by score, ties explained, the
decisions so far and the count against the province's quota."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jisr_desktop.models.store.decisions import ACCEPTED, DecisionRepository
from jisr_desktop.models.workflows.committee import province_quota
from jisr_desktop.models.workflows.enrolment import enrol
from tests.conftest import TODAY, make_submission
from tests.ui.programme_helpers import open_committee_page

MARRAKECH = "07.351"


@pytest.fixture
def seeded(ctx) -> list[str]:
    """Four women of Marrakech: two with the same total (a tie), one in another province."""
    people = [
        make_submission(cin="EE100001", first_name_lat="Amal", household_size=6),
        make_submission(cin="EE100002", first_name_lat="Basma", household_size=2,
                        phone="0612000002"),
        make_submission(cin="EE100003", first_name_lat="Chama", household_size=6,
                        phone="0612000003", date_of_birth="1990-01-01"),
        make_submission(cin="EE100004", first_name_lat="Dounia", social_status="married",
                        head_of_household="no", phone="0612000004"),
    ]
    ids = []
    for person in people:
        outcome = enrol(ctx.repo, ctx.defs, person, today=TODAY)
        assert outcome.saved, outcome.evaluation.validation.errors
        ids.append(outcome.record.id)
    return ids


def test_ranked_by_score_with_ties_explained(qtbot, ctx, seeded) -> None:
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    entries = page.result.entries
    assert len(entries) == 4 == page.model.rowCount()
    totals = [e.total for e in entries]
    assert totals == sorted(totals, reverse=True)
    assert entries[0].rank == 1
    tied = [e for e in entries if e.tied_with]
    assert len(tied) >= 2 and all(e.tie_note for e in tied)
    # The table shows the tie's explanation on the tied rows, and nothing on the others.
    tie_column = next(
        c for c in range(page.model.columnCount())
        if any(page.model.data(page.model.index(r, c)) == page.model.tie_text(e)
               for r, e in enumerate(entries) if e.tied_with)
    )
    for row, entry in enumerate(entries):
        text = page.model.data(page.model.index(row, tie_column)) or ""
        assert bool(text) == bool(entry.tied_with)


def test_counts_follow_decisions_and_the_quota(qtbot, ctx, seeded) -> None:
    quota = province_quota(MARRAKECH)
    assert quota and quota > 0
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    assert page.result.accepted == 0 and page.result.pending == 4
    DecisionRepository(ctx.store).committee_decide(
        page.result.entries[0].record_id, outcome=ACCEPTED, decided_on=TODAY
    )
    page.reload()
    ctx.tasks.wait_idle()
    assert page.result.accepted == 1 and page.result.pending == 3
    assert page.result.quota == quota
    ctx.language.set_language("fr")
    page.retranslate()
    digits = "".join(ch for ch in page.quota.text() if ch.isdigit() or ch == "/")
    assert digits.endswith(f"1/{quota}")


def test_enter_on_a_row_opens_the_record(qtbot, ctx, seeded) -> None:
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    first = page.result.entries[0].record_id
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 1))
    with qtbot.waitSignal(page.openRecord, timeout=2_000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == [first]
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.UserRole) == first


def test_one_ranking_per_category_with_its_own_quota_and_the_grid_notice(
    qtbot, ctx, seeded
) -> None:
    # Issue 12: a woman without a project idea is ranked in category 2's list only.
    no_idea = enrol(ctx.repo, ctx.defs, make_submission(
        cin="EE100009", phone="0612000009", has_project_idea="no", project_sector=None,
        project_description=None, project_stage=None), today=TODAY)
    page = open_committee_page(qtbot, ctx, MARRAKECH)
    assert str(ctx.defs.grid.version) in page.grid_note.text()  # "proposal" in Arabic
    page.category.setCurrentIndex(page.category.findData(2))
    ctx.tasks.wait_idle()
    assert [e.record_id for e in page.result.entries] == [no_idea.record.id]
    assert page.result.quota == province_quota(MARRAKECH, 2)
    page.category.setCurrentIndex(page.category.findData(1))
    ctx.tasks.wait_idle()
    assert {e.record_id for e in page.result.entries} == set(seeded)
    assert page.result.quota == province_quota(MARRAKECH, 1)
