"""The programme's screens after orientation for scripts/screenshots.py (issue 12): her
orientation to a place, the service card editor, the incubation, the follow-up visits and
the incubator's follow-up calendar, on a woman who went through each step.

Dates are relative to the real day, as the screens' warnings are: her contract ends in
18 days (the warning shows), her next follow-up step is in 12 days.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from jisr_desktop.models.programme.incubation import add_months
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.decisions import DecisionRepository
from jisr_desktop.models.store.follow_up import FollowUpRepository
from jisr_desktop.models.store.incubations import IncubationRepository
from jisr_desktop.models.store.referrals import ReferralRepository, directory_in_force
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.store.service_edits import ServiceEdits


def add_programme_data(store: Store, ids: dict[str, str]) -> None:
    repo, woman, today = Repository(store), ids["woman"], date.today()
    defs = repo.active_definitions()
    DecisionRepository(store).committee_decide(woman, outcome="accepted",
                                               decided_on=today - timedelta(days=400))
    referrals = ReferralRepository(store)
    referrals.orient(woman, directory_in_force(repo), place_id="incubator_07",
                     appointment=f"{today - timedelta(days=390)}T09:30",
                     contact="Naima Alaoui")
    referrals.review_path(woman, path="entrepreneurship_cooperative",
                          path_in_force="entrepreneurship_company",
                          reason="Trois voisines tissent avec elle : coopérative")
    assessment = AssessmentRepository(store).latest(woman)
    edits = ServiceEdits(store)
    edits.edit(woman, assessment.id, defs.services, action="add",
               service_id="fin_jisr_disability", reason="Dossier Jisr, fille handicapée")
    edits.edit(woman, assessment.id, defs.services, action="schedule",
               service_id=assessment.recommended[0], scheduled_on=today + timedelta(days=5))
    start = add_months(today, -12) + timedelta(days=18)
    IncubationRepository(store).record(
        woman, selected_on=start - timedelta(days=10), contract_start=start,
        funding_amount=50_000, funding_source="indh", funded_on=start - timedelta(days=3),
        logistics="Métier à tisser, local partagé", committee="Comité provincial, Marrakech")
    # Visits are incubator staff's: recorded by Khadija, an agent of this laptop's store.
    store.add_agent("Khadija Amrani", "staff passphrase", "incubator_staff", "07.351")
    staff = Store.open(store.folder, "Khadija Amrani", "staff passphrase")
    visits = FollowUpRepository(staff)
    visits.visit(woman, visited_on=today - timedelta(days=40), visitor="Khadija Amrani",
                 topic="fairs", notes="Prête pour le salon régional",
                 next_step="Salon de l'artisanat", next_on=today - timedelta(days=20))
    visits.visit(woman, visited_on=today - timedelta(days=2), visitor="Khadija Amrani",
                 topic="licences_labels", notes="Atelier propre, dossier label à compléter",
                 next_step="Déposer la demande de label artisanat",
                 next_on=today + timedelta(days=12))
    staff.close()
    add_committee_data(store, ids)


def add_committee_data(store: Store, ids: dict[str, str]) -> None:
    """Today's committee session of Marrakech: a waiting list, an acceptance with the path
    changed, a refusal, the minor accepted by override; a project waiting-listed for
    incubation; a cooperative of three (issue 12)."""
    from jisr_desktop.models.store.groups import GroupRepository
    from jisr_desktop.models.store.path_lists import catalogue_in_force
    from jisr_desktop.models.store.sessions import SessionRepository
    from jisr_desktop.models.workflows.committee import ranking

    repo, today, decisions = Repository(store), date.today(), DecisionRepository(store)
    ids["session"] = SessionRepository(store).open(
        "07.351", held_on=today, place="Province de Marrakech, salle 2",
        members=["M. Idrissi (gouverneur)", "Mme Bennis (ADS)", "Mme Tazi (Entraide)"]).id
    free = [e.record_id for e in ranking(repo, "07.351").entries
            if e.record_id not in ids.values() and e.decision is None]
    decisions.committee_decide(free[0], outcome="waiting_list", decided_on=today,
                               reason="Quota de la catégorie atteint")
    decisions.committee_decide(free[1], outcome="accepted", decided_on=today,
                               path="entrepreneurship_cooperative",
                               reason="Elle tisse déjà avec ses voisines")
    decisions.committee_decide(free[2], outcome="refused", decided_on=today,
                               reason="Déjà bénéficiaire d'un programme INDH")
    decisions.committee_decide(ids["minor"], outcome="accepted", decided_on=today,
                               override=True, reason="Elle aura 18 ans avant la formation")
    IncubationRepository(store).not_selected(
        free[1], outcome="waiting_list", decided_on=today, committee="Comité provincial",
        reason="Étude de marché à compléter avant le financement")
    ids["not_selected"] = free[1]
    groups = GroupRepository(store)
    group = groups.create(catalogue_in_force(repo), kind="cooperative",
                          name="Coopérative Tissage Al Amal", legal_id="COOP-2026-117",
                          responsible_id=ids["woman"], consent_on=today)
    for member in free[3:5]:
        groups.add_member(group.id, member, today)


def minutes(store: Store, ids: dict[str, str], out: Any) -> None:
    """The session's minutes in Arabic and French, first page as PNG (pdftoppm, 80 dpi)."""
    import subprocess
    import tempfile
    from pathlib import Path

    from jisr_desktop.cards.minutes import write_minutes
    from jisr_desktop.models.store.sessions import SessionRepository

    session = SessionRepository(store).get(ids["session"])
    for lang in ("ar", "fr"):
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "minutes.pdf"
            write_minutes(Repository(store), session, pdf, lang)
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf),
                            str(Path(out) / f"minutes-{lang}")], check=True)


