"""Check a ``when`` condition and convert it into the language's own tree.

The text is parsed with ``ast.parse(mode="eval")``; every node is checked against a whitelist
(numbers, comparisons, ``and``/``or``/``not``, arithmetic, ``is None``, conditional
expressions and the functions ``min``, ``max``, ``abs``, ``round``), names must be facts or
parameters, and kinds must fit.  What passes becomes a tree of :mod:`goalcheck._lang.nodes`;
what does not becomes located :class:`~goalcheck.errors.Problem` objects, all of them, raised
together as one :class:`~goalcheck.errors.RuleError`.  Nothing in the text is ever run.

The limits below bound the work before any recursive walk: the text's length, its bracket
depth, the number and depth of syntax-tree nodes, and the size of the code it compiles to.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Mapping

import attrs

from goalcheck._lang.cost import Cost
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
    Span,
    walk,
)
from goalcheck._lang.types import Kind
from goalcheck.errors import Problem, RuleError, did_you_mean

__all__ = [
    "ALIASES",
    "FUNCTIONS",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_INT",
    "MAX_NODES",
    "MAX_SOURCE",
    "Checked",
    "check",
]

#: Longest accepted condition, in characters.
MAX_SOURCE = 1000
#: Most syntax-tree nodes in one condition.
MAX_NODES = 200
#: Deepest nesting of syntax-tree nodes (and of brackets) in one condition.
MAX_DEPTH = 32
#: Largest compiled size of one condition, in generated terms (see :mod:`.cost`).
MAX_COST = 500
#: Largest integer literal (larger numbers must be written as floats, e.g. ``1e20``).
MAX_INT = 10**15

#: Whitelisted functions and their (fewest, most) positional arguments.
FUNCTIONS: dict[str, tuple[int, int]] = {
    "abs": (1, 1),
    "max": (2, 8),
    "min": (2, 8),
    "round": (1, 2),
}

#: Lower-case spellings of the boolean literals.
ALIASES = {"true": True, "false": False}

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_ORDERING = ("<", "<=", ">", ">=")
_FORBIDDEN_OPS = {
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.In: "in",
    ast.NotIn: "not in",
}
_FORBIDDEN_NODES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.name') is not allowed",
    ast.Subscript: "subscripts ('[...]') are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.FormattedValue: "strings are not allowed",
    ast.NamedExpr: "assignment expressions (':=') are not allowed",
    ast.Starred: "starred expressions ('*x') are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}

# (message, line, column): a problem before it is located in a file.
_Raw = tuple[str, int | None, int | None]


@attrs.frozen
class Checked:
    """A condition that passed the checks: its text, tree, the names it reads, kind and cost."""

    source: str
    tree: Node = attrs.field(repr=False)
    names: frozenset[str]
    kind: Kind
    cost: int


class _Rejected(Exception):
    def __init__(self, problems: list[_Raw]) -> None:
        self.problems = problems
        super().__init__(problems)


def check(
    source: object,
    facts: Mapping[str, Kind],
    parameters: Mapping[str, Kind] | None = None,
    *,
    want: Kind = Kind.BOOL,
    file: str | None = None,
    location: str | None = None,
    label: str = "",
) -> Checked:
    """Parse and check *source* against the *facts* and *parameters* it may read.

    Raises :class:`~goalcheck.errors.RuleError` listing every problem, each located in
    *file* at *location* (e.g. ``rules[2].when``) plus the column (and the line, for a
    condition written on several lines); *label* prefixes each message
    (``"rule 'met': "``).  Never runs any part of *source*.
    """
    parameters = parameters or {}
    try:
        return _check(source, facts, parameters, want)
    except _Rejected as rejected:
        multi = isinstance(source, str) and "\n" in source
        raise RuleError(
            [_locate_problem(raw, multi, file, location, label) for raw in rejected.problems]
        ) from None


def _locate_problem(
    raw: _Raw, multi: bool, file: str | None, location: str | None, label: str
) -> Problem:
    message, line, column = raw
    place = location
    if line is not None and column is not None:
        position = f"line {line}, column {column}" if multi else f"column {column}"
        place = f"{location}, {position}" if location else position
    return Problem(label + message, file, place)


def _check(
    source: object, facts: Mapping[str, Kind], parameters: Mapping[str, Kind], want: Kind
) -> Checked:
    text = _precheck(source)
    tree = _parse(text)
    _check_size(tree, text)
    checker = _Checker(text, facts, parameters)
    node = checker.visit(tree.body)
    if node is not None and node.kind is not want and not checker.problems:
        checker.problem(
            tree.body,
            f"the condition must be a {want.describe()}, not a {node.kind.describe()}",
        )
    if checker.problems or node is None:
        raise _Rejected(sorted(checker.problems, key=lambda p: (p[1] or 0, p[2] or 0)))
    cost = Cost().cond(node) if node.kind is Kind.BOOL else Cost().val(node)
    if cost > MAX_COST:
        raise _Rejected(
            [("the condition is too complex to compile; split it into simpler rules", 1, 1)]
        )
    names = frozenset(item.id for item in walk(node) if isinstance(item, Name))
    return Checked(text, node, names, node.kind, cost)


def _precheck(source: object) -> str:
    if not isinstance(source, str):
        raise _Rejected([("a condition must be a string", None, None)])
    if len(source) > MAX_SOURCE:
        raise _Rejected(
            [(f"the condition is {len(source)} characters long; at most {MAX_SOURCE}", 1, 1)]
        )
    if not source.strip():
        raise _Rejected([("the condition is empty", None, None)])
    depth = _bracket_depth(source)
    if depth > MAX_DEPTH:
        raise _Rejected([(f"brackets are nested {depth} deep; at most {MAX_DEPTH}", None, None)])
    if "#" in source:
        message = "comments ('#') are not allowed in a condition"
        raise _Rejected([(message, *_locate(source, source.index("#")))])
    return source


def _bracket_depth(source: str) -> int:
    depth = deepest = 0
    for char in source:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _flatten(source: str) -> tuple[str, int]:
    """The condition as one line without leading blanks, and how many blanks were dropped.

    A condition may span lines (a TOML multi-line string) and be indented.  Newlines become
    spaces, which keeps every character at its index, so positions map back with _locate.
    """
    flat = source.replace("\r", " ").replace("\n", " ")
    stripped = flat.lstrip()
    return stripped, len(flat) - len(stripped)


def _parse(source: str) -> ast.Expression:
    flat, shift = _flatten(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(flat, "<rule>", mode="eval")
    except SyntaxError as error:
        message = (error.msg or "invalid syntax").split(" (<rule>")[0]
        line, column = _locate(source, max(0, (error.offset or 1) - 1) + shift)
        raise _Rejected([(f"syntax error: {message}", line, column)]) from None
    except (ValueError, RecursionError, MemoryError) as error:
        message = f"cannot parse the condition: {error or 'too complex'}"
        raise _Rejected([(message, None, None)]) from None


def _locate(source: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character *index* of *source*."""
    index = min(index, len(source))
    line = source.count("\n", 0, index) + 1
    start = source.rfind("\n", 0, index) + 1
    return line, index - start + 1


