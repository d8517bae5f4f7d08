"""One Tamazight term per concept (issue 13): the interface catalogue and the definition texts
were translated in parallel and had chosen different words (incubation ⴰⵙⴳⵓⵎⵎⴰⵢ on a button,
ⴰⵙⴳⵎⵉ in the form under it). The glossary `translations/zgh-glossary.tsv` is the one place
that settles a term: one row per French term, and for the central concepts of the programme
its Tamazight term (in the free or annexed state, singular or plural) is what every
interface and definition text that translates the French word says, and the variants it
replaced appear nowhere."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import pytest
from babel.messages.pofile import read_po

from jisr_desktop import paths
from tests.test_zgh_definitions_complete import DEFS, localized_texts, shipped_files

GLOSSARY = paths.translations_dir() / "zgh-glossary.tsv"
WORD = "[\u2d30-\u2d7f]"
PHRASE = re.compile(f"{WORD}+(?: {WORD}+)*")


@dataclass(frozen=True)
class Concept:
    glossary: str  # the row's French cell
    french: str  # what a French text says when it means the concept
    rejected: tuple[str, ...] = ()  # replaced variants: never in a Tamazight text
    rejected_here: tuple[str, ...] = ()  # only not where the French means the concept
    skip: str = r"$^"  # French phrases with a glossary row of their own
    other_sense: str = r"$^"  # French words for which rejected_here is the right term


CONCEPTS = [
    Concept(
        "Incubation",
        r"incubation",
        ("ⴰⵙⴳⵎⵉ", "ⵓⵙⴳⵎⵉ"),
        rejected_here=("ⴰⵙⵏⵓⵍⴼⵓ", "ⵓⵙⵏⵓⵍⴼⵓ"),  # ⴰⵙⵏⵓⵍⴼⵓ is "creation" (MediaWiki)
        other_sense=r"création",
    ),
    Concept(
        "Incubateur",
        r"\bincubateurs?\b",
        (
            "ⵜⴰⵙⴳⵎⴰⵢⵜ",
            "ⵜⵙⴳⵎⴰⵢⵜ",
            "ⵜⵙⴳⵎⴰⵢⵉⵏ",
            "ⵜⴰⵎⵙⴳⵎⴰⵢⵜ",
            "ⵜⴰⵙⴳⴰⵡⵜ",
            "ⵜⵙⴳⴰⵡⵜ",
            "ⵜⴰⵙⵏⵓⵍⴼⵓⵜ",
            "ⵜⵙⵏⵓⵍⴼⵓⵜ",
        ),
        skip=r"(équipe|personnel) de l'incubateur|organisme incubateur",
    ),
    Concept(
        "Centre",
        r"\bcentres?\b",
        ("ⴰⵎⵎⴰⵙ", "ⵓⵎⵎⴰⵙ", "ⵉⵎⵎⴰⵙⵏ"),
        rejected_here=("ⴰⵎⵓⵙⵙⵓ", "ⵓⵎⵓⵙⵙⵓ"),
    ),
    Concept("Catégorie", r"\bcatégories?\b"),
    Concept("Inscription", r"\binscriptions?\b", skip=r"inscription ou mise à jour"),
    Concept("Carte", r"\bcartes?\b"),
    Concept("Service (prestation)", r"\bservices?\b", ("ⵜⵏⴰⴼⵓⵉⵏ",), skip=r"\{service\}"),
    Concept("Comité", r"\bcomités?\b", ("ⴰⵙⵇⵇⵉⵎ", "ⵓⵙⵇⵇⵉⵎ", "ⵜⴰⵎⵔⵙⵍⵜ", "ⵜⵎⵔⵙⵍⵜ", "ⴰⵙⵏⵙⵉ")),
    Concept(
        "Décision",
        r"\bdécisions?\b",
        ("ⵜⴰⴳⵜⵜⵓⵢⵜ", "ⵜⵓⵜⵜⴳⴰ", "ⵜⵖⵜⴰⵙⵜ"),
        rejected_here=("ⴰⴳⵣⵣⵓⵎ", "ⵓⴳⵣⵣⵓⵎ"),  # ⴰⴳⵣⵣⵓⵎ stays for "part, share"
    ),
    Concept("Orientation (orienter vers)", r"\borientations?\b", ("ⴰⵙⵏⵎⵍ", "ⵓⵙⵏⵎⵍ")),
]


def glossary_rows() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def headwords(french: str) -> tuple[list[str], str]:
    """The French cell's headwords ("Tous, tout" -> tous, tout) and its sense in brackets."""
    text = unicodedata.normalize("NFC", french).replace("’", "'").lower()
    senses = re.findall(r"\(([^)]{3,})\)", text)
    bare = re.sub(r"\([^)]*\)", "", text)
    words = [w.strip() for w in re.split(r"[/,]", bare) if w.strip()]
    return words, senses[-1] if senses else ""


