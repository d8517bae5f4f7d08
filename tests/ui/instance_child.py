"""Child process for test_single_instance: hold the store's lock like a running app, say
READY, print RAISED when a second copy knocks, and stop on QUIT from stdin or a kill.

Usage: python tests/ui/instance_child.py DATA_FOLDER   (from the repository root)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def main(folder: Path) -> int:
    app = QApplication([])
    from jisr_desktop.ui.single_instance import SingleInstance

    instance = SingleInstance(folder)
    if not instance.acquire():
        print("REFUSED", flush=True)
        return 1
    instance.raiseRequested.connect(lambda: print("RAISED", flush=True))
    print("READY", os.getpid(), flush=True)
    QTimer.singleShot(30_000, app.quit)  # never outlive a test that forgot it
    app.exec()
    instance.release()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