def _check_size(tree: ast.Expression, source: str) -> None:
    """Bound the tree iteratively before any recursive walk can overflow the stack."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            line, column = _Positions(source).start(node)
            raise _Rejected(
                [(f"the condition is nested too deeply (at most {MAX_DEPTH})", line, column)]
            )
        if count > MAX_NODES:
            raise _Rejected(
                [(f"the condition is too long (more than {MAX_NODES} parts)", None, None)]
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Positions:
    """Maps ast offsets (UTF-8 bytes of the flattened text) to lines and columns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.flat, self.shift = _flatten(source)
        self.encoded = self.flat.encode("utf-8")

    def _index(self, offset: int) -> int:
        # ast offsets count UTF-8 bytes; users count characters.
        return len(self.encoded[:offset].decode("utf-8", errors="ignore")) + self.shift

    def start(self, node: ast.AST) -> tuple[int | None, int | None]:
        offset = getattr(node, "col_offset", None)
        if offset is None:
            return None, None
        return _locate(self.source, self._index(offset))

    def span(self, node: ast.AST) -> Span:
        line, column = _locate(self.source, self._index(getattr(node, "col_offset", 0)))
        end = getattr(node, "end_col_offset", None)
        end_line, end_column = (
            _locate(self.source, self._index(end)) if end is not None else (line, column)
        )
        return Span(line, column, end_line, end_column)


def _join(first: Span, last: Span) -> Span:
    return Span(first.line, first.column, last.end_line, last.end_column)


