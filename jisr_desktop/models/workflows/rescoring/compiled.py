"""The grid compiled for a re-scoring: `scoring.score` for many registrations under one
grid, form and day, sharing its rules (`criterion_line`, `assemble`, the evaluator) and
remembering results in `Memo`s (expressions/compiled.py), the one memo mechanism."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from jisr_desktop.models.programme.definitions import Definition
from jisr_desktop.models.programme.expressions.compiled import (
    _IMMUTABLE,
    Memo,
    compile_holds,
    compile_value,
    typed_key,
)
from jisr_desktop.models.programme.form import from_definition
from jisr_desktop.models.programme.scoring import (
    CriterionResult,
    LocalizedText,
    ScoreResult,
    assemble,
    criterion_line,
)

# Lines remembered per criterion, per typed answer (and `when` result).
CRITERIA_MEMO = 50_000
_POINTS = attrgetter("points")


class Outline(NamedTuple):
    """What `CompiledGrid.outline` works out for one registration."""

    criteria: tuple[CriterionResult, ...]
    points: tuple[float, ...]
    subtotals: dict[str, float]
    total: float
    not_eligible_reasons: tuple[tuple[str, LocalizedText], ...]
    chosen: Mapping[str, Any] | None  # the classification rule that placed her

    @property
    def eligible(self) -> bool:
        return not self.not_eligible_reasons

    @property
    def category(self) -> int | None:
        return int(self.chosen["category"]) if self.chosen else None


class OutlineColumns(NamedTuple):
    """What `CompiledGrid.outline_columns` works out for a chunk: a list per criterion
    (`lines`, `points`) or per group (`subtotals`), else one item per record."""

    lines: list[list[CriterionResult]]
    points: list[list[float]]
    subtotals: dict[str, list[float]]
    total: list[float]
    failed: list[tuple[int, ...]]  # indexes of the eligibility rules that held
    reasons: list[tuple[str, ...]]  # their ids
    chosen: list[Mapping[str, Any] | None]
    categories: list[int | None]


class CompiledGrid:
    """`score` for many registrations under one grid, form and day (a re-scoring):
    `score(answers)` equals `scoring.score(grid, answers, form=form, today=today)`, and
    `outline(answers)` is the same work without building the ScoreResult.

    Each expression (the form's calculations and their relevance, the criteria's `when`,
    the eligibility and classification rules) is parsed once, into a function that
    remembers its result per typed combination of the values it reads
    (`expressions.compile_holds`), and each criterion remembers its line per typed answer
    (and `when` result), in dictionaries of this object's own. Anything not seen before
    goes through the same code as `score` (`scoring.criterion_line`, the tree-walking evaluator), so
    the results are the reference's by construction; tests/test_scoring.py compares the
    two over thousands of demo records."""

    def __init__(
        self, grid: Definition, *, form: Definition | None = None, today: date | None = None
    ) -> None:
        day = self.today = today or date.today()
        self.grid, self.form = grid, form
        data = grid.data
        # As calculations.recalculate: (name, relevance checks, calculation or None).
        self._calculations: list[tuple[str, tuple[Any, ...], Any]] = []
        if form is not None:
            for section in from_definition(form).sections:
                for f in section.fields:
                    if f.type != "calculate":
                        continue
                    shown = tuple(
                        compile_holds(e, today=day) for e in (section.relevant, f.relevant) if e
                    )
                    value = compile_value(f.calculation, today=day) if f.calculation else None
                    self._calculations.append((f.name, shown, value))
        self._criteria = [
            (
                raw,
                raw.get("field"),
                raw["group"],
                compile_holds(raw["when"], today=day) if "when" in raw else None,
                Memo(CRITERIA_MEMO),
            )
            for raw in data.get("criteria") or ()
        ]
        self._groups = [g["id"] for g in data.get("groups") or ()]
        self._eligibility = [
            (rule, compile_holds(rule["when"], today=day)) for rule in data.get("eligibility") or ()
        ]
        self._classification = [
            (rule, compile_holds(rule["when"], today=day))
            for rule in data.get("classification") or ()
        ]

    def outline(self, answers: Mapping[str, Any]) -> Outline:
        values = dict(answers)
        for name, shown, calculation in self._calculations:
            value = (
                calculation(values)
                if calculation is not None and all(check(values) for check in shown)
                else ""
            )
            if value == "" or value is None:
                values.pop(name, None)
            else:
                values[name] = value
        criteria = []
        points = []
        subtotals: dict[str, float] = dict.fromkeys(self._groups, 0)
        for raw, name, group, when, memo in self._criteria:
            answer = values.get(name) if name else None
            rule = when(values) if when is not None else None
            try:
                key = typed_key(answer) if when is None else (typed_key(answer), rule)
                line = memo[key]
            except KeyError:
                line = memo.put(key, criterion_line(raw, values, self.today))
            except TypeError:  # not a JSON value: not remembered
                line = criterion_line(raw, values, self.today)
            criteria.append(line)
            points.append(line.points)
            subtotals[group] = subtotals.get(group, 0) + line.points
        total = sum(subtotals.values())
        # Rules may read the subtotals as if they were answers (`${readiness} >= 10`).
        scope = {**values, **subtotals, "total": total}
        reasons = tuple(
            (rule["id"], rule.get("reason") or {})
            for rule, check in self._eligibility
            if check(scope)
        )
        chosen = None
        if not reasons:
            chosen = next((rule for rule, check in self._classification if check(scope)), None)
        return Outline(tuple(criteria), tuple(points), subtotals, total, reasons, chosen)

    def outline_columns(self, columns: Mapping[str, Sequence[Any]], n: int) -> OutlineColumns:
        """`outline` for a chunk of `n` records at once, the answers given as columns
        (name -> one value per record, None where not answered).

        Each stage (a calculation, a criterion, a rule) is one pass over the chunk with a
        dictionary look-up per record, instead of a function call per record and stage.
        Every expression is evaluated for exactly the records `score` evaluates it for
        (a relevance only where the section is shown, the classification rules only for
        the eligible women not yet placed), so an expression that fails fails alike.
        Raises TypeError if an answer is not a JSON value (use `outline` then)."""
        chunk = _Chunk(columns, n)
        self._calculate_columns(chunk)
        lines, points, subtotals = self._criteria_columns(chunk)
        total = [sum(t) for t in zip(*subtotals.values(), strict=True)] if subtotals else [0] * n
        # Rules may read the subtotals as if they were answers (`${readiness} >= 10`).
        for name, column in (*subtotals.items(), ("total", total)):
            chunk.set(name, column)
        failed, reasons = self._eligibility_columns(chunk)
        chosen, categories = self._classification_columns(chunk, failed)
        return OutlineColumns(lines, points, subtotals, total, failed, reasons, chosen, categories)

    def _calculate_columns(self, chunk: _Chunk) -> None:
        """The form's calculations (the age), each where its sections are shown."""
        get, n = chunk.get, chunk.n
        for name, shown, calculation in self._calculations:
            visible: list[int] | None = None  # None: every record
            for check in shown:
                flags = check.column(get, n, visible)
                base = range(n) if visible is None else visible
                visible = [i for i, ok in zip(base, flags, strict=True) if ok]
            new: list[Any] = [None] * n
            if calculation is not None:
                at = list(range(n)) if visible is None else visible
                for i, value in zip(at, calculation.column(get, n, visible), strict=True):
                    new[i] = None if value == "" or value is None else value
            chunk.set(name, new)

    def _criteria_columns(
        self, chunk: _Chunk
    ) -> tuple[list[list[CriterionResult]], list[list[float]], dict[str, list[float]]]:
        """Each criterion's line for every record, remembered per typed answer (and rule,
        for a criterion with a `when`: the key `outline` uses too). Each group's subtotal
        is its criteria's points summed in the criteria's order, as `score` adds them."""
        get, n = chunk.get, chunk.n
        lines: list[list[CriterionResult]] = []
        points: list[list[float]] = []
        by_group: dict[str, list[list[float]]] = {g: [] for g in self._groups}
        for raw, name, group, when, memo in self._criteria:
            answers = get(name)[1] if name else [(type(None), None)] * n
            keys = answers if when is None else list(zip(answers, when.column(get, n), strict=True))
            found = list(map(memo.get, keys))
            if None in found:
                for i, line in enumerate(found):
                    if line is None:
                        line = criterion_line(raw, chunk.record(i), self.today)
                        found[i] = memo.put(keys[i], line)
            lines.append(found)
            column = list(map(_POINTS, found))
            points.append(column)
            by_group.setdefault(group, []).append(column)
        # sum() starts at 0 and adds left to right: the same additions as `outline`'s.
        subtotals = {
            g: list(map(sum, zip(*columns, strict=True))) if columns else [0] * n
            for g, columns in by_group.items()
        }
        return lines, points, subtotals

    def _eligibility_columns(
        self, chunk: _Chunk
    ) -> tuple[list[tuple[int, ...]], list[tuple[str, ...]]]:
        """Which eligibility rules held for each record (their indexes and ids)."""
        ids = [rule["id"] for rule, _check in self._eligibility]
        flags = [check.column(chunk.get, chunk.n) for _rule, check in self._eligibility]
        failed: list[tuple[int, ...]] = (
            [
                tuple(k for k, bad in enumerate(row) if bad) if any(row) else ()
                for row in zip(*flags, strict=True)
            ]
            if flags
            else [()] * chunk.n
        )
        return failed, [tuple(ids[k] for k in row) if row else () for row in failed]

    def _classification_columns(
        self, chunk: _Chunk, failed: list[tuple[int, ...]]
    ) -> tuple[list[Mapping[str, Any] | None], list[int | None]]:
        """The first classification rule that places each eligible record, in order: a rule
        is evaluated only for the women no earlier rule placed, as `score` does."""
        chosen: list[Mapping[str, Any] | None] = [None] * chunk.n
        categories: list[int | None] = [None] * chunk.n
        waiting = [i for i, why in enumerate(failed) if not why]
        for rule, check in self._classification:
            if not waiting:
                break
            flags = check.column(chunk.get, chunk.n, waiting)
            for i, ok in zip(waiting, flags, strict=True):
                if ok:
                    chosen[i] = rule
                    categories[i] = int(rule["category"])
            waiting = [i for i, ok in zip(waiting, flags, strict=True) if not ok]
        return chosen, categories

    def outline_at(self, columns: OutlineColumns, i: int) -> Outline:
        """Record `i`'s `Outline` from the chunk's columns."""
        rules = self._eligibility
        return Outline(
            tuple(column[i] for column in columns.lines),
            tuple(column[i] for column in columns.points),
            {g: column[i] for g, column in columns.subtotals.items()},
            columns.total[i],
            tuple((rules[k][0]["id"], rules[k][0].get("reason") or {}) for k in columns.failed[i]),
            columns.chosen[i],
        )

    def result(self, outline: Outline) -> ScoreResult:
        """The ScoreResult `score` builds from the same work (through the same `assemble`)."""
        return assemble(
            self.grid, self.form, outline.criteria, outline.subtotals, outline.total,
            outline.not_eligible_reasons, outline.chosen,
        )

    def score(self, answers: Mapping[str, Any]) -> ScoreResult:
        return self.result(self.outline(answers))


class _Chunk:
    """A chunk of records held as columns (name -> one value per record), with each
    column's typed memo keys worked out once, when first asked for."""

    def __init__(self, columns: Mapping[str, Sequence[Any]], n: int) -> None:
        self.values: dict[str, Sequence[Any]] = dict(columns)
        self.typed: dict[str, list[Any]] = {}
        self.n = n
        self._none = [None] * n

    def get(self, name: str) -> tuple[Sequence[Any], list[Any]]:
        col = self.values.get(name, self._none)
        keys = self.typed.get(name)
        if keys is None:
            kinds = list(map(type, col))
            keys = self.typed[name] = (
                list(zip(kinds, col, strict=True))
                if _IMMUTABLE.issuperset(kinds)
                else [typed_key(v) for v in col]
            )
        return col, keys

    def set(self, name: str, column: Sequence[Any]) -> None:
        self.values[name] = column
        self.typed.pop(name, None)

    def record(self, i: int) -> dict[str, Any]:
        return {k: v[i] for k, v in self.values.items()}
