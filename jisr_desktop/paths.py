"""Where the app keeps its files: the packaged resources and the user's data folder."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "JisrDesktop"


def resources_dir() -> Path:
    """The `resources/` folder, found beside the package or inside a PyInstaller bundle."""
    override = os.environ.get("JISR_RESOURCES_DIR")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def definitions_dir() -> Path:
    return resources_dir() / "definitions"


def reference_dir() -> Path:
    return resources_dir() / "reference"


def translations_dir() -> Path:
    override = os.environ.get("JISR_TRANSLATIONS_DIR")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "translations"
    return Path(__file__).resolve().parent.parent / "translations"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store's folder: `--data-dir`, else `JISR_DATA_DIR`, else the user's data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("JISR_DATA_DIR")
    if env:
        return Path(env)
    return user_data_path(APP_NAME, appauthor=False)


TMP_FOLDER = "tmp"
# Files in tmp/ hold names and CINs in clear (card PDFs, export parts): older than this, a
# crash or a viewer that kept them open left them, and the start-up sweep removes them.
TMP_MAX_AGE_S = 24 * 3600
# A partial export is never useful once its writer is gone; an hour covers a slow one
# still running in another window.
PARTIAL_MAX_AGE_S = 3600
PARTIAL_SUFFIX = ".partial"


def private_tmp(folder: Path) -> Path:
    """The data folder's tmp/, readable by this account only (0700)."""
    tmp = folder / TMP_FOLDER
    tmp.mkdir(parents=True, exist_ok=True)
    tmp.chmod(0o700)
    return tmp


def sweep_tmp(folder: Path, *, now: float | None = None) -> int:
    """Remove what a crash left in tmp/ (run at start by Store.open); the number removed."""
    tmp = folder / TMP_FOLDER
    if not tmp.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for path in tmp.iterdir():
        limit = PARTIAL_MAX_AGE_S if path.name.endswith(PARTIAL_SUFFIX) else TMP_MAX_AGE_S
        try:
            if path.is_file() and now - path.stat().st_mtime > limit:
                path.unlink()
                removed += 1
        except OSError:  # open in a viewer on Windows: next start
            pass
    return removed
