"""The rule language's own tree: frozen, slotted node classes with a kind and a span.

A checked ``when`` condition is one of these trees (``RuleSet.trees``).  Every node has

- ``kind``: its value :class:`~goalcheck._lang.types.Kind` (``NUMBER``, ``BOOL`` or ``DATE``);
- ``span``: where it is in the rule's ``when`` text (1-based lines and columns, counted in
  characters; ``end_column`` is the column just after the last character).

The tree is already simplified: ``true``/``True`` are :class:`Literal` nodes, a unary ``+``
is dropped, a chain ``a < b <= c`` becomes ``BoolOp("and", (a < b, b <= c))`` (the shared
operand is the same node object in both comparisons), and ``x is None`` / ``x is not None``
are :class:`IsNone`.  Nodes compare and hash by value, so two trees with the same structure
and spans are equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import attrs

from goalcheck._lang.types import Kind

__all__ = [
    "ARITH_OPS",
    "COMPARE_OPS",
    "NOWHERE",
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "IfExp",
    "IsNone",
    "Literal",
    "Name",
    "Negate",
    "Node",
    "NodeVisitor",
    "Not",
    "Span",
    "walk",
]

#: The comparison operators a :class:`Compare` may carry.
COMPARE_OPS = ("<", "<=", ">", ">=", "==", "!=")
#: The arithmetic operators an :class:`Arith` may carry.
ARITH_OPS = ("+", "-", "*", "/", "//", "%", "**")


@attrs.frozen
class Span:
    """A region of the ``when`` text: from (line, column) up to, not including, the end."""

    line: int
    column: int
    end_line: int
    end_column: int


#: The span of nodes built by hand rather than parsed.
NOWHERE = Span(1, 1, 1, 1)


class Node:
    """The base of every node: ``kind`` and ``span``, and its children in source order."""

    __slots__ = ()
    kind: Kind
    span: Span
    #: The names of the fields holding child nodes (a tuple field holds several).
    child_fields: ClassVar[tuple[str, ...]] = ()

    def children(self) -> tuple[Node, ...]:
        """The node's direct children, left to right."""
        found: list[Node] = []
        for name in self.child_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                found.extend(value)
            else:
                found.append(value)
        return tuple(found)


def _kind_of_value(node: Literal) -> Kind:
    if node.value is None:
        return Kind.NONE
    return Kind.BOOL if isinstance(node.value, bool) else Kind.NUMBER


@attrs.frozen
class Literal(Node):
    """A number written in the condition, ``true``/``false``, or ``None``."""

    value: bool | int | float | None
    kind: Kind = attrs.field(default=attrs.Factory(_kind_of_value, takes_self=True), kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)


@attrs.frozen
class Name(Node):
    """A fact (read from the facts at run time) or a parameter (bound when compiling)."""

    id: str
    role: str = attrs.field(validator=attrs.validators.in_(("fact", "parameter")))
    kind: Kind = attrs.field(kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)


@attrs.frozen
class Compare(Node):
    """``left op right`` with op one of ``< <= > >= == !=``; always ``BOOL``."""

    op: str = attrs.field(validator=attrs.validators.in_(COMPARE_OPS))
    left: Node
    right: Node
    kind: Kind = attrs.field(default=Kind.BOOL, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("left", "right")


@attrs.frozen
class BoolOp(Node):
    """``a and b and ...`` or ``a or b or ...`` (two or more values); always ``BOOL``."""

    op: str = attrs.field(validator=attrs.validators.in_(("and", "or")))
    values: tuple[Node, ...]
    kind: Kind = attrs.field(default=Kind.BOOL, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("values",)


@attrs.frozen
class Not(Node):
    """``not operand``; always ``BOOL``."""

    operand: Node
    kind: Kind = attrs.field(default=Kind.BOOL, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("operand",)


@attrs.frozen
class Arith(Node):
    """``left op right`` with op one of ``+ - * / // % **``; always ``NUMBER``."""

    op: str = attrs.field(validator=attrs.validators.in_(ARITH_OPS))
    left: Node
    right: Node
    kind: Kind = attrs.field(default=Kind.NUMBER, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("left", "right")


@attrs.frozen
class Negate(Node):
    """``-operand``; always ``NUMBER``."""

    operand: Node
    kind: Kind = attrs.field(default=Kind.NUMBER, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("operand",)


@attrs.frozen
class Call(Node):
    """``func(args...)`` for func one of ``abs min max round``; always ``NUMBER``.

    ``round``'s optional second argument is a :class:`Literal` whole number from -12 to 12.
    """

    func: str
    args: tuple[Node, ...]
    kind: Kind = attrs.field(default=Kind.NUMBER, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("args",)


@attrs.frozen
class IsNone(Node):
    """``operand is None`` (or ``is not None`` when *negated*); always ``BOOL``, never unknown."""

    operand: Node
    negated: bool = False
    kind: Kind = attrs.field(default=Kind.BOOL, kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("operand",)


@attrs.frozen
class IfExp(Node):
    """``body if test else orelse``; ``NUMBER`` or ``BOOL`` like its branches."""

    test: Node
    body: Node
    orelse: Node
    kind: Kind = attrs.field(kw_only=True)
    span: Span = attrs.field(default=NOWHERE, kw_only=True)
    child_fields: ClassVar[tuple[str, ...]] = ("test", "body", "orelse")


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree under *node* (itself included), parents before children.

    Iterative, so it works on any tree; a node shared by two parents (the middle operand of
    a chained comparison) is yielded once per parent.
    """
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


class NodeVisitor:
    """Calls ``visit_<ClassName>(node)`` for a node, or :meth:`generic_visit` if undefined.

    Like :class:`ast.NodeVisitor`: ``generic_visit`` visits the children and returns
    ``None``; subclasses return whatever their methods compute.
    """

    def visit(self, node: Node) -> Any:
        """Dispatch on the node's class."""
        method: Callable[[Node], Any] = getattr(
            self, f"visit_{type(node).__name__}", self.generic_visit
        )
        return method(node)

    def generic_visit(self, node: Node) -> Any:
        """Visit every child; return ``None``."""
        for child in node.children():
            self.visit(child)
        return None
