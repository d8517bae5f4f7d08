"""A tour of every screen at 1366x768 in Arabic, French and Tamazight, from the running app,
and the printed cards as images.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR] [CARDS_DIR]

Builds a throw-away store with demo registrations (among them a woman under 18 and a
refused consent), opens the real main window as a supervisor at 1366x728 (a 768-pixel
screen minus a taskbar), visits each screen in each language and saves
`<screen>-<lang>.png` in OUT_DIR (docs/screenshots). The cards are rendered to PDF with the
app's own code and turned into PNG by poppler's pdftoppm, in CARDS_DIR (docs/cards).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget

from jisr_desktop.cards import render_card
from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.programme.assessment import recommend, validate_assessment
from jisr_desktop.models.programme.definitions import load_card_templates, load_directory
from jisr_desktop.models.store.assessments import AssessmentRepository
from jisr_desktop.models.store.database import Store
from jisr_desktop.models.store.repository import Repository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.import_export import save_many
from jisr_desktop.settings import Settings
from jisr_desktop.ui.context import AppContext, open_context
from jisr_desktop.ui.fonts import apply_fonts, load_fonts
from jisr_desktop.ui.language import LanguageManager
from jisr_desktop.ui.tasks import TaskRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_programme import add_programme_data, minutes, programme_tour

TODAY = date(2026, 11, 22)
SIZE = (1366, 728)  # 1366x768 minus a taskbar
# JISR_SCREENS=referral,incubation takes only those screens (and no cards).
ONLY = frozenset(filter(None, os.environ.get("JISR_SCREENS", "").split(",")))
LANGS = ("ar", "fr", "zgh")
CENTRE = {"ar": "مركز الأمل، مراكش", "fr": "Centre Al Amal, Marrakech"}
ASSESSMENT = {
    "technical": 1, "management": 0, "marketing": 1, "digital": 0, "literacy_numeracy": 1,
    "languages": 1, "soft_skills": 2, "project_maturity": "idea_structured",
    "needs": ["training", "accompaniment", "incubation", "financing"],
    "request": "توسيع مشروع نسج الزرابي", "strengths": "خبرة عشر سنوات في النسيج",
}
# One woman of each kind the tour shows, beside the generated ones.
WOMAN = {
    "consent": "yes", "consent_date": "2026-11-20", "consent_recorded_by": "Naima Supervisor",
    "first_name_ar": "فاطمة الزهراء", "last_name_ar": "بناني",
    "first_name_lat": "Fatima-Zahra", "last_name_lat": "Bennani", "cin": "EE123456",
    "date_of_birth": "1985-03-14", "phone": "0612345678", "region": "07",
    "province": "07.351", "commune": "07.351.01.01", "area_type": "urban",
    "social_status": "widowed", "disability": "no", "head_of_household": "yes",
    "health_coverage": "none", "household_size": 6, "income_source": "none",
    "education": "primary", "experience": "1_5", "legal_status": "none",
    "support_requested": ["training", "accompaniment"], "has_project_idea": "yes",
    "project_sector": "handicraft", "project_description": "نسج الزرابي",
    "project_stage": "idea",
}
MINOR = dict(WOMAN, first_name_ar="سلمى", last_name_ar="العلوي", first_name_lat="Salma",
             last_name_lat="Alaoui", cin="EE654321", phone="0661223344",
             date_of_birth="2010-05-01")
REFUSAL = {"consent": "no", "consent_date": "2026-11-21",
           "consent_recorded_by": "Naima Supervisor",
           "refusal_note": "Elle veut en parler à sa famille"}


def build_store(folder: Path) -> tuple[Store, dict[str, str]]:
    store = Store.create(folder, "Naima Supervisor", "demo passphrase", role="supervisor",
                         province_code="07.351")
    repo = Repository(store)
    defs = load_directory()
    repo.install_definitions(defs.all())
    rows = [dict(r, province="07.351", region="07", commune="07.351.01.01")
            for r in generate(120, 3, today=TODAY)]
    save_many(repo, defs, enumerate(rows, 1), today=TODAY)
    active = repo.active_definitions()
    ids = {key: enrol(repo, active, answers, today=TODAY).record.id
           for key, answers in (("woman", WOMAN), ("minor", MINOR), ("refusal", REFUSAL))}
    answers = validate_assessment(active.assessment, ASSESSMENT, today=TODAY).answers
    services = [r.service_id for r in recommend(active.assessment, active.services, answers)]
    AssessmentRepository(store).save(ids["woman"], answers, services,
                                     definition=active.assessment)
    add_programme_data(store, ids)  # issue 12: orientation, incubation, follow-up
    return store, ids


def tour(window: QWidget, ctx: AppContext, ids: dict[str, str]) -> dict[str, Callable]:
    """Screen name -> how to get there; each returns the widget to photograph."""
    from jisr_desktop.ui.card_preview import open_card_preview
    from jisr_desktop.ui.unlock_dialog import UnlockDialog

    def page(show: Callable[[], None]) -> Callable[[], QWidget]:
        def go() -> QWidget:
            show()
            return window
        return go

    def search_nothing() -> QWidget:
        window.show_page(window.beneficiaries)
        window.beneficiaries.search.setText("zzzqq")
        window.beneficiaries._search_now()
        return window

    def back_to_list() -> None:
        window.beneficiaries.search.clear()
        window.beneficiaries._search_now()
        window.show_page(window.beneficiaries)

    def preview() -> QWidget:
        window.open_record(ids["woman"])
        return open_card_preview(ctx, ids["woman"], "orientation", window)

    def lock() -> QWidget:
        return UnlockDialog(ctx.folder, ctx.tasks, ctx.reference, lang=ctx.lang,
                            agent=ctx.account.name, lock_only=True, parent=window)

    def record_view() -> QWidget:
        window.open_record(ids["woman"])
        window.result.showAnswers.emit(ids["woman"])
        return window

    return {
        "beneficiaries": page(back_to_list),
        "search-nothing": search_nothing,
        "registration": page(window.new_registration),
        "result": page(lambda: window.open_record(ids["woman"])),
        "result-not-eligible": page(lambda: window.open_record(ids["minor"])),
        "result-refused-consent": page(lambda: window.open_record(ids["refusal"])),
        "record": record_view,
        "edit": page(lambda: window.result.editRecord.emit(ids["woman"])),
        "committee": page(lambda: window.show_page(window.committee)),
        "assessment": page(lambda: window.open_assessment(ids["woman"])),
        "card-preview": preview,
        "lock": lock,
        **programme_tour(window, ctx, ids),
    }


def settle(app: QApplication, tasks: TaskRunner) -> None:
    for _ in range(3):
        tasks.wait_idle()
        app.processEvents()


def cards(store: Store, ids: dict[str, str], out: Path) -> None:
    """The cards as the agent prints them, as PNG (pdftoppm)."""
    out.mkdir(parents=True, exist_ok=True)
    repo = Repository(store)
    defs = repo.active_definitions()
    templates = {k: d.data for k, d in load_card_templates().items()}
    layouts_of = {"orientation": ("ar+fr", "ar", "zgh"), "service": ("ar+fr", "fr", "zgh")}
    for kind, layouts in layouts_of.items():
        data = card_for_record(repo, defs, ids["woman"], kind, issued_on=TODAY,
                               centre=CENTRE, agent="Naima Supervisor")
        for layout in layouts:
            with tempfile.TemporaryDirectory() as tmp:
                pdf = Path(tmp) / "card.pdf"
                render_card(templates[kind], data, pdf, layout)
                stem = out / f"{kind}-{layout}"
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf),
                                str(stem)], check=True)
    minutes(store, ids, out)  # the committee session's minutes (issue 12)


def main(out: Path, cards_out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_fonts(app, load_fonts())
    with tempfile.TemporaryDirectory() as tmp:
        store, ids = build_store(Path(tmp) / "store")
        tasks = TaskRunner()
        ctx = open_context(Path(tmp) / "store", store, tasks, LanguageManager("ar"),
                           Settings(centre="Centre Al Amal, Marrakech"))
        from jisr_desktop.ui.main_window import MainWindow

        window = MainWindow(ctx)
        window.resize(*SIZE)
        window.show()
        settle(app, tasks)
        for lang in LANGS:
            window.set_language(lang)
            for name, go in tour(window, ctx, ids).items():
                if ONLY and name not in ONLY:
                    continue
                shown = go()
                settle(app, tasks)
                shown.grab().save(str(out / f"{name}-{lang}.png"))
                if shown is not window:
                    shown.close()
                    settle(app, tasks)
        window.registration.stop_timers()
        window.close()
        settle(app, tasks)
        if not ONLY:
            cards(store, ids, cards_out)
        tasks.shutdown()
        store.close()
    print(f"screenshots in {out}, cards in {cards_out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"),
         Path(sys.argv[2]) if len(sys.argv) > 2 else Path("docs/cards"))
