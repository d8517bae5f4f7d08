"""The evaluator: an expression tree and the answers to a value, by the rules of the
package docstring. The reference every faster path (compiled.py) must agree with."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from jisr_desktop.models.programme.expressions.syntax import parse
from jisr_desktop.models.programme.expressions.tree import (
    _COMPARISONS,
    _MAX_INT_BITS,
    Binary,
    Call,
    Current,
    Expression,
    Number,
    Ref,
    String,
    Unary,
    _compile,
)

# --- evaluator ------------------------------------------------------------------------------


class _Context(NamedTuple):
    values: Mapping[str, Any]
    current: Any
    today: date


def value_of(expr: str | Expression, values: Mapping[str, Any], *, current: Any = None,
             today: date | None = None) -> Any:
    """Value of `expr` given the answers in `values`; `current` is `.`, `today` fixes today()
    and age() (tests, and re-scoring a record as of its registration day)."""
    tree = parse(expr) if isinstance(expr, str) else expr
    return _eval(tree, _Context(values, current, today or date.today()))


evaluate = value_of  # the name the validation and the assessment rules call it by



def truthy(value: Any) -> bool:
    """XPath boolean(): '', None, False, 0 (and NaN) and [] are false, everything else true."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str | list | tuple):
        return len(value) > 0
    return bool(value)


def _eval(node: Expression, ctx: _Context) -> Any:
    if isinstance(node, String | Number):
        return node.value
    if isinstance(node, Ref):
        value = ctx.values.get(node.name)
        return "" if value is None else value
    if isinstance(node, Current):
        return "" if ctx.current is None else ctx.current
    if isinstance(node, Unary):
        number = _as_number(_eval(node.operand, ctx))
        return "" if number is None else -number
    if isinstance(node, Binary):
        op = node.op
        if op == "or":  # both short-circuit, like XPath
            return truthy(_eval(node.left, ctx)) or truthy(_eval(node.right, ctx))
        if op == "and":
            return truthy(_eval(node.left, ctx)) and truthy(_eval(node.right, ctx))
        left, right = _eval(node.left, ctx), _eval(node.right, ctx)
        if op in _COMPARISONS:
            return _compare(op, left, right)
        return _arithmetic(op, left, right)
    if isinstance(node, Call):
        return _call(node, ctx)
    raise TypeError(f"not an expression node: {node!r}")


def _call(node: Call, ctx: _Context) -> Any:
    name, args = node.name, node.args
    # Lazy ones first: only the branch taken is evaluated.
    if name == "if":
        return _eval(args[1] if truthy(_eval(args[0], ctx)) else args[2], ctx)
    if name == "coalesce":
        for arg in args:
            value = _eval(arg, ctx)
            if not _is_blank(value):
                return value
        return ""
    values = [_eval(arg, ctx) for arg in args]
    if name == "regex":
        return _compile(_to_string(values[1]), node.pos).search(_to_string(values[0])) is not None
    if name == "today":
        return _iso(ctx.today)
    if name == "age":
        return _age(values[0], ctx.today)
    if name == "string-length" and not values:
        values = [ctx.current]
    return _SIMPLE_FUNCTIONS[name](*values)


# --- value helpers --------------------------------------------------------------------------

_NUMERIC = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and len(value) == 0)


def _iso(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _scalar(value: Any) -> Any:
    """A list reads as its space-separated items (as XLSForm stores select_multiple)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(_to_string(item) for item in value)
    if isinstance(value, date):
        return _iso(value)
    return value


def _to_string(value: Any) -> str:
    value = _scalar(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _format_number(value)
    return value if isinstance(value, str) else str(value)


def _format_number(value: int | float) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer():
            return str(int(value))  # XPath prints 2.0 as "2"
        return format(Decimal(repr(value)), "f")
    try:
        return str(value)
    except ValueError:  # a caller's int beyond Python's digit limit
        return ""


def _as_number(value: Any) -> int | float | None:
    """The number a value stands for, or None (blank, non-numeric text, NaN/infinity)."""
    value = _scalar(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        if not _NUMERIC.fullmatch(text):
            return None
        try:
            number: int | float = float(text) if "." in text else int(text)
        except ValueError:  # more digits than int() accepts
            return None
        return number if not isinstance(number, float) or math.isfinite(number) else None
    return None


def _as_date(value: Any) -> date | None:
    value = _scalar(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):  # fromisoformat alone also takes "20240101" and weeks
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    left, right = _scalar(left), _scalar(right)
    if _is_blank(left) or _is_blank(right):
        return False  # an unanswered question satisfies no ordering
    a, b = _as_number(left), _as_number(right)
    if a is None or b is None:
        da, db = _as_date(left), _as_date(right)
        if da is None or db is None:
            return False  # not comparable: text with numbers, or two free texts (XPath NaN)
        a, b = da.toordinal(), db.toordinal()
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _equal(left: Any, right: Any) -> bool:
    left, right = _scalar(left), _scalar(right)
    if isinstance(left, bool) or isinstance(right, bool):
        return truthy(left) == truthy(right)
    if _is_blank(left) or _is_blank(right):
        return _is_blank(left) and _is_blank(right)
    a, b = _as_number(left), _as_number(right)
    if a is not None and b is not None:
        return a == b
    return _to_string(left) == _to_string(right)


def _arithmetic(op: str, left: Any, right: Any) -> int | float | str:
    a, b = _as_number(left), _as_number(right)
    if a is None or b is None:
        return ""
    try:
        if op == "+":
            result = a + b
        elif op == "-":
            result = a - b
        elif op == "*":
            result = a * b
        elif b == 0:
            return ""  # div or mod by zero: no answer rather than an error or infinity
        elif op == "div":
            result = a / b
        else:
            result = _truncated_mod(a, b)
    except OverflowError:
        return ""
    if isinstance(result, float) and not math.isfinite(result):
        return ""
    if isinstance(result, int) and result.bit_length() > _MAX_INT_BITS:
        return ""
    return result


def _truncated_mod(a: int | float, b: int | float) -> int | float:
    # XPath mod keeps the sign of the dividend (5 mod -2 = 1, -5 mod 2 = -1), unlike
    # Python's %; exact on ints, fmod on floats.
    if isinstance(a, int) and isinstance(b, int):
        remainder = abs(a) % abs(b)
        return -remainder if a < 0 else remainder
    return math.fmod(a, b)


def _items(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_to_string(item).strip() for item in value if not _is_blank(item)]
    return _to_string(value).split()


def _selected(container: Any, value: Any) -> bool:
    needle = _to_string(value).strip()
    return needle != "" and needle in _items(container)


def _int(value: Any) -> int | str:
    number = _as_number(value)
    return "" if number is None else int(number)  # int() truncates toward zero, as XPath


def _number(value: Any) -> int | float | str:
    number = _as_number(value)
    return "" if number is None else number


def _age(value: Any, today: date) -> int | str:
    born = _as_date(value)
    if born is None:
        return ""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_SIMPLE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "not": lambda value: not truthy(value),
    "selected": _selected,
    "count-selected": lambda value: len(_items(value)),
    "string-length": lambda value: len(_to_string(value)),
    "concat": lambda *values: "".join(_to_string(v) for v in values),
    "int": _int,
    "number": _number,
    "true": lambda: True,
    "false": lambda: False,
}

