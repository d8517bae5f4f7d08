"""The programme as versioned data: load and check the definition files.

The registration form, the scoring grid, the orientation rules, the skills assessment and
the service catalogue live in `resources/definitions/*.json` (format: docs/definitions.md)
so the ministry can change them without a release. A definition is accepted only when it
passes its JSON Schema and the checks a schema cannot express (names that must exist,
expressions that must parse); a refused one names its file and the JSON path of the first
problem, because the person fixing it is editing that file by hand.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from jisr_desktop import paths
from jisr_desktop.models.programme.definition_checks import (  # noqa: F401 - re-exported
    _SEMANTIC_CHECKS,
    PARENT_REFERENCE,
    Problem,
    _form_fields,
    _grid_cross_problems,
    _reference_problems,
    _service_problems,
)

KINDS = ("form", "grid", "orientation", "assessment", "services")
# Card templates (orientation card, service card) are definitions too, but not part of a
# DefinitionSet: a record is never scored with them. `load_card_templates` loads them.
CARD_KIND = "card"
# The directory of places orientation sends women to (issue 12): versioned and published
# like the others, outside the DefinitionSet too (no score reads it). `load_places`.
PLACES_KIND = "places"
PLACES_FILE = "places.json"
# The answer lists of the EN path, the licences and labels, and the applicant groups
# (issue 12), published like the directory: `load_programme_paths`.
PATHS_KIND = "programme_paths"
PATHS_FILE = "programme_paths.json"
EXTRA_KINDS = (CARD_KIND, PLACES_KIND, PATHS_KIND)
FILE_NAMES = {
    "form": "registration.json",
    "grid": "grid.json",
    "orientation": "orientation.json",
    "assessment": "assessment.json",
    "services": "services.json",
}
# Values the scoring and orientation engines add beside the answers.
ENGINE_VARIABLES = frozenset({"age", "vulnerability", "readiness", "total", "category"})
ROOT = "(root)"
_MAX_PROBLEM_CHARS = 300



class DefinitionError(ValueError):
    """A definition that cannot be used. `path` is a JSON path like
    "sections/2/fields/0/type", or "(root)"; `problems` holds every problem found, the
    first of which is the one named in the message."""

    def __init__(
        self, file: str, path: str, problem: str, *, problems: Iterable[Problem] = ()
    ) -> None:
        self.file = file
        self.path = path or ROOT
        self.problem = problem
        self.problems: tuple[Problem, ...] = tuple(problems) or ((self.path, problem),)
        super().__init__(f"{file}: at {self.path}: {problem}")


@dataclass(frozen=True)
class Definition:
    kind: str
    id: str
    version: int
    content_hash: str
    # Left out of equality and hashing: content_hash stands for it, and a dict cannot be
    # hashed. Treat it as read-only; the hash would no longer describe a mutated copy.
    data: Mapping[str, Any] = field(compare=False, repr=False)
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class DefinitionSet:
    form: Definition
    grid: Definition
    orientation: Definition
    assessment: Definition
    services: Definition

    def versions(self) -> dict[str, dict[str, Any]]:
        """What each saved record names as the versions that produced it."""
        return {
            d.kind: {"id": d.id, "version": d.version, "hash": d.content_hash} for d in self.all()
        }

    def all(self) -> tuple[Definition, ...]:
        return tuple(getattr(self, kind) for kind in KINDS)


def content_hash(data: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON: independent of key order and layout of the file."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def localized(text: Mapping[str, str] | None, lang: str) -> str:
    """The text in `lang`, else French, else Arabic (the languages every text has)."""
    if not text:
        return ""
    for key in (lang, "fr", "ar"):
        value = text.get(key)
        if value:
            return value
    return ""


# --- parsing --------------------------------------------------------------------------------


def parse_definition(raw: bytes | str, source: str) -> Definition:
    """Parse and check one definition; `source` names it in error messages."""
    data = _decode(raw, source)
    kind = data.get("kind")
    if kind not in (*KINDS, *EXTRA_KINDS):
        raise DefinitionError(
            source,
            "kind",
            f"unknown kind {kind!r}; expected one of {', '.join((*KINDS, *EXTRA_KINDS))}",
        )
    error = best_match(_validator(kind).iter_errors(data))
    if error is not None:
        raise DefinitionError(source, _join(error.absolute_path), _describe(error))
    _raise_first(source, _SEMANTIC_CHECKS[kind](data))
    return Definition(
        kind=kind,
        id=data["id"],
        version=data["version"],
        content_hash=content_hash(data),
        data=data,
        source=source,
    )


def load_definition(path: Path) -> Definition:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DefinitionError(str(path), ROOT, f"cannot read the file: {exc.strerror}") from exc
    return parse_definition(raw, str(path))


def shipped_dir() -> Path:
    """The folder of the definitions shipped with the code (the central server publishes
    them on a fresh database, and imports no more of the desktop than the programme)."""
    return paths.definitions_dir()


def load_directory(path: Path | None = None) -> DefinitionSet:
    """The five definitions of a folder (default: the shipped ones), checked together."""
    folder = Path(path) if path is not None else paths.definitions_dir()
    loaded = {}
    for kind, name in FILE_NAMES.items():
        definition = load_definition(folder / name)
        if definition.kind != kind:
            raise DefinitionError(
                definition.source, "kind", f"{name} must hold a {kind!r}, not {definition.kind!r}"
            )
        loaded[kind] = definition
    definitions = DefinitionSet(**loaded)
    cross_check(definitions)
    return definitions


def load_card_templates(path: Path | None = None) -> dict[str, Definition]:
    """The card templates of a folder (default: the shipped `definitions/cards/`), by the
    card they print ("orientation", "service"); of two versions of one card, the newest."""
    folder = Path(path) if path is not None else paths.definitions_dir() / "cards"
    templates: dict[str, Definition] = {}
    for file in sorted(folder.glob("*.json")):
        definition = load_definition(file)
        if definition.kind != CARD_KIND:
            raise DefinitionError(
                definition.source, "kind", f"a card template cannot be a {definition.kind!r}"
            )
        card = definition.data["card"]
        if card not in templates or templates[card].version < definition.version:
            templates[card] = definition
    return templates


def load_places(path: Path | None = None) -> Definition | None:
    """The directory of places of a folder (default: the shipped one); None if it has none."""
    return _load_optional(path, PLACES_FILE, PLACES_KIND)


def load_programme_paths(path: Path | None = None) -> Definition | None:
    """The programme paths' lists of a folder (default: the shipped one); None if none."""
    return _load_optional(path, PATHS_FILE, PATHS_KIND)


