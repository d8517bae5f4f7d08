"""The task runner's two promises: a newer task of the same purpose wins, and a write says
what it changed."""

from __future__ import annotations

import threading

import pytest

from jisr_desktop.ui.tasks import DRAFTS, OUTBOX, RECORDS, Changes, TaskRunner


@pytest.fixture
def tasks(qapp):
    runner = TaskRunner()
    yield runner
    runner.wait_idle()
    runner.shutdown()


def test_a_newer_task_of_the_same_key_wins(tasks) -> None:
    gate = threading.Event()
    answers: list[str] = []
    ran: list[str] = []

    def slow(name: str):
        def work() -> str:
            ran.append(name)
            if name == "first":
                gate.wait(5)
            return name
        return work

    tasks.run(slow("first"), on_done=answers.append, key="list.count")
    tasks.run(slow("second"), on_done=answers.append, key="list.count")
    tasks.run(slow("third"), on_done=answers.append, key="list.count")
    gate.set()
    assert tasks.wait_idle()
    # The first was already running: it finished, its answer was dropped. The second had
    # not started: it never ran. Only the newest answered.
    assert answers == ["third"]
    assert "second" not in ran
    assert not tasks.busy


def test_tasks_of_other_keys_all_answer(tasks) -> None:
    answers: list[int] = []
    tasks.run(lambda: 1, on_done=answers.append, key="a")
    tasks.run(lambda: 2, on_done=answers.append, key="b")
    tasks.run(lambda: 3, on_done=answers.append)
    assert tasks.wait_idle()
    assert sorted(answers) == [1, 2, 3]


def test_discard_drops_an_answer_but_always_still_runs(tasks) -> None:
    gate = threading.Event()
    answers, errors, settled = [], [], []
    tasks.write(lambda: gate.wait(5) and "saved", changes={RECORDS},
                on_done=answers.append, on_error=errors.append, key="form",
                always=lambda: settled.append(True))
    seen: list[Changes] = []
    tasks.changed.connect(seen.append)
    tasks.discard("form")  # she opened another registration meanwhile
    gate.set()
    assert tasks.wait_idle()
    assert answers == [] and errors == []
    assert settled == [True]
    # The write happened, so the rest of the window still hears of it.
    assert len(seen) == 1 and RECORDS in seen[0] and OUTBOX in seen[0]


def test_a_newer_write_never_cancels_an_older_one(tasks) -> None:
    gate = threading.Event()
    written: list[int] = []
    tasks.run(lambda: gate.wait(5), key="block")
    tasks.write(lambda: written.append(1), changes={DRAFTS}, key="draft")
    tasks.write(lambda: written.append(2), changes={DRAFTS}, key="draft")
    gate.set()
    assert tasks.wait_idle()
    assert written == [1, 2]


def test_changes_from_the_result_and_nothing_when_refused(tasks) -> None:
    seen: list[Changes] = []
    tasks.changed.connect(seen.append)
    origin = object()
    tasks.write(lambda: None, changes=lambda saved: {RECORDS} if saved else None)
    tasks.write(lambda: "id-1", changes=lambda saved: {RECORDS} if saved else None,
                origin=origin)
    tasks.write(lambda: 1 / 0, changes={RECORDS}, on_error=lambda _e: None)
    assert tasks.wait_idle()
    assert len(seen) == 1
    assert seen[0].origin is origin and seen[0].touches(RECORDS)


def test_errors_reach_on_error_or_failed(tasks, qtbot) -> None:
    errors: list[BaseException] = []
    tasks.run(lambda: 1 / 0, on_error=errors.append)
    with qtbot.waitSignal(tasks.failed, timeout=5_000) as blocker:
        tasks.run(lambda: [][1])
    assert isinstance(errors[0], ZeroDivisionError)
    assert isinstance(blocker.args[0], IndexError)


def test_after_shutdown_nothing_starts(tasks) -> None:
    tasks.shutdown()
    ran: list[int] = []
    future = tasks.run(lambda: ran.append(1))
    assert future.cancelled() and ran == []
    assert not tasks.busy


def test_shutdown_stops_a_long_task_at_its_next_poll(tasks) -> None:
    import time

    started = threading.Event()

    def long(state) -> int:
        started.set()
        for step in range(1000):
            if state.cancelled:
                return step
            time.sleep(0.01)
        return 1000

    tasks.run_with_state(long)
    assert started.wait(5)
    begun = time.monotonic()
    tasks.shutdown()
    assert time.monotonic() - begun < 1.0  # not the ten seconds the task would take
