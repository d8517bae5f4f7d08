"""Tamazight is complete in the definitions and the card templates (issue 13): every `zgh`
text a screen or a card can show is in Tifinagh, except a short allow-list of proper nouns
and codes that are written the same in every language. A text whose wording is not yet
checked by a speaker is still Tifinagh, and `translations/TODO-zgh.md` lists it under
"To review" with its JSON path, so a reviewer knows where to look first."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jisr_desktop import paths
from jisr_desktop.models.programme.definitions import (
    FILE_NAMES,
    PLACES_FILE,
    load_card_templates,
    load_directory,
    load_places,
)

DEFS = paths.definitions_dir()
TODO_ZGH = paths.translations_dir() / "TODO-zgh.md"
TIFINAGH = re.compile(r"[\u2D30-\u2D7F]")
# Names of programmes and places, and codes: the same text in French and Tamazight.
ALLOWED = {
    "Maroc Moubadarat",
    "Dar Al Mouwatine Al Qods, Dakhla",
    "CIN",
}


def shipped_files() -> list[str]:
    cards = sorted(p.relative_to(DEFS).as_posix() for p in (DEFS / "cards").glob("*.json"))
    return [*FILE_NAMES.values(), PLACES_FILE, *cards]


def localized_texts(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(value, dict) and {"ar", "fr", "zgh"} <= set(value) and isinstance(
        value["zgh"], str
    ):
        yield path or "(root)", value
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list
    ) else ()
    for key, child in items:
        yield from localized_texts(child, f"{path}/{key}" if path else str(key))


def texts(name: str) -> dict[str, dict[str, str]]:
    return dict(localized_texts(json.loads((DEFS / name).read_text(encoding="utf-8"))))


def review_rows() -> list[tuple[str, str]]:
    """(file, JSON path) of each row of the "To review" table of TODO-zgh.md."""
    body = TODO_ZGH.read_text(encoding="utf-8")
    section = body.split("### To review", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 5 and cells[1].endswith(".json"):
            rows.append((cells[1], cells[2]))
    return rows


def test_every_zgh_text_of_the_definitions_and_cards_is_tifinagh() -> None:
    french = [
        f"{name} {path}: {text['zgh']!r}"
        for name in shipped_files()
        for path, text in texts(name).items()
        if not TIFINAGH.search(text["zgh"]) and text["zgh"] not in ALLOWED
    ]
    assert not french, "zgh texts without Tifinagh (translate, or flag for review):\n" + "\n".join(
        french
    )


def test_the_allow_list_holds_only_texts_that_are_in_use_and_the_same_in_french() -> None:
    used = {
        text["zgh"]
        for name in shipped_files()
        for text in texts(name).values()
        if text["zgh"] in ALLOWED
    }
    # CIN is written as is inside Tifinagh texts; the others are whole labels.
    assert used == ALLOWED - {"CIN"}
    for name in shipped_files():
        for path, text in texts(name).items():
            if text["zgh"] in ALLOWED:
                assert text["fr"] == text["zgh"], (name, path)


def test_texts_flagged_for_review_exist_and_are_tifinagh() -> None:
    rows = review_rows()
    assert len(rows) > 200, "TODO-zgh.md has lost its 'To review' table"
    assert len(rows) == len(set(rows)), "a text is listed twice"
    for name, path in rows:
        found = texts(name)
        assert path in found, f"TODO-zgh.md names {name} {path}, which does not exist"
        assert TIFINAGH.search(found[path]["zgh"]), (name, path)


def test_the_form_questions_are_ranked_first_for_review() -> None:
    rows = review_rows()
    first = rows[: len([r for r in rows if r[0] == "registration.json"]) // 2]
    assert all(name == "registration.json" for name, _ in first)
    assert all(path.startswith(("sections/", "choices/")) for _, path in first)


def test_shipped_definitions_and_cards_load_with_their_tamazight() -> None:
    defs = load_directory()
    label = defs.form.data["sections"][1]["fields"][5]["label"]
    assert TIFINAGH.search(label["zgh"])
    cards = load_card_templates()
    assert {"orientation", "service"} <= set(cards)
    for card in cards.values():
        assert TIFINAGH.search(card.data["heading"]["zgh"])
    places = load_places()
    assert places is not None and TIFINAGH.search(places.data["title"]["zgh"])


def test_the_files_keep_their_layout(tmp_path: Path) -> None:
    """Translations change values only: each file is still the two-space-indented JSON the
    others edit by hand (a reformatted file would turn every merge into a conflict)."""
    for name in ("registration.json", "grid.json", "places.json", "cards/orientation.json"):
        raw = (DEFS / name).read_text(encoding="utf-8")
        data = json.loads(raw)
        assert raw == json.dumps(data, ensure_ascii=False, indent=2) + "\n", name


def test_every_zgh_text_can_be_printed_with_the_card_fonts() -> None:
    """A card can print any label of the definitions (path, destination, place, service,
    category): no Tifinagh letter of ours (ⴻ, the labialised ⴳⵯ...) lacks a glyph."""
    from jisr_desktop.cards.text import layout_line

    for name in shipped_files():
        for text in texts(name).values():
            for heavy in (False, True):
                layout_line(text["zgh"], False, heavy)  # MissingGlyphError names the letter
