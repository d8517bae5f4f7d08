"""Every window and dialog fits a 1366 × 768 laptop with its taskbar, at 100 % and 125 %
scaling: opened for real in a child process on an offscreen screen of that size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"UnlockDialog:create", "UnlockDialog:unlock", "UnlockDialog:lock",
            "MainWindow:RegistrationPage", "MainWindow:ResultPage", "MainWindow:DraftsPage",
            "CardPreviewDialog", "Calendar", "QInputDialog:centre"}


def _windows(tmp_path: Path, scale: str, lang: str) -> list[dict]:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               QT_SCALE_FACTOR=scale)
    done = subprocess.run([sys.executable, str(ROOT / "tests/ui/fit_child.py"),
                           str(tmp_path), lang], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("scale", "lang", "width", "height"), [
    ("1", "ar", 1366, 728),  # 768 less a 40-pixel taskbar
    ("1.25", "fr", 1093, 582),  # the same screen at 125 %: 1093 × 614, less 32 for it
])
def test_no_window_is_larger_than_the_screen(tmp_path, scale, lang, width, height) -> None:
    windows = _windows(tmp_path, scale, lang)
    names = {w["name"].split(":")[0] + (":" + w["name"].split(":")[1]
                                        if w["name"].startswith(("UnlockDialog", "MainWindow",
                                                                 "QInputDialog")) else "")
             for w in windows}
    assert names >= EXPECTED, EXPECTED - names
    too_big = [w for w in windows if w["width"] > width or w["height"] > height]
    assert not too_big, too_big
    # And none has a layout that cannot shrink to that size.
    too_stiff = [w for w in windows if w["min_width"] > width or w["min_height"] > height]
    assert not too_stiff, too_stiff
