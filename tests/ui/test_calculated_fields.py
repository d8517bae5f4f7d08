"""Issue 9: the form's calculations run in one place. The age the registration page shows
is the age the saved record holds, and a failing birth date shows no age at all."""

from __future__ import annotations

from datetime import date

from jisr_desktop.formatting import format_number
from jisr_desktop.models.programme.calculations import calculated_values
from jisr_desktop.models.programme.validation import validate
from jisr_desktop.ui.date_input import years_before
from tests.conftest import make_submission
from tests.ui import test_form_page
from tests.ui.test_form_page import _NONE_GUARD, enter, fill

page = test_form_page.page  # the registration page fixture
assert _NONE_GUARD  # typing many characters: see test_form_page


def test_the_age_on_screen_is_the_age_saved(page, ctx, qtbot) -> None:
    ctx.language.set_language("fr")
    submission = make_submission(date_of_birth=years_before(date.today(), 37).isoformat())
    fill(page, qtbot, submission)
    shown = page.widgets["age"].shown.text()
    assert shown.endswith("37")
    with qtbot.waitSignal(page.saved, timeout=10_000) as blocker:
        page.save()
    record = ctx.repo.get(blocker.args[0])
    assert record is not None
    assert shown.endswith(format_number(record.answers["age"], "fr"))
    assert page.model.state.calculated["age"] == record.answers["age"] == 37


def test_the_form_model_shows_the_domains_calculated_values(page, qtbot) -> None:
    enter(page, qtbot, "consent", "yes")
    enter(page, qtbot, "date_of_birth", years_before(date.today(), 40).strftime("%d/%m/%Y"))
    state = page.model.state
    assert state.calculated == calculated_values(page.form, state.result) == {"age": 40}
    enter(page, qtbot, "date_of_birth", f"01/01/{date.today().year + 4}")
    state = page.model.state
    # validate still computes a (negative) age; neither the screen nor the rule keep it.
    assert state.calculated == calculated_values(page.form, state.result) == {}
    assert page.widgets["age"].shown.text().endswith("—")


def test_calculated_values_are_what_validation_keeps(definitions) -> None:
    from jisr_desktop.models.programme.form import from_definition

    form = from_definition(definitions.form)
    result = validate(form, make_submission())
    assert result.ok
    assert calculated_values(form, result) == {"age": result.answers["age"]}
