"""The rule expression language: parse, check against a whitelist, compile to Python.

A ``when`` condition is a small Python-like expression.  It is parsed with
``ast.parse(mode="eval")`` and every node is checked against a whitelist (numbers,
comparisons, ``and``/``or``/``not``, arithmetic, ``is None``, conditional expressions and the
functions ``min``, ``max``, ``abs``, ``round``); names must be facts or parameters.  The checked
tree is the rule set's representation: this module compiles it to Python source (never the
user's text), and a future columnar backend can compile the same tree.

Semantics: conditions are evaluated in three-valued (Kleene) logic.  A comparison that touches
``None`` is *unknown*; ``not unknown`` is unknown; ``and``/``or`` follow Kleene's tables; a rule
matches only when its condition is *true*.  Arithmetic with ``None`` gives ``None``, and so do
division by zero and results too large for a float.  ``x is None`` is always true or false.

The compiled form reaches the same results without a helper call per comparison: the
condition is put in negation normal form (``not`` pushed down to the comparisons, with
De Morgan), and every comparison operand that can be ``None`` is guarded
(``value is not None and value >= 0.9``), so a guarded comparison and its negation are both
false when an operand is ``None``.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from goalcheck.errors import EvaluationError, did_you_mean

__all__ = [
    "FUNCTIONS",
    "MAX_COST",
    "MAX_DEPTH",
    "MAX_INT",
    "MAX_NODES",
    "MAX_SOURCE",
    "Checked",
    "ExprError",
    "check",
    "compile_classifier",
    "compile_rule_tests",
    "generate_source",
    "safe_pow",
]

#: Longest accepted condition, in characters.
MAX_SOURCE = 1000
#: Most syntax-tree nodes in one condition.
MAX_NODES = 200
#: Deepest nesting of syntax-tree nodes in one condition.
MAX_DEPTH = 32
#: Largest compiled size of one condition, in generated terms (see _Cost).
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

_ALIASES = {"true": True, "false": False}

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_DIVISIONS = (ast.Div, ast.FloorDiv, ast.Mod)
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
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

# Types of checked expressions.
NUMBER = "number"
BOOL = "bool"
DATE = "date"
_NONE = "none"
_ERROR = "error"  # already reported; suppresses follow-up messages
# The checker annotates each node of a checked tree with its type under this attribute.
_TYPE_ATTRIBUTE = "goalcheck_type"


class ExprError(Exception):
    """A condition was rejected; ``problems`` lists (message, line, column), 1-based."""

    def __init__(self, problems: list[tuple[str, int | None, int | None]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for message, _, _ in problems))


@attrs.frozen
class Checked:
    """A condition that passed the checks: its source, checked tree and the names it uses."""

    source: str
    tree: ast.expr = attrs.field(eq=False, repr=False)
    names: frozenset[str]
    type: str


def check(source: str, types: Mapping[str, str], *, want: str = BOOL) -> Checked:
    """Parse and check *source*; *types* maps each allowed name to number, bool or date.

    Raises :class:`ExprError` with every problem found.  Never runs any part of *source*.
    """
    if not isinstance(source, str):
        raise ExprError([("a condition must be a string", None, None)])
    if len(source) > MAX_SOURCE:
        raise ExprError(
            [(f"the condition is {len(source)} characters long; at most {MAX_SOURCE}", 1, 1)]
        )
    if not source.strip():
        raise ExprError([("the condition is empty", None, None)])
    depth = _bracket_depth(source)
    if depth > MAX_DEPTH:
        raise ExprError([(f"brackets are nested {depth} deep; at most {MAX_DEPTH}", None, None)])
    if "#" in source:
        raise ExprError(
            [
                (
                    "comments ('#') are not allowed in a condition",
                    *_locate(source, source.index("#")),
                )
            ]
        )
    tree = _parse(source)
    _check_size(tree, source)
    checker = _Checker(source, types)
    kind = checker.visit(tree.body)
    if kind not in (want, _ERROR) and not checker.problems:
        checker.problem(
            tree.body, f"the condition must be a {_describe(want)}, not a {_describe(kind)}"
        )
    if checker.problems:
        raise ExprError(sorted(checker.problems, key=lambda p: (p[1] or 0, p[2] or 0)))
    if _Cost().cond(tree.body) > MAX_COST:
        raise ExprError(
            [("the condition is too complex to compile; split it into simpler rules", 1, 1)]
        )
    return Checked(source, tree.body, frozenset(checker.names), kind)


def _describe(kind: str) -> str:
    return {NUMBER: "number", BOOL: "true/false value", DATE: "date", _NONE: "None"}.get(
        kind, kind
    )


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
        raise ExprError([(f"syntax error: {message}", line, column)]) from None
    except (ValueError, RecursionError, MemoryError) as error:
        message = f"cannot parse the condition: {error or 'too complex'}"
        raise ExprError([(message, None, None)]) from None


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
            line, column = _position(source, node)
            raise ExprError(
                [(f"the condition is nested too deeply (at most {MAX_DEPTH})", line, column)]
            )
        if count > MAX_NODES:
            raise ExprError(
                [(f"the condition is too long (more than {MAX_NODES} parts)", None, None)]
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _position(source: str, node: ast.AST) -> tuple[int | None, int | None]:
    offset = getattr(node, "col_offset", None)
    if offset is None:
        return None, None
    flat, shift = _flatten(source)
    # ast offsets count UTF-8 bytes; users count characters.
    index = len(flat.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
    return _locate(source, index + shift)


class _Checker:
    """Whitelist and type check; records names used and problems with positions."""

    def __init__(self, source: str, types: Mapping[str, str]) -> None:
        self.source = source
        self.types = types
        self.names: set[str] = set()
        self.problems: list[tuple[str, int | None, int | None]] = []

    def problem(self, node: ast.AST, message: str) -> str:
        line, column = _position(self.source, node)
        self.problems.append((message, line, column))
        return _ERROR

    def visit(self, node: ast.AST) -> str:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is not None:
            result: str = method(node)
            setattr(node, _TYPE_ATTRIBUTE, result)
            return result
        message = _FORBIDDEN_NODES.get(type(node))
        if message is None:
            message = f"{type(node).__name__} expressions are not allowed"
        return self.problem(node, message)

    def expect(self, node: ast.AST, want: str, what: str) -> str:
        kind = self.visit(node)
        if kind in (want, _ERROR):
            return kind
        return self.problem(node, f"{what} must be a {_describe(want)}, not a {_describe(kind)}")

    def visit_Constant(self, node: ast.Constant) -> str:
        value = node.value
        if isinstance(value, bool):
            return BOOL
        if value is None:
            return _NONE
        if isinstance(value, int):
            if abs(value) > MAX_INT:
                return self.problem(
                    node, f"integer too large (at most {MAX_INT:.0e}); write it as a float"
                )
            return NUMBER
        if isinstance(value, float):
            if not math.isfinite(value):
                return self.problem(node, "number too large")
            return NUMBER
        if isinstance(value, str | bytes):
            return self.problem(node, "strings are not allowed")
        return self.problem(node, f"{type(value).__name__} constants are not allowed")

    def visit_Name(self, node: ast.Name) -> str:
        name = node.id
        if name.startswith("_"):
            return self.problem(node, f"names starting with '_' are not allowed: {name!r}")
        if name in _ALIASES:
            return BOOL
        if name in FUNCTIONS:
            return self.problem(node, f"{name!r} is a function; call it like {name}(x, y)")
        kind = self.types.get(name)
        if kind is None:
            hint = did_you_mean(name, list(self.types) + list(_ALIASES))
            return self.problem(node, f"unknown name {name!r}{hint}")
        self.names.add(name)
        return kind

    def visit_BoolOp(self, node: ast.BoolOp) -> str:
        word = "and" if isinstance(node.op, ast.And) else "or"
        kinds = [self.expect(value, BOOL, f"each side of '{word}'") for value in node.values]
        return _ERROR if _ERROR in kinds else BOOL

    def visit_UnaryOp(self, node: ast.UnaryOp) -> str:
        if isinstance(node.op, ast.Not):
            return self.expect(node.operand, BOOL, "the operand of 'not'")
        if isinstance(node.op, ast.USub | ast.UAdd):
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return self.expect(node.operand, NUMBER, f"the operand of unary '{sign}'")
        return self.problem(
            node, f"operator '{_FORBIDDEN_OPS.get(type(node.op), '?')}' is not allowed"
        )

    def visit_BinOp(self, node: ast.BinOp) -> str:
        symbol = _BINOPS.get(type(node.op))
        if symbol is None:
            return self.problem(
                node, f"operator '{_FORBIDDEN_OPS.get(type(node.op), '?')}' is not allowed"
            )
        left = self.expect(node.left, NUMBER, f"the left side of '{symbol}'")
        right = self.expect(node.right, NUMBER, f"the right side of '{symbol}'")
        return _ERROR if _ERROR in (left, right) else NUMBER

    def visit_Compare(self, node: ast.Compare) -> str:
        for op in node.ops:
            if type(op) in _FORBIDDEN_OPS:
                return self.problem(node, f"operator '{_FORBIDDEN_OPS[type(op)]}' is not allowed")
        if any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops):
            return self._check_is(node)
        operands = [node.left, *node.comparators]
        kinds = [self.visit(operand) for operand in operands]
        if _ERROR in kinds:
            return _ERROR
        for index, op in enumerate(node.ops):
            left, right = kinds[index], kinds[index + 1]
            symbol = _CMPOPS[type(op)]
            if _NONE in (left, right):
                hint = " use 'is None' or 'is not None'" if symbol in ("==", "!=") else ""
                return self.problem(node, f"cannot compare with None using '{symbol}';{hint}")
            if DATE in (left, right):
                return self.problem(
                    node, "dates can only be tested with 'is None' or 'is not None'"
                )
            if isinstance(op, _ORDERING) and BOOL in (left, right):
                return self.problem(node, f"cannot order true/false values with '{symbol}'")
            if left != right:
                return self.problem(
                    node, f"cannot compare a {_describe(left)} with a {_describe(right)}"
                )
        return BOOL

    def _check_is(self, node: ast.Compare) -> str:
        right = node.comparators[0]
        if len(node.ops) != 1 or not (isinstance(right, ast.Constant) and right.value is None):
            return self.problem(node, "'is' and 'is not' may only be used as 'x is None'")
        if isinstance(node.left, ast.Constant) and node.left.value is None:
            return self.problem(node, "'None is None' is not a useful condition")
        kind = self.visit(node.left)
        return _ERROR if kind == _ERROR else BOOL

    def visit_IfExp(self, node: ast.IfExp) -> str:
        test = self.expect(node.test, BOOL, "the test of 'if ... else'")
        body = self.visit(node.body)
        orelse = self.visit(node.orelse)
        if _ERROR in (test, body, orelse):
            return _ERROR
        if body != orelse or body not in (NUMBER, BOOL):
            return self.problem(
                node,
                "both branches of 'if ... else' must be numbers or both conditions, "
                f"not a {_describe(body)} and a {_describe(orelse)}",
            )
        return body

    def visit_Call(self, node: ast.Call) -> str:
        func = node.func
        allowed = ", ".join(sorted(FUNCTIONS))
        if isinstance(func, ast.Attribute):
            return self.problem(
                node,
                f"attribute access ('.{func.attr}') is not allowed; "
                f"the only functions are {allowed}",
            )
        if not isinstance(func, ast.Name):
            return self.problem(node, f"only the functions {allowed} can be called")
        if func.id not in FUNCTIONS:
            hint = did_you_mean(func.id, FUNCTIONS)
            return self.problem(
                node, f"calling {func.id!r} is not allowed{hint}; the functions are {allowed}"
            )
        if node.keywords:
            return self.problem(node, f"{func.id}() takes no keyword arguments")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return self.problem(node, "starred expressions ('*x') are not allowed")
        low, high = FUNCTIONS[func.id]
        if not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            return self.problem(node, f"{func.id}() takes {count} arguments, not {len(node.args)}")
        if func.id == "round" and len(node.args) == 2:
            digits = node.args[1]
            if not (
                isinstance(digits, ast.Constant)
                and type(digits.value) is int
                and -12 <= digits.value <= 12
            ):
                return self.problem(
                    digits, "round()'s second argument must be a whole number from -12 to 12"
                )
            kind = self.expect(node.args[0], NUMBER, "the argument of round()")
            return _ERROR if kind == _ERROR else NUMBER
        kinds = [self.expect(arg, NUMBER, f"each argument of {func.id}()") for arg in node.args]
        return _ERROR if _ERROR in kinds else NUMBER


class _Cost:
    """An upper bound on the size of the code _Gen emits for a checked tree.

    Negation normal form evaluates some subtrees twice (the test of ``a if t else b`` both
    as ``t`` and as ``not t``; a true/false value used in ``==`` both ways), so nesting them
    could make the generated code grow exponentially.  Memoised, this bound takes linear time
    and lets the checker refuse such conditions before any code is generated.
    """

    def __init__(self) -> None:
        self.memo: dict[tuple[int, str], int] = {}

    def cond(self, node: ast.expr) -> int:
        return self._get(node, "cond")

    def val(self, node: ast.expr) -> int:
        return self._get(node, "val")

    def _get(self, node: ast.expr, kind: str) -> int:
        key = (id(node), kind)
        cost = self.memo.get(key)
        if cost is None:
            cost = self._cond(node) if kind == "cond" else self._val(node)
            self.memo[key] = cost = min(cost, 10**9)
        return cost

    def _cond(self, node: ast.expr) -> int:
        if isinstance(node, ast.BoolOp):
            return 1 + sum(self.cond(value) for value in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.cond(node.operand)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            # Middle operands of a chain appear in two comparisons.
            return 1 + sum(
                self.val(item) * (1 if i in (0, len(operands) - 1) else 2)
                for i, item in enumerate(operands)
            )
        if isinstance(node, ast.IfExp):
            return 1 + 2 * self.cond(node.test) + self.cond(node.body) + self.cond(node.orelse)
        return 1

    def _val(self, node: ast.expr) -> int:
        if isinstance(node, ast.Name | ast.Constant):
            return 1
        if getattr(node, _TYPE_ATTRIBUTE, None) == BOOL:
            return 1 + 2 * self.cond(node)
        if isinstance(node, ast.BinOp):
            return 1 + self.val(node.left) + self.val(node.right)
        if isinstance(node, ast.UnaryOp):
            return 1 + self.val(node.operand)
        if isinstance(node, ast.Call):
            return 1 + sum(self.val(arg) for arg in node.args)
        if isinstance(node, ast.IfExp):
            return 1 + 2 * self.cond(node.test) + self.val(node.body) + self.val(node.orelse)
        return 1


# ---------------------------------------------------------------------------------------------
# Runtime helpers (the only names generated code can reach besides the facts).


def safe_pow(base: object, exponent: object) -> float | None:
    """``base ** exponent`` computed on floats, in constant time whatever the exponent.

    ``None`` for a ``None`` operand, a result too large for a float, ``0 ** -1`` and a
    negative base with a fractional exponent (Python would give a complex number).
    """
    if base is None or exponent is None:
        return None
    try:
        result: object = float(base) ** float(exponent)  # type: ignore[arg-type]
    except (OverflowError, ZeroDivisionError, ValueError, TypeError):
        return None
    return result if isinstance(result, float) else None


def _min(*args: Any) -> Any:
    return None if None in args else min(args)


def _max(*args: Any) -> Any:
    return None if None in args else max(args)


def _abs(value: Any) -> Any:
    return None if value is None else abs(value)


def _round(value: Any, digits: int | None = None) -> Any:
    if value is None:
        return None
    try:
        return round(value, digits)
    except (OverflowError, ValueError):
        return None


def _arith(symbol: str) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if left is None or right is None:
            return None
        try:
            if symbol == "+":
                return left + right
            if symbol == "-":
                return left - right
            if symbol == "*":
                return left * right
            if symbol == "/":
                return left / right
            if symbol == "//":
                return left // right
            return left % right
        except ArithmeticError:
            return None

    return apply


def _neg(value: Any) -> Any:
    return None if value is None else -value


_SAFE_OPS = {symbol: f"_op{index}" for index, symbol in enumerate(["+", "-", "*", "/", "//", "%"])}


def _namespace() -> dict[str, Any]:
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "_pow": safe_pow,
        "_min": _min,
        "_max": _max,
        "_abs": _abs,
        "_round": _round,
        "_neg": _neg,
        "_INF": math.inf,
        "_NAN": math.nan,
        "_KeyError": KeyError,
        "_ArithmeticError": ArithmeticError,
        "_TypeError": TypeError,
    }
    for symbol, name in _SAFE_OPS.items():
        namespace[name] = _arith(symbol)
    return namespace


# ---------------------------------------------------------------------------------------------
# Code generation from checked trees.


def _literal(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return f"({value!r})"
    if isinstance(value, float):
        if math.isnan(value):
            return "_NAN"
        if math.isinf(value):
            return "_INF" if value > 0 else "(-_INF)"
        return f"({value!r})"
    raise TypeError(f"not a literal: {value!r}")  # pragma: no cover - checked earlier


class _Gen:
    """Turns checked trees into Python source with the three-valued semantics.

    ``cond(node, negate)`` gives source that is true exactly when the (negated) condition is
    true in Kleene logic; ``val(node)`` gives source for a value (``None`` when unknown).
    With ``safe`` every arithmetic operation goes through a helper that turns overflow into
    ``None``; the fast form uses plain operators and falls back to the safe one on overflow.
    """

    def __init__(self, constants: Mapping[str, object], *, safe: bool) -> None:
        self.constants = constants
        self.safe = safe
        self.temps = 0

    def temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    def nullable(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return node.value is None
        if isinstance(node, ast.Name):
            return node.id not in self.constants and node.id not in _ALIASES
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow | ast.Div | ast.FloorDiv | ast.Mod):
                return True
            return self.safe or self.nullable(node.left) or self.nullable(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.nullable(node.operand) if not isinstance(node.op, ast.Not) else True
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            return name == "round" or any(self.nullable(arg) for arg in node.args)
        if isinstance(node, ast.IfExp):
            return True
        return True  # BoolOp, Compare: their value can be unknown

    # -- values -------------------------------------------------------------------------------

    def val(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return _literal(node.value)
        if isinstance(node, ast.Name):
            if node.id in _ALIASES:
                return repr(_ALIASES[node.id])
            if node.id in self.constants:
                return _literal(self.constants[node.id])
            return node.id
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            inner = self.val(node.operand)
            if isinstance(node.op, ast.UAdd):
                return inner
            if self.nullable(node.operand):
                return f"_neg({inner})"
            return f"(-{inner})"
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[attr-defined]
            args = ", ".join(self.val(arg) for arg in node.args)
            return f"_{name}({args})"
        if isinstance(node, ast.IfExp) and self._is_number(node):
            test = self.cond(node.test, False)
            negated = self.cond(node.test, True)
            body, orelse = self.val(node.body), self.val(node.orelse)
            return f"({body} if {test} else ({orelse} if {negated} else None))"
        # A condition used as a value: True, False or None (unknown).
        positive, negative = self.cond(node, False), self.cond(node, True)
        return f"(True if {positive} else (False if {negative} else None))"

    @staticmethod
    def _is_number(node: ast.expr) -> bool:
        return getattr(node, _TYPE_ATTRIBUTE, None) == NUMBER

    def binop(self, node: ast.BinOp) -> str:
        symbol = _BINOPS[type(node.op)]
        left, right = self.val(node.left), self.val(node.right)
        if isinstance(node.op, ast.Pow):
            return f"_pow({left}, {right})"
        if self.safe:
            return f"{_SAFE_OPS[symbol]}({left}, {right})"
        division = isinstance(node.op, _DIVISIONS)
        guards = []
        if self.nullable(node.left):
            if not isinstance(node.left, ast.Name):
                name = self.temp()
                guards.append(f"({name} := {left}) is None")
                left = name
            else:
                guards.append(f"{left} is None")
        if self.nullable(node.right) or division:
            if not isinstance(node.right, ast.Name | ast.Constant):
                name = self.temp()
                first = f"({name} := {right})"
                right = name
                if self.nullable(node.right):
                    guards.append(f"{first} is None")
                    if division:
                        guards.append(f"not {right}")
                else:
                    guards.append(f"not {first}")
            else:
                if self.nullable(node.right):
                    guards.append(f"{right} is None")
                if division:
                    guards.append(f"not {right}")
        expression = f"{left} {symbol} {right}"
        if not guards:
            return f"({expression})"
        return f"(None if {' or '.join(guards)} else {expression})"

    # -- conditions ---------------------------------------------------------------------------

    def cond(self, node: ast.expr, negate: bool) -> str:
        if isinstance(node, ast.BoolOp):
            conjunction = isinstance(node.op, ast.And) != negate
            parts = [self.cond(value, negate) for value in node.values]
            # Fold constants (bound parameters, true/false) out of the generated test.
            neutral, absorbing = ("True", "False") if conjunction else ("False", "True")
            if absorbing in parts:
                return absorbing
            parts = [part for part in parts if part != neutral] or [neutral]
            joiner = " and " if conjunction else " or "
            return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.cond(node.operand, not negate)
        if isinstance(node, ast.Compare):
            return self.compare(node, negate)
        if isinstance(node, ast.IfExp):
            test, other = self.cond(node.test, False), self.cond(node.test, True)
            body, orelse = self.cond(node.body, negate), self.cond(node.orelse, negate)
            return f"(({test} and {body}) or ({other} and {orelse}))"
        if isinstance(node, ast.Constant):
            return repr(bool(node.value) != negate)
        if isinstance(node, ast.Name):
            if node.id in _ALIASES:
                return repr(_ALIASES[node.id] != negate)
            if node.id in self.constants:
                return repr(bool(self.constants[node.id]) != negate)
            return f"({node.id} is {not negate})"
        raise TypeError(f"not a condition: {ast.dump(node)}")  # pragma: no cover

    def compare(self, node: ast.Compare, negate: bool) -> str:
        op = node.ops[0]
        if isinstance(op, ast.Is | ast.IsNot):
            is_none = isinstance(op, ast.Is) != negate
            if not self.nullable(node.left):
                return repr(not is_none)
            return f"({self.val(node.left)} is {'' if is_none else 'not '}None)"
        operands = [node.left, *node.comparators]
        sources: list[str] = []
        for operand in operands:
            sources.append(self.val(operand))
        atoms = []
        for index, op in enumerate(node.ops):
            atoms.append(
                self.atom(
                    operands[index],
                    sources[index],
                    _CMPOPS[type(op)],
                    operands[index + 1],
                    sources[index + 1],
                    negate,
                )
            )
        if len(atoms) == 1:
            return atoms[0]
        return "(" + (" or " if negate else " and ").join(atoms) + ")"

    def atom(
        self,
        left_node: ast.expr,
        left: str,
        symbol: str,
        right_node: ast.expr,
        right: str,
        negate: bool,
    ) -> str:
        guards = []
        if self.nullable(left_node):
            if isinstance(left_node, ast.Name):
                guards.append(f"{left} is not None")
            else:
                name = self.temp()
                guards.append(f"({name} := {left}) is not None")
                left = name
        if self.nullable(right_node):
            if isinstance(right_node, ast.Name):
                guards.append(f"{right} is not None")
            else:
                name = self.temp()
                guards.append(f"({name} := {right}) is not None")
                right = name
        test = f"not {left} {symbol} {right}" if negate else f"{left} {symbol} {right}"
        if not guards:
            return f"({test})"
        return "(" + " and ".join([*guards, test]) + ")"


def generate_source(
    trees: Iterable[ast.expr],
    facts: Iterable[str],
    constants: Mapping[str, object],
    *,
    hit_policy: str = "first",
) -> str:
    """Python source of ``_classify(_f) -> int`` for checked *trees*, and its safe twin.

    The fast form reads each fact (``_f["pace"]``) just before the first rule that needs it,
    so a rule set whose early rules decide most targets reads few facts, and uses plain
    operators.  A missing fact (``KeyError``) or an overflow (``ArithmeticError``) sends the
    call to the safe form, which reads every fact with ``.get`` and does its arithmetic
    through overflow-safe helpers; both give the same answers where the fast one finishes.
    """
    trees = list(trees)
    known = set(facts)
    parts = []
    for safe in (False, True):
        gen = _Gen(constants, safe=safe)
        name = "_classify_safe" if safe else "_classify"
        lines = [f"def {name}(_f):"]
        if safe:
            used = sorted(known.intersection(set().union(*map(_names, trees))))
            if used:
                lines.append("    _g = _f.get")
                lines += [f"    {fact} = _g({fact!r})" for fact in used]
        lines.append("    try:")
        if hit_policy == "unique":
            lines.append("        _m = -1")
        read: set[str] = set()
        for index, tree in enumerate(trees):
            if not safe:
                needed = sorted((known & _names(tree)) - read)
                lines += [f"        {fact} = _f[{fact!r}]" for fact in needed]
                read.update(needed)
            lines.append(f"        if {gen.cond(tree, False)}:")
            if hit_policy == "unique":
                lines.append(f"            if _m >= 0: _clash(_m, {index})")
                lines.append(f"            _m = {index}")
            else:
                lines.append(f"            return {index}")
        lines.append("        return _m" if hit_policy == "unique" else "        return -1")
        if not safe:
            lines += [
                "    except (_KeyError, _ArithmeticError):",
                "        return _classify_safe(_f)",
            ]
        lines += [
            "    except _TypeError:" if not safe else "    except (_TypeError, _ArithmeticError):",
            "        _bad_types(_f)",
            "        raise",
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _exec(source: str, label: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    namespace = _namespace()
    namespace.update(extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = compile(source, label, "exec")
    exec(code, namespace)
    return namespace


def _type_checker(fact_types: Mapping[str, str]) -> Callable[[Mapping[str, object]], None]:
    def bad_types(facts: Mapping[str, object]) -> None:
        wrong = []
        for name, kind in sorted(fact_types.items()):
            value = facts.get(name)
            if value is None:
                continue
            if kind == BOOL and not isinstance(value, bool):
                wrong.append(f"{name}={value!r} (expected true/false)")
            elif kind == NUMBER and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                wrong.append(f"{name}={value!r} (expected a number)")
        if wrong:
            raise EvaluationError("facts of the wrong type: " + ", ".join(wrong))

    return bad_types


def compile_classifier(
    trees: Iterable[ast.expr],
    fact_types: Mapping[str, str],
    constants: Mapping[str, object],
    *,
    hit_policy: str,
    clash: Callable[[int, int], None],
    label: str = "<goalcheck rules>",
) -> Callable[[Mapping[str, object]], int]:
    """Compile checked *trees* into one function ``facts -> index of first match or -1``.

    *fact_types* maps each fact the trees read to its type; *constants* binds parameters.
    """
    source = generate_source(trees, fact_types, constants, hit_policy=hit_policy)
    namespace = _exec(source, label, {"_clash": clash, "_bad_types": _type_checker(fact_types)})
    function: Callable[[Mapping[str, object]], int] = namespace["_classify"]
    function.__doc__ = source
    return function


def compile_rule_tests(
    trees: Iterable[ast.expr],
    fact_types: Mapping[str, str],
    constants: Mapping[str, object],
    *,
    label: str = "<goalcheck rule tests>",
) -> list[Callable[[Mapping[str, object]], bool]]:
    """One function per tree, ``facts -> matched``, for tracing (overflow gives no match)."""
    lines: list[str] = []
    count = 0
    for index, tree in enumerate(trees):
        count += 1
        gen = _Gen(constants, safe=True)
        used = sorted(name for name in _names(tree) if name in fact_types)
        lines.append(f"def _r{index}(_f):")
        if used:
            lines.append("    _g = _f.get")
            lines += [f"    {fact} = _g({fact!r})" for fact in used]
        lines.append(f"    return True if {gen.cond(tree, False)} else False")
        lines.append("")
    namespace = _exec("\n".join(lines) + "\n", label, {})
    return [namespace[f"_r{index}"] for index in range(count)]


def _names(tree: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
