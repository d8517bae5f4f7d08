"""The expression tree (frozen dataclasses), the operators and functions it may hold,
and the printer that turns a tree back into text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

# instead of a RecursionError in the parser, the evaluator or the printer.
_MAX_NESTING = 50
_MAX_DEPTH = 100
# Long enough for any finite float printed in full by to_text, short enough that int()
# never meets Python's 4300-digit limit.
_MAX_NUMBER_CHARS = 400
# Integer results beyond about 3900 digits are "out of range" (''), like a float overflow:
# every number the evaluator makes can then be printed (str() refuses over 4300 digits).
_MAX_INT_BITS = 13_000


class ExpressionError(ValueError):
    """A malformed expression (or a bad regex pattern). `position` is the 0-based index in
    the expression text; the message ends with it: "unexpected ')' at 14"."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at {position}")
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, int]]:
        # Default pickling would call __init__ with the formatted text only.
        return (type(self), (self.message, self.position))


# --- the tree -------------------------------------------------------------------------------
# `pos` is kept for error messages but left out of equality and repr, so the same text
# always gives equal trees whatever the spacing, and to_text/parse round-trips compare equal.


class Expression:
    """Base of every node of a parsed expression."""

    __slots__ = ()


@dataclass(frozen=True)
class String(Expression):
    value: str
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Number(Expression):
    value: int | float
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Ref(Expression):
    """`${name}`: the answer to another field."""

    name: str
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Current(Expression):
    """`.`: the value of the field being checked (in constraints)."""

    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Unary(Expression):
    op: str  # only "-"
    operand: Expression
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Binary(Expression):
    op: str
    left: Expression
    right: Expression
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Call(Expression):
    name: str
    args: tuple[Expression, ...]
    pos: int = field(default=0, compare=False, repr=False)


# Binding strength of binary operators; all are left-associative.
_PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "=": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
    "+": 4, "-": 4,
    "*": 5, "div": 5, "mod": 5,
}
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_WORD_OPERATORS = frozenset({"or", "and", "div", "mod"})

# name -> (fewest, most) arguments; None means no upper bound.
_ARITY: dict[str, tuple[int, int | None]] = {
    "not": (1, 1),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (0, 1),
    "regex": (2, 2),
    "if": (3, 3),
    "coalesce": (2, None),
    "concat": (0, None),
    "int": (1, 1),
    "number": (1, 1),
    "today": (0, 0),
    "age": (1, 1),
    "true": (0, 0),
    "false": (0, 0),
}



@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _compile(pattern: str, pos: int) -> re.Pattern[str]:
    try:
        return _compiled(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        raise ExpressionError(f"invalid regular expression {pattern!r} ({exc})", pos) from None


# --- printer --------------------------------------------------------------------------------


def to_text(expr: Expression) -> str:
    """Canonical text of a tree; parse(to_text(t)) == t for every tree parse can produce."""
    if isinstance(expr, String):
        return _quote(expr.value)
    if isinstance(expr, Number):
        return _number_text(expr.value)
    if isinstance(expr, Ref):
        return "${" + expr.name + "}"
    if isinstance(expr, Current):
        return "."
    if isinstance(expr, Unary):
        inner = to_text(expr.operand)
        return "-" + (f"({inner})" if isinstance(expr.operand, Binary) else inner)
    if isinstance(expr, Binary):
        strength = _PRECEDENCE[expr.op]
        left, right = to_text(expr.left), to_text(expr.right)
        if isinstance(expr.left, Binary) and _PRECEDENCE[expr.left.op] < strength:
            left = f"({left})"
        # Same strength on the right needs parentheses: a - (b - c) is not a - b - c.
        if isinstance(expr.right, Binary) and _PRECEDENCE[expr.right.op] <= strength:
            right = f"({right})"
        return f"{left} {expr.op} {right}"
    if isinstance(expr, Call):
        return f"{expr.name}({', '.join(to_text(a) for a in expr.args)})"
    raise TypeError(f"not an expression node: {expr!r}")


def _quote(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _number_text(value: int | float) -> str:
    if isinstance(value, float):
        # Positional, never "1e+16", and always with a point so it parses back as a float.
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    return str(value)