class _Checker:
    """Whitelist and kind check, converting ast nodes to language nodes.

    Each ``visit_*`` returns the converted node, or ``None`` after recording a problem (which
    suppresses follow-up messages about the same part).
    """

    def __init__(
        self, source: str, facts: Mapping[str, Kind], parameters: Mapping[str, Kind]
    ) -> None:
        self.positions = _Positions(source)
        self.facts = facts
        self.parameters = parameters
        self.problems: list[_Raw] = []

    def problem(self, node: ast.AST, message: str) -> None:
        line, column = self.positions.start(node)
        self.problems.append((message, line, column))

    def span(self, node: ast.AST) -> Span:
        return self.positions.span(node)

    def visit(self, node: ast.AST) -> Node | None:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            result: Node | None = method(node)
            return result
        message = _FORBIDDEN_NODES.get(type(node))
        if message is None:
            message = f"{type(node).__name__} expressions are not allowed"
        self.problem(node, message)
        return None

    def expect(self, node: ast.AST, want: Kind, what: str) -> Node | None:
        converted = self.visit(node)
        if converted is None or converted.kind is want:
            return converted
        self.problem(
            node, f"{what} must be a {want.describe()}, not a {converted.kind.describe()}"
        )
        return None

    def visit_Constant(self, node: ast.Constant) -> Node | None:
        value = node.value
        if isinstance(value, bool) or value is None:
            return Literal(value, span=self.span(node))
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                self.problem(
                    node, f"integer too large (at most {MAX_INT:.0e}); write it as a float"
                )
                return None
            return Literal(value, span=self.span(node))
        if isinstance(value, float):
            if not math.isfinite(value):
                self.problem(node, "number too large")
                return None
            return Literal(value, span=self.span(node))
        if isinstance(value, str | bytes):
            self.problem(node, "strings are not allowed")
        else:
            self.problem(node, f"{type(value).__name__} constants are not allowed")
        return None

    def visit_Name(self, node: ast.Name) -> Node | None:
        name = node.id
        span = self.span(node)
        if name.startswith("_"):
            self.problem(node, f"names starting with '_' are not allowed: {name!r}")
        elif name in ALIASES:
            return Literal(ALIASES[name], span=span)
        elif name in FUNCTIONS:
            self.problem(node, f"{name!r} is a function; call it like {name}(x, y)")
        elif name in self.parameters:
            return Name(name, "parameter", kind=self.parameters[name], span=span)
        elif name in self.facts:
            return Name(name, "fact", kind=self.facts[name], span=span)
        else:
            known = [*self.facts, *self.parameters, *ALIASES]
            self.problem(node, f"unknown name {name!r}{did_you_mean(name, known)}")
        return None

    def visit_BoolOp(self, node: ast.BoolOp) -> Node | None:
        word = "and" if isinstance(node.op, ast.And) else "or"
        values = [self.expect(value, Kind.BOOL, f"each side of '{word}'") for value in node.values]
        if any(value is None for value in values):
            return None
        return BoolOp(word, tuple(v for v in values if v is not None), span=self.span(node))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Node | None:
        if isinstance(node.op, ast.Not):
            operand = self.expect(node.operand, Kind.BOOL, "the operand of 'not'")
            return None if operand is None else Not(operand, span=self.span(node))
        if isinstance(node.op, ast.USub | ast.UAdd):
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            operand = self.expect(node.operand, Kind.NUMBER, f"the operand of unary '{sign}'")
            if operand is None or sign == "+":
                return operand
            return Negate(operand, span=self.span(node))
        self.problem(node, f"operator '{_FORBIDDEN_OPS.get(type(node.op), '?')}' is not allowed")
        return None

    def visit_BinOp(self, node: ast.BinOp) -> Node | None:
        symbol = _BINOPS.get(type(node.op))
        if symbol is None:
            op = _FORBIDDEN_OPS.get(type(node.op), "?")
            self.problem(node, f"operator '{op}' is not allowed")
            return None
        left = self.expect(node.left, Kind.NUMBER, f"the left side of '{symbol}'")
        right = self.expect(node.right, Kind.NUMBER, f"the right side of '{symbol}'")
        if left is None or right is None:
            return None
        return Arith(symbol, left, right, span=self.span(node))

    def visit_Compare(self, node: ast.Compare) -> Node | None:
        for op in node.ops:
            if type(op) in _FORBIDDEN_OPS:
                self.problem(node, f"operator '{_FORBIDDEN_OPS[type(op)]}' is not allowed")
                return None
        if any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
            return self._check_is(node)
        operands = [self.visit(operand) for operand in [node.left, *node.comparators]]
        present = [operand for operand in operands if operand is not None]
        if len(present) < len(operands):
            return None
        compares: list[Node] = []
        for index, op in enumerate(node.ops):
            left, right = present[index], present[index + 1]
            symbol = _CMPOPS[type(op)]
            if not self._comparable(node, left.kind, symbol, right.kind):
                return None
            compares.append(Compare(symbol, left, right, span=_join(left.span, right.span)))
        if len(compares) == 1:
            return compares[0]
        return BoolOp("and", tuple(compares), span=self.span(node))

    def _comparable(self, node: ast.AST, left: Kind, symbol: str, right: Kind) -> bool:
        if Kind.NONE in (left, right):
            hint = " use 'is None' or 'is not None'" if symbol in ("==", "!=") else ""
            self.problem(node, f"cannot compare with None using '{symbol}';{hint}")
        elif Kind.DATE in (left, right):
            self.problem(node, "dates can only be tested with 'is None' or 'is not None'")
        elif symbol in _ORDERING and Kind.BOOL in (left, right):
            self.problem(node, f"cannot order true/false values with '{symbol}'")
        elif left is not right:
            self.problem(node, f"cannot compare a {left.describe()} with a {right.describe()}")
        else:
            return True
        return False

    def _check_is(self, node: ast.Compare) -> Node | None:
        right = node.comparators[0]
        if len(node.ops) != 1 or not (isinstance(right, ast.Constant) and right.value is None):
            self.problem(node, "'is' and 'is not' may only be used as 'x is None'")
            return None
        if isinstance(node.left, ast.Constant) and node.left.value is None:
            self.problem(node, "'None is None' is not a useful condition")
            return None
        operand = self.visit(node.left)
        if operand is None:
            return None
        return IsNone(operand, isinstance(node.ops[0], ast.IsNot), span=self.span(node))

    def visit_IfExp(self, node: ast.IfExp) -> Node | None:
        test = self.expect(node.test, Kind.BOOL, "the test of 'if ... else'")
        body = self.visit(node.body)
        orelse = self.visit(node.orelse)
        if test is None or body is None or orelse is None:
            return None
        if body.kind is not orelse.kind or body.kind not in (Kind.NUMBER, Kind.BOOL):
            self.problem(
                node,
                "both branches of 'if ... else' must be numbers or both conditions, "
                f"not a {body.kind.describe()} and a {orelse.kind.describe()}",
            )
            return None
        return IfExp(test, body, orelse, kind=body.kind, span=self.span(node))

    def visit_Call(self, node: ast.Call) -> Node | None:
        name = self._callee(node)
        if name is None:
            return None
        if name == "round" and len(node.args) == 2:
            digits = node.args[1]
            if not (
                isinstance(digits, ast.Constant)
                and type(digits.value) is int
                and -12 <= digits.value <= 12
            ):
                self.problem(
                    digits, "round()'s second argument must be a whole number from -12 to 12"
                )
                return None
            value = self.expect(node.args[0], Kind.NUMBER, "the argument of round()")
            if value is None:
                return None
            places = Literal(digits.value, span=self.span(digits))
            return Call(name, (value, places), span=self.span(node))
        args = [self.expect(arg, Kind.NUMBER, f"each argument of {name}()") for arg in node.args]
        if any(arg is None for arg in args):
            return None
        return Call(name, tuple(arg for arg in args if arg is not None), span=self.span(node))

    def _callee(self, node: ast.Call) -> str | None:
        """The whitelisted function *node* calls with an allowed arity, or ``None``."""
        func = node.func
        allowed = ", ".join(sorted(FUNCTIONS))
        if isinstance(func, ast.Attribute):
            self.problem(
                node,
                f"attribute access ('.{func.attr}') is not allowed; "
                f"the only functions are {allowed}",
            )
        elif not isinstance(func, ast.Name):
            self.problem(node, f"only the functions {allowed} can be called")
        elif func.id not in FUNCTIONS:
            hint = did_you_mean(func.id, FUNCTIONS)
            self.problem(
                node, f"calling {func.id!r} is not allowed{hint}; the functions are {allowed}"
            )
        elif node.keywords:
            self.problem(node, f"{func.id}() takes no keyword arguments")
        elif any(isinstance(arg, ast.Starred) for arg in node.args):
            self.problem(node, "starred expressions ('*x') are not allowed")
        else:
            low, high = FUNCTIONS[func.id]
            if low <= len(node.args) <= high:
                return func.id
            count = str(low) if low == high else f"{low} to {high}"
            self.problem(node, f"{func.id}() takes {count} arguments, not {len(node.args)}")
        return None
