"""The sync panel and the conflicts view, driven as an agent drives them, on real widgets,
a real encrypted store, the real engine and a real server process.

Two devices edit one registration offline; the second one's panel says a change needs
her, the conflicts tab shows both copies field by field, she picks answer by answer, and
the resolution reaches the server and the first device."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt

from jisr_desktop.models.store.repository import Repository
from jisr_desktop.textdir import strip_isolates
from jisr_desktop.ui.conflicts_model import LOCAL, SERVER
from tests.conftest import PASSPHRASE
from tests.server.conftest import PASSWORD
from tests.sync.conftest import (
    edit,
    engine_for,
    enrol_one,
    new_device,
    server_records,
    sign_in,
    sync_server,  # noqa: F401 - the session's server process
)
from tests.ui.conftest import make_context


@pytest.fixture
def device(qapp, tmp_path, qtbot):
    """The agent's computer: the main window's sync page, on its own store."""
    from jisr_desktop.ui.sync_adapter import SyncSession
    from jisr_desktop.ui.sync_setup import build_panel

    ctx = make_context(tmp_path / "laptop", role="field_agent", lang="fr")
    session = SyncSession(ctx.tasks, ctx.store)
    panel = build_panel(ctx, session)
    panel.session = session
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    panel.show()
    yield ctx, session, panel
    ctx.tasks.wait_idle()
    ctx.tasks.shutdown()
    ctx.store.close()
    ctx.language.set_language("ar")


def _run(ctx, session, qtbot, action) -> object:
    with qtbot.waitSignal(session.adapter.finished, timeout=60_000) as blocker:
        action()
    ctx.tasks.wait_idle(30)
    return blocker.args[0]


def _sign_in(ctx, session, panel, qtbot, url: str) -> None:
    box = panel.sign_in
    assert box.isVisible() and box.url.isVisible()
    box.url.setText(url)
    box.username.setText("agent_a")
    box.password.setText(PASSWORD)
    box.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(session.adapter.finished, timeout=60_000):
        qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    ctx.tasks.wait_idle(30)
    assert not box.isVisible()


def test_offline_edits_on_two_devices_are_resolved_in_the_conflicts_view(
        device, tmp_path, definitions, sync_server, qtbot) -> None:  # noqa: F811
    ctx, session, panel = device
    url = sync_server.url
    other = new_device(tmp_path / "other", definitions)
    engine = engine_for(other, sign_in(other, url), url)
    record = enrol_one(other)
    assert engine.run().ok
    _sign_in(ctx, session, panel, qtbot, url)
    tab = panel.status_tab
    assert Repository(ctx.store).get(record.id) is not None
    assert tab.view.state == "up_to_date" and "À jour" in tab.state.text()

    # Both offline: the other device sets the household size, this one too and the phone.
    edit(other, record.id, household_size=2)
    edit(ctx.store, record.id, household_size=9, phone="0661234567")
    assert engine.run().ok
    summary = _run(ctx, session, qtbot, lambda: qtbot.mouseClick(
        tab.sync_button, Qt.MouseButton.LeftButton))
    assert summary.conflicts == 1
    assert tab.view.state == "needs_attention"
    [row] = tab.rows
    assert row.view.conflict and "choisi" in row.text.text().lower()
    # Her edit is still what this computer shows: nothing was overwritten.
    assert Repository(ctx.store).get(record.id).answers["household_size"] == 9

    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    conflicts = panel.conflicts
    assert panel.tabs.currentWidget() is conflicts
    assert conflicts.current.record_id == record.id
    labels = [conflicts.table.item(i, 0).text() for i in range(conflicts.table.rowCount())]
    assert labels == ["Numéro de téléphone", "Nombre de personnes du ménage"]
    by_name = {d.name: d for d in conflicts.current.diffs}
    assert by_name["household_size"].local_text == "9"
    assert by_name["household_size"].server_text == "2"
    assert "phone" in by_name
    conflicts.pick("household_size", SERVER)
    conflicts.pick("phone", LOCAL)
    with qtbot.waitSignal(session.adapter.resolved, timeout=30_000):
        qtbot.mouseClick(conflicts.keep_picked, Qt.MouseButton.LeftButton)
    # The resolution goes up at once, on the server's version.
    with qtbot.waitSignal(session.adapter.finished, timeout=60_000) as done:
        pass
    ctx.tasks.wait_idle(30)
    assert done.args[0].ok and done.args[0].conflicts == 0
    assert conflicts.views == [] and conflicts.empty.isVisible()
    assert tab.rows == [] and tab.view.state == "up_to_date"
    on_server = server_records(url)[record.id]
    assert on_server["version"] == 3
    assert on_server["answers"]["household_size"] == 2
    assert on_server["answers"]["phone"] == Repository(ctx.store).get(record.id).answers["phone"]
    assert engine.run().ok
    assert Repository(other).get(record.id).answers == Repository(ctx.store).get(
        record.id).answers
    other.close()


def test_a_refused_registration_is_told_in_words_with_its_field(device, qtbot) -> None:
    """What the panel says for a refusal the server sends for invalid answers."""
    from jisr_desktop.sync.status import Failure, State, SyncStatus

    _ctx, _session, panel = device
    status = SyncStatus(
        state=State.NEEDS_ATTENTION, sent=12, left=3, speed=2500.0,
        last_success="2026-12-01T09:30:00+00:00",
        failures=[Failure(record_id="r-1", op_id="o-1", op="upsert", state="rejected",
                          code="invalid", errors=[{"field": "phone",
                                                   "code": "phone_invalid"}])],
        waiting_for_sign_in=["Fatima Supervisor"])
    opened = []
    panel.openRecord.connect(opened.append)
    panel.show_status(status)
    tab = panel.status_tab
    [row] = tab.rows
    text = strip_isolates(row.text.text())
    assert "refusé cette inscription" in text and "Numéro de téléphone invalide" in text
    assert "Numéro de téléphone : Numéro de téléphone invalide" in text
    assert "12 modifications envoyées" in tab.counts.text().replace("\u202f", " ")
    assert "3 modifications" in tab.counts.text() and "Fatima Supervisor" in tab.counts.text()
    assert "20 kbit/s" in strip_isolates(tab.speed.text())
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert opened == ["r-1"]


def test_a_flagged_pair_shows_on_the_record_until_a_supervisor_settles_it(
        qapp, tmp_path, definitions, sync_server, qtbot) -> None:  # noqa: F811
    from PySide6.QtWidgets import QApplication

    from jisr_desktop.ui.main_window import MainWindow
    from tests.server.conftest import Backend
    from tests.server.conftest import woman as woman_of
    from tests.sync.conftest import unique_submission

    url = sync_server.url
    ctx = make_context(tmp_path / "laptop", role="field_agent", lang="fr")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.sync_panel.session.adapter.stop_probing()
    window.show()
    window.show_page(window.sync_panel)
    try:
        woman = {**unique_submission(), **woman_of(str(uuid.uuid4())),
                 "date_of_birth": "1992-08-19"}
        other = new_device(tmp_path / "other", definitions)
        engine = engine_for(other, sign_in(other, url), url)
        theirs = _enrol(other, woman)
        assert engine.run().ok
        # The same woman, registered here too while offline (her CIN typed another way).
        mine = _enrol(ctx.store, {**woman, "cin": woman["cin"].lower()})
        _sign_in(ctx, window.sync_panel.session, window.sync_panel, qtbot, url)
        window.open_record(mine)
        ctx.tasks.wait_idle(30)
        banner = window.flag_banner
        assert not banner.isHidden()
        assert "Doublon possible" in banner.text.text()
        assert "L'autre inscription est dans la même province" in banner.text.text()

        supervisor = Backend("sqlite", sync_server).client("supervisor_07", "ui-pairs")
        pairs = supervisor.get("/v1/pairs").json()["pairs"]
        [pair] = [p for p in pairs if {s["record_id"] for s in p["records"]} == {mine, theirs}]
        assert supervisor.post(f"/v1/pairs/{pair['pair_id']}/dismiss").status_code == 200
        _run(ctx, window.sync_panel.session, qtbot, window.sync_panel.sync_now)
        window.open_record(mine)
        ctx.tasks.wait_idle(30)
        assert banner.isHidden()
        other.close()
    finally:
        # (The status bar has no timer any more: it refreshes when a write announces it.)
        for timer in (window.idle_timer, window.registration.draft_timer,
                      window.registration.dup_timer):
            timer.stop()
        QApplication.instance().removeEventFilter(window.idle)
        ctx.language.set_language("ar")
        ctx.tasks.wait_idle()
        ctx.tasks.shutdown()
        ctx.store.close()


def _enrol(store, answers) -> str:
    from jisr_desktop.models.workflows.enrolment import enrol

    repo = Repository(store)
    outcome = enrol(repo, repo.active_definitions(), answers, allow_duplicate=True)
    assert outcome.saved
    return outcome.record.id
