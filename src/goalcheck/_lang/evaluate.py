"""A small interpreter of the language's trees, with the documented semantics.

Slower than compiled code (a Python call per node), so the engine never uses it on the hot
path; it serves where one tree is evaluated once: conditional reason templates, lint's
witnesses, and as a readable statement of the semantics a backend must match (the compiled
code is tested against it).  Booleans are ``True``, ``False`` or ``None`` (unknown).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

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
    Not,
)
from goalcheck._lang.runtime import SAFE_OPS, safe_pow

__all__ = ["evaluate"]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "abs": abs}


def _kleene(op: str, values: list[Any]) -> bool | None:
    if op == "and":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


def evaluate(node: Node, values: Mapping[str, object]) -> Any:
    """The value of *node* with facts and parameters taken from *values* (missing: ``None``)."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return values.get(node.id)
    if isinstance(node, BoolOp):
        return _kleene(node.op, [evaluate(value, values) for value in node.values])
    if isinstance(node, Not):
        operand = evaluate(node.operand, values)
        return None if operand is None else not operand
    if isinstance(node, IsNone):
        return (evaluate(node.operand, values) is None) != node.negated
    if isinstance(node, IfExp):
        test = evaluate(node.test, values)
        if test is None:
            return None
        return evaluate(node.body if test else node.orelse, values)
    operands = [evaluate(child, values) for child in node.children()]
    if None in operands:
        return None
    return _apply(node, operands)


def _apply(node: Node, operands: list[Any]) -> Any:
    if isinstance(node, Compare):
        return _COMPARE[node.op](*operands)
    if isinstance(node, Arith):
        if node.op == "**":
            return safe_pow(*operands)
        return SAFE_OPS[node.op][1](*operands)
    if isinstance(node, Negate):
        return -operands[0]
    if isinstance(node, Call):
        if node.func == "round":
            try:
                return round(*operands)
            except (OverflowError, ValueError):
                return None
        return _FUNCTIONS[node.func](*operands)
    raise TypeError(f"not a node of the language: {node!r}")
