"""docs/security.md names the test behind each promise: every one it names exists, so a
renamed or deleted test cannot leave a promise standing on nothing (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `tests/x.py::test_y`, `tests/x.py`, or `::test_y` (a test of the file named just before).
_NAMED = re.compile(r"`(tests/[\w/]+\.py)?(?:::(test_\w+))?`")


def _named_tests(text: str) -> list[tuple[str, str | None]]:
    found, current = [], None
    for match in _NAMED.finditer(text):
        path, test = match.groups()
        if path is None and test is None:
            continue
        current = path or current
        assert current is not None, f"{match.group(0)} names no file before it"
        found.append((current, test))
    return found


def test_every_test_the_security_doc_names_exists():
    named = _named_tests((ROOT / "docs" / "security.md").read_text(encoding="utf-8"))
    assert len(named) > 60
    missing = []
    for path, test in named:
        file = ROOT / path
        if not file.exists():
            missing.append(path)
        elif test and not re.search(rf"^def {test}\(", file.read_text("utf-8"), re.M):
            missing.append(f"{path}::{test}")
    assert missing == []
