"""Orientation to a place (issue 12), as the agent and the incubator do it: from her
record, the place of the directory (her region's incubator first), the appointment and
the person to contact, printed on her card; then the path confirmed or changed after the
first interviews, a change refused without its reason, the history shown."""

from __future__ import annotations

import pytest

from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.store.referrals import ReferralRepository
from jisr_desktop.models.workflows.enrolment import enrol
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import close_window, make_context, make_window, type_text
from tests.ui.programme_helpers import cells, open_dialog


@pytest.fixture
def woman(ctx) -> str:
    return enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id  # Marrakech


def test_the_agent_sends_her_to_her_regions_incubator_with_an_appointment(
    window, ctx, woman, qtbot
) -> None:
    ctx.language.set_language("fr")
    dialog = open_dialog(window, ctx, woman, "referral")
    assert dialog.place.currentData() == "incubator_07"  # her region's, proposed first
    assert "proposé" in dialog.place.currentText()
    type_text(dialog.day.line, "10/12/2026")
    dialog.time.setTime(dialog.time.time().fromString("09:30", "HH:mm"))
    type_text(dialog.contact, "Mme Naima Alaoui")
    dialog.orient_button.click()
    ctx.tasks.wait_idle()
    assert "enregistrée" in dialog.status.text()
    latest = ReferralRepository(ctx.store).latest(woman, "orientation")
    assert (latest.place_id, latest.appointment, latest.contact) == (
        "incubator_07", "2026-12-10T09:30", "Mme Naima Alaoui")
    data = card_for_record(ctx.repo, ctx.defs, woman, "orientation", issued_on=TODAY)
    printed = str(data.values)
    assert "Marrakech-Safi" in printed and "Mme Naima Alaoui" in printed
    assert "Orientée vers" in cells(dialog.history, 0)[2]


def test_a_bad_appointment_day_is_refused_and_nothing_typed_is_lost(
    window, ctx, woman
) -> None:
    ctx.language.set_language("fr")
    dialog = open_dialog(window, ctx, woman, "referral")
    type_text(dialog.day.line, "31/02/2026")
    type_text(dialog.contact, "Mme Alaoui")
    dialog.orient_button.click()
    ctx.tasks.wait_idle()
    assert "pas une date" in dialog.status.text()
    assert dialog.contact.text() == "Mme Alaoui"
    assert ReferralRepository(ctx.store).history(woman) == []


def test_the_incubator_changes_her_path_only_with_a_reason_and_the_history_shows_it(
    window, ctx, woman
) -> None:
    ctx.language.set_language("fr")
    dialog = open_dialog(window, ctx, woman, "referral")
    assert dialog.path.currentData() == dialog.view.path_in_force
    other = next(p for p in dialog.view.paths if p != dialog.view.path_in_force)
    dialog.path.setCurrentIndex(dialog.path.findData(other))
    dialog.review_button.click()
    ctx.tasks.wait_idle()
    assert "motivé" in dialog.status.text()  # refused: a change needs its reason
    assert ReferralRepository(ctx.store).history(woman) == []
    type_text(dialog.reason, "Préfère travailler en coopérative")
    dialog.review_button.click()
    ctx.tasks.wait_idle()
    assert dialog.view.path_in_force == other
    assert other in [r.path for r in ReferralRepository(ctx.store).history(woman)]
    row = cells(dialog.history, 0)
    assert "Préfère travailler en coopérative" in row[3]
    assert dialog.reason.text() == ""


def test_a_field_agent_orients_but_does_not_review_the_path(qapp, qtbot, tmp_path) -> None:
    ctx = make_context(tmp_path / "agent", role="field_agent", lang="fr")
    try:
        woman = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id
        window = make_window(ctx, qtbot)
        dialog = open_dialog(window, ctx, woman, "referral")
        assert dialog.orient_button.isEnabled()
        assert not dialog.review_box.isVisibleTo(dialog)
        dialog.reject()
        close_window(window)
    finally:
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()
        ctx.language.set_language("ar")


def test_a_change_of_language_keeps_what_was_typed_and_turns_the_screen_right_to_left(
    window, ctx, woman
) -> None:
    from PySide6.QtCore import Qt

    ctx.language.set_language("fr")
    dialog = open_dialog(window, ctx, woman, "referral")
    type_text(dialog.contact, "Mme Naima Alaoui")
    type_text(dialog.reason, "Préfère une coopérative")
    window.set_language("ar")
    ctx.tasks.wait_idle()
    assert dialog.orient_button.text() == "تسجيل التوجيه"
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.time.text() == "09:00"  # the time still reads left to right
    assert dialog.contact.text() == "Mme Naima Alaoui"
    assert dialog.reason.text() == "Préfère une coopérative"
    assert "الحاضنة" in dialog.place.currentText()


def test_the_card_printed_from_the_dialog_names_the_place_recorded(window, ctx, woman):
    from jisr_desktop.models.store.decisions import DecisionRepository

    ctx.language.set_language("fr")
    DecisionRepository(ctx.store).committee_decide(woman, outcome="accepted",
                                                   decided_on=TODAY)
    dialog = open_dialog(window, ctx, woman, "referral")
    type_text(dialog.contact, "Mme Naima Alaoui")
    dialog.orient_button.click()
    ctx.tasks.wait_idle()
    dialog.card_button.click()
    for _ in range(3):
        ctx.tasks.wait_idle(20)
    preview = dialog.preview
    assert preview.data is not None and not preview.data.provisional
    assert "Mme Naima Alaoui" in str(preview.data.values)
    preview.reject()
