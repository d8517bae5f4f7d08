"""Issue 11 point 12: one date format per language, on every screen the agent walks
through (list, result, committee, assessment), date boxes included, in ar, fr and zgh."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDateEdit,
    QLabel,
    QLineEdit,
    QTableView,
    QTreeWidget,
    QWidget,
)

from jisr_desktop.formatting import format_date
from jisr_desktop.models.store.decisions import ACCEPTED, DecisionRepository
from jisr_desktop.models.workflows.enrolment import enrol
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.main_window import MainWindow
from tests.conftest import TODAY, make_submission

# Anything that looks like a numeric date, in Latin or Arabic-Indic digits.
_DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]"
DATE_LIKE = re.compile(rf"{_DIGIT}{{1,4}}\s?[-/.]\s?{_DIGIT}{{1,2}}\s?[-/.]\s?{_DIGIT}{{1,4}}")
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"), None)


def _texts(root: QWidget) -> list[str]:
    """What the agent can read on the visible page: labels, buttons, boxes, tables, trees."""
    out: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton, QDateEdit, QLineEdit)):
            out.append(widget.text())
        elif isinstance(widget, QTreeWidget):
            for i in range(widget.topLevelItemCount()):
                item = widget.topLevelItem(i)
                out += [item.text(c) for c in range(item.columnCount())]
                for j in range(item.childCount()):
                    child = item.child(j)
                    out += [child.text(c) for c in range(child.columnCount())]
        elif isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for r in range(model.rowCount()):
                for c in range(model.columnCount()):
                    out.append(str(model.data(model.index(r, c)) or ""))
    return [strip_isolates(t).translate(_MARKS) for t in out if t]


@pytest.fixture
def window(ctx, qtbot):
    record = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY).record
    DecisionRepository(ctx.store).committee_decide(record.id, outcome=ACCEPTED,
                                                    decided_on=TODAY)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    ctx.tasks.wait_idle()
    window.record_id = record.id
    yield window
    window.registration.draft_timer.stop()
    window.registration.dup_timer.stop()
    window.idle_timer.stop()
    QApplication.instance().removeEventFilter(window.idle)


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh"])
def test_every_date_on_screen_has_the_language_format(window, ctx, lang) -> None:
    window.set_language(lang)
    today = format_date(date.today(), lang)
    # The one format, shaped from today's date in that language (dd/MM/yyyy...).
    shape = re.compile(re.sub(r"[0-9]", "[0-9]", re.escape(today)))
    seen: dict[str, list[str]] = {}
    pages = {
        "list": lambda: window.show_page(window.beneficiaries),
        "result": lambda: window.open_record(window.record_id),
        "committee": lambda: window.show_page(window.committee),
        "assessment": lambda: window.open_assessment(window.record_id),
    }
    for name, open_page in pages.items():
        open_page()
        ctx.tasks.wait_idle()
        QApplication.processEvents()
        page = window.stack.currentWidget()
        seen[name] = [m for t in _texts(page) for m in DATE_LIKE.findall(t)]
        wrong = [d for d in seen[name] if not shape.fullmatch(d.replace(" ", ""))]
        context = [t for t in _texts(page) if any(w in t for w in wrong)]
        assert not wrong, f"{name} in {lang}: {wrong} in {context} (expected like {today})"
    # The walk did see dates: the date boxes of the result and assessment pages show
    # today, and the decision history shows the decision's day.
    assert today in seen["result"] and today in seen["assessment"]
    assert format_date(TODAY, lang) in seen["result"]
    # The list's date filters, empty, read "any date"; set, they read the one format too.
    filters = window.beneficiaries.filters
    filters.date_from.setDate(filters.date_from.maximumDate().addYears(-80))
    assert shape.fullmatch(filters.date_from.text().translate(_MARKS))