def _load_optional(path: Path | None, name: str, kind: str) -> Definition | None:
    file = (Path(path) if path is not None else paths.definitions_dir()) / name
    if not file.exists():
        return None
    definition = load_definition(file)
    if definition.kind != kind:
        raise DefinitionError(
            definition.source, "kind", f"{name} must hold {kind!r}, not {definition.kind!r}"
        )
    return definition


def load_extras(path: Path | None = None) -> list[Definition]:
    """What a folder (default: the shipped one) holds besides the five that score a record:
    its card templates, directory of places and later paths' lists, whichever it has. One
    list for `init`, `definitions --load` and the app's start-up, so each installs the same."""
    folder = Path(path) if path is not None else paths.definitions_dir()
    cards = list(load_card_templates(folder / "cards").values()) if (
        folder / "cards").is_dir() else []
    return [*cards, *filter(None, [load_places(folder), load_programme_paths(folder)])]


def cross_check(definitions: DefinitionSet) -> None:
    """The checks that need two definitions at once: names one file uses and another defines.

    Run it on any set before use, including one assembled from definitions received by sync.
    """
    form = definitions.form.data
    known = frozenset(_form_fields(form)) | ENGINE_VARIABLES
    for definition, problems in (
        (definitions.grid, _grid_cross_problems(definitions.grid.data, form, known)),
        (definitions.orientation, _reference_problems(definitions.orientation.data, known)),
        (
            definitions.assessment,
            _service_problems(definitions.assessment.data, definitions.services.data),
        ),
    ):
        _raise_first(definition.source, problems)


def _decode(raw: bytes | str, source: str) -> dict[str, Any]:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DefinitionError(source, ROOT, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        data = json.loads(raw, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            source, ROOT, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # from the two hooks
        raise DefinitionError(source, ROOT, f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise DefinitionError(source, ROOT, "a definition must be a JSON object")
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys silently; in a hand-edited file that hides a typo.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


@cache
def _schema_validator(schema_file: Path) -> Draft202012Validator:
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _validator(kind: str) -> Draft202012Validator:
    # Always the app's own schemas, wherever the definition came from: they state what
    # this version of the code can run.
    return _schema_validator(paths.definitions_dir() / "schemas" / f"{kind}.schema.json")


def _describe(error: ValidationError) -> str:
    if error.validator == "not" and error.validator_value == {} and error.path:
        return f"{error.path[-1]!r} is not allowed here"
    if error.validator in ("anyOf", "oneOf"):
        return _describe_alternatives(error)
    return _shorten(error.message)


def _describe_alternatives(error: ValidationError) -> str:
    keys = _alternative_keys(error.validator_value)
    if error.context:  # nothing matched
        if keys:
            return "needs " + " or ".join(map(repr, keys))
        return _shorten("needs one of: " + "; or ".join(sorted({e.message for e in error.context})))
    if keys:  # only oneOf fails when several match
        return "give only one of " + " and ".join(map(repr, keys))
    return "matches more than one of the allowed shapes; keep only one"


def _alternative_keys(options: Any) -> list[str] | None:
    """The keys of alternatives written as [{"required": ["a"]}, {"required": ["b"]}]."""
    keys = []
    for option in options:
        if not (isinstance(option, dict) and set(option) == {"required"}):
            return None
        keys.extend(option["required"])
    return keys


def _shorten(text: str) -> str:
    # jsonschema quotes the whole offending value; a section would drown the message.
    if len(text) <= _MAX_PROBLEM_CHARS:
        return text
    return text[: _MAX_PROBLEM_CHARS - 1] + "…"


def _join(parts: Iterable[Any]) -> str:
    return "/".join(str(p) for p in parts) or ROOT


def _raise_first(source: str, problems: Iterable[Problem]) -> None:
    found = list(problems)
    if found:
        path, problem = found[0]
        raise DefinitionError(source, path, problem, problems=found)
