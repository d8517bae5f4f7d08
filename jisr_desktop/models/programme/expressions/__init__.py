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

The package: `tree` (the nodes, the printer), `syntax` (the parser), `values` (the
evaluator, the reference), `compiled` (remembered and column-wise evaluation). It imports
nothing but the standard library.
"""

from jisr_desktop.models.programme.expressions.compiled import (
    Memo,
    compile_holds,
    compile_value,
    holds,
    satisfies,
    typed_key,
)
from jisr_desktop.models.programme.expressions.syntax import parse, references
from jisr_desktop.models.programme.expressions.tree import (
    Binary,
    Call,
    Current,
    Expression,
    ExpressionError,
    Number,
    Ref,
    String,
    Unary,
    to_text,
)
from jisr_desktop.models.programme.expressions.values import evaluate, truthy, value_of

__all__ = [
    "Binary",
    "Call",
    "Current",
    "Expression",
    "ExpressionError",
    "Memo",
    "Number",
    "Ref",
    "String",
    "Unary",
    "compile_holds",
    "compile_value",
    "evaluate",
    "holds",
    "parse",
    "references",
    "satisfies",
    "to_text",
    "truthy",
    "typed_key",
    "value_of",
]
