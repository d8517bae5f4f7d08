"""The checks of a definition that its JSON Schema cannot express: names that must exist,
expressions that must parse, ids that must be unique; and the checks across definitions
(the grid's and orientation's names against the form's). Each yields `Problem`s, (JSON
path, what is wrong), for definitions.py to report the first of."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jisr_desktop.models.programme.expressions import ExpressionError, parse, references

Problem = tuple[str, str]  # (path, what is wrong)
# Which list a `filter_by` parent must come from, by the child's list.
PARENT_REFERENCE = {"provinces": "regions", "communes": "provinces"}
# The keys that bound a text answer (text_rules.py), by field type.
TEXT_BOUNDS = {
    "text": ("max_length", "text_class"),
    "cin": ("max_length", "max_typed_length", "text_class"),
    "phone": ("max_length", "max_typed_length", "text_class"),
}
# The versions published before the definitions carried their text bounds: (id, version,
# content hash). They stay readable (records name them; a version is never replaced) and
# are validated with text_rules.LEGACY; any other content must carry bounds. Registration
# 1 had two contents before release (the first until 315ecb9).
UNBOUNDED_VERSIONS = frozenset({
    ("jisr.registration", 1, "3d115f48adc67ce8a00bf1d08fbbc45ef383ca0fa51358f10f058dea1a7c3758"),
    ("jisr.registration", 1, "ee5f8b1f680ff263b20ed6bc10f4badd9c2d22d33065996902a61285c9ffd96f"),
    ("jisr.assessment", 1, "b82ba8e792e619355db1ab58e0c0b8badde1ea9d793e2770d9bd69b5b68e16f5"),
    ("jisr.assessment", 2, "faed4cb1c2d586e57012ae713e34df0df093a480cf7442d08b4c555ca14f4157"),
})


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
    data: Mapping[str, Any],
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
    yield from _text_bounds_problems(located, data)
    known = frozenset(seen) | {name for _, name in extra_names}
    for path, group in groups:
        if "relevant" in group:
            yield from _expression_problems(group["relevant"], f"{path}/relevant", known)
    for path, fld in located:
        for expr_path, text in _field_expressions(fld, path):
            yield from _expression_problems(text, expr_path, known)


def _text_bounds_problems(
    located: list[tuple[str, Mapping[str, Any]]], data: Mapping[str, Any]
) -> Iterator[Problem]:
    """A text, CIN or phone field without its bounds (a 1 MB "CIN" would be accepted)."""
    missing = [
        (path, key)
        for path, fld in located
        for key in TEXT_BOUNDS.get(fld["type"], ())
        if key not in fld
    ]
    if missing and not _unbounded_version(data):
        for path, key in missing:
            yield f"{path}/{key}", f"a {key} is needed: every text field carries its bounds"


def _unbounded_version(data: Mapping[str, Any]) -> bool:
    known = {(i, v) for i, v, _ in UNBOUNDED_VERSIONS}
    if (data.get("id"), data.get("version")) not in known:
        return False
    from jisr_desktop.models.programme.definitions import content_hash  # imports this module

    return (data["id"], data["version"], content_hash(data)) in UNBOUNDED_VERSIONS


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
    yield from _fields_problems(sections, data["choices"], [], data)


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
    yield from _fields_problems(phases, data["choices"], competences, data)
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


def _paths_problems(data: Mapping[str, Any]) -> Iterator[Problem]:
    statuses = data["licence_statuses"]
    for status, entry in statuses.items():
        for i, name in enumerate(entry.get("next", [])):
            if name not in statuses:
                yield f"licence_statuses/{status}/next/{i}", f"no status {name!r}"


_SEMANTIC_CHECKS = {
    "card": _card_problems,
    "programme_paths": _paths_problems,
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
