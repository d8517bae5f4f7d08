"""A typed, read-only view of a form definition (and of the skills assessment's phases).

The raw JSON stays the source of truth (`Form.definition.data`); this view saves every
caller from re-reading dictionaries and guessing defaults. Building it is cached per
content hash, so the UI may ask for it on every keystroke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from jisr_desktop.models.programme.definitions import Definition

# Types whose value is typed in or chosen by a person (as opposed to computed or shown).
ANSWER_TYPES = frozenset(
    {"text", "integer", "decimal", "date", "select_one", "select_multiple", "phone", "cin"}
)
LEVELS_LIST = "levels"


@dataclass(frozen=True)
class Choice:
    value: Any
    label: Mapping[str, str]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: Mapping[str, str]
    hint: Mapping[str, str] | None = None
    required: bool | str = False  # True/False or an expression
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: Mapping[str, str] | None = None
    calculation: str | None = None
    choices: tuple[Choice, ...] = ()
    choice_list: str | None = None
    reference: str | None = None  # regions | provinces | communes
    filter_by: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    max_typed_length: int | None = None  # a CIN or phone as typed (text_rules.py)
    text_class: str | None = None  # name | free_text | cin | phone (text_rules.py)
    default: Any = None
    pii: bool = False
    section: str = ""

    @property
    def is_answer(self) -> bool:
        return self.type in ANSWER_TYPES


@dataclass(frozen=True)
class Section:
    name: str
    label: Mapping[str, str]
    relevant: str | None
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Form:
    definition: Definition
    sections: tuple[Section, ...]
    messages: Mapping[str, Mapping[str, str]]

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def _sections_by_name(self) -> dict[str, Section]:
        return {s.name: s for s in self.sections}

    def field(self, name: str) -> Field:
        """The field called `name`; KeyError when the form has none."""
        return self._by_name[name]

    def section(self, name: str) -> Section:
        return self._sections_by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @cached_property
    def pii_fields(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.pii)

    @cached_property
    def derived(self) -> dict[str, Any]:
        """Scratch space for what other modules derive from this (immutable) form once and
        reuse on every call, e.g. validation's per-field plan. Keyed by the module's name."""
        return {}


@lru_cache(maxsize=32)
def from_definition(defn: Definition) -> Form:
    """The form view of a `form` definition (cached: a Definition hashes by its content)."""
    data = defn.data
    lists = data.get("choices") or {}
    sections = tuple(
        Section(
            name=s["name"],
            label=s.get("label") or {},
            relevant=s.get("relevant") or None,
            fields=tuple(_field(f, lists, s["name"]) for f in s.get("fields") or ()),
        )
        for s in data.get("sections") or ()
    )
    return Form(defn, sections, data.get("messages") or {})


@lru_cache(maxsize=8)
def assessment_form(defn: Definition) -> Form:
    """The skills assessment as a form: one section per phase, and each competence a
    required `select_one` over the levels, answered under the competence's name."""
    data = defn.data
    lists = dict(data.get("choices") or {})
    levels = tuple(Choice(lv["value"], lv.get("label") or {}) for lv in data.get("levels") or ())
    sections = []
    for phase in data.get("phases") or ():
        competences = tuple(
            Field(
                name=c["name"],
                type="select_one",
                label=c.get("label") or {},
                hint=c.get("hint"),
                # Recommendations read every level; an unrated competence would silently
                # recommend nothing, so the assessor is asked for all of them.
                required=True,
                choices=levels,
                choice_list=LEVELS_LIST,
                section=phase["name"],
            )
            for c in phase.get("competences") or ()
        )
        fields = tuple(_field(f, lists, phase["name"]) for f in phase.get("fields") or ())
        sections.append(
            Section(
                name=phase["name"],
                label=phase.get("label") or {},
                relevant=phase.get("relevant") or None,
                fields=competences + fields,
            )
        )
    return Form(defn, tuple(sections), data.get("messages") or {})


def _field(raw: Mapping[str, Any], lists: Mapping[str, Any], section: str) -> Field:
    list_name = raw.get("choices")
    choices = (
        tuple(Choice(c["value"], c.get("label") or {}) for c in (lists.get(list_name) or ()))
        if list_name
        else ()
    )
    required = raw.get("required", False)
    return Field(
        name=raw["name"],
        type=raw["type"],
        label=raw.get("label") or {},
        hint=raw.get("hint"),
        required=required if isinstance(required, bool | str) else bool(required),
        relevant=raw.get("relevant") or None,
        constraint=raw.get("constraint") or None,
        constraint_message=raw.get("constraint_message"),
        calculation=raw.get("calculation") or None,
        choices=choices,
        choice_list=list_name,
        reference=raw.get("reference"),
        filter_by=raw.get("filter_by"),
        min=raw.get("min"),
        max=raw.get("max"),
        max_length=raw.get("max_length"),
        max_typed_length=raw.get("max_typed_length"),
        text_class=raw.get("text_class"),
        default=raw.get("default"),
        pii=bool(raw.get("pii", False)),
        section=section,
    )
