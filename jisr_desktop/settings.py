"""Every user option in one place, with its default (Picard's pattern), stored as JSON in
the data folder. No Qt here, no secrets here: passphrases never reach this file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

SETTINGS_FILE = "settings.json"


@dataclass
class Settings:
    language: str = "ar"
    idle_lock_minutes: int = 10
    last_agent: str = ""
    page_size: int = 200
    # The centre printed in the cards' footer (one laptop serves one centre).
    centre: str = ""

    @classmethod
    def load(cls, folder: Path) -> Settings:
        try:
            raw = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values = {}
        for key, value in raw.items() if isinstance(raw, dict) else ():
            default = getattr(cls(), key, None)
            # A hand-edited or older file must not crash start-up: ignore what does not fit.
            if key in known and isinstance(value, type(default)):
                values[key] = value
        return cls(**values)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (SETTINGS_FILE + ".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, folder / SETTINGS_FILE)
