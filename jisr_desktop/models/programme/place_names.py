"""Place names as people write them: the programme document and the agents write فكيك,
الناظور, أنكاد where the HCP lists (resources/reference) write فجيج, الناضور, أنجاد. The
alias list `resources/reference/place_aliases.csv` maps one to the other, so a search for
either spelling finds the HCP place. Not part of the published reference lists: it changes
no code and no name, only what a search matches."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

from jisr_desktop import paths
from jisr_desktop.models.programme.normalize import normalize_name

ALIASES_FILE = "place_aliases.csv"


@cache
def aliases(path: Path | None = None) -> tuple[tuple[str, str], ...]:
    """(alias, HCP spelling) pairs as written, longest alias first."""
    file = Path(path) if path is not None else paths.reference_dir() / ALIASES_FILE
    if not file.exists():
        return ()
    rows = csv.DictReader(io.StringIO(file.read_text(encoding="utf-8-sig"), newline=""))
    pairs = [(r["alias"].strip(), r["hcp"].strip()) for r in rows if r.get("alias")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def to_hcp(text: str) -> str:
    """`text` with every alias (a whole word or phrase) written the HCP way; for matching
    against the displayed names (a completer), so case and marks are left as typed."""
    for alias, hcp in aliases():
        text = re.sub(rf"(?<!\w){re.escape(alias)}(?!\w)", hcp, text)
    return text


def place_key(text: str) -> str:
    """The comparison key of a place name in either spelling."""
    folded = normalize_name(text)
    for alias, hcp in aliases():
        folded = re.sub(rf"(?<!\S){re.escape(normalize_name(alias))}(?!\S)",
                        normalize_name(hcp), folded)
    return folded


def matches(query: str, *names: str) -> bool:
    """True when the query (either spelling, any alef or accent) is in one of the names."""
    key = place_key(query)
    return bool(key) and any(key in place_key(name) for name in names)


def find_places(rows: list, query: str) -> list[str]:
    """The codes of the reference rows (regions, provinces or communes) whose Arabic or
    French name matches `query`."""
    return [r.code for r in rows if matches(query, r.name_ar, r.name_fr)]
