"""A registration being filled keeps the form version it was started with, though a sync
installs a newer one meanwhile: resumed from its draft, and saved, under its own."""

from __future__ import annotations

import json

from jisr_desktop.models.programme.definitions import parse_definition
from jisr_desktop.ui.form_page import RegistrationPage
from tests.conftest import make_submission


def _newer_form(ctx):
    data = json.loads(json.dumps(ctx.defs.form.data))
    data["version"] += 1
    return parse_definition(json.dumps(data, ensure_ascii=False).encode(), "server:test")


def test_a_draft_is_resumed_and_saved_under_its_own_form_version(ctx, qtbot):
    started_with = ctx.defs.form
    draft_id = ctx.repo.save_draft(None, started_with, make_submission(household_size=4))
    # A sync installs form version + 1 (the window's definitions follow it).
    ctx.repo.install_definitions([_newer_form(ctx)])
    ctx.defs = ctx.repo.active_definitions()
    assert ctx.defs.form.version == started_with.version + 1
    page = RegistrationPage(ctx)
    qtbot.addWidget(page)
    page.show()
    try:
        page.resume_draft(draft_id)
        ctx.tasks.wait_idle()
        assert page.form_definition == started_with
        assert page.widgets["household_size"].value() == "4"
        with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
            page.save()
        ctx.tasks.wait_idle()
        record = ctx.repo.get(saved.args[0])
        assert (record.form_id, record.form_version) == (started_with.id, started_with.version)
        # A new registration takes the newest version.
        page.start_new()
        assert page.form_definition.version == started_with.version + 1
    finally:
        page.draft_timer.stop()
        page.dup_timer.stop()
