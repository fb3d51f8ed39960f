"""Where a condition is true: regions of fact space, for exact reasoning about rules.

A *region* is a union of *boxes*; a box gives each dimension a set of allowed values:

- a number fact: ``None`` or not, and a union of intervals of the real line;
- a true/false fact: a subset of ``{True, False, None}``;
- a date fact: ``None`` and/or "some date" (dates can only be tested with ``is None``);
- an *opaque atom*: a part of a condition the interval reasoning cannot decide (a fact
  compared with another fact, arithmetic on facts), treated as an independent true/false/
  unknown value and named by its source.

:func:`truth` gives the region where a tree is true and the region where it is false (in
Kleene logic a condition may be neither).  Over a space with opaque atoms the regions are
*over-approximations of independence*: containment and emptiness proved there also hold for
real facts, but a point of a region may not be realisable; callers check witnesses by
evaluating the real condition.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from goalcheck._lang.evaluate import evaluate
from goalcheck._lang.nodes import (
    BoolOp,
    Compare,
    IfExp,
    IsNone,
    Literal,
    Name,
    Negate,
    Node,
    Not,
    walk,
)
from goalcheck._lang.types import Kind

__all__ = [
    "Interval",
    "NumberSet",
    "Region",
    "Space",
    "TooComplex",
    "ValueSet",
    "round_number",
    "truth",
]

_INF = math.inf
#: Most boxes a region may hold before the reasoning gives up (see :class:`TooComplex`).
MAX_BOXES = 20_000


class TooComplex(Exception):
    """A region grew past :data:`MAX_BOXES`; the caller falls back to sampling."""


# --------------------------------------------------------------------------- value sets


@attrs.frozen
class Interval:
    """An interval of the real line; infinite ends are never included."""

    lo: float
    hi: float
    lo_in: bool
    hi_in: bool

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    def __and__(self, other: Interval) -> Interval:
        lo, lo_in = max((self.lo, not self.lo_in), (other.lo, not other.lo_in))
        hi, hi_in = min((self.hi, self.hi_in), (other.hi, other.hi_in))
        return Interval(lo, hi, not lo_in, hi_in)


_LINE = Interval(-_INF, _INF, False, False)


@attrs.frozen
class NumberSet:
    """A set of number-fact values: maybe ``None``, and disjoint sorted intervals."""

    none: bool
    parts: tuple[Interval, ...]

    @classmethod
    def everything(cls) -> NumberSet:
        return cls(True, (_LINE,))

    def empty(self) -> bool:
        return not self.none and not self.parts

    def __and__(self, other: NumberSet) -> NumberSet:
        none = self.none and other.none
        if len(self.parts) == 1 and len(other.parts) == 1:
            a, b = self.parts[0], other.parts[0]
            if a.hi < b.lo or b.hi < a.lo:  # the common case, decided without new intervals
                return _NONE_ONLY if none else _EMPTY
            both = a & b
            return NumberSet(none, () if both.empty() else (both,))
        return NumberSet(none, _intersect(self.parts, other.parts))

    def complement(self) -> NumberSet:
        gaps: list[Interval] = []
        lo, lo_in = -_INF, False
        for part in self.parts:
            gap = Interval(lo, part.lo, lo_in, not part.lo_in)
            if not gap.empty():
                gaps.append(gap)
            lo, lo_in = part.hi, not part.hi_in
        last = Interval(lo, _INF, lo_in, False)
        if not last.empty():
            gaps.append(last)
        return NumberSet(not self.none, tuple(gaps))

    def __sub__(self, other: NumberSet) -> NumberSet:
        return self & other.complement()

    def pick(self) -> object:
        """A round member (``None`` only if it is the only member)."""
        for part in self.parts:
            return round_number(part)
        return None


def _intersect(left: tuple[Interval, ...], right: tuple[Interval, ...]) -> tuple[Interval, ...]:
    """The intersection of two sorted, disjoint interval lists, in one merging pass."""
    found: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = left[i], right[j]
        if a.hi < b.lo:
            i += 1
            continue
        if b.hi < a.lo:
            j += 1
            continue
        both = a & b
        if not both.empty():
            found.append(both)
        if (a.hi, a.hi_in) < (b.hi, b.hi_in):
            i += 1
        else:
            j += 1
    return tuple(found)


_EMPTY = NumberSet(False, ())
_NONE_ONLY = NumberSet(True, ())


def _normal(parts: Iterable[Interval]) -> tuple[Interval, ...]:
    ordered = sorted(parts, key=lambda p: (p.lo, not p.lo_in))
    merged: list[Interval] = []
    for part in ordered:
        if merged and (
            part.lo < merged[-1].hi
            or (part.lo == merged[-1].hi and (part.lo_in or merged[-1].hi_in))
        ):
            last = merged[-1]
            hi, hi_in = max((last.hi, last.hi_in), (part.hi, part.hi_in))
            merged[-1] = Interval(last.lo, hi, last.lo_in, hi_in)
        else:
            merged.append(part)
    return tuple(merged)


@attrs.frozen
class ValueSet:
    """A set of values from a small finite universe (true/false, date present, atoms)."""

    values: frozenset[object]
    universe: frozenset[object]

    def empty(self) -> bool:
        return not self.values

    def __and__(self, other: ValueSet) -> ValueSet:
        return ValueSet(self.values & other.values, self.universe)

    def complement(self) -> ValueSet:
        return ValueSet(self.universe - self.values, self.universe)

    def __sub__(self, other: ValueSet) -> ValueSet:
        return ValueSet(self.values - other.values, self.universe)

    def pick(self) -> object:
        for value in (True, False, "date", None):
            if value in self.values:
                return value
        return None


_TRI = frozenset({True, False, None})
_DATE = frozenset({"date", None})
Dim = NumberSet | ValueSet


def round_number(part: Interval) -> float:
    """The roundest number in *part*: 0, a written bound, else the coarsest grid point."""
    zero = Interval(0.0, 0.0, True, True) & part
    if not zero.empty():
        return 0.0
    if part.lo >= 0 or part.lo == part.hi:
        if part.lo_in:
            return part.lo
        return _grid_point(part.lo, part.hi, part.hi_in, 1.0)
    if part.hi_in:
        return part.hi
    return -_grid_point(-part.hi, -part.lo, part.lo_in, 1.0)


def _grid_point(lo: float, hi: float, hi_in: bool, start: float) -> float:
    """The smallest point above *lo* on the coarsest grid 1, 0.5, 0.1, 0.05, ... below hi.

    *lo* is excluded (finite, at least 0). Past the finest grid, the float just above *lo*.
    """
    step = start
    for _ in range(40):
        for grid in (step, step / 2):
            point = round((math.floor(lo / grid) + 1) * grid, 12)
            if lo < point < hi or (hi_in and point == hi):
                return point
        step /= 10
    return min(math.nextafter(lo, math.inf), hi)


# --------------------------------------------------------------------------- boxes


@attrs.frozen
class Space:
    """The dimensions regions live in: facts by name, and opaque atoms by source text."""

    kinds: Mapping[str, Kind]
    atoms: frozenset[str] = frozenset()

    def universe(self, name: str) -> Dim:
        if name in self.atoms:
            return ValueSet(_TRI, _TRI)
        kind = self.kinds[name]
        if kind is Kind.NUMBER:
            return NumberSet.everything()
        if kind is Kind.BOOL:
            return ValueSet(_TRI, _TRI)
        return ValueSet(_DATE, _DATE)


Box = Mapping[str, Dim]


def _meet(a: Box, b: Box) -> Box | None:
    """The intersection of two boxes, or ``None``; boxes are never changed in place."""
    if len(b) < len(a):
        a, b = b, a
    changed: dict[str, Dim] = {}
    for name, dim in a.items():
        other = b.get(name)
        if other is None:
            changed[name] = dim
            continue
        both = dim & other  # type: ignore[operator]
        if both.empty():
            return None
        changed[name] = both
    if not changed:
        return b
    return {**b, **changed}


def _box_minus(a: Box, b: Box, space: Space) -> list[Box]:
    """``a \\ b`` as disjoint boxes."""
    if _meet(a, b) is None:
        return [a]
    pieces: list[Box] = []
    rest = dict(a)
    for name, dim in b.items():
        mine = rest.get(name, space.universe(name))
        outside = mine - dim  # type: ignore[operator]
        if not outside.empty():
            pieces.append({**rest, name: outside})
        inside = mine & dim  # type: ignore[operator]
        rest[name] = inside
    return pieces


@attrs.frozen
class Region:
    """A union of boxes in *space* (an empty tuple is the empty region)."""

    boxes: tuple[Box, ...]

    @classmethod
    def nothing(cls) -> Region:
        return cls(())

    @classmethod
    def everything(cls) -> Region:
        return cls(({},))

    def empty(self) -> bool:
        return not self.boxes

    def __and__(self, other: Region) -> Region:
        boxes = []
        for a in self.boxes:
            for b in other.boxes:
                both = _meet(a, b)
                if both is not None:
                    boxes.append(both)
        return _bounded(boxes)

    def __or__(self, other: Region) -> Region:
        return _bounded([*self.boxes, *other.boxes])

    def minus(self, other: Region, space: Space) -> Region:
        boxes = list(self.boxes)
        for cut in other.boxes:
            boxes = [piece for box in boxes for piece in _box_minus(box, cut, space)]
            _check_size(boxes)
        return Region(tuple(boxes))

    def contains(self, point: Mapping[str, object]) -> bool:
        """Whether the facts *point* lie in this region (missing facts are ``None``)."""
        return any(
            all(_has(dim, point.get(name)) for name, dim in box.items()) for box in self.boxes
        )

    def within(self, other: Region, space: Space) -> bool:
        """Whether every point of this region is in *other*."""
        return self.minus(other, space).empty()


def _has(dim: Dim, value: object) -> bool:
    if isinstance(dim, ValueSet):
        return (
            "date" if value is not None and value not in (True, False) else value
        ) in dim.values
    if value is None:
        return dim.none
    number = float(value)  # type: ignore[arg-type]
    point = Interval(number, number, True, True)
    return any(not (part & point).empty() for part in dim.parts)


def _check_size(boxes: Sequence[object]) -> None:
    if len(boxes) > MAX_BOXES:
        raise TooComplex(f"more than {MAX_BOXES} boxes")


def _bounded(boxes: list[Any]) -> Region:
    _check_size(boxes)
    return Region(tuple(boxes))


# --------------------------------------------------------------------------- truth regions

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _interval(op: str, value: float) -> tuple[Interval, ...]:
    if op == "<":
        return (Interval(-_INF, value, False, False),)
    if op == "<=":
        return (Interval(-_INF, value, False, True),)
    if op == ">":
        return (Interval(value, _INF, False, False),)
    if op == ">=":
        return (Interval(value, _INF, True, False),)
    if op == "==":
        return (Interval(value, value, True, True),)
    return (Interval(-_INF, value, False, False), Interval(value, _INF, False, False))


def _constant(node: Node, parameters: Mapping[str, object]) -> float | None:
    """The value of a number subtree that reads no fact, or ``None``."""
    if any(isinstance(n, Name) and n.role == "fact" for n in walk(node)):
        return None
    value = evaluate(node, parameters)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def atom_key(node: Node) -> str:
    """A stable name for an opaque part of a condition (its structure, not its spans)."""
    if isinstance(node, Name):
        return node.id
    if isinstance(node, Literal):
        return repr(node.value)
    fields = [atom_key(child) for child in node.children()]
    tag = getattr(node, "op", None) or getattr(node, "func", None) or type(node).__name__
    if isinstance(node, IsNone):
        tag = "is not None" if node.negated else "is None"
    return f"{type(node).__name__}({tag}, {', '.join(fields)})"


@attrs.define
class _Truth:
    """Builds the true and false regions of trees, collecting opaque atoms as it goes."""

    space_kinds: Mapping[str, Kind]
    parameters: Mapping[str, object]
    atoms: set[str] = attrs.Factory(set)

    def pair(self, node: Node) -> tuple[Region, Region]:
        if isinstance(node, Literal):
            return (
                (Region.everything(), Region.nothing())
                if node.value
                else (
                    Region.nothing(),
                    Region.everything(),
                )
            )
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Not):
            true, false = self.pair(node.operand)
            return false, true
        if isinstance(node, BoolOp):
            return self._boolop(node)
        if isinstance(node, IfExp):
            test_t, test_f = self.pair(node.test)
            body_t, body_f = self.pair(node.body)
            else_t, else_f = self.pair(node.orelse)
            return (test_t & body_t) | (test_f & else_t), (test_t & body_f) | (test_f & else_f)
        if isinstance(node, IsNone):
            return self._is_none(node)
        if isinstance(node, Compare):
            return self._compare(node)
        return self._opaque(node)

    def _name(self, node: Name) -> tuple[Region, Region]:
        if node.role == "parameter":
            value = self.parameters.get(node.id) is True
            return self.pair(Literal(value))
        return (
            Region(({node.id: ValueSet(frozenset({True}), _TRI)},)),
            Region(({node.id: ValueSet(frozenset({False}), _TRI)},)),
        )

    def _boolop(self, node: BoolOp) -> tuple[Region, Region]:
        pairs = [self.pair(value) for value in node.values]
        trues, falses = [p[0] for p in pairs], [p[1] for p in pairs]
        if node.op == "or":
            trues, falses = falses, trues
        conj, disj = trues[0], falses[0]
        for true in trues[1:]:
            conj = conj & true
        for false in falses[1:]:
            disj = disj | false
        return (conj, disj) if node.op == "and" else (disj, conj)

    def _is_none(self, node: IsNone) -> tuple[Region, Region]:
        operand = node.operand
        if isinstance(operand, Name) and operand.role == "fact":
            universe = Space(self.space_kinds).universe(operand.id)
            none = _none_only(universe)
            present = universe - none  # type: ignore[operator]
            true, false = Region(({operand.id: none},)), Region(({operand.id: present},))
        elif _constant(operand, self.parameters) is not None:
            true, false = Region.nothing(), Region.everything()
        else:
            return self._opaque(node)
        return (false, true) if node.negated else (true, false)

    def _compare(self, node: Compare) -> tuple[Region, Region]:
        left, right, op = node.left, node.right, node.op
        if left.kind is Kind.BOOL:
            return self._bool_compare(node)
        value = _constant(right, self.parameters)
        if value is None:
            left, right, op = right, left, _FLIP[op]
            value = _constant(right, self.parameters)
        fact = _fact(left)
        if value is None or fact is None:
            return self._opaque(node)
        name, sign = fact
        if sign < 0:
            value, op = -value, _FLIP[op]
        true = NumberSet(False, _interval(op, value))
        false = NumberSet(False, true.complement().parts)
        return Region(({name: true},)), Region(({name: false},))

    def _bool_compare(self, node: Compare) -> tuple[Region, Region]:
        left_t, left_f = self.pair(node.left)
        right_t, right_f = self.pair(node.right)
        same = (left_t & right_t) | (left_f & right_f)
        different = (left_t & right_f) | (left_f & right_t)
        return (same, different) if node.op == "==" else (different, same)

    def _opaque(self, node: Node) -> tuple[Region, Region]:
        key = atom_key(node)
        self.atoms.add(key)
        return (
            Region(({key: ValueSet(frozenset({True}), _TRI)},)),
            Region(({key: ValueSet(frozenset({False}), _TRI)},)),
        )


def _none_only(universe: Dim) -> Dim:
    if isinstance(universe, NumberSet):
        return NumberSet(True, ())
    return ValueSet(frozenset({None}), universe.universe)


def _fact(node: Node) -> tuple[str, int] | None:
    """(fact, sign) for ``fact`` or ``-fact``, else ``None``."""
    if isinstance(node, Name) and node.role == "fact" and node.kind is Kind.NUMBER:
        return node.id, 1
    if isinstance(node, Negate):
        inner = _fact(node.operand)
        return None if inner is None else (inner[0], -inner[1])
    return None


def truth(
    trees: Sequence[Node], kinds: Mapping[str, Kind], parameters: Mapping[str, object]
) -> tuple[list[tuple[Region, Region]], Space]:
    """Each tree's (true region, false region), and the space they live in."""
    builder = _Truth(kinds, parameters)
    pairs = [builder.pair(tree) for tree in trees]
    return pairs, Space(kinds, frozenset(builder.atoms))
