"""Text to tree: the tokenizer and the precedence-climbing parser. Parsing is cached per
text (definitions repeat a few hundred expressions over every record)."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, NamedTuple

from jisr_desktop.models.programme.expressions.tree import (
    _ARITY,
    _MAX_DEPTH,
    _MAX_NESTING,
    _MAX_NUMBER_CHARS,
    _PRECEDENCE,
    _WORD_OPERATORS,
    Binary,
    Call,
    Current,
    Expression,
    ExpressionError,
    Number,
    Ref,
    String,
    Unary,
    _compile,
)

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


