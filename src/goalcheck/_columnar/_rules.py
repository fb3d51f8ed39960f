"""Rules compiled from the rule language's tree into one polars ``when/then`` chain.

``RuleSet.trees`` holds one checked tree per rule (``goalcheck._lang.nodes``); this module
turns each into a polars expression with the scalar engine's semantics:

* three-valued logic: a true/false value is ``true``, ``false`` or null (unknown); polars'
  ``&``, ``|`` and ``~`` are Kleene's, a comparison with a null operand is null, and a rule
  matches only where its condition is true (``when`` treats null as false), so neither a
  condition touching a missing value nor its negation matches;
* numbers are ``Float64``; an arithmetic result that is not finite (overflow, a division by
  zero, a complex power) becomes null, so NaN never reaches a comparison (polars orders NaN
  above every number, Python makes every comparison with it false);
* ``min``/``max`` of a null are null (polars' horizontal ones would skip it); ``round`` is
  Python's, computed per value (it rounds the exact decimal value, polars the scaled float).

The chain is ``when(rule 0).then(0).when(rule 1).then(1)...otherwise(-1)``: hit policy
``first``.  For ``unique`` a second column counts the matching rules.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import polars as pl

from goalcheck._io._csv import PARAM_PREFIX
from goalcheck._lang.nodes import Node, NodeVisitor

__all__ = ["compile_chain", "conditions", "match_count"]

_NULL_F = pl.lit(None, dtype=pl.Float64)
_NULL_B = pl.lit(None, dtype=pl.Boolean)


def _finite(x: pl.Expr) -> pl.Expr:
    return pl.when(x.is_finite()).then(x).otherwise(_NULL_F)


def _python_round(digits: int | None) -> Any:
    def apply(series: pl.Series) -> pl.Series:
        values = [None if v is None else _round_one(v, digits) for v in series.to_list()]
        return pl.Series(series.name, values, dtype=pl.Float64)

    return apply


def _round_one(value: float, digits: int | None) -> float | None:
    try:
        result = float(round(value, digits))
    except (OverflowError, ValueError):
        return None
    return result if result - result == 0.0 else None


_COMPARE = {
    "<": pl.Expr.lt,
    "<=": pl.Expr.le,
    ">": pl.Expr.gt,
    ">=": pl.Expr.ge,
    "==": pl.Expr.eq,
    "!=": pl.Expr.ne,
}
_ARITH = {
    "+": pl.Expr.add,
    "-": pl.Expr.sub,
    "*": pl.Expr.mul,
    "/": pl.Expr.truediv,
    "//": pl.Expr.floordiv,
    "%": pl.Expr.mod,
}


class _Compiler(NodeVisitor):
    """Node -> polars expression, one ``visit_<Class>`` per node class of ``_lang.nodes``."""

    def __init__(self, parameters: Mapping[str, object], own: Collection[str]) -> None:
        self.parameters = parameters
        self.own = own

    def generic_visit(self, node: Node) -> pl.Expr:  # pragma: no cover - every class handled
        raise TypeError(f"not a rule-language node: {node!r}")

    def expr(self, node: Node) -> pl.Expr:
        result: pl.Expr = self.visit(node)
        return result

    @staticmethod
    def _kind(node: Any) -> str:
        return str(node.kind.name)

    def visit_Literal(self, node: Any) -> pl.Expr:
        if isinstance(node.value, bool):
            return pl.lit(node.value, dtype=pl.Boolean)
        if node.value is None:
            return _NULL_F
        return pl.lit(float(node.value), dtype=pl.Float64)

    def visit_Name(self, node: Any) -> pl.Expr:
        kind = self._kind(node)
        if node.role == "parameter":
            value = self.parameters[node.id]
            if isinstance(value, bool):
                bound = pl.lit(value, dtype=pl.Boolean)
            else:
                bound = pl.lit(float(value), dtype=pl.Float64)  # type: ignore[arg-type]
            if node.id in self.own:  # the target's own value where it gives one
                return pl.col(PARAM_PREFIX + node.id).fill_null(bound)
            return bound
        column = pl.col(node.id)
        if kind == "NUMBER":
            return column.cast(pl.Float64)
        return column

    def visit_Compare(self, node: Any) -> pl.Expr:
        return _COMPARE[node.op](self.expr(node.left), self.expr(node.right))

    def visit_BoolOp(self, node: Any) -> pl.Expr:
        values = [self.expr(value) for value in node.values]
        result = values[0]
        for value in values[1:]:
            result = (result & value) if node.op == "and" else (result | value)
        return result

    def visit_Not(self, node: Any) -> pl.Expr:
        return ~self.expr(node.operand)

    def visit_Arith(self, node: Any) -> pl.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        if node.op == "**":
            return _finite(left.pow(right))
        return _finite(_ARITH[node.op](left, right))

    def visit_Negate(self, node: Any) -> pl.Expr:
        return -self.expr(node.operand)

    def visit_Call(self, node: Any) -> pl.Expr:
        args = [self.expr(arg) for arg in node.args]
        if node.func == "abs":
            return args[0].abs()
        if node.func == "round":
            digits = None if len(node.args) < 2 else int(node.args[1].value)
            return args[0].map_batches(_python_round(digits), return_dtype=pl.Float64)
        combined = pl.min_horizontal(args) if node.func == "min" else pl.max_horizontal(args)
        missing = pl.any_horizontal([arg.is_null() for arg in args])
        return pl.when(missing).then(_NULL_F).otherwise(combined)

    def visit_IsNone(self, node: Any) -> pl.Expr:
        operand = self.expr(node.operand)
        return operand.is_not_null() if node.negated else operand.is_null()

    def visit_IfExp(self, node: Any) -> pl.Expr:
        test = self.expr(node.test)
        body, orelse = self.expr(node.body), self.expr(node.orelse)
        unknown = _NULL_B if self._kind(node) == "BOOL" else _NULL_F
        return pl.when(test).then(body).when(~test).then(orelse).otherwise(unknown)


def conditions(
    trees: Sequence[Node], parameters: Mapping[str, object], own: Collection[str] = ()
) -> list[pl.Expr]:
    """One boolean expression per rule (null where unknown).

    *parameters* are the bound values; a parameter named in *own* reads the target's
    ``param.<name>`` column, and the bound value where it is null.
    """
    compiler = _Compiler(parameters, own)
    return [compiler.visit(tree) for tree in trees]


def compile_chain(conds: Sequence[pl.Expr]) -> pl.Expr:
    """The index of the first matching rule, ``-1`` where none matches."""
    if not conds:
        return pl.lit(-1, dtype=pl.Int32)
    chain: Any = pl.when(conds[0]).then(pl.lit(0, dtype=pl.Int32))
    for index, cond in enumerate(conds[1:], start=1):
        chain = chain.when(cond).then(pl.lit(index, dtype=pl.Int32))
    result: pl.Expr = chain.otherwise(pl.lit(-1, dtype=pl.Int32))
    return result


def match_count(conds: Sequence[pl.Expr]) -> pl.Expr:
    """How many rules match (hit policy ``unique`` needs at most one)."""
    return pl.sum_horizontal([cond.fill_null(False).cast(pl.Int32) for cond in conds])
