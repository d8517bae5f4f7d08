"""The beneficiaries list: real widgets offscreen over a real encrypted store."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from jisr_desktop.formatting import format_number
from jisr_desktop.models.demo.data import generate
from jisr_desktop.models.programme.normalize import normalize_name
from jisr_desktop.models.store.repository import RecordFilter
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.models.workflows.import_export import save_many
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.beneficiaries_page import BeneficiariesPage
from jisr_desktop.ui.list_filters import NOT_ELIGIBLE
from jisr_desktop.ui.record_model import COLUMN_INDEX, RECORD_ID_ROLE
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import make_context, type_text

# A second woman, in Tanger-Assilah, so the province filter has something to leave out.
KHADIJA = {
    "first_name_ar": "خديجة",
    "last_name_ar": "العلوي",
    "first_name_lat": "Khadija",
    "last_name_lat": "Alaoui",
    "cin": "K 654321",
    "phone": "06 98 76 54 32",
    "date_of_birth": "1979-07-02",
    "region": "01",
    "province": "01.511",
    "commune": "01.511.01.01",
}


def _seed(ctx) -> dict[str, str]:
    ids = {}
    for key, overrides in (("fatima", {}), ("khadija", KHADIJA)):
        outcome = enrol(ctx.repo, ctx.defs, make_submission(**overrides), today=TODAY)
        assert outcome.saved, outcome.evaluation.validation.codes()
        ids[key] = outcome.record.id
    save_many(ctx.repo, ctx.defs, enumerate(generate(60, seed=11, today=TODAY)), today=TODAY)
    return ids


def _settled(page: BeneficiariesPage, text: str | None = None) -> bool:
    model = page.model
    return (
        model.ever_loaded
        and not model.loading
        and not page.debounce.isActive()
        and (text is None or model.filter.text == text)
    )


def _wait(qtbot, page: BeneficiariesPage, text: str | None = None) -> None:
    qtbot.waitUntil(lambda: _settled(page, text), timeout=5000)
    page.ctx.tasks.wait_idle()  # pages asked for by painting


def _rows(page: BeneficiariesPage) -> list:
    model = page.model
    out = []
    for row in range(min(model.rowCount(), model.PAGE)):
        summary = model.summary(row)
        assert summary is not None, "the first page is in memory"
        out.append(summary)
    return out


@pytest.fixture
def seeded(ctx):
    return ctx, _seed(ctx)


@pytest.fixture
def page(qtbot, seeded):
    ctx, _ids = seeded
    widget = BeneficiariesPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    _wait(qtbot, widget)
    return widget


def test_list_shows_saved_records_and_counts_them(page, seeded):
    ctx, ids = seeded
    total = ctx.repo.count_matching(RecordFilter())
    assert total >= 50  # the 60 demo rows less refusals' duplicates, plus our two
    assert page.model.rowCount() == total
    assert format_number(total, "ar") in page.count_label.text()
    shown = {s.id for s in _rows(page)}
    assert {ids["fatima"], ids["khadija"]} <= shown
    # Cells are plain text: province name in Arabic, a Latin name kept as typed.
    row = next(i for i, s in enumerate(_rows(page)) if s.id == ids["khadija"])
    model = page.model
    assert model.index(row, COLUMN_INDEX["province"]).data() == "طنجة-أصيلة"
    assert model.index(row, COLUMN_INDEX["name_lat"]).data() == "Khadija Alaoui"
    assert model.index(row, COLUMN_INDEX["name_ar"]).data() == "خديجة العلوي"
    tip = strip_isolates(model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole))
    assert "Khadija Alaoui" in tip


def test_a_record_saved_meanwhile_shows_when_the_page_comes_back(qtbot, page, seeded):
    ctx, _ids = seeded
    before = page.model.rowCount()
    page.hide()
    other = make_submission(
        **{
            **KHADIJA,
            "cin": "K 111222",
            "phone": None,
            "first_name_lat": "Zineb",
            "first_name_ar": "زينب",
        }
    )
    assert enrol(ctx.repo, ctx.defs, other, today=TODAY).saved
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1, timeout=5000)
    assert format_number(before + 1, "ar") in page.count_label.text()


def test_search_as_you_type_narrows_latin_and_arabic(qtbot, page, seeded):
    ctx, _ids = seeded
    total = page.model.rowCount()
    qtbot.keyClicks(page.search, "fatima")
    _wait(qtbot, page, "fatima")
    expected = ctx.repo.count_matching(RecordFilter(text="fatima"))
    assert 1 <= page.model.rowCount() == expected < total
    assert all("fatima" in normalize_name(s.name_lat) for s in _rows(page))
    assert format_number(expected, "ar") in page.count_label.text()

    page.search.clear()
    type_text(page.search, "فاطمة")
    _wait(qtbot, page, "فاطمة")
    expected_ar = ctx.repo.count_matching(RecordFilter(text="فاطمة"))
    assert 1 <= page.model.rowCount() == expected_ar < total
    assert all("فاطمه" in normalize_name(s.name_ar) for s in _rows(page))

    page.search.clear()
    _wait(qtbot, page, "")
    assert page.model.rowCount() == total


def test_fast_typing_applies_only_the_newest_text(qtbot, page, seeded):
    """A slow answer for an earlier keystroke must never replace a newer one."""
    model = page.model
    applied = []
    model.loaded.connect(applied.append)
    first = model.set_filter(RecordFilter(text="fa"))
    second = model.set_filter(RecordFilter(text="bennani fatima"))
    assert second > first
    _wait(qtbot, page, "bennani fatima")
    assert len(applied) == 1
    assert [s.name_lat for s in _rows(page)] == ["Fatima-Zahra Bennani"]
    # A late result carrying the old generation is ignored.
    model._apply_reload(first, [])
    assert model.rowCount() == 1


def test_filters_by_province_and_category(qtbot, page, seeded):
    ctx, ids = seeded
    page.province.setCurrentIndex(page.province.findData("01.511"))
    _wait(qtbot, page)
    rows = _rows(page)
    assert rows and all(s.province_code == "01.511" for s in rows)
    assert ids["khadija"] in {s.id for s in rows} and ids["fatima"] not in {s.id for s in rows}
    assert page.model.rowCount() == ctx.repo.count_matching(RecordFilter(province_code="01.511"))

    page.reset_filters()
    page.category.setCurrentIndex(page.category.findData(NOT_ELIGIBLE))
    _wait(qtbot, page)
    rows = _rows(page)
    expected = ctx.repo.count_matching(RecordFilter(category=NOT_ELIGIBLE))
    assert page.model.rowCount() == expected
    assert all(s.category is None or s.eligible is False for s in rows)

    page.category.setCurrentIndex(page.category.findData(1))
    _wait(qtbot, page)
    assert all(s.category == 1 for s in _rows(page))
    assert page.model.rowCount() == ctx.repo.count_matching(RecordFilter(category=1))


def test_sort_by_score_requeries(qtbot, page):
    header = page.table.horizontalHeader()
    section = COLUMN_INDEX["score"]
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    _wait(qtbot, page)
    assert page.model.sort_key == "score_total"
    first = [s.score_total for s in _rows(page) if s.score_total is not None]
    ascending = not page.model.descending
    assert first == sorted(first, reverse=not ascending) and len(set(first)) > 1
    page.table.sortByColumn(section, Qt.SortOrder.DescendingOrder)
    _wait(qtbot, page)
    scores = [s.score_total for s in _rows(page) if s.score_total is not None]
    assert scores == sorted(scores, reverse=True)
    assert page.model.index(0, section).data() == format_number(scores[0], "ar")


def test_double_click_and_enter_open_the_record(qtbot, page, seeded):
    _ctx, ids = seeded
    qtbot.keyClicks(page.search, "alaoui khadija")
    _wait(qtbot, page, "alaoui khadija")
    assert page.model.rowCount() == 1
    index = page.model.index(0, COLUMN_INDEX["name_lat"])
    assert index.data(RECORD_ID_ROLE) == ids["khadija"]
    rect = page.table.visualRect(index)
    with qtbot.waitSignal(page.openRecord, timeout=2000) as opened:
        # A real double-click is press, release, then the double-click event; QTest's
        # mouseDClick alone sends only the last, which item views ignore without a press.
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [ids["khadija"]]
    page.table.setFocus()
    page.table.setCurrentIndex(index)
    with qtbot.waitSignal(page.openRecord, timeout=2000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [ids["khadija"]]


def test_shortcuts_focus_search_and_start_a_registration(qtbot, page):
    page.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table, timeout=2000)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    with qtbot.waitSignal(page.newRegistration, timeout=2000):
        qtbot.keyClick(page.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)


def test_printed_card_payload_opens_the_record(qtbot, page, seeded):
    from jisr_desktop.cards import qr

    _ctx, ids = seeded
    payload = qr.qr_payload(ids["khadija"], qr.card_number("service", ids["khadija"], 1))
    with qtbot.waitSignal(page.openRecord, timeout=2000) as opened:
        qtbot.keyClicks(page.search, payload)  # a USB scanner types like a keyboard
    assert opened.args == [ids["khadija"]]


def test_switching_language_relabels_in_place(qtbot, page, seeded):
    ctx, _ids = seeded
    qtbot.keyClicks(page.search, "alaoui khadija")
    _wait(qtbot, page, "alaoui khadija")
    ctx.language.set_language("fr")
    assert page.search.text() == "alaoui khadija"  # nothing typed is lost
    assert page.layoutDirection() == Qt.LayoutDirection.LeftToRight
    province = page.model.index(0, COLUMN_INDEX["province"]).data()
    assert province == "Tanger-Assilah"
    assert page.province.itemData(0) == "" and page.province.count() > 10
    ctx.language.set_language("ar")
    assert page.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert page.model.index(0, COLUMN_INDEX["province"]).data() == "طنجة-أصيلة"


# -- lazy paging over a bigger store ----------------------------------------------------------


@pytest.fixture(scope="session")
def big_store(tmp_path_factory, qapp):
    """~3,000 demo registrations, built once and copied per test (saving them takes ~5 s)."""
    folder = tmp_path_factory.mktemp("big") / "store"
    context = make_context(folder)
    report = save_many(
        context.repo, context.defs, enumerate(generate(3000, seed=5, today=TODAY)), today=TODAY
    )
    assert report.saved > 2900
    context.tasks.shutdown()
    context.store.close()
    return folder


def test_lazy_paging_reads_only_the_pages_on_screen(qtbot, big_store, tmp_path):
    folder = tmp_path / "store"
    shutil.copytree(big_store, folder)
    ctx = make_context(folder)
    try:
        widget = BeneficiariesPage(ctx)
        qtbot.addWidget(widget)
        widget.resize(1000, 500)
        widget.show()
        qtbot.waitExposed(widget)
        _wait(qtbot, widget)
        model = widget.model
        total = ctx.repo.count_matching(RecordFilter())
        assert total > 2900 and model.rowCount() == total
        assert model.loaded_blocks() == [0]
        assert model.page_requests == 1
        # Jump to the end: only the last page is read, not the ones in between.
        widget.table.scrollToBottom()
        qtbot.waitUntil(lambda: (total - 1) // model.PAGE in model.loaded_blocks(), timeout=5000)
        ctx.tasks.wait_idle()
        assert len(model.loaded_blocks()) <= 3
        assert model.summary(total - 1) is not None
    finally:
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()