def at_laptop_size(dialog: Any) -> Any:
    """The size `fit` gives the dialog on a 1366 × 768 laptop (the offscreen screen is
    smaller): its preferred size, which fits there."""
    dialog.resize(*dialog.size_hint)
    return dialog


def programme_tour(window: Any, ctx: Any, ids: dict[str, str]) -> dict[str, Callable]:
    """Screen name -> how to get there. The service card and follow-up dialogs are opened
    as incubator staff (the tour's supervisor may not record a delivery or a visit)."""
    from jisr_desktop.ui.context import AccountInfo
    from jisr_desktop.ui.follow_up_dialog import FollowUpDialog
    from jisr_desktop.ui.service_card_editor import ServiceCardEditor

    staff = dataclasses.replace(ctx, account=AccountInfo("Khadija Amrani", "incubator_staff",
                                                         ctx.account.province_code))

    def on_record(name: str) -> Callable:
        def go() -> Any:
            window.programme.show_record(ids["woman"])
            ctx.tasks.wait_idle()
            return at_laptop_size(window.programme.open(name))
        return go

    def as_staff(factory: Callable) -> Callable:
        def go() -> Any:
            window.programme.show_record(ids["woman"])
            dialog = factory(staff, ids["woman"], window)
            dialog.show()
            return at_laptop_size(dialog)
        return go

    def calendar() -> Any:
        window.programme.show_calendar()
        return window

    def idle() -> None:
        from PySide6.QtWidgets import QApplication

        for _ in range(3):
            ctx.tasks.wait_idle()
            QApplication.processEvents()

    def session() -> Any:
        page = window.committee
        window.show_page(page)
        page.set_province("07.351")
        ctx.tasks.wait_idle()
        page.open_session()
        dialog = page.session_dialog
        dialog.resize(1366, 728)
        idle()
        dialog.picker.setCurrentIndex(dialog.picker.findData(ids["session"]))
        for _ in range(10):  # the first ranking of the run reads the whole province
            idle()
            if dialog.table.rowCount() > 4:
                break
        dialog.table.setFocus()
        dialog.table.setCurrentCell(4, 1)
        idle()
        return dialog

    def not_selected() -> Any:
        window.programme.show_record(ids["not_selected"])
        ctx.tasks.wait_idle()
        return at_laptop_size(window.programme.open("incubation"))

    def group() -> Any:
        page = window.paths_page
        window.show_page(page)
        page.tabs.setCurrentIndex(2)
        page.group.cin.setText("EE123456")
        page.group.find()
        idle()
        page.group.table.selectRow(1)
        return window

    def paths() -> Any:  # the later paths page, opened on the tour's woman
        window.show_page(window.paths_page)
        window.paths_page.open_for(ids["woman"], "Fatima-Zahra Bennani")
        ctx.tasks.wait_idle()
        return window

    return {
        "programme-record": lambda: (window.programme.show_record(ids["woman"]), window)[1],
        "referral": on_record("referral"),
        "service-card-editor": as_staff(ServiceCardEditor),
        "incubation": on_record("incubation"),
        "follow-up": as_staff(FollowUpDialog),
        "follow-up-calendar": calendar,
        "committee-session": session,
        "incubation-not-selected": not_selected,
        "group": group,
        "paths": paths,
    }
