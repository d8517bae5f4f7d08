"""A date box people can type in and pick from.

She types the date the way she writes it (15/03/1990, 5/3/1990, 1990-3-5, digits of any
script); a line under the box says what was understood with the month spelt out
("5 mars 1990"), so a slip of day and month shows at once. The calendar button opens a
calendar in the interface language, at a sensible month: about 35 years back for a birth
date, today for anything else. The box shows dates in the one format of the language
(`formatting.date_pattern`), and its placeholder lists the parts in the order she types
them.

`value()` is the ISO date when the text is a date, else the text itself, so the domain's
validation still names what is wrong ("not a date") and nothing typed is lost.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jisr_desktop.formatting import (
    date_order,
    date_pattern,
    date_separator,
    format_date,
    parse_date,
)
from jisr_desktop.i18n import N_, _
from jisr_desktop.ui.language import QT_LOCALES

# Digits of any script, the separators people use, and room for "15 / 03 / 1990".
_ALLOWED = QRegularExpression("[0-9\u0660-\u0669\u06f0-\u06f9/.\\- ]{0,14}")
LRM = "\u200e"
PART_NAMES = {
    # Translators: the day in a date box's placeholder (DD/MM/YYYY); short.
    "d": N_("DD"),
    # Translators: the month in a date box's placeholder (DD/MM/YYYY); short.
    "M": N_("MM"),
    # Translators: the year in a date box's placeholder (DD/MM/YYYY); short.
    "y": N_("YYYY"),
}
HINT_STYLE = "color: #5f6368;"


def placeholder(lang: str) -> str:
    """The parts in the order typed, e.g. "JJ/MM/AAAA". Left-to-right marks around the
    separators keep Arabic part names in that order inside the left-to-right box."""
    sep = f"{LRM}{date_separator(lang)}{LRM}"
    return sep.join(_(PART_NAMES[part], lang) for part in date_order(lang))


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def apply_date_format(edit: QDateEdit, lang: str) -> None:
    """The one date format and the language's calendar on a QDateEdit (filters, the
    decision date): Qt's pattern letters are CLDR's for dd, MM and yyyy."""
    # Left to right as DateInput's line: in a right-to-left box Qt lays the sections out
    # in reverse ("2026/12/02"); the format is set after the direction and the locale,
    # since Qt builds the sections when the format is set.
    edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    locale = QLocale(QT_LOCALES.get(lang, "ar_MA"))
    edit.setLocale(locale)
    edit.setDisplayFormat(date_pattern(lang))
    calendar = edit.calendarWidget()
    if calendar is not None:
        calendar.setLocale(locale)


class DateInput(QWidget):
    """Line edit + calendar button + "understood as" line. `edited` is the agent's own
    change (typed or picked); `set_value` never emits it."""

    edited = Signal()

    def __init__(self, *, years_back: int = 0, latest: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.years_back = years_back  # where the calendar opens when the box is empty
        self.latest = latest  # no later day can be picked (a birth date: today)
        self.lang = "ar"
        self.line = QLineEdit()
        # Typed day first, left to right, in every language (see formatting).
        self.line.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.line.setValidator(QRegularExpressionValidator(_ALLOWED, self.line))
        self.line.setMaximumWidth(170)
        self.line.textEdited.connect(self._typed)
        self.line.textChanged.connect(self._show_understood)
        self.line.editingFinished.connect(self._tidy)
        self.pick = QToolButton()
        self.pick.clicked.connect(self.open_calendar)
        self.understood = QLabel()
        self.understood.setStyleSheet(HINT_STYLE)
        self.understood.setObjectName("understood")
        self.calendar: QCalendarWidget | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line)
        row.addWidget(self.pick)
        row.addWidget(self.understood)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)

    # -- value --------------------------------------------------------------------------------

    def date(self) -> date | None:
        return parse_date(self.line.text())

    def value(self) -> str:
        day = self.date()
        return day.isoformat() if day is not None else self.line.text().strip()

    def set_value(self, value: object) -> None:
        """Show a stored value (ISO) in the language's format; anything else as it is."""
        text = "" if value is None else str(value)
        day = parse_date(text)
        self.line.setText(format_date(day, self.lang) if day is not None else text)

    def _typed(self, _text: str) -> None:
        self.edited.emit()

    def _tidy(self) -> None:
        # Once she leaves the box, "1990-3-5" reads as every other date on screen.
        day = self.date()
        if day is not None:
            shown = format_date(day, self.lang)
            if shown != self.line.text():
                self.line.setText(shown)

    def _show_understood(self, text: str) -> None:
        day = parse_date(text)
        self.understood.setText(format_date(day, self.lang, "long") if day else "")

    # -- calendar -----------------------------------------------------------------------------

    def open_calendar(self) -> None:
        if self.calendar is None:
            # Built on first use: most dates are typed, and a calendar costs a few ms.
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        calendar = self.calendar
        calendar.setLocale(QLocale(QT_LOCALES.get(self.lang, "ar_MA")))
        calendar.setLayoutDirection(self.layoutDirection())
        today = date.today()
        if self.latest is not None:
            calendar.setMaximumDate(to_qdate(self.latest))
        shown = self.date() or years_before(today, self.years_back)
        calendar.setSelectedDate(to_qdate(shown))
        calendar.setCurrentPage(shown.year, shown.month)
        calendar.adjustSize()
        calendar.move(self._popup_position(calendar))
        calendar.show()
        calendar.setFocus()

    def _popup_position(self, calendar: QCalendarWidget):
        anchor = self.pick.mapToGlobal(self.pick.rect().bottomLeft())
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            # Keep it on screen: a box low on a 768-pixel screen opens it upwards.
            if anchor.y() + calendar.height() > screen.bottom():
                anchor.setY(self.pick.mapToGlobal(self.pick.rect().topLeft()).y()
                            - calendar.height())
            anchor.setX(max(screen.left(), min(anchor.x(), screen.right() - calendar.width())))
        return anchor

    def _picked(self, day: QDate) -> None:
        if self.calendar is not None:
            self.calendar.hide()
        self.line.setText(format_date(from_qdate(day), self.lang))
        self.line.setFocus()
        self.edited.emit()

    # -- language -----------------------------------------------------------------------------

    def retranslate(self, lang: str, label: str = "") -> None:
        self.lang = lang
        self.line.setPlaceholderText(placeholder(lang))
        if label:
            self.line.setAccessibleName(label)
        self.pick.setText(_("Calendar"))
        self.pick.setAccessibleName(_("Choose a date"))
        self.pick.setToolTip(_("Choose a date"))
        day = self.date()
        if day is not None:
            self.line.setText(format_date(day, lang))
        self._show_understood(self.line.text())