def forms(concept: Concept) -> list[str]:
    (row,) = [r for r in glossary_rows() if r["french"] == concept.glossary]
    return PHRASE.findall(row["tamazight"])


def has(text: str, phrase: str) -> bool:
    return re.search(f"(?<!{WORD}){re.escape(phrase)}(?!{WORD})", text) is not None


def definition_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for name in shipped_files():
        data = json.loads((DEFS / name).read_text(encoding="utf-8"))
        pairs += [(f"{name}:{p}", t["fr"], t["zgh"]) for p, t in localized_texts(data)]
    return pairs


def catalogue_pairs() -> list[tuple[str, str, str]]:
    def load(lang: str) -> dict[str, list[str]]:
        path = paths.translations_dir() / lang / "LC_MESSAGES" / "jisr.po"
        with path.open("rb") as handle:
            catalog = read_po(handle)
        out = {}
        for m in catalog:
            if m.id:
                key = m.id if isinstance(m.id, str) else m.id[0]
                out[key] = list(m.string) if isinstance(m.string, tuple) else [m.string]
        return out

    fr, zgh = load("fr"), load("zgh")
    return [
        (f"jisr.po:{key}", " ".join(fr.get(key, [key])), " ".join(strings))
        for key, strings in zgh.items()
    ]


ALL_PAIRS = {"definitions": definition_pairs, "interface": catalogue_pairs}


def test_the_glossary_has_one_row_per_french_term() -> None:
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in glossary_rows():
        words, sense = headwords(row["french"])
        for word in words:
            seen[word].append((sense, row["french"]))
    clashes = {
        word: [french for _, french in rows]
        for word, rows in seen.items()
        if len(rows) > 1 and ("" in {s for s, _ in rows} or len({s for s, _ in rows}) < len(rows))
    }
    assert clashes == {}


@pytest.mark.parametrize("source", sorted(ALL_PAIRS))
@pytest.mark.parametrize("concept", CONCEPTS, ids=lambda c: c.glossary)
def test_a_central_concept_has_the_glossary_term_everywhere(concept: Concept, source: str) -> None:
    terms = forms(concept)
    assert terms, concept.glossary
    french, skip = re.compile(concept.french, re.I), re.compile(concept.skip, re.I)
    matching = [
        (where, zgh)
        for where, fr, zgh in ALL_PAIRS[source]()
        if french.search(fr) and not skip.search(fr) and PHRASE.search(zgh)
    ]
    assert matching, f"no {source} text translates {concept.glossary}"
    without = [where for where, zgh in matching if not any(has(zgh, t) for t in terms)]
    assert without == [], f"{concept.glossary}: {terms}"
    other = re.compile(concept.other_sense, re.I)
    here = [
        (where, variant)
        for where, fr, zgh in ALL_PAIRS[source]()
        if french.search(fr) and not other.search(fr)
        for variant in concept.rejected_here
        if has(zgh, variant)
    ]
    assert here == []


@pytest.mark.parametrize("source", sorted(ALL_PAIRS))
def test_no_rejected_variant_is_left(source: str) -> None:
    left = [
        (where, variant)
        for where, _, zgh in ALL_PAIRS[source]()
        for concept in CONCEPTS
        for variant in concept.rejected
        if has(zgh, variant)
    ]
    assert left == []
