"""Post-incubation follow-up (issue 12), as the incubator's staff use it: a visit (day,
who, notes, next step) recorded from her record and listed; a next step before the visit
refused with nothing lost; the incubator's calendar lists the next steps and the contracts
ending, by day, and a double-click opens her record."""

from __future__ import annotations

from datetime import date, timedelta

from jisr_desktop.formatting import format_date
from jisr_desktop.models.programme.incubation import add_months
from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.textdir import strip_isolates
from tests.ui.conftest import type_text
from tests.ui.programme_helpers import (
    cells,
    close_window,
    enrol_woman,
    make_window,
    open_dialog,
    role_context,
)


def _day(box, day: date) -> None:
    type_text(box.line, format_date(day, "fr"))


def test_a_visit_with_its_next_step_is_recorded_and_listed(window, ctx) -> None:
    ctx.language.set_language("fr")
    woman = enrol_woman(ctx)
    dialog = open_dialog(window, ctx, woman, "follow_up")
    today = date.today()
    _day(dialog.visited_on, today)
    dialog.visitor.clear()
    type_text(dialog.visitor, "Khadija Amrani")
    dialog.topic.setCurrentIndex(dialog.topic.findData("licences_labels"))
    type_text(dialog.notes, "Atelier propre, dossier ONSSA à compléter")
    type_text(dialog.next_step, "Déposer le dossier ONSSA")
    _day(dialog.next_on, today + timedelta(days=14))
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    assert "enregistrée" in dialog.status.text()
    visits = FollowUpRepository(ctx.store).history(woman)
    assert [(v.visitor, v.topic, v.next_step) for v in visits] == [
        ("Khadija Amrani", "licences_labels", "Déposer le dossier ONSSA")]
    row = cells(dialog.visits, 0)
    assert row[1] == "Khadija Amrani" and "ONSSA" in row[2] and "Atelier propre" in row[3]
    assert dialog.notes.toPlainText() == ""


def test_a_next_step_before_the_visit_is_refused_and_kept(window, ctx) -> None:
    ctx.language.set_language("fr")
    woman = enrol_woman(ctx)
    dialog = open_dialog(window, ctx, woman, "follow_up")
    _day(dialog.visited_on, date(2026, 12, 1))
    type_text(dialog.next_step, "Salon régional")
    _day(dialog.next_on, date(2026, 11, 1))
    dialog.save_button.click()
    ctx.tasks.wait_idle()
    assert "après la visite" in dialog.status.text()
    assert dialog.next_step.text() == "Salon régional"
    assert FollowUpRepository(ctx.store).history(woman) == []


def test_the_incubators_calendar_lists_next_steps_and_contract_ends(window, ctx) -> None:
    ctx.language.set_language("fr")
    today = date.today()
    visited = enrol_woman(ctx)
    incubated = enrol_woman(ctx, cin="EE777777", phone="0677777777",
                            first_name_lat="Amina", first_name_ar="أمينة")
    FollowUpRepository(ctx.store).visit(visited, visited_on=today, visitor="Khadija",
                                        topic="fairs", next_step="Salon de Marrakech",
                                        next_on=today + timedelta(days=10))
    start = add_months(today, -12) + timedelta(days=20)  # ends in 20 days
    IncubationRepository(ctx.store).record(incubated, selected_on=start, contract_start=start)
    window.programme.act_calendar.trigger()
    ctx.tasks.wait_idle()
    page = window.programme.calendar
    assert window.stack.currentWidget() is page
    assert page.incubator.currentData() == "incubator_07"  # her account's region first
    model = page.model
    shown = [[strip_isolates(model.text(r, c)) for c in range(5)] for r in model.rows]
    assert len(shown) == 2
    assert shown[0][1].startswith("Prochaine étape") and "Salon de Marrakech" in shown[0][4]
    assert shown[1][1] == "Fin de contrat" and "Amina" in shown[1][2]
    page.view.doubleClicked.emit(model.index(1, 0))
    ctx.tasks.wait_idle()
    assert window.stack.currentWidget() is window.record_view
    assert window.record_view.record_id == incubated


def test_a_field_agent_has_no_follow_up(qapp, qtbot, tmp_path) -> None:
    with role_context(tmp_path, "field_agent") as ctx:
        woman = enrol_woman(ctx)
        window = make_window(ctx, qtbot)
        window.record_view.show_record(woman)
        ctx.tasks.wait_idle()
        assert not window.programme.buttons["follow_up"].isVisibleTo(window.record_view)
        assert not window.programme.act_calendar.isVisible()
        close_window(window)
