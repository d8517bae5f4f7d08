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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from jisr_desktop import paths
from jisr_desktop.models.programme.expressions import ExpressionError, parse, references

KINDS = ("form", "grid", "orientation", "assessment", "services")
# Card templates (orientation card, service card) are definitions too, but not part of a
# DefinitionSet: a record is never scored with them. `load_card_templates` loads them.
CARD_KIND = "card"
# The directory of places orientation sends women to (issue 12): versioned and published
# like the others, outside the DefinitionSet too (no score reads it). `load_places`.
PLACES_KIND = "places"
PLACES_FILE = "places.json"
EXTRA_KINDS = (CARD_KIND, PLACES_KIND)
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
# Which list a `filter_by` parent must come from, by the child's list.
PARENT_REFERENCE = {"provinces": "regions", "communes": "provinces"}
_MAX_PROBLEM_CHARS = 300

Problem = tuple[str, str]  # (path, what is wrong)


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
    file = (Path(path) if path is not None else paths.definitions_dir()) / PLACES_FILE
    if not file.exists():
        return None
    definition = load_definition(file)
    if definition.kind != PLACES_KIND:
        raise DefinitionError(
            definition.source, "kind", f"{PLACES_FILE} must hold 'places', not {definition.kind!r}"
        )
    return definition


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


# --- checks a schema cannot express ---------------------------------------------------------


