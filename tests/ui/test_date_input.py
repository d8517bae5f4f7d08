"""The date box of the registration form: typed as people write dates, picked from a
calendar that opens, in the language of the interface, at a sensible month."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableView

from jisr_desktop.ui.date_input import DateInput, placeholder, years_before
from tests.ui import test_form_page
from tests.ui.test_form_page import enter, message_of

page = test_form_page.page  # the registration page fixture


def test_the_calendar_opens_and_sets_the_date(page, qtbot) -> None:
    widget = page.widgets["date_of_birth"]
    qtbot.mouseClick(widget.pick, Qt.MouseButton.LeftButton)
    calendar = widget.calendar
    assert calendar is not None and calendar.isVisible()
    # A birth date: it opens about 35 years back, not on today.
    assert calendar.yearShown() == years_before(date.today(), 35).year
    assert calendar.maximumDate() == QDate.currentDate()  # no birth date in the future
    calendar.setSelectedDate(QDate(1990, 3, 5))
    qtbot.keyClick(calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert widget.line.text() == "05/03/1990"
    assert widget.value() == "1990-03-05"
    assert page.model.answers["date_of_birth"] == "1990-03-05"  # reached the form


def test_the_calendar_speaks_the_interface_language(page, ctx, qtbot) -> None:
    widget = page.widgets["consent_date"]
    for lang, month in (("fr", "mars"), ("ar", "مارس")):
        ctx.language.set_language(lang)
        widget.date_input.open_calendar()
        calendar = widget.calendar
        assert calendar.locale().monthName(3).lower() == month
        # Not a birth date: it opens on this month.
        assert (calendar.yearShown(), calendar.monthShown()) == (
            date.today().year, date.today().month)
        calendar.hide()
    ctx.language.set_language("ar")
    widget.date_input.open_calendar()
    assert calendar.layoutDirection() == Qt.LayoutDirection.RightToLeft
    calendar.hide()


def test_typed_dates_are_understood_and_said_back(page, ctx, qtbot) -> None:
    ctx.language.set_language("fr")
    enter(page, qtbot, "consent", "yes")  # the identity is asked once she agrees
    widget = page.widgets["date_of_birth"]
    for typed, iso, said in (("15/03/1990", "1990-03-15", "15 mars 1990"),
                             ("1990-3-5", "1990-03-05", "5 mars 1990"),
                             ("5/3/1990", "1990-03-05", "5 mars 1990")):
        enter(page, qtbot, "date_of_birth", typed)
        assert widget.value() == iso
        assert widget.date_input.understood.text() == said
        assert message_of(page, "date_of_birth") is None  # accepted, nothing to fix
    widget.line.editingFinished.emit()  # she leaves the box: it reads like every date
    assert widget.line.text() == "05/03/1990"
    enter(page, qtbot, "date_of_birth", "31/02/1990")
    assert widget.date_input.understood.text() == ""
    assert message_of(page, "date_of_birth")  # not a date: said at the field


def test_placeholder_follows_the_typed_order(qapp) -> None:
    from jisr_desktop.i18n import _

    for lang in ("ar", "fr", "zgh"):
        text = placeholder(lang).replace("\u200e", "")
        assert text.split("/") == [_("DD", lang), _("MM", lang), _("YYYY", lang)]
    box = DateInput()
    box.retranslate("fr")
    assert box.line.placeholderText().replace("\u200e", "") == "JJ/MM/AAAA"


def test_age_is_checked_as_she_types(page, ctx, qtbot) -> None:
    ctx.language.set_language("fr")
    enter(page, qtbot, "consent", "yes")
    age = page.widgets["age"]
    today = date.today()
    enter(page, qtbot, "date_of_birth", years_before(today, 15).strftime("%d/%m/%Y"))
    assert age.shown.text().endswith("15")
    assert "18" in message_of(page, "age")  # the grid's "under 18" reason, at once
    enter(page, qtbot, "date_of_birth", years_before(today, 90).strftime("%d/%m/%Y"))
    assert "90" in message_of(page, "age")  # a mistyped year is likelier
    enter(page, qtbot, "date_of_birth", years_before(today, 35).strftime("%d/%m/%Y"))
    assert message_of(page, "age") is None
    enter(page, qtbot, "date_of_birth", f"01/01/{today.year + 4}")
    assert "-" not in age.shown.text() and age.shown.text().endswith("—")
    assert message_of(page, "date_of_birth")  # the future date is refused at its field
