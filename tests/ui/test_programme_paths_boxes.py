"""The boxes of the EN path, the licences and labels and the applicant groups, driven
offscreen on a real store, as incubator staff or an agent would use them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from jisr_desktop.models.store.groups import GroupRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.en_path_box import EnPathBox
from jisr_desktop.ui.group_box import GroupBox
from jisr_desktop.ui.licences_box import LicencesBox
from tests.conftest import TODAY, make_submission
from tests.test_programme_paths import EN_CENTRE, NO_IDEA, publish_en_centre
from tests.ui.conftest import type_text


def _woman(ctx, **overrides) -> str:
    outcome = enrol(ctx.repo, ctx.defs, make_submission(**overrides), today=TODAY)
    assert outcome.saved
    return outcome.record.id


def _cells(box) -> list[list[str]]:
    t = box.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def _choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_the_en_path_box_records_steps_in_order(qtbot, ctx):
    ctx.language.set_language("fr")
    publish_en_centre(ctx.repo)
    woman = _woman(ctx, **NO_IDEA)
    box = EnPathBox(ctx)
    qtbot.addWidget(box)
    box.show_record(woman)
    ctx.tasks.wait_idle()
    _choose(box.step, "completion")
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert "dans l'ordre" in box.message.text() and _cells(box) == []
    _choose(box.step, "programme")
    _choose(box.choice, "apprenticeship")
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    _choose(box.step, "enrolment")
    assert box.choice.findData(EN_CENTRE) >= 0 and box.choice.findData("incubator_07") < 0
    _choose(box.choice, EN_CENTRE)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    rows = _cells(box)
    assert [r[0] for r in rows] == ["Programme de l'EN", "Inscription"]
    assert rows[0][1].startswith("Formation professionnelle par apprentissage")
    assert rows[1][1] == "Centre de formation Daoudiate"


def test_the_licences_box_shows_each_status_with_its_day(qtbot, ctx):
    ctx.language.set_language("fr")
    woman = _woman(ctx)
    box = LicencesBox(ctx)
    qtbot.addWidget(box)
    box.show_record(woman)
    ctx.tasks.wait_idle()
    _choose(box.licence, "onssa_health_certificate")
    for status in ("needed", "applied"):
        _choose(box.status, status)
        qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
        ctx.tasks.wait_idle()
    _choose(box.status, "needed")  # back to "needed": the lists do not allow it
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert "pas permis" in box.message.text()
    [row] = _cells(box)
    assert row[0].startswith("Certificat sanitaire de l'ONSSA")
    assert row[1] == "Demande déposée" and "À obtenir" in row[2]


def test_the_group_box_finds_a_cooperative_by_a_members_cin(qtbot, ctx):
    ctx.language.set_language("fr")
    lead = _woman(ctx, legal_status="cooperative")
    second = _woman(ctx, cin="EE222222", phone="0622222222", first_name_lat="Khadija")
    _woman(ctx, cin="EE333333", phone="0633333333", first_name_lat="Itto")
    groups = GroupRepository(ctx.store)
    group = groups.create(catalogue_in_force(ctx.repo), kind="cooperative",
                          name="Coopérative Tissage Al Amal", legal_id="COOP-2026-117",
                          responsible_id=lead, consent_on=date(2026, 11, 20))
    groups.add_member(group.id, second, date(2026, 11, 20))
    box = GroupBox(ctx)
    qtbot.addWidget(box)
    type_text(box.cin, "ee 222222")
    qtbot.mouseClick(box.find_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert "Coopérative Tissage Al Amal" in box.summary.text() and "2" in box.summary.text()
    type_text(box.member_cin, "EE333333")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    ctx.tasks.wait_idle()
    assert [r[1] for r in _cells(box)] == ["EE123456", "EE222222", "EE333333"]
    type_text(box.member_cin, "EE999999")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert "Aucune femme" in box.message.text()


def test_the_later_paths_page_is_in_the_go_menu_and_opens_a_woman_by_her_cin(qtbot, ctx):
    from PySide6.QtWidgets import QApplication

    from jisr_desktop.ui.main_window import MainWindow

    ctx.language.set_language("fr")
    _woman(ctx, **NO_IDEA)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        page = window.paths_page
        assert page.action in window.menu_go.actions() and page.action.text() == "Parcours suivants"
        page.action.trigger()
        assert window.stack.currentWidget() is page and not page.en_path.isEnabled()
        type_text(page.cin, "ee-123456")
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
        ctx.tasks.wait_idle()
        ctx.tasks.wait_idle()
        assert "Fatima-Zahra" in page.who.text() and page.en_path.isEnabled()
        assert page.tabs.tabText(1) == "Autorisations et labels"
    finally:
        window.registration.draft_timer.stop()
        window.registration.dup_timer.stop()
        window.idle_timer.stop()
        QApplication.instance().removeEventFilter(window.idle)


def test_an_agent_forms_a_cooperative_and_sees_it_found_by_the_responsible_cin(qtbot, ctx):
    from jisr_desktop.ui.paths_page import PathsPage

    ctx.language.set_language("fr")
    _woman(ctx, legal_status="cooperative")
    page = PathsPage(ctx)
    qtbot.addWidget(page)
    form = page.group_form
    _choose(form.kind, "cooperative")
    type_text(form.name, "Coopérative Tissage Al Amal")
    type_text(form.responsible, "EE123456")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert "--legal-id" in form.message.text()  # a cooperative names its legal identifier
    type_text(form.legal_id, "COOP-2026-117")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    ctx.tasks.wait_idle()
    assert form.message.text() == "Le groupe est formé."
    from jisr_desktop.textdir import strip_isolates

    # The name and identifier are isolated (a Latin name in an Arabic sentence).
    assert "Coopérative Tissage Al Amal (COOP-2026-117)" in strip_isolates(
        page.group.summary.text())
    assert "non éligible" in page.group.summary.text()  # one member: below the minimum
