"""The rule language: its own tree, checker, cost bound, code generator and runtime helpers.

A ``when`` condition is parsed with the standard library's :mod:`ast` and converted by
:mod:`goalcheck._lang.check` into the frozen node classes of :mod:`goalcheck._lang.nodes`,
each carrying its value :class:`~goalcheck._lang.types.Kind` and its source span.  Those nodes
are the rule set's representation (``RuleSet.trees``): :mod:`goalcheck._lang.codegen`
compiles them to Python, and another backend can compile the same nodes.

Semantics (three-valued, Kleene): a comparison that touches ``None`` is *unknown*, and so is
its negation; ``and``/``or`` follow Kleene's tables; a rule matches only when its condition
is *true*.  Arithmetic with ``None`` gives ``None``, and so do division by zero and every
arithmetic result that is not finite (overflow to infinity, NaN).  ``x is None`` is always
true or false.  NaN never compares true.
"""

from __future__ import annotations

from goalcheck._lang.check import (
    FUNCTIONS,
    MAX_COST,
    MAX_DEPTH,
    MAX_INT,
    MAX_NODES,
    MAX_SOURCE,
    Checked,
    check,
)
from goalcheck._lang.codegen import compile_classifier, compile_rule_tests, generate_source
from goalcheck._lang.nodes import (
    Arith,
    BoolOp,
    Call,
    Compare,
    IfExp,
    IsNone,
    Literal,
    Name,
    Negate,
    Node,
    NodeVisitor,
    Not,
    Span,
    walk,
)
from goalcheck._lang.runtime import safe_pow
from goalcheck._lang.types import Kind

__all__ = [
    "FUNCTIONS",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_INT",
    "MAX_NODES",
    "MAX_SOURCE",
    "Arith",
    "BoolOp",
    "Call",
    "Checked",
    "Compare",
    "IfExp",
    "IsNone",
    "Kind",
    "Literal",
    "Name",
    "Negate",
    "Node",
    "NodeVisitor",
    "Not",
    "Span",
    "check",
    "compile_classifier",
    "compile_rule_tests",
    "generate_source",
    "safe_pow",
    "walk",
]