def _form_fields(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {f["name"]: f for s in data.get("sections", ()) for f in s.get("fields", ())}


def _expression_problems(
    text: str, path: str, known: frozenset[str] | None, what: str = "the form"
) -> Iterator[Problem]:
    """Syntax, then (when `known` is given) every ${name} against the names in scope."""
    try:
        parse(text)
    except ExpressionError as exc:
        yield path, f"syntax error in expression {text!r}: {exc}"
        return
    if known is None:
        return
    for name in sorted(references(text) - known):
        yield path, f"${{{name}}} does not name a field of {what}"


def _field_expressions(fld: Mapping[str, Any], path: str) -> Iterator[tuple[str, str]]:
    for key in ("relevant", "constraint", "calculation", "required"):
        value = fld.get(key)
        if isinstance(value, str):
            yield f"{path}/{key}", value


def _duplicates(items: Iterable[tuple[str, str]], what: str) -> Iterator[Problem]:
    """(path, name) pairs: a name seen before is a problem at its second path."""
    first: dict[str, str] = {}
    for path, name in items:
        if name in first:
            yield path, f"{what} {name!r} is already used at {first[name]}"
        else:
            first[name] = path


def _choice_problems(choices: Mapping[str, Any]) -> Iterator[Problem]:
    for list_name, items in choices.items():
        yield from _duplicates(
            ((f"choices/{list_name}/{i}/value", c["value"]) for i, c in enumerate(items)),
            "choice value",
        )


def _fields_problems(
    groups: list[tuple[str, Mapping[str, Any]]],
    choices: Mapping[str, Any],
    extra_names: list[tuple[str, str]],
) -> Iterator[Problem]:
    """Checks shared by the form and the assessment. `groups` are (path, section or phase);
    `extra_names` are other answer names (competences) sharing the fields' namespace."""
    located = [
        (f"{path}/fields/{j}", fld)
        for path, group in groups
        for j, fld in enumerate(group.get("fields", ()))
    ]
    yield from _duplicates([*extra_names, *((f"{p}/name", f["name"]) for p, f in located)], "name")
    yield from _choice_problems(choices)
    seen: dict[str, Mapping[str, Any]] = {}
    for path, fld in located:
        if "choices" in fld and fld["choices"] not in choices:
            yield f"{path}/choices", f"no choice list {fld['choices']!r} in choices"
        if "filter_by" in fld:
            yield from _filter_problems(fld, seen, f"{path}/filter_by")
        seen[fld["name"]] = fld
    known = frozenset(seen) | {name for _, name in extra_names}
    for path, group in groups:
        if "relevant" in group:
            yield from _expression_problems(group["relevant"], f"{path}/relevant", known)
    for path, fld in located:
        for expr_path, text in _field_expressions(fld, path):
            yield from _expression_problems(text, expr_path, known)


def _filter_problems(
    fld: Mapping[str, Any], earlier: Mapping[str, Mapping[str, Any]], path: str
) -> Iterator[Problem]:
    parent_name = fld["filter_by"]
    parent = earlier.get(parent_name)
    if parent is None:
        yield path, f"filter_by {parent_name!r} must name a field that comes earlier"
        return
    expected = PARENT_REFERENCE.get(fld.get("reference", ""))
    if expected is None:
        yield path, f"a list of {fld.get('reference')} cannot be filtered"
    elif parent.get("reference") != expected:
        yield path, f"{parent_name!r} must be a field of the {expected} list"


def _form_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    sections = [(f"sections/{i}", s) for i, s in enumerate(data["sections"])]
    yield from _duplicates(((f"{p}/name", s["name"]) for p, s in sections), "section name")
    yield from _fields_problems(sections, data["choices"], [])


def _assessment_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    phases = [(f"phases/{i}", p) for i, p in enumerate(data["phases"])]
    competences = [
        (f"{path}/competences/{j}/name", c["name"])
        for path, phase in phases
        for j, c in enumerate(phase.get("competences", ()))
    ]
    yield from _duplicates(((f"{p}/name", ph["name"]) for p, ph in phases), "phase name")
    yield from _duplicates(
        ((f"levels/{i}/value", str(lv["value"])) for i, lv in enumerate(data["levels"])),
        "level",
    )
    yield from _fields_problems(phases, data["choices"], competences)
    yield from _ids(data["recommendations"], "recommendations")
    names = frozenset(
        [name for _, name in competences]
        + [f["name"] for _, ph in phases for f in ph.get("fields", ())]
    )
    for i, rule in enumerate(data["recommendations"]):
        yield from _expression_problems(
            rule["when"], f"recommendations/{i}/when", names, "the assessment"
        )


def _ids(items: list[Mapping[str, Any]], where: str) -> Iterator[Problem]:
    yield from _duplicates(((f"{where}/{i}/id", it["id"]) for i, it in enumerate(items)), "id")


def _grid_expressions(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for where in ("criteria", "eligibility", "classification"):
        for i, item in enumerate(data.get(where, ())):
            if "when" in item:
                yield f"{where}/{i}/when", item["when"]


def _orientation_expressions(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for where in ("path_rules", "destination_rules"):
        for i, rule in enumerate(data.get(where, ())):
            yield f"{where}/{i}/when", rule["when"]


def _grid_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    groups = {g["id"] for g in data["groups"]}
    yield from _ids(data["groups"], "groups")
    yield from _ids(data["criteria"], "criteria")
    yield from _ids(data["eligibility"], "eligibility")
    for i, criterion in enumerate(data["criteria"]):
        if criterion["group"] not in groups:
            yield f"criteria/{i}/group", f"no group {criterion['group']!r} in groups"
        for j, band in enumerate(criterion.get("bands", ())):
            if "max" in band and band["max"] < band["min"]:
                yield f"criteria/{i}/bands/{j}", "max is below min"
    for i, name in enumerate(data["tie_breakers"]):
        if name not in groups:
            yield f"tie_breakers/{i}", f"no group {name!r} in groups"
    for path, text in _grid_expressions(data):
        yield from _expression_problems(text, path, None)
    yield from _quota_problems(data)


def _quota_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    shares = (data.get("quotas") or {}).get("category_shares")
    if shares is None:
        return
    categories = {str(rule["category"]) for rule in data["classification"]}
    for name in sorted(set(shares) - categories):
        yield f"quotas/category_shares/{name}", f"no category {name} in classification"
    if abs(sum(shares.values()) - 100) > 1e-9:
        yield "quotas/category_shares", "the shares must add up to 100"


def _orientation_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    for rules, key, targets in (
        ("path_rules", "path", "paths"),
        ("destination_rules", "destination", "destinations"),
    ):
        yield from _ids(data[rules], rules)
        for i, rule in enumerate(data[rules]):
            if rule[key] not in data[targets]:
                yield f"{rules}/{i}/{key}", f"no {key} {rule[key]!r} in {targets}"
    for path, text in _orientation_expressions(data):
        yield from _expression_problems(text, path, None)


def _services_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _ids(data["services"], "services")
    for i, service in enumerate(data["services"]):
        if service["type"] not in data["types"]:
            yield f"services/{i}/type", f"no type {service['type']!r} in types"


def _card_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _duplicates(
        ((f"fields/{i}/name", f["name"]) for i, f in enumerate(data["fields"])), "field"
    )


def _places_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    yield from _ids(data["places"], "places")
    for i, place in enumerate(data["places"]):
        if place["kind"] not in data["kinds"]:
            yield f"places/{i}/kind", f"no kind {place['kind']!r} in kinds"
        province = place.get("province")
        if province and not province.startswith(place["region"] + "."):
            yield f"places/{i}/province", f"{province} is not in region {place['region']}"


_SEMANTIC_CHECKS = {
    "card": _card_problems,
    "places": _places_problems,
    "form": _form_problems,
    "grid": _grid_problems,
    "orientation": _orientation_problems,
    "assessment": _assessment_problems,
    "services": _services_problems,
}


# --- checks across definitions --------------------------------------------------------------


def _reference_problems(data: Mapping[str, Any], known: frozenset[str]) -> Iterator[Problem]:
    expressions = (
        _grid_expressions(data) if data["kind"] == "grid" else (_orientation_expressions(data))
    )
    for path, text in expressions:
        yield from _expression_problems(text, path, known, "the registration form")


def _grid_cross_problems(
    data: Mapping[str, Any], form: Mapping[str, Any], known: frozenset[str]
) -> Iterator[Problem]:
    form_fields = _form_fields(form)
    for i, criterion in enumerate(data["criteria"]):
        if "field" not in criterion:
            continue
        fld = form_fields.get(criterion["field"])
        if fld is None:
            yield (
                f"criteria/{i}/field",
                (f"{criterion['field']!r} is not a field of the registration form"),
            )
        elif "bands" in criterion and fld["type"] not in ("integer", "decimal", "calculate"):
            yield f"criteria/{i}/bands", f"bands need a number field, not a {fld['type']}"
        elif isinstance(criterion.get("points"), dict) and "choices" in fld:
            answers = {c["value"] for c in form["choices"].get(fld["choices"], ())}
            yield from _points_problems(criterion["points"], answers, f"criteria/{i}/points")
    yield from _reference_problems(data, known)


def _points_problems(points: Mapping[str, int], answers: set[str], path: str) -> Iterator[Problem]:
    # A misspelt answer ("widow") would silently score 0 for everyone it was meant for.
    for answer in points:
        if answer not in answers:
            yield f"{path}/{answer}", f"{answer!r} is not one of the field's answers"


def _service_problems(
    assessment: Mapping[str, Any], services: Mapping[str, Any]
) -> Iterator[Problem]:
    ids = {s["id"] for s in services["services"]}
    for i, rule in enumerate(assessment["recommendations"]):
        for j, service in enumerate(rule["services"]):
            if service not in ids:
                yield f"recommendations/{i}/services/{j}", f"no service {service!r} in services"
