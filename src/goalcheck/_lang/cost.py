"""An upper bound on the size of the code :mod:`goalcheck._lang.codegen` emits for a tree.

Negation normal form evaluates some subtrees twice (the test of ``a if t else b`` both as
``t`` and as ``not t``; a true/false value used in ``==`` both ways), so nesting them could
make the generated code grow exponentially.  Memoised by node identity, this bound takes
linear time and lets the checker refuse such conditions before any code is generated; the
rule set adds the costs of its rules up against a total budget.
"""

from __future__ import annotations

from goalcheck._lang.nodes import (
    Arith,
    BoolOp,
    Call,
    Compare,
    IfExp,
    IsNone,
    Negate,
    Node,
    Not,
)
from goalcheck._lang.types import Kind

__all__ = ["Cost"]

_CEILING = 10**9


class Cost:
    """``cond(node)``: the cost of *node* as a condition; ``val(node)``: as a value."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, bool], int] = {}

    def cond(self, node: Node) -> int:
        return self._get(node, True)

    def val(self, node: Node) -> int:
        return self._get(node, False)

    def _get(self, node: Node, as_condition: bool) -> int:
        key = (id(node), as_condition)
        cost = self.memo.get(key)
        if cost is None:
            cost = self._cond(node) if as_condition else self._val(node)
            self.memo[key] = cost = min(cost, _CEILING)
        return cost

    def _cond(self, node: Node) -> int:
        if isinstance(node, BoolOp):
            return 1 + sum(self.cond(value) for value in node.values)
        if isinstance(node, Not):
            return self.cond(node.operand)
        if isinstance(node, Compare):
            return 1 + self.val(node.left) + self.val(node.right)
        if isinstance(node, IsNone):
            return 2 + self.val(node.operand)
        if isinstance(node, IfExp):
            return 1 + 2 * self.cond(node.test) + self.cond(node.body) + self.cond(node.orelse)
        return 1

    def _val(self, node: Node) -> int:
        if node.kind is Kind.BOOL and node.children():
            return 1 + 2 * self.cond(node)
        if isinstance(node, Arith):
            return 1 + self.val(node.left) + self.val(node.right)
        if isinstance(node, Negate):
            return 1 + self.val(node.operand)
        if isinstance(node, Call):
            return 1 + sum(self.val(arg) for arg in node.args)
        if isinstance(node, IfExp):
            return 1 + 2 * self.cond(node.test) + self.val(node.body) + self.val(node.orelse)
        return 1
