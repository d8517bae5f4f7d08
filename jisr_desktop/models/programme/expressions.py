"""XLSForm-style expressions of the definition files: tokenizer, parser, printer, evaluator.

The definitions are data the ministry may change without a release, so their expressions
are parsed by hand into a small tree of frozen dataclasses and evaluated by walking it.
User text never reaches eval/exec/ast: the only things an expression can do are the
operators and functions listed in docs/definitions.md ("Expressions").

Value rules (why they are what they are):
- a missing or None answer is '', so an unanswered question never satisfies a numeric
  comparison and arithmetic on it gives '' instead of raising;
- numbers typed into text fields arrive as strings, so two numeric-looking values
  compare as numbers ('10' > '9');
- ISO dates (YYYY-MM-DD) compare as dates;
- select_multiple answers are lists; used as a plain value they read as the
  space-separated string XLSForm would store.

Extensions beyond XPath 1.0, all harmless for existing forms: a quote inside a string
literal may be written doubled ('it''s'), so every string can be printed back; coalesce
and concat take any number of arguments; string-length() without argument reads `.`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "Binary",
    "Call",
    "Current",
    "Expression",
    "ExpressionError",
    "Number",
    "Ref",
    "String",
    "Unary",
    "compile_holds",
    "compile_value",
    "evaluate",
    "parse",
    "references",
    "satisfies",
    "to_text",
    "truthy",
    "typed_key",
]

# Nesting is bounded so that a hostile or mistyped definition gives an ExpressionError
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


# --- tokenizer ------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # number | string | ref | dot | name | op | end
    text: str  # the source text, for messages
    value: Any
    pos: int


_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Hyphens only between letters, so "count-selected" is one name but "div-1" is div, -, 1.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ",")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "'\"":
            value, end = _read_string(text, i)
            tokens.append(_Token("string", text[i:end], value, i))
            i = end
            continue
        if ch == "$":
            m = _REF.match(text, i)
            if m is None:
                raise ExpressionError("malformed reference, expected ${name}", i)
            tokens.append(_Token("ref", m.group(), m.group(1), i))
            i = m.end()
            continue
        m = _NUMBER.match(text, i)
        if m is not None:
            tokens.append(_Token("number", m.group(), _number_literal(m.group(), i), i))
            i = m.end()
            continue
        if ch == ".":
            tokens.append(_Token("dot", ".", None, i))
            i += 1
            continue
        m = _NAME.match(text, i)
        if m is not None:
            tokens.append(_Token("name", m.group(), m.group(), i))
            i = m.end()
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is None:
            raise ExpressionError(f"unexpected character {ch!r}", i)
        tokens.append(_Token("op", op, op, i))
        i += len(op)
    tokens.append(_Token("end", "", None, n))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    """The literal opening at `start` and the index just past its closing quote."""
    quote = text[start]
    parts: list[str] = []
    j = start + 1
    while True:
        k = text.find(quote, j)
        if k < 0:
            raise ExpressionError("unterminated string", start)
        parts.append(text[j:k])
        if text.startswith(quote, k + 1):  # a doubled quote stands for one quote character
            parts.append(quote)
            j = k + 2
            continue
        return "".join(parts), k + 1


def _number_literal(token: str, pos: int) -> int | float:
    if len(token) > _MAX_NUMBER_CHARS:
        raise ExpressionError("number too long", pos)
    if "." not in token:
        return int(token)
    value = float(token)
    if not math.isfinite(value):
        raise ExpressionError("number out of range", pos)
    return value


# --- parser (precedence climbing) -----------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.index = 0
        self.nesting = 0

    def parse(self) -> Expression:
        if self.peek().kind == "end":
            raise ExpressionError("empty expression", 0)
        node = self.expression(1)
        token = self.peek()
        if token.kind != "end":
            raise self.unexpected(token)
        return node

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at(self, op: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == op

    def expect(self, op: str) -> _Token:
        token = self.peek()
        if not self.at(op):
            raise ExpressionError(f"expected {op!r} but found {_describe(token)}", token.pos)
        return self.advance()

    @staticmethod
    def unexpected(token: _Token) -> ExpressionError:
        return ExpressionError(f"unexpected {_describe(token)}", token.pos)

    def enter(self, pos: int) -> None:
        self.nesting += 1
        if self.nesting > _MAX_NESTING:
            raise ExpressionError("expression nested too deeply", pos)

    def expression(self, min_precedence: int) -> Expression:
        left = self.unary()
        while True:
            token = self.peek()
            op = _binary_operator(token)
            if op is None or _PRECEDENCE[op] < min_precedence:
                return left
            self.advance()
            # +1: an operator of the same strength on the right starts a new loop turn,
            # which makes every operator left-associative.
            right = self.expression(_PRECEDENCE[op] + 1)
            left = Binary(op, left, right, token.pos)

    def unary(self) -> Expression:
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.advance()
            self.enter(token.pos)
            operand = self.unary()
            self.nesting -= 1
            return Unary("-", operand, token.pos)
        return self.primary()

    def primary(self) -> Expression:
        token = self.advance()
        if token.kind == "number":
            return Number(token.value, token.pos)
        if token.kind == "string":
            return String(token.value, token.pos)
        if token.kind == "ref":
            return Ref(token.value, token.pos)
        if token.kind == "dot":
            return Current(token.pos)
        if token.kind == "op" and token.text == "(":
            self.enter(token.pos)
            inner = self.expression(1)
            self.expect(")")
            self.nesting -= 1
            return inner
        if token.kind == "name":
            return self.call(token)
        raise self.unexpected(token)

    def call(self, token: _Token) -> Expression:
        name = token.text
        if not self.at("("):
            if name in _ARITY:
                raise ExpressionError(f"expected '(' after {name}", self.peek().pos)
            if name in _WORD_OPERATORS:
                raise self.unexpected(token)
            raise ExpressionError(f"unknown name {name!r} (a field is written ${{{name}}})",
                                  token.pos)
        if name not in _ARITY:
            raise ExpressionError(f"unknown function {name!r}", token.pos)
        self.advance()
        self.enter(token.pos)
        args: list[Expression] = []
        if not self.at(")"):
            args.append(self.expression(1))
            while self.at(","):
                self.advance()
                args.append(self.expression(1))
        self.expect(")")
        self.nesting -= 1
        fewest, most = _ARITY[name]
        if len(args) < fewest or (most is not None and len(args) > most):
            raise ExpressionError(
                f"{name}() takes {_arity_text(fewest, most)}, got {len(args)}", token.pos)
        if name == "regex" and isinstance(args[1], String):
            _compile(args[1].value, args[1].pos)  # a literal bad pattern fails at load time
        return Call(name, tuple(args), token.pos)


def _binary_operator(token: _Token) -> str | None:
    if token.kind == "op" and token.text in _PRECEDENCE:
        return token.text
    if token.kind == "name" and token.text in _WORD_OPERATORS:
        return token.text
    return None


def _describe(token: _Token) -> str:
    return "end of expression" if token.kind == "end" else repr(token.text)


def _arity_text(fewest: int, most: int | None) -> str:
    if most is None:
        count = f"at least {fewest}"
    elif fewest == most:
        count = str(fewest)
    else:
        count = f"{fewest} to {most}"
    return f"{count} argument" + ("" if count == "1" else "s")


def _children(node: Expression) -> tuple[Expression, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _check_depth(root: Expression) -> None:
    # Iterative on purpose: long "a or b or c ..." chains nest to the left without any
    # parser recursion, and must be caught before anything walks them recursively.
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise ExpressionError("expression too long or nested too deeply",
                                  getattr(node, "pos", 0))
        stack.extend((child, depth + 1) for child in _children(node))


@lru_cache(maxsize=2048)
def parse(text: str) -> Expression:
    """Parse an expression; the same text always gives the same (shared, immutable) tree."""
    tree = _Parser(text).parse()
    _check_depth(tree)
    return tree


@lru_cache(maxsize=2048)
def references(text: str) -> frozenset[str]:
    """Names of the fields the expression reads as ${name} (for dependency ordering)."""
    names: set[str] = set()
    stack = [parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            names.add(node.name)
        stack.extend(_children(node))
    return frozenset(names)


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


# --- evaluator ------------------------------------------------------------------------------


class _Context(NamedTuple):
    values: Mapping[str, Any]
    current: Any
    today: date


def evaluate(expr: str | Expression, values: Mapping[str, Any], *, current: Any = None,
             today: date | None = None) -> Any:
    """Value of `expr` given the answers in `values`; `current` is `.`, `today` fixes today()
    and age() (tests, and re-scoring a record as of its registration day)."""
    tree = parse(expr) if isinstance(expr, str) else expr
    return _eval(tree, _Context(values, current, today or date.today()))


def holds(expr: str, values: Mapping[str, Any], *, today: date | None = None) -> bool:
    """`truthy(evaluate(expr, values))`, remembered per combination of the values the
    expression reads, each with its type (1, 1.0 and True are equal as dictionary keys but
    not as expression values). Expressions are pure, and grids and rules run over 100,000
    records whose answers repeat a great deal (re-scoring, imports, as-you-type checks).
    For one expression over many records, `compile_holds` is cheaper still."""
    day = today or date.today()
    try:
        key = (expr, day, tuple(typed_key(values.get(name)) for name in _ordered_references(expr)))
        return _HOLDS_MEMO[key]
    except KeyError:
        result = _HOLDS_MEMO[key] = truthy(evaluate(expr, values, today=day))
        if len(_HOLDS_MEMO) > _HOLDS_MEMO_MAX:
            _HOLDS_MEMO.clear()
        return result
    except TypeError:  # not a JSON value: evaluate without the memo
        return truthy(evaluate(expr, values, today=day))


_HOLDS_MEMO: dict[tuple[Any, ...], bool] = {}
_HOLDS_MEMO_MAX = 65_536


def compile_holds(expr: str, *, today: date | None = None,
                  memo_size: int = 65_536) -> Callable[[Mapping[str, Any]], bool]:
    """`values -> truthy(evaluate(expr, values, today=today))`, for one expression called
    on many records (a re-scoring: every rule of the grid on 100,000 answer sets).

    The expression is parsed once and the function remembers its result per combination
    of the values it reads, each with its type, in a dictionary of its own: a call costs
    the look-up of those values and one dictionary access, where `holds` also hashes the
    expression text and the day and goes through two lru_caches. A combination not seen
    before (or an unhashable one) is evaluated by the tree-walking evaluator itself, so the
    result is the reference's by construction (tests/test_expressions.py checks it)."""
    return _compiled_function(parse(expr), _ordered_references(expr), today or date.today(),
                              memo_size, truthy)


