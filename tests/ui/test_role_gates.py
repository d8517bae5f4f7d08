"""Issue 9: the desktop's screens offer a role what the role table (and so the server,
tests/server/test_role_agreement.py) lets it do. A supervisor may assess but not
deliver: the service card does not let her mark a service delivered, which the server
would refuse as forbidden_op; incubator staff may."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from jisr_desktop.models.workflows.enrolment import enrol
from tests.conftest import TODAY, make_submission
from tests.ui.conftest import make_context
from tests.ui.test_assessment_page import _fill, _open, _rate, _recommended


@pytest.mark.parametrize(("role", "delivers"), [("supervisor", False), ("incubator_staff", True)])
def test_the_service_card_offers_delivery_only_to_roles_that_deliver(
    qapp, qtbot, tmp_path, role, delivers
) -> None:
    ctx = make_context(tmp_path / "store", role=role)
    try:
        outcome = enrol(ctx.repo, ctx.defs, make_submission(), today=TODAY)
        page = _open(qtbot, ctx, outcome.record.id)  # both may assess: Save is enabled
        _rate(qtbot, page, {"management": 0})
        _fill(qtbot, page)
        qtbot.waitUntil(lambda: "tr_management" in _recommended(page), timeout=2000)
        with qtbot.waitSignal(page.saved, timeout=5000):
            qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
            ctx.tasks.wait_idle()
        assert page.select_service("tr_management")
        assert page.deliver_button.isEnabled() is delivers
    finally:
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()
