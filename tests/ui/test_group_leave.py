"""A member leaves a cooperative from the group screen (the CLI's group-remove), the
responsible member cannot; and the responsible member's orientation card names the group
(pdftotext reads it, in French and in Arabic)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from PySide6.QtCore import Qt

from jisr_desktop.cards import render_card
from jisr_desktop.cards.for_record import card_for_record
from jisr_desktop.models.programme.definitions import load_card_templates
from jisr_desktop.models.store.groups import GroupRepository
from jisr_desktop.models.store.path_lists import catalogue_in_force
from jisr_desktop.ui.group_box import GroupBox
from tests.conftest import TODAY
from tests.ui.conftest import type_text
from tests.ui.programme_helpers import enrol_woman

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
NAME = "Coopérative Tissage Al Amal"


def _cooperative(ctx) -> tuple[str, str, str]:
    lead = enrol_woman(ctx, legal_status="cooperative")
    second = enrol_woman(ctx, cin="EE222222", phone="0622222222", first_name_lat="Khadija")
    third = enrol_woman(ctx, cin="EE333333", phone="0633333333", first_name_lat="Itto")
    groups = GroupRepository(ctx.store)
    group = groups.create(catalogue_in_force(ctx.repo), kind="cooperative", name=NAME,
                          legal_id="COOP-2026-117", responsible_id=lead,
                          consent_on=date(2026, 11, 20))
    for member in (second, third):
        groups.add_member(group.id, member, date(2026, 11, 20))
    return lead, second, third


def _select(box, cin: str) -> None:
    row = next(r for r in range(box.table.rowCount()) if box.table.item(r, 1).text() == cin)
    box.table.selectRow(row)


def test_a_member_leaves_the_group_but_not_its_responsible(qtbot, ctx) -> None:
    ctx.language.set_language("fr")
    lead, _second, _third = _cooperative(ctx)
    box = GroupBox(ctx)
    qtbot.addWidget(box)
    box.show()
    type_text(box.cin, "EE333333")
    qtbot.mouseClick(box.find_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    assert box.table.rowCount() == 3
    assert not box.leave_button.isEnabled()  # no one chosen yet
    _select(box, "EE123456")  # the responsible member
    assert not box.leave_button.isEnabled()
    assert "responsable" in box.leave_button.toolTip()
    _select(box, "EE333333")
    assert box.leave_button.isEnabled()
    type_text(box.leave_reason, "Elle a quitté la commune")
    qtbot.mouseClick(box.leave_button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle()
    ctx.tasks.wait_idle()
    assert box.message.text() == "Elle a quitté le groupe."
    assert [box.table.item(r, 1).text() for r in range(box.table.rowCount())] == [
        "EE123456", "EE222222"]
    assert "2" in box.summary.text()
    assert GroupRepository(ctx.store).find_by_cin("EE333333") == []
    assert lead in {m.record_id for m in GroupRepository(ctx.store).find_by_cin("EE123456")[0]
                    .members}
    assert not box.leave_reason.text()


def _card_text(ctx, record_id: str, lang: str, out) -> str:
    data = card_for_record(ctx.repo, ctx.defs, record_id, "orientation", issued_on=TODAY)
    render_card(load_card_templates()["orientation"].data, data, out, lang)
    raw = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", raw))


def test_the_responsible_members_card_names_her_group(qtbot, ctx, tmp_path) -> None:
    lead, second, _third = _cooperative(ctx)
    french = _card_text(ctx, lead, "fr", tmp_path / "lead-fr.pdf")
    assert "Responsable du groupe" in french
    assert "Tissage Al Amal" in french and "COOP-2026-117" in french
    arabic = _card_text(ctx, lead, "ar", tmp_path / "lead-ar.pdf")
    assert "مسؤولة" in arabic and "المجموعة" in arabic and "COOP-2026-117" in arabic
    member = _card_text(ctx, second, "fr", tmp_path / "member-fr.pdf")
    assert "Responsable du groupe" not in member and "COOP-2026-117" not in member