def compile_value(expr: str, *, today: date | None = None,
                  memo_size: int = 65_536) -> Callable[[Mapping[str, Any]], Any]:
    """`values -> evaluate(expr, values, today=today)`, remembered as `compile_holds` does.
    Only immutable results (text, numbers, booleans) are remembered: a list answer read
    back through `${name}` is the caller's own object, and is returned as the evaluator
    returns it."""
    return _compiled_function(parse(expr), _ordered_references(expr), today or date.today(),
                              memo_size)


def _compiled_function(tree: Expression, names: tuple[str, ...], day: date, memo_size: int,
                       then: Callable[[Any], Any] | None = None
                       ) -> Callable[[Mapping[str, Any]], Any]:
    memo: dict[Any, Any] = {}

    def reference(values: Mapping[str, Any]) -> Any:
        value = _eval(tree, _Context(values, None, day))
        return value if then is None else then(value)

    def remember(key: Any, values: Mapping[str, Any]) -> Any:
        value = reference(values)
        if type(value) in _IMMUTABLE:
            if len(memo) >= memo_size:
                memo.clear()
            memo[key] = value
        return value

    def column(get: Callable[[str], tuple[Any, list[Any]]], n: int,
               indices: list[int] | None = None) -> list[Any]:
        """The results for a chunk of records held as columns: `get(name)` gives the
        values of the name and their `typed_key`s, one per record, `n` records; only the
        records in `indices` (all if None) are evaluated, in that order. The memo is the
        one the function itself uses: a call and a column give the same results."""
        if len(names) == 1:
            keys = get(names[0])[1]
        elif names:
            keys = list(zip(*(get(name)[1] for name in names), strict=True))
        else:
            keys = [()] * n
        if indices is not None:
            keys = [keys[i] for i in indices]
        out = [memo.get(key, _MISSING) for key in keys]
        if _MISSING in out:
            for j, value in enumerate(out):
                if value is _MISSING:
                    i = j if indices is None else indices[j]
                    out[j] = remember(keys[j], {name: get(name)[0][i] for name in names})
        return out

    if len(names) == 1:
        (name,) = names

        def one(values: Mapping[str, Any]) -> Any:
            value = values.get(name)
            cls = value.__class__
            try:
                # The type is part of the key: 1, 1.0 and True are equal as dictionary
                # keys but not as expression values (`${x} = 'true'`, string-length()).
                key = (cls, value) if cls in _IMMUTABLE else typed_key(value)
                return memo[key]
            except KeyError:
                return remember(key, values)
            except TypeError:  # not a JSON value (a dict, a set...): not remembered
                return reference(values)

        one.column = column  # type: ignore[attr-defined]
        return one

    def many(values: Mapping[str, Any]) -> Any:
        try:
            key = tuple(typed_key(values.get(name)) for name in names)
            hit = memo.get(key, _MISSING)
        except TypeError:
            return reference(values)
        return remember(key, values) if hit is _MISSING else hit

    many.column = column  # type: ignore[attr-defined]
    return many


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_MISSING = object()


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


