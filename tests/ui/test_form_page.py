"""The registration page driven through its real widgets, offscreen, on a real store."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from jisr_desktop.i18n import _
from jisr_desktop.models.programme.messages import Message
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.ui.choice_widgets import ChecksWidget, ComboWidget, RadioWidget, ReferenceWidget
from jisr_desktop.ui.form_model import FormModel
from jisr_desktop.ui.form_page import RegistrationPage
from jisr_desktop.ui.form_widgets import CalculatedWidget
from jisr_desktop.ui.text_widgets import (
    CodeWidget,
    DateWidget,
    LongTextWidget,
    NumberWidget,
    TextWidget,
)
from tests.conftest import AGENT, make_submission
from tests.ui.conftest import commit_text, type_text

# shiboken6 6.12.0 on Python 3.11 returns None from every void Qt call without taking a
# reference (it assumes Python 3.12's immortal None), so each call drops one reference and
# a few thousand calls abort the process ("none_dealloc"). 6.11.3 does not. These tests
# type hundreds of characters; holding references here keeps the count from reaching zero.
_NONE_GUARD = [None] * 200_000


@pytest.fixture
def page(ctx, qtbot):
    page = RegistrationPage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    page.start_new()
    yield page
    page.draft_timer.stop()  # nothing written after the store closes
    page.dup_timer.stop()


def shown(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window())


def message_of(page: RegistrationPage, name: str) -> str | None:
    label = page.widgets[name].message
    return label.text() if shown(label) else None


def plain(text: str) -> str:
    """Without the direction marks that start lines made of data."""
    return text.replace("\u200f", "").replace("\u200e", "")


def render(page: RegistrationPage, code: str, **params: Any) -> str:
    return Message(code, params).render(page.form.messages, page.ctx.lang)


def enter(page: RegistrationPage, qtbot, name: str, value: Any) -> None:
    """Answer one field the way the agent would, whatever its widget kind."""
    widget = page.widgets[name]
    if isinstance(widget, RadioWidget):
        radio = next(
            r for c, r in zip(widget.field.choices, widget.radios, strict=True)
            if str(c.value) == str(value)
        )
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)
    elif isinstance(widget, ChecksWidget):
        for choice, box in zip(widget.field.choices, widget.checks, strict=True):
            if choice.value in value and not box.isChecked():
                qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    elif isinstance(widget, ComboWidget):  # reference lists included
        combo = widget.combo
        index = combo.findData(value)
        assert index > 0, (name, value)
        combo.setFocus()
        # Keyboard: from "— choose —", Down as many times as needed (activated fires).
        combo.setCurrentIndex(0)
        for _step in range(index):
            qtbot.keyClick(combo, Qt.Key.Key_Down)
        assert widget.value() == value
    elif isinstance(widget, LongTextWidget):
        commit_text(widget.box, str(value))
    elif isinstance(widget, TextWidget | DateWidget):
        line = widget.line
        line.setFocus()
        line.selectAll()  # typing replaces a default (today's consent date)
        text = str(value)
        if text.isascii():
            qtbot.keyClicks(line, text)
        elif " " in text:
            commit_text(line, text)  # as an input method would deliver it
        else:
            type_text(line, text)
    else:
        raise AssertionError(f"no way to enter {name}")


def fill(page: RegistrationPage, qtbot, submission: dict[str, Any]) -> None:
    for fld in page.form.fields:
        if fld.name in submission and fld.is_answer:
            enter(page, qtbot, fld.name, submission[fld.name])


def test_widget_kinds_and_accessibility(page: RegistrationPage) -> None:
    w = page.widgets
    assert isinstance(w["consent"], RadioWidget)  # yes/no: radios
    assert isinstance(w["social_status"], ComboWidget)
    assert isinstance(w["region"], ReferenceWidget)
    assert isinstance(w["support_requested"], ChecksWidget)
    assert isinstance(w["household_size"], NumberWidget)
    assert isinstance(w["date_of_birth"], DateWidget)
    assert isinstance(w["cin"], CodeWidget) and isinstance(w["phone"], CodeWidget)
    assert isinstance(w["project_description"], LongTextWidget)  # max_length 500
    assert isinstance(w["age"], CalculatedWidget)
    # Every input has an accessible name, and Tab walks the form in document order.
    chain = [x for fw in w.values() for x in fw.focus_chain()]
    assert len(chain) > 30 and all(x.accessibleName() for x in chain)
    assert w["household_size"].line.accessibleName() == "عدد أفراد الأسرة"
    page.widgets["consent"].choose("yes")
    first = w["consent"].radios[0]
    first.setFocus()
    order = [first]
    for _step in range(8):
        order.append(order[-1].nextInFocusChain())
        while not order[-1].isVisibleTo(page) or not order[-1].focusPolicy():
            order[-1] = order[-1].nextInFocusChain()
    names = [x.accessibleName() for x in order]
    assert names.index(w["consent_date"].line.accessibleName()) < names.index(
        w["last_name_ar"].line.accessibleName()
    )
    # Required fields are marked; the optional phone is not.
    assert w["cin"].label.text().endswith("*")
    assert not w["phone"].label.text().endswith("*")


def test_complete_registration_saves_the_scored_record(page, ctx, qtbot) -> None:
    submission = make_submission()
    assert page.widgets["consent_recorded_by"].value() == AGENT  # pre-filled
    fill(page, qtbot, submission)
    answers = page.model.answers
    assert answers["first_name_ar"] == "فاطمة الزهراء"
    assert answers["last_name_ar"] == "بناني"
    assert answers["commune"] == "07.351.01.01"
    age = page.model.state.calculated["age"]
    assert age >= 40 and page.widgets["age"].shown.text() == "\u200f" + str(age)
    state = page.model.state
    assert state.answered == state.total_required and not state.messages
    assert page.progress.value() == page.progress.maximum()
    # Ctrl+S from inside the form.
    with qtbot.waitSignal(page.saved, timeout=10_000) as blocker:
        qtbot.keyClick(page.widgets["project_description"].box, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)
    record = ctx.repo.get(blocker.args[0])
    assert record is not None
    assert record.score_total == 60 and record.category == 1
    assert record.answers["cin"] == "EE123456"
    assert record.answers["first_name_ar"] == "فاطمة الزهراء"
    ctx.tasks.wait_idle()
    assert ctx.repo.drafts() == []  # the draft went with the save


def test_invalid_save_shows_messages_and_focuses_the_first(page, ctx, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "last_name_ar", "بناني")
    assert message_of(page, "first_name_ar") is None  # untouched: no shouting yet
    page.save()
    assert ctx.tasks.wait_idle()
    required = render(page, "required")
    assert message_of(page, "first_name_ar") == required
    assert message_of(page, "household_size") == required
    assert message_of(page, "last_name_ar") is None
    assert QApplication.focusWidget() is page.widgets["first_name_ar"].line
    assert page.status.text()
    assert ctx.repo.count() == 0


def test_constraint_messages_appear_and_clear(page, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    size = page.widgets["household_size"]
    qtbot.keyClicks(size.line, "0")
    assert message_of(page, "household_size") == render(
        page, "below_min", min=1, max=30, max_length=None, value=0
    )
    assert size.severity == "error"
    qtbot.keyClick(size.line, Qt.Key.Key_Backspace)
    qtbot.keyClicks(size.line, "6")
    assert message_of(page, "household_size") is None
    # Letters are refused by the input itself; Arabic-Indic digits are taken.
    qtbot.keyClicks(size.line, "abc")
    assert size.line.text() == "6"

    name = page.widgets["last_name_ar"]
    type_text(name.line, "بنانيX")
    latin_refused = page.form.field("last_name_ar").constraint_message["ar"]
    assert message_of(page, "last_name_ar") == latin_refused
    qtbot.keyClick(name.line, Qt.Key.Key_Backspace)
    assert name.value() == "بناني"
    assert message_of(page, "last_name_ar") is None


def test_warnings_look_different_from_errors(page, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    qtbot.keyClicks(page.widgets["cin"].line, "123")
    assert page.widgets["cin"].severity == "warning"
    assert message_of(page, "cin") == render(page, "cin_pattern", value="123")
    qtbot.keyClicks(page.widgets["phone"].line, "0522123456")  # a landline
    assert page.widgets["phone"].severity == "warning"
    qtbot.keyClicks(page.widgets["household_size"].line, "99")
    error_style = page.widgets["household_size"].message.styleSheet()
    assert error_style != page.widgets["cin"].message.styleSheet()


def test_relevance_hides_fields_and_sections(page, qtbot) -> None:
    w = page.widgets
    assert not shown(page.section_boxes["identity"])  # nothing but consent before consent
    enter(page, qtbot, "consent", "yes")
    assert shown(page.section_boxes["identity"]) and not shown(w["refusal_note"])
    enter(page, qtbot, "has_project_idea", "yes")
    assert all(shown(w[n]) for n in ("project_sector", "project_description", "project_stage"))
    enter(page, qtbot, "has_project_idea", "no")
    assert not any(
        shown(w[n]) for n in ("project_sector", "project_description", "project_stage")
    )
    enter(page, qtbot, "consent", "no")
    for section in ("identity", "residence", "situation", "background", "project"):
        assert not shown(page.section_boxes[section])
    assert shown(w["refusal_note"]) and shown(page.section_boxes["consent"])
    assert page.model.state.total_required == 3  # consent, its date, who recorded it


def test_reference_lists_follow_their_parent(page, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    province = page.widgets["province"]
    assert not province.combo.isEnabled()  # nothing to offer before a region
    enter(page, qtbot, "region", "07")
    codes = {province.combo.itemData(i) for i in range(1, province.combo.count())}
    assert "07.351" in codes and all(c.startswith("07.") for c in codes)
    enter(page, qtbot, "province", "07.351")
    enter(page, qtbot, "commune", "07.351.01.01")
    enter(page, qtbot, "region", "01")  # another region: the province and commune go
    assert province.value() is None and page.widgets["commune"].value() is None
    assert "province" not in page.model.answers and "commune" not in page.model.answers


def test_language_switch_relabels_in_place_and_mirrors(page, ctx, qtbot) -> None:
    w = page.widgets
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "first_name_ar", "فاطمة")
    enter(page, qtbot, "first_name_lat", "Fatima")
    enter(page, qtbot, "household_size", "0")
    enter(page, qtbot, "region", "07")
    assert page.isRightToLeft()
    assert w["cin"].line.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert w["first_name_lat"].line.layoutDirection() == Qt.LayoutDirection.LeftToRight
    region_ar = w["region"].combo.currentText()

    ctx.language.set_language("fr")
    assert not page.isRightToLeft()
    assert w["household_size"].label.text() == "Nombre de personnes du ménage *"
    assert page.section_boxes["identity"].title() == "Identité"
    assert message_of(page, "household_size") == render(
        page, "below_min", min=1, max=30, max_length=None, value=0
    )
    assert w["region"].combo.currentText() != region_ar  # the French name
    assert w["consent"].value() == "yes"

    ctx.language.set_language("ar")
    assert page.isRightToLeft()
    assert w["first_name_ar"].value() == "فاطمة"
    assert w["first_name_lat"].value() == "Fatima"
    assert w["household_size"].value() == "0"
    assert w["region"].value() == "07" and w["region"].combo.currentText() == region_ar
    assert w["cin"].line.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_duplicate_cin_warns_opens_and_asks_before_saving(page, ctx, qtbot) -> None:
    existing = enrol(ctx.repo, ctx.defs, make_submission(), reference=ctx.reference).record
    assert existing is not None
    enter(page, qtbot, "consent", "yes")
    qtbot.keyClicks(page.widgets["cin"].line, "ee123456")
    panel = page.duplicates
    qtbot.waitUntil(lambda: shown(panel) and bool(panel.rows), timeout=5000)
    row = panel.rows[0]
    assert row.view.record_id == existing.id
    assert plain(row.reasons.text()).splitlines()[0] == render(page, "duplicate_cin")
    assert "بناني" in row.who.text()
    with qtbot.waitSignal(page.openRecord, timeout=2000) as blocker:
        qtbot.mouseClick(row.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [existing.id]

    # Saving the same CIN: asked first; "no" keeps it unsaved, "yes" saves.
    fill(page, qtbot, make_submission(cin=None, first_name_lat="Fatima", phone="0661000000"))
    asked: list[bool] = []
    page.confirm_duplicate = lambda _outcome: asked.append(False) or False
    page.save()
    ctx.tasks.wait_idle()
    assert asked == [False] and ctx.repo.count() == 1
    page.confirm_duplicate = lambda _outcome: asked.append(True) or True
    with qtbot.waitSignal(page.saved, timeout=10_000) as blocker:
        page.save()
    assert asked == [False, True]
    assert ctx.repo.count() == 2 and blocker.args[0] != existing.id


def test_duplicate_by_name_and_birth_date(page, ctx, qtbot) -> None:
    enrol(ctx.repo, ctx.defs, make_submission(), reference=ctx.reference)
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "first_name_ar", "فاطمة الزهراء")
    enter(page, qtbot, "last_name_ar", "بناني")
    assert not shown(page.duplicates)
    enter(page, qtbot, "date_of_birth", "1985-03-14")
    qtbot.waitUntil(lambda: bool(page.duplicates.rows), timeout=5000)
    assert plain(page.duplicates.rows[0].reasons.text()) == render(page, "duplicate_name")


def test_draft_written_on_change_and_resumed(page, ctx, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "last_name_ar", "بناني")
    with qtbot.waitSignal(page.draftSaved, timeout=5000):
        enter(page, qtbot, "household_size", "6")
    qtbot.keyClicks(page.widgets["cin"].line, "EE1")
    with qtbot.waitSignal(page.draftSaved, timeout=5000):
        pass
    ctx.tasks.wait_idle()
    drafts = ctx.repo.drafts()
    assert len(drafts) == 1  # one draft per registration, rewritten in place
    assert drafts[0].answers["last_name_ar"] == "بناني"
    assert drafts[0].answers["cin"] == "EE1"

    page.start_new()
    assert page.widgets["last_name_ar"].value() == ""
    page.resume_draft(drafts[0].id)
    ctx.tasks.wait_idle()
    assert page.widgets["last_name_ar"].value() == "بناني"
    assert page.widgets["household_size"].value() == "6"
    assert shown(page.section_boxes["identity"])


def test_no_consent_keeps_identity_out_of_the_draft(page, ctx, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "last_name_ar", "بناني")
    enter(page, qtbot, "consent", "no")
    page.write_draft()
    ctx.tasks.wait_idle()
    (draft,) = ctx.repo.drafts()
    assert "last_name_ar" not in draft.answers and draft.answers["consent"] == "no"


def test_edit_updates_the_same_record(page, ctx, qtbot) -> None:
    record = enrol(ctx.repo, ctx.defs, make_submission(), reference=ctx.reference).record
    page.edit(record.id)
    ctx.tasks.wait_idle()
    assert page.widgets["last_name_lat"].value() == "Bennani"
    assert page.widgets["commune"].value() == "07.351.01.01"
    assert page.widgets["support_requested"].value() == ["training", "accompaniment"]
    assert not page.duplicates.rows  # not its own duplicate
    size = page.widgets["household_size"].line
    size.selectAll()
    qtbot.keyClicks(size, "2")
    with qtbot.waitSignal(page.saved, timeout=10_000) as blocker:
        page.save()
    assert blocker.args[0] == record.id
    updated = ctx.repo.get(record.id)
    assert updated.answers["household_size"] == 2 and updated.version == record.version + 1
    assert ctx.repo.count() == 1


def test_form_model_progress_without_qt(ctx) -> None:
    from jisr_desktop.models.programme.form import from_definition

    model = FormModel(from_definition(ctx.defs.form), ctx.reference)
    assert model.state.total_required == 3 and model.state.answered == 1  # consent date
    model.set("consent", "yes")
    before = model.state.total_required
    model.set("has_project_idea", "yes")
    assert model.state.total_required == before + 2  # sector and stage
    assert not model.state.messages  # nothing touched but consent and the idea
    model.show_all = True
    assert "cin" in model.evaluate().messages


def test_a_late_save_does_not_take_over_the_next_form(page, ctx, qtbot) -> None:
    fill(page, qtbot, make_submission())
    emitted: list[str] = []
    page.saved.connect(emitted.append)
    page.save()
    page.start_new()  # Ctrl+N before the save's answer is back
    ctx.tasks.wait_idle()
    assert ctx.repo.count() == 1  # the first woman is saved
    assert page.record_id is None and emitted == []
    assert page.title.text() == _("New registration")
    assert page.model.answers.get("cin") in (None, "")
    # Saving the new form now creates a second record; it cannot overwrite the first.
    fill(page, qtbot, make_submission(cin="JB765432", phone="0661112233",
                                      first_name_lat="Khadija", date_of_birth="1991-02-02"))
    with qtbot.waitSignal(page.saved, timeout=10_000):
        page.save()
    assert ctx.repo.count() == 2


def test_the_province_picker_finds_the_documents_spelling(qapp) -> None:
    # Issue 12: an agent typing «فكيك» (the programme document's spelling) is offered
    # «فجيج», the HCP name in the list.
    from jisr_desktop.models.programme.definitions import load_directory
    from jisr_desktop.models.programme.form import from_definition
    from jisr_desktop.models.programme.reference import load_reference
    from jisr_desktop.ui.choice_widgets import ReferenceWidget

    form = from_definition(load_directory().form)
    widget = ReferenceWidget(form.field("province"), load_reference())
    widget.set_parent_code("02")
    widget.completer.setCompletionPrefix("فكيك")
    assert widget.completer.currentCompletion() == "فجيج"
    widget.completer.setCompletionPrefix("الناظور")
    assert widget.completer.currentCompletion() == "الناضور"
