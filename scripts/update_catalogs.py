"""Extract the UI strings into translations/jisr.pot and merge them into the ar, fr and zgh
catalogs (pybabel extract + update). Run after adding or changing a translatable string."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def main() -> int:
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run([pybabel, "extract", "-k", "N_", "-k", "_", "-k", "ngettext:1,2",
                    "--no-location", "--sort-output", "--project", "Jisr Desktop",
                    "-o", str(TRANSLATIONS / "jisr.pot"), str(ROOT / "jisr_desktop")],
                   check=True, capture_output=True)
    for lang in ("ar", "fr", "zgh"):
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "jisr.po"
        verb = "update" if po.exists() else "init"
        subprocess.run([pybabel, verb, "-D", "jisr", "-i", str(TRANSLATIONS / "jisr.pot"),
                        "-d", str(TRANSLATIONS), "-l", lang], check=True, capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
