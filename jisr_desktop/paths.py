"""Where the app keeps its files: the packaged resources and the user's data folder."""

from __future__ import annotations

import os
import sys
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
