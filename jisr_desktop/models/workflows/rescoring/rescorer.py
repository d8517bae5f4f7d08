"""The re-scoring of records, a chunk at a time: the compiled grid's outline, the
orientation, and the derived row of each record, checked against the reference
(`rescored_row`: `score` and `orient` themselves) on the way."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.evaluation import AlreadyValidated, Evaluation, derived_from
from jisr_desktop.models.programme.expressions import Memo, references, typed_key
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.orientation import Orientation, orient
from jisr_desktop.models.programme.scoring import ScoreResult, score, version_of
from jisr_desktop.models.store.derived import (
    DERIVED_COLUMNS,
    EVALUATION,
    derived_row,
    evaluation_digest,
)
from jisr_desktop.models.workflows.rescoring.basis import scoring_basis
from jisr_desktop.models.workflows.rescoring.compiled import CompiledGrid, Outline

DERIVED_COUNT = len(DERIVED_COLUMNS)

# (seq, answers as the JSON array of `scoring_fields`, old DERIVED_COLUMNS values)
Chunk = list[tuple[int, str, tuple[Any, ...]]]
# (bit mask of the changed DERIVED_COLUMNS, seq, their new values)
Change = tuple[int, int, tuple[Any, ...]]

log = logging.getLogger(__name__)


def rescored_row(
    form: Definition,
    grid: Definition,
    rules: Definition,
    record_id: str,
    answers: dict[str, Any],
    today: date,
) -> tuple[Any, ...]:
    """The reference: a record re-scored from all its answers, through the same steps as
    an enrolment. `Rescorer` must give exactly this (tests/test_rescoring.py)."""
    result = score(grid, answers, form=form, today=today)
    orientation = orient(rules, answers, result.category)
    evaluation = Evaluation(AlreadyValidated(answers), result, orientation)
    return derived_row(record_id, derived_from(evaluation))


def scoring_fields(form: Definition, grid: Definition, rules: Definition) -> tuple[str, ...]:
    """Every answer a re-scoring reads: the form's calculations (the age) with their
    relevance, the grid's criteria and rules, the orientation rules, and the consent.
    Any other answer (names, CIN, phone, texts) cannot change a score."""
    names = {"consent"}

    def add(expression: str | None) -> None:
        if expression:
            names.update(references(expression))

    for section in from_definition(form).sections:
        for f in section.fields:
            if f.type == "calculate":
                names.add(f.name)
                add(section.relevant)
                add(f.relevant)
                add(f.calculation)
    data = grid.data
    for criterion in data.get("criteria") or ():
        if criterion.get("field"):
            names.add(criterion["field"])
        add(criterion.get("when"))
    for key in ("eligibility", "classification"):
        for rule in data.get(key) or ():
            add(rule["when"])
    for key in ("path_rules", "destination_rules"):
        for rule in rules.data.get(key) or ():
            add(rule["when"])
    return tuple(sorted(names))


class Rescorer:
    """Re-scores records from the answers `scoring_fields` names, as `rescored_row` does."""

    # Derived rows remembered per combination of points, eligibility, category and
    # orientation: ~21,400 distinct among 98,000 demo records (~1 kB each); a miss costs
    # ~25 µs, 70 µs when checked against the reference.
    ROWS_MEMO = 32_768
    # The reference check of a miss: the first CHECK_FIRST, then one in CHECK_EVERY.
    CHECK_FIRST = 200
    CHECK_EVERY = 128

    def __init__(self, form: Definition, grid: Definition, rules: Definition, today: date):
        self.form, self.grid, self.rules, self.today = form, grid, rules, today
        self.fields = scoring_fields(form, grid, rules)
        self.basis = scoring_basis(form, grid, rules, today, self.fields)
        # What every record of the pass is scored with (kept once: store/scorings.py).
        self.versions = {
            "form": version_of(form), "grid": version_of(grid), "orientation": version_of(rules)
        }
        self._rows = Memo(self.ROWS_MEMO)
        # Each distinct evaluation text's digest, computed once (rows remembered above share
        # their text, so most lookups hash nothing new).
        self._digests: dict[str, int] = {}
        # The orientation reads only its rules' answers and the category (which it is
        # given; the rules' ${category} is that one): few combinations, each oriented once.
        self._orient_reads = tuple(
            sorted(
                {
                    name
                    for key in ("path_rules", "destination_rules")
                    for rule in rules.data.get(key) or ()
                    for name in references(rule["when"])
                }
                - {"category"}
            )
        )
        self._orientations = Memo(10_000)
        self._plan: CompiledGrid | None = CompiledGrid(grid, form=form, today=today)
        self._misses = 0

    def answers(self, packed: str) -> dict[str, Any]:
        """The answers from the JSON array json_extract made (null: not answered). The
        values are those of the stored JSON, types included; the one exception, NaN (which
        SQLite renders as null), never reaches the store: validation refuses it."""
        values = json.loads(packed)
        return {k: v for k, v in zip(self.fields, values, strict=False) if v is not None}

    def derived(self, answers: dict[str, Any]) -> tuple[Any, ...]:
        """The DERIVED_COLUMNS values (without the id) for these answers."""
        plan = self._plan
        if plan is None:
            return self._reference(answers)[1]
        outline = plan.outline(answers)
        orientation = self._orient(answers, outline.category)
        key = self._key(
            answers.get("consent"),
            tuple(rid for rid, _reason in outline.not_eligible_reasons),
            outline.category,
            outline.points,
            orientation,
        )
        row = self._rows.get(key)
        return self._miss(answers, key, outline, orientation) if row is None else row

    def derived_many(self, packed: list[str]) -> list[tuple[Any, ...]]:
        """`derived(answers(p)) for p in packed`, a chunk at a time: the grid is worked
        out stage by stage over the chunk's columns (`CompiledGrid.outline_columns`)."""
        plan = self._plan
        n = len(packed)
        if plan is None or not n:
            return [self.derived(self.answers(p)) for p in packed]
        matrix = json.loads("[" + ",".join(packed) + "]")
        columns = dict(zip(self.fields, zip(*matrix, strict=True), strict=False))
        try:
            outlined = plan.outline_columns(columns, n)
            reads = [_typed_column(columns.get(name) or (None,) * n) for name in self._orient_reads]
            categories = outlined.categories
        except TypeError:  # an answer that is not a JSON value: one record at a time
            return [self.derived(self.answers(p)) for p in packed]
        per_record = _points_keys(outlined.points, n)
        okeys = list(
            zip(
                [(c.__class__, c) for c in categories],
                zip(*reads, strict=True) if reads else [()] * n,
                strict=True,
            )
        )
        orientations = list(map(self._orientations.get, okeys))
        for i, orientation in enumerate(orientations):
            if orientation is None:
                orientations[i] = self._orient(self._answers_at(columns, i), categories[i])
        consent = columns.get("consent") or (None,) * n
        keys = list(
            zip(
                [c == "yes" for c in consent],
                outlined.reasons,
                categories,
                per_record,
                [o.path for o in orientations],
                [o.destination for o in orientations],
                strict=True,
            )
        )
        rows = list(map(self._rows.get, keys))
        for i, row in enumerate(rows):
            if row is None:
                answers = self._answers_at(columns, i)
                rows[i] = (
                    self._miss(answers, keys[i], plan.outline_at(outlined, i), orientations[i])
                    if self._plan is not None
                    else self._reference(answers)[1]
                )
        return rows

    @staticmethod
    def _answers_at(columns: dict[str, Any], i: int) -> dict[str, Any]:
        return {k: v[i] for k, v in columns.items() if v[i] is not None}

    @staticmethod
    def _key(
        consent: Any,
        reasons: tuple[str, ...],
        category: int | None,
        points: tuple[Any, ...],
        orientation: Orientation,
    ) -> tuple[Any, ...]:
        """What the derived row follows from (the versions and the criteria's ids and
        groups are the same for every record of the run). The points carry their types,
        so 5 and 5.0 (which the evaluation JSON prints differently) are not confused."""
        return (
            consent == "yes",
            reasons,
            category,
            points_key(tuple(points)),
            orientation.path,
            orientation.destination,
        )

    def _miss(
        self,
        answers: dict[str, Any],
        key: tuple[Any, ...],
        outline: Outline | None = None,
        orientation: Orientation | None = None,
    ) -> tuple[Any, ...]:
        """The row of a combination not remembered yet, built from the compiled grid's
        outline. Tripwires: a key from the columns must be the record's own, and on the
        first combinations and one in CHECK_EVERY after, `score` and `orient` themselves must give
        the same row. Should one ever disagree, the rest of the pass goes the reference
        way and nothing remembered is used again."""
        plan = self._plan
        assert plan is not None
        if outline is None or orientation is None:
            outline = plan.outline(answers)
            orientation = self._orient(answers, outline.category)
            own = self._key(
                answers.get("consent"),
                tuple(rid for rid, _reason in outline.not_eligible_reasons),
                outline.category,
                outline.points,
                orientation,
            )
            if own != key:
                return self._disagree(answers, key, own)
        row = self._row(answers, plan.result(outline), orientation)
        self._misses += 1
        if self._misses <= self.CHECK_FIRST or not self._misses % self.CHECK_EVERY:
            checked, reference = self._reference(answers)
            if checked != key or reference != row:
                return self._disagree(answers, key, checked)
        self._rows.put(key, row)
        return row

    def _disagree(self, answers: dict[str, Any], *keys: tuple[Any, ...]) -> tuple[Any, ...]:
        log.error("compiled grid disagrees with score(): %r", keys)
        self._plan = None
        self._rows.clear()
        self._orientations.clear()
        return self._reference(answers)[1]

    @staticmethod
    def _row(
        answers: dict[str, Any], result: ScoreResult, orientation: Orientation
    ) -> tuple[Any, ...]:
        evaluation = Evaluation(AlreadyValidated(answers), result, orientation)
        return derived_row("", derived_from(evaluation))[:-1]

    def _reference(self, answers: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """(memo key, derived row) through `score` and `orient` themselves."""
        result = score(self.grid, answers, form=self.form, today=self.today)
        orientation = orient(self.rules, answers, result.category)
        key = self._key(
            answers.get("consent"),
            tuple(rid for rid, _reason in result.not_eligible_reasons),
            result.category,
            tuple(c.points for c in result.criteria),
            orientation,
        )
        return key, self._row(answers, result, orientation)

    def _orient(self, answers: dict[str, Any], category: int | None) -> Orientation:
        try:
            read = tuple(typed_key(answers.get(name)) for name in self._orient_reads)
            key = ((category.__class__, category), read)
            hit = self._orientations.get(key)
        except TypeError:  # not a JSON value: orient without the memo
            return orient(self.rules, answers, category)
        if hit is None:
            hit = self._orientations.put(key, orient(self.rules, answers, category))
        return hit

    def chunk(self, rows: Chunk) -> list[Change]:
        """The changes for one chunk: only the records whose derived values differ. A row
        read from a copy (`scoring_inputs`) holds its evaluation as a digest: the new
        evaluation is compared by its digest then."""
        out: list[Change] = []
        digests = self._digests
        for (seq, _packed, old), new in zip(
            rows, self.derived_many([r[1] for r in rows]), strict=True
        ):
            if new == old:
                continue
            compared = new
            if old[EVALUATION].__class__ is int:
                text = new[EVALUATION]
                digest = digests.get(text) if text is not None else None
                if digest is None and text is not None:
                    digest = digests[text] = evaluation_digest(text)
                compared = (*new[:EVALUATION], digest, *new[EVALUATION + 1:])
                if compared == old:
                    continue
            mask = 0
            values = []
            for i in range(DERIVED_COUNT):
                # Equal values are stored alike: 1 and True in the BOOLEAN column,
                # 35.0 and 35 in the REAL ones.
                if compared[i] != old[i]:
                    mask |= 1 << i
                    values.append(new[i])
            out.append((mask, seq, tuple(values)))
        return out


def _typed_column(values: Any) -> list[Any]:
    """`typed_key` of each value; for a column of plain values, (type, value) pairs made
    in one go (the common case: a few answers of text)."""
    kinds = list(map(type, values))
    if _PLAIN.issuperset(kinds):
        return list(zip(kinds, values, strict=True))
    return [typed_key(v) for v in values]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _points_keys(points: list[list[Any]], n: int) -> list[tuple[Any, ...]]:
    """`points_key` of each record's points (one list per criterion), the common case
    (every point of the chunk an int) in one go."""
    if not points:
        return [points_key(())] * n
    rows = list(zip(*points, strict=True))
    kinds = set().union(*(map(type, column) for column in points))
    if kinds <= {int}:
        return [("int", *row) for row in rows]
    return [points_key(row) for row in rows]


def points_key(points: tuple[Any, ...]) -> tuple[Any, ...]:
    """A record's points, one per criterion, as a memo key. The points carry their types
    (5 and 5.0 print differently in the evaluation JSON) unless all are ints, the shipped
    grid's case: then the bare points, marked so the two kinds of key never meet."""
    if all(p.__class__ is int for p in points):
        return ("int", *points)
    return tuple((p.__class__, p) for p in points)
