"""Incubation (issue 12), as the committee's secretariat records it: the selection
committee and its day, the funding, the contract whose end (12 months later) the screen
computes; a contract started 12 months ago warns, in the dialog and on her record; a
contract before the selection is refused with nothing lost; incubator staff only read."""

from __future__ import annotations

from datetime import date

from jisr_desktop.formatting import format_date
from jisr_desktop.models.programme.incubation import add_months
from jisr_desktop.models.store.incubations import IncubationRepository
from tests.ui.conftest import type_text
from tests.ui.programme_helpers import (
    close_window,
    enrol_woman,
    make_window,
    open_dialog,
    role_context,
)


def _type_day(box, day: date) -> None:
    type_text(box.line, format_date(day, "fr"))


def test_a_contract_started_12_months_ago_warns_on_screen_and_on_her_record(
    window, ctx, qtbot
) -> None:
    ctx.language.set_language("fr")
    woman = enrol_woman(ctx)
    dialog = open_dialog(window, ctx, woman, "incubation")
    assert not dialog.warning.isVisibleTo(dialog)
    start = add_months(date.today(), -12)
    type_text(dialog.committee, "Comité provincial de sélection, Marrakech")
    _type_day(dialog.selected_on, start)
    dialog.amount.setValue(50_000)
    dialog.source.setCurrentIndex(dialog.source.findData("indh"))
    _type_day(dialog.funded_on, start)
    _type_day(dialog.start_on, start)
    assert format_date(add_months(start, 12), "fr") in dialog.end.text()
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    info = IncubationRepository(ctx.store).latest(woman)
    assert (info.funding_amount, info.funding_source) == (50_000, "indh")
    assert info.committee == "Comité provincial de sélection, Marrakech"
    assert dialog.warning.isVisibleTo(dialog)
    assert "a pris fin" in dialog.warning.text()
    record_warning = window.programme.warning
    assert record_warning.isVisibleTo(window.record_view)
    assert "a pris fin" in record_warning.text()


def test_a_contract_before_the_selection_is_refused_and_nothing_typed_is_lost(
    window, ctx
) -> None:
    ctx.language.set_language("fr")
    woman = enrol_woman(ctx)
    dialog = open_dialog(window, ctx, woman, "incubation")
    _type_day(dialog.selected_on, date(2026, 6, 1))
    _type_day(dialog.start_on, date(2026, 1, 1))
    type_text(dialog.committee, "Comité provincial")
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    assert "avant la sélection" in dialog.status.text()
    assert dialog.committee.text() == "Comité provincial"
    assert IncubationRepository(ctx.store).latest(woman) is None


def test_incubator_staff_see_the_incubation_but_do_not_record_it(qapp, qtbot, tmp_path):
    with role_context(tmp_path, "incubator_staff") as ctx:
        woman = enrol_woman(ctx)
        window = make_window(ctx, qtbot)
        dialog = open_dialog(window, ctx, woman, "incubation")
        assert not dialog.save_button.isVisibleTo(dialog)
        assert not dialog.contract_box.isEnabled()
        dialog.reject()
        close_window(window)


def test_the_selection_committee_waiting_lists_then_refuses_a_project(
    window, ctx, qtbot
) -> None:
    """Not selected: a waiting list or a refusal with its reason, in the dialog and on her
    record; no incubation is recorded, and without the reason nothing is."""
    from jisr_desktop.models.store.incubations import REFUSED, WAITING_LIST, SelectionDecision

    ctx.language.set_language("fr")
    woman = enrol_woman(ctx)
    dialog = open_dialog(window, ctx, woman, "incubation")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(WAITING_LIST))
    assert not dialog.contract_box.isEnabled() and dialog.reason.isEnabled()
    assert dialog.save_button.text() == "Enregistrer la réponse du comité"
    type_text(dialog.committee, "Comité provincial de sélection")
    _type_day(dialog.selected_on, date.today())
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    incubations = IncubationRepository(ctx.store)
    assert incubations.selection(woman) is None  # the reason is missing: nothing recorded
    assert "motif" in dialog.status.text()
    type_text(dialog.reason, "Étude de marché à compléter")
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    answer = incubations.selection(woman)
    assert isinstance(answer, SelectionDecision) and answer.outcome == WAITING_LIST
    assert incubations.latest(woman) is None
    assert "Liste d'attente" in dialog.warning.text()
    assert "Étude de marché à compléter" in dialog.warning.text()
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(REFUSED))
    dialog.reason.clear()
    type_text(dialog.reason, "Projet hors du champ du programme")
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    assert incubations.selection(woman).outcome == REFUSED
    dialog.close()
    window.record_view.show_record(woman)
    ctx.tasks.wait_idle()
    on_record = window.programme.warning
    assert on_record.isVisibleTo(window.record_view)
    assert "Refusée" in on_record.text() and "hors du champ" in on_record.text()
