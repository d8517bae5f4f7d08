"""The smaller things of issue 11, point 21, as the agent sees them: filter labels and the
CIN header whole, the Arabic dual without a numeral, one neutral way of addressing the
agent in Arabic, and only the paths and destinations a category can have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.beneficiaries_page import BeneficiariesPage
from jisr_desktop.ui.record_model import COLUMN_INDEX
from jisr_desktop.ui.result_page import ResultPage
from tests.conftest import TODAY, make_submission

AR_PO = Path(__file__).resolve().parents[2] / "translations" / "ar" / "LC_MESSAGES" / "jisr.po"
# Imperatives and second-person forms the catalog once mixed (feminine and masculine).
GENDERED = re.compile(
    r"(^|[\s«(:،؛])("
    r"اختاري|اختر|احفظي|احفظ|أعيدي|أعد|اكتبي|اكتب|استعملي|استعمل|حدِّدي|حدد|قيّمي|قيم|"
    r"ابحثي|ابحث|افتحي|افتح|امسحي|امسح|أدخلي|أدخل|تأكدي|تأكد|هل تريدين|هل تريد|حفظتِه|"
    r"حفظته|انقري|انقر|اضغطي|اضغط"
    r")(?=$|[\s.،؛:؟!»)])"
)


def _page(qtbot, ctx, lang: str) -> BeneficiariesPage:
    ctx.language.set_language(lang)
    page = BeneficiariesPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 640)
    page.show()
    ctx.tasks.wait_idle()
    return page


@pytest.mark.parametrize("lang", ["fr", "ar", "zgh"])
def test_filter_labels_and_boxes_are_whole(qtbot, ctx, lang) -> None:
    page = _page(qtbot, ctx, lang)
    for label, box in page._filter_pairs():
        assert label.width() >= label.sizeHint().width(), (lang, label.text())
        assert box.width() >= box.sizeHint().width(), (lang, box.currentText())


def test_the_arabic_cin_header_is_whole(qtbot, ctx) -> None:
    page = _page(qtbot, ctx, "ar")
    header = page.table.horizontalHeader()
    column = COLUMN_INDEX["cin"]
    title = page.model.headerData(column, header.orientation())
    assert header.sectionSize(column) > header.fontMetrics().horizontalAdvance(title)


def test_two_beneficiaries_in_arabic_is_the_dual_alone(qtbot, ctx) -> None:
    enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)
    enrol(ctx.repo, ctx.defs, make_submission(cin="JB765432", phone="0661112233"), today=TODAY)
    page = _page(qtbot, ctx, "ar")
    assert page.count_label.text() == "مستفيدتان"


def test_arabic_addresses_the_agent_in_neutral_wording() -> None:
    with open(AR_PO, "rb") as fh:
        catalog = read_po(fh)
    gendered = []
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        gendered += [f for f in forms if f and GENDERED.search(f)]
    assert not gendered, gendered


def test_a_change_offers_only_what_the_category_allows(qtbot, ctx) -> None:
    record_id = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record.id
    page = ResultPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_record(record_id)
    ctx.tasks.wait_idle()
    page.change_button.click()

    def offered(combo) -> set[str]:
        return {combo.itemData(i) for i in range(combo.count())}

    assert page.new_category.currentData() == 1
    assert offered(page.new_path) == {"entrepreneurship_cooperative", "entrepreneurship_company"}
    assert "en_vocational_training_centre" not in offered(page.new_destination)
    page.new_category.setCurrentIndex(page.new_category.findData(2))
    assert offered(page.new_path) == {"employability"}
    assert offered(page.new_destination) == {"en_vocational_training_centre"}