def satisfies(expr: str, values: Mapping[str, Any], current: Any, *,
              today: date | None = None) -> bool:
    """`truthy(evaluate(expr, values, current=current))` (a constraint on `current`),
    remembered like `holds` per combination of `.` and the values the expression reads:
    imports and pushes check the same patterns on many equal answers.

    Only text and missing values are remembered: 1, 1.0 and True are equal as dict keys
    but not as expression values (string-length, regex), and a str equals only a str."""
    day = today or date.today()
    key = (current, *(values.get(name) for name in _ordered_references(expr)))
    if all(value is None or type(value) is str for value in key):
        return _satisfies_memo(expr, day, key)
    return truthy(evaluate(expr, values, current=current, today=day))


@lru_cache(maxsize=65536)
def _satisfies_memo(expr: str, day: date, key: tuple[Any, ...]) -> bool:
    values = dict(zip(_ordered_references(expr), key[1:], strict=True))
    return truthy(evaluate(expr, values, current=key[0], today=day))


@lru_cache(maxsize=4096)
def _ordered_references(expr: str) -> tuple[str, ...]:
    return tuple(sorted(references(expr)))


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


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _compile(pattern: str, pos: int) -> re.Pattern[str]:
    try:
        return _compiled(pattern)
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        raise ExpressionError(f"invalid regular expression {pattern!r} ({exc})", pos) from None


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
