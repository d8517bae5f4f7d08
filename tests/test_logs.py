"""The log file keeps the time of each line and never a woman's name (issue 14, point 6)."""

from __future__ import annotations

import json
import logging
import re

from sqlalchemy import text

from jisr_desktop.logs import ScrubbingFormatter, describe_exception
from jisr_desktop.models.store.database import Store

from .conftest import AGENT, PASSPHRASE, make_submission
from .test_cli import jisr

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} ", re.M)


def test_a_write_failed_on_a_locked_store_logs_no_name_and_keeps_the_time(tmp_path):
    folder = tmp_path / "data"
    assert jisr(folder, "init", "--agent", AGENT, "--province", "07.351").returncode == 0
    form = tmp_path / "one.json"
    form.write_text(json.dumps(make_submission(first_name_lat="Ghizlane", last_name_lat="Ouazzani",
                                               cin="QK 774411"), ensure_ascii=False),
                    encoding="utf-8")
    holder = Store.open(folder, AGENT, PASSPHRASE)
    with holder.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # another writer holds the store
        conn.execute(text("UPDATE meta SET value = value WHERE key = 'store_id'"))
        done = jisr(folder, "enrol", str(form))  # waits busy_timeout (5 s), then fails
        conn.rollback()
    holder.close()
    assert done.returncode == 1
    assert "occupée" in done.stderr and "Unexpected" not in done.stderr
    log = (folder / "logs" / "jisr.log").read_text(encoding="utf-8")
    for secret in ("ghizlane", "ouazzani", "QK774411", "774411"):
        assert secret not in log.lower(), secret
    assert "sqlite_errorname=SQLITE_BUSY" in log or "OperationalError" in log
    lines = [line for line in log.splitlines() if " jisr_desktop." in line]
    assert lines and all(STAMP.match(line) for line in lines)


def test_an_exception_is_logged_by_its_type_and_frames_never_its_message():
    try:
        try:
            raise ValueError("UNIQUE constraint failed: Ghizlane Ouazzani QK774411")
        except ValueError as inner:
            raise RuntimeError("while saving Ghizlane") from inner
    except RuntimeError as exc:
        described = describe_exception(exc)
        record = logging.LogRecord("jisr_desktop.x", logging.ERROR, __file__, 1,
                                   "save of record %s failed", ("rec-1",), (type(exc), exc,
                                                                            exc.__traceback__))
    assert "Ghizlane" not in described and "QK774411" not in described
    assert "builtins.ValueError" in described and "builtins.RuntimeError" in described
    assert "test_an_exception_is_logged" in described  # the frame, for support
    line = ScrubbingFormatter().format(record)
    assert STAMP.match(line) and "rec-1" in line and "Ghizlane" not in line
