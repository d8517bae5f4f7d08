"""Expressions evaluated many times: results remembered per combination of the values an
expression reads (each with its type), and applied column-wise to a chunk of records.

`Memo` is the one memo mechanism of the programme rules and of re-scoring: a dictionary
bounded in size (emptied when full, so a stream of odd answers cannot grow it). Every
remembered result is the evaluator's own (values.py) for the same values, computed the
first time they are seen, so a remembered path gives the reference's results by
construction. (The parser's `lru_cache` is a cache of parsed definition text, not of
results over answers.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from jisr_desktop.models.programme.expressions.syntax import parse, references
from jisr_desktop.models.programme.expressions.tree import Expression
from jisr_desktop.models.programme.expressions.values import _Context, _eval, evaluate, truthy

_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_MISSING = object()


class Memo(dict):
    """Results by key, at most `size` of them: when full, it starts again empty."""

    def __init__(self, size: int = 65_536) -> None:
        super().__init__()
        self.size = size

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


def typed_key(value: Any) -> tuple[Any, ...]:
    """A memo key for one answer: the value with its type (1, 1.0 and True are equal as
    dictionary keys but not as expression values), the items of a list or tuple (a
    select_multiple answer) typed alike. TypeError for any other kind of value."""
    cls = value.__class__
    if cls in _IMMUTABLE:
        return (cls, value)
    if cls is list or cls is tuple:
        return (cls, tuple(typed_key(item) for item in value))
    raise TypeError(f"not remembered: {cls.__name__}")


@lru_cache(maxsize=4096)
def _ordered_references(expr: str) -> tuple[str, ...]:
    return tuple(sorted(references(expr)))


_HOLDS = Memo(65_536)
_SATISFIES = Memo(65_536)


def holds(expr: str, values: Mapping[str, Any], *, today: date | None = None) -> bool:
    """`truthy(evaluate(expr, values))`, remembered per combination of the values the
    expression reads, each with its type. Expressions are pure, and grids and rules run
    over many records whose answers repeat a great deal (imports, as-you-type checks).
    For one expression over many records, `compile_holds` is cheaper still."""
    day = today or date.today()
    try:
        key = (expr, day, tuple(typed_key(values.get(name)) for name in _ordered_references(expr)))
        return _HOLDS[key]
    except KeyError:
        return _HOLDS.put(key, truthy(evaluate(expr, values, today=day)))
    except TypeError:  # not a JSON value: evaluate without the memo
        return truthy(evaluate(expr, values, today=day))


def satisfies(expr: str, values: Mapping[str, Any], current: Any, *,
              today: date | None = None) -> bool:
    """`truthy(evaluate(expr, values, current=current))` (a constraint on `current`),
    remembered like `holds` per combination of `.` and the values the expression reads:
    imports and pushes check the same patterns on many equal answers.

    Only text and missing values are remembered: 1, 1.0 and True are equal as dict keys
    but not as expression values (string-length, regex), and a str equals only a str."""
    day = today or date.today()
    key = (current, *(values.get(name) for name in _ordered_references(expr)))
    if not all(value is None or type(value) is str for value in key):
        return truthy(evaluate(expr, values, current=current, today=day))
    memo_key = (expr, day, key)
    hit = _SATISFIES.get(memo_key, _MISSING)
    if hit is _MISSING:
        hit = _SATISFIES.put(memo_key, truthy(evaluate(expr, values, current=current, today=day)))
    return hit


class CompiledExpression:
    """One expression parsed once, for many records: `expr(values)` is
    `evaluate(expr, values, today=day)` (made truthy for a condition), remembered in a
    `Memo` of its own per combination of the values it reads; `expr.column(...)` gives
    the results for a chunk of records held as columns, through the same memo."""

    def __init__(self, tree: Expression, names: tuple[str, ...], day: date, memo_size: int,
                 then: Callable[[Any], Any] | None = None) -> None:
        self.tree, self.names, self.day, self.then = tree, names, day, then
        self.memo = Memo(memo_size)

    def reference(self, values: Mapping[str, Any]) -> Any:
        value = _eval(self.tree, _Context(values, None, self.day))
        return value if self.then is None else self.then(value)

    def _remember(self, key: Any, values: Mapping[str, Any]) -> Any:
        value = self.reference(values)
        # Only immutable results: a list answer read back through `${name}` is the
        # caller's own object, and is returned as the evaluator returns it.
        if type(value) in _IMMUTABLE:
            self.memo.put(key, value)
        return value

    def __call__(self, values: Mapping[str, Any]) -> Any:
        names = self.names
        try:
            if len(names) == 1:
                # The type is part of the key: 1, 1.0 and True are equal as dictionary
                # keys but not as expression values (`${x} = 'true'`, string-length()).
                value = values.get(names[0])
                cls = value.__class__
                key = (cls, value) if cls in _IMMUTABLE else typed_key(value)
            else:
                key = tuple(typed_key(values.get(name)) for name in names)
            hit = self.memo.get(key, _MISSING)
        except TypeError:  # not a JSON value (a dict, a set...): not remembered
            return self.reference(values)
        return self._remember(key, values) if hit is _MISSING else hit

    def column(self, get: Callable[[str], tuple[Any, list[Any]]], n: int,
               indices: list[int] | None = None) -> list[Any]:
        """The results for a chunk of records held as columns: `get(name)` gives the
        values of the name and their `typed_key`s, one per record, `n` records; only the
        records in `indices` (all if None) are evaluated, in that order."""
        names = self.names
        if len(names) == 1:
            keys = get(names[0])[1]
        elif names:
            keys = list(zip(*(get(name)[1] for name in names), strict=True))
        else:
            keys = [()] * n
        if indices is not None:
            keys = [keys[i] for i in indices]
        out = [self.memo.get(key, _MISSING) for key in keys]
        if _MISSING in out:
            for j, value in enumerate(out):
                if value is _MISSING:
                    i = j if indices is None else indices[j]
                    out[j] = self._remember(keys[j], {name: get(name)[0][i] for name in names})
        return out


def compile_holds(expr: str, *, today: date | None = None,
                  memo_size: int = 65_536) -> CompiledExpression:
    """`values -> truthy(evaluate(expr, values, today=today))`, for one expression called
    on many records (a re-scoring: every rule of the grid on 100,000 answer sets)."""
    return CompiledExpression(parse(expr), _ordered_references(expr), today or date.today(),
                              memo_size, truthy)


def compile_value(expr: str, *, today: date | None = None,
                  memo_size: int = 65_536) -> CompiledExpression:
    """`values -> evaluate(expr, values, today=today)`, remembered as `compile_holds` does."""
    return CompiledExpression(parse(expr), _ordered_references(expr), today or date.today(),
                              memo_size)
