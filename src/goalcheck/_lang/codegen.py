"""Compile trees of :mod:`goalcheck._lang.nodes` into Python functions.

The generated code reaches the three-valued semantics without a helper call per comparison:
each condition is put in negation normal form (``not`` pushed down to the comparisons, with
De Morgan), and every comparison operand that can be ``None`` is guarded
(``value is not None and value >= 0.9``), so a guarded comparison and its negation are both
false when an operand is ``None``.  Arithmetic results that are not finite become ``None``
(the inline test ``(_t := a * b) - _t`` is NaN, so true, exactly for inf and NaN).

Parameters are data, never source text: number parameters are global names of the
generated module bound to ``float`` values in its namespace, and true/false parameters fold
into the fixed words ``True``/``False`` (so ``strict and ...`` costs nothing).  Only checked
nodes reach the source: fact and parameter identifiers, helper names and the repr of plain
``int``/``float`` literals.

Generated source is registered with :mod:`linecache` under a ``<goalcheck rule set ...>``
file name, so tracebacks and debuggers show the line that failed.
"""

from __future__ import annotations

import hashlib
import keyword
import linecache
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from goalcheck._lang import runtime
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
    walk,
)
from goalcheck._lang.types import Kind

__all__ = ["compile_classifier", "compile_rule_tests", "fact_names", "generate_source"]

_DIVISIONS = ("/", "//", "%")
#: How many generated sources stay registered with linecache (oldest dropped first).
_KEEP_SOURCES = 16
_REGISTERED: OrderedDict[str, None] = OrderedDict()


def _literal(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if type(value) in (int, float):
        return f"({value!r})"
    raise TypeError(f"not a literal: {value!r}")


def _identifier(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise TypeError(f"not a fact or parameter name: {name!r}")
    return name


def fact_names(tree: Node) -> set[str]:
    """The facts *tree* reads."""
    return {node.id for node in walk(tree) if isinstance(node, Name) and node.role == "fact"}


class _Gen:
    """Turns trees into Python source with the three-valued semantics.

    ``cond(node, negate)`` gives source that is true exactly when the (negated) condition is
    true in Kleene logic; ``val(node)`` gives source for a value (``None`` when unknown).
    With ``safe`` every arithmetic operation goes through a helper; the fast form uses plain
    operators and falls back to the safe one on an exception.
    """

    def __init__(self, parameters: Mapping[str, object], *, safe: bool) -> None:
        self.parameters = parameters
        self.safe = safe
        self.temps = 0

    def temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"

    def nullable(self, node: Node) -> bool:
        if isinstance(node, Literal):
            return node.value is None
        if isinstance(node, Name):
            return node.role == "fact"
        if isinstance(node, Negate):
            return self.nullable(node.operand)
        if isinstance(node, Call):
            return node.func == "round" or any(self.nullable(arg) for arg in node.args)
        return True  # arithmetic (non-finite gives None), if-else, conditions as values

    def flag(self, node: Name) -> bool:
        """A true/false parameter's bound value."""
        return self.parameters.get(node.id) is True

    # -- values -------------------------------------------------------------------------------

    def val(self, node: Node) -> str:
        if isinstance(node, Literal):
            return _literal(node.value)
        if isinstance(node, Name):
            if node.role == "parameter" and node.kind is Kind.BOOL:
                return repr(self.flag(node))
            return _identifier(node.id)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Negate):
            inner = self.val(node.operand)
            return f"_neg({inner})" if self.nullable(node.operand) else f"(-{inner})"
        if isinstance(node, Call):
            if node.func not in ("abs", "min", "max", "round"):
                raise TypeError(f"not a function: {node.func!r}")
            return f"_{node.func}({', '.join(self.val(arg) for arg in node.args)})"
        if isinstance(node, IfExp) and node.kind is Kind.NUMBER:
            test, negated = self.cond(node.test, False), self.cond(node.test, True)
            body, orelse = self.val(node.body), self.val(node.orelse)
            return f"({body} if {test} else ({orelse} if {negated} else None))"
        # A condition used as a value: True, False or None (unknown).
        positive, negative = self.cond(node, False), self.cond(node, True)
        return f"(True if {positive} else (False if {negative} else None))"

    def arith(self, node: Arith) -> str:
        left, right = self.val(node.left), self.val(node.right)
        if node.op == "**":
            return f"_pow({left}, {right})"
        if self.safe:
            return f"{runtime.SAFE_OPS[node.op][0]}({left}, {right})"
        guards: list[str] = []
        left = self._guard_left(node.left, left, guards)
        right = self._guard_right(node.right, right, node.op in _DIVISIONS, guards)
        result = self.temp()
        guards.append(f"({result} := {left} {node.op} {right}) - {result}")
        return f"(None if {' or '.join(guards)} else {result})"

    def _guard_left(self, node: Node, source: str, guards: list[str]) -> str:
        if not self.nullable(node):
            return source
        if isinstance(node, Name):
            guards.append(f"{source} is None")
            return source
        name = self.temp()
        guards.append(f"({name} := {source}) is None")
        return name

    def _guard_right(self, node: Node, source: str, division: bool, guards: list[str]) -> str:
        nullable = self.nullable(node)
        if not (nullable or division):
            return source
        if isinstance(node, Name | Literal):
            if nullable:
                guards.append(f"{source} is None")
            if division:
                guards.append(f"not {source}")
            return source
        name = self.temp()
        first = f"({name} := {source})"
        if nullable:
            guards.append(f"{first} is None")
            if division:
                guards.append(f"not {name}")
        else:
            guards.append(f"not {first}")
        return name

    # -- conditions ---------------------------------------------------------------------------

    def cond(self, node: Node, negate: bool) -> str:
        if isinstance(node, BoolOp):
            return self.boolop(node, negate)
        if isinstance(node, Not):
            return self.cond(node.operand, not negate)
        if isinstance(node, Compare):
            return self.compare(node, negate)
        if isinstance(node, IsNone):
            is_none = (not node.negated) != negate
            if not self.nullable(node.operand):
                return repr(not is_none)
            return f"({self.val(node.operand)} is {'' if is_none else 'not '}None)"
        if isinstance(node, IfExp):
            test, other = self.cond(node.test, False), self.cond(node.test, True)
            body, orelse = self.cond(node.body, negate), self.cond(node.orelse, negate)
            return f"(({test} and {body}) or ({other} and {orelse}))"
        if isinstance(node, Literal):
            return repr(bool(node.value) != negate)
        if isinstance(node, Name) and node.kind is Kind.BOOL:
            if node.role == "parameter":
                return repr(self.flag(node) != negate)
            return f"({_identifier(node.id)} is {not negate})"
        raise TypeError(f"not a condition: {node!r}")

    def boolop(self, node: BoolOp, negate: bool) -> str:
        conjunction = (node.op == "and") != negate
        parts = [self.cond(value, negate) for value in node.values]
        # Fold constants (true/false parameters and literals) out of the generated test.
        neutral, absorbing = ("True", "False") if conjunction else ("False", "True")
        if absorbing in parts:
            return absorbing
        parts = [part for part in parts if part != neutral] or [neutral]
        joiner = " and " if conjunction else " or "
        return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"

    def compare(self, node: Compare, negate: bool) -> str:
        guards: list[str] = []
        left = self._operand(node.left, self.val(node.left), guards)
        right = self._operand(node.right, self.val(node.right), guards)
        test = f"{left} {node.op} {right}"
        test = f"not {test}" if negate else test
        if not guards:
            return f"({test})"
        return "(" + " and ".join([*guards, test]) + ")"

    def _operand(self, node: Node, source: str, guards: list[str]) -> str:
        if not self.nullable(node):
            return source
        if isinstance(node, Name):
            guards.append(f"{source} is not None")
            return source
        name = self.temp()
        guards.append(f"({name} := {source}) is not None")
        return name


def _function(
    name: str, trees: Sequence[Node], gen: _Gen, *, safe: bool, hit_policy: str
) -> list[str]:
    lines = [f"def {name}(_f):"]
    if safe:
        used = sorted(set().union(*map(fact_names, trees))) if trees else []
        if used:
            lines.append("    _g = _f.get")
            lines += [f"    {_identifier(fact)} = _g({fact!r})" for fact in used]
    lines.append("    try:")
    unique = hit_policy == "unique"
    if unique:
        lines.append("        _m = -1")
    read: set[str] = set()
    for index, tree in enumerate(trees):
        if not safe:
            needed = sorted(fact_names(tree) - read)
            lines += [f"        {_identifier(fact)} = _f[{fact!r}]" for fact in needed]
            read.update(needed)
        lines.append(f"        if {gen.cond(tree, False)}:")
        if unique:
            lines.append(f"            if _m >= 0: _clash(_m, {index})")
            lines.append(f"            _m = {index}")
        else:
            lines.append(f"            return {index}")
    lines.append("        return _m" if unique else "        return -1")
    if not safe:
        lines += ["    except (_KeyError, _ArithmeticError):", "        return _classify_safe(_f)"]
    lines += [
        "    except (_TypeError, _ArithmeticError):" if safe else "    except _TypeError:",
        "        _bad_types(_f)",
        "        raise",
    ]
    return lines


def generate_source(
    trees: Iterable[Node], parameters: Mapping[str, object], *, hit_policy: str = "first"
) -> str:
    """Python source of ``_classify(_f) -> int`` for *trees*, and its safe twin.

    The fast form reads each fact (``_f["pace"]``) just before the first rule that needs it,
    so a rule set whose early rules decide most targets reads few facts, and uses plain
    operators.  A missing fact (``KeyError``) or an overflow (``ArithmeticError``) sends the
    call to the safe form, which reads every fact with ``.get`` and does its arithmetic
    through the helpers of :mod:`.runtime`; both give the same answers where the fast one
    finishes.  *parameters* gives the bound values of true/false parameters (folded into
    the source); number parameters are read from the namespace (see :func:`bind_namespace`).
    """
    trees = list(trees)
    parts = []
    for safe in (False, True):
        name = "_classify_safe" if safe else "_classify"
        gen = _Gen(parameters, safe=safe)
        parts.append("\n".join(_function(name, trees, gen, safe=safe, hit_policy=hit_policy)))
    return "\n\n".join(parts) + "\n"


def bind_namespace(parameters: Mapping[str, object]) -> dict[str, Any]:
    """The helpers plus every number parameter as a global name bound to its value."""
    names = runtime.namespace()
    for name, value in parameters.items():
        if isinstance(value, bool):
            continue
        if type(value) not in (int, float):
            raise TypeError(f"parameter {name!r} must be bound to an int or float")
        names[_identifier(name)] = value
    return names


def _safe_label(label: str) -> str:
    text = "".join(char if char.isprintable() else "?" for char in label)
    return text if len(text) <= 80 else text[:77] + "..."


def _register(source: str, label: str) -> str:
    """Register *source* with linecache under a file name unique to it; return that name."""
    digest = hashlib.blake2b(source.encode("utf-8"), digest_size=6).hexdigest()
    filename = f"<{_safe_label(label)} {digest}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    _REGISTERED[filename] = None
    _REGISTERED.move_to_end(filename)
    while len(_REGISTERED) > _KEEP_SOURCES:
        old, _ = _REGISTERED.popitem(last=False)
        linecache.cache.pop(old, None)
    return filename


def _exec(source: str, label: str, names: dict[str, Any]) -> dict[str, Any]:
    filename = _register(source, label)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = compile(source, filename, "exec")
    exec(code, names)  # the source is built only from checked nodes: see the module doc
    return names


def compile_classifier(
    trees: Iterable[Node],
    fact_kinds: Mapping[str, Kind],
    parameters: Mapping[str, object],
    *,
    hit_policy: str,
    clash: Callable[[int, int], None],
    label: str = "goalcheck rules",
) -> Callable[[Mapping[str, object]], int]:
    """Compile *trees* into one function ``facts -> index of the first match or -1``.

    *fact_kinds* maps each fact the trees read to its kind (to name wrong types in an
    :class:`~goalcheck.errors.EvaluationError`); *parameters* binds every parameter the
    trees read (plain ``bool``, ``int`` or ``float`` values).  Under hit policy ``unique``
    the function calls *clash(first, second)* when a second rule matches.
    """
    source = generate_source(trees, parameters, hit_policy=hit_policy)
    names = bind_namespace(parameters)
    names["_clash"] = clash
    names["_bad_types"] = runtime.type_checker(fact_kinds)
    function: Callable[[Mapping[str, object]], int] = _exec(source, label, names)["_classify"]
    function.__doc__ = source
    return function


def compile_rule_tests(
    trees: Iterable[Node],
    parameters: Mapping[str, object],
    *,
    label: str = "goalcheck rule tests",
) -> list[Callable[[Mapping[str, object]], bool]]:
    """One function per tree, ``facts -> matched``, for tracing (overflow gives no match)."""
    lines: list[str] = []
    count = 0
    for index, tree in enumerate(trees):
        count += 1
        gen = _Gen(parameters, safe=True)
        lines.append(f"def _r{index}(_f):")
        used = sorted(fact_names(tree))
        if used:
            lines.append("    _g = _f.get")
            lines += [f"    {_identifier(fact)} = _g({fact!r})" for fact in used]
        lines.append(f"    return True if {gen.cond(tree, False)} else False")
        lines.append("")
    names = _exec("\n".join(lines) + "\n", label, bind_namespace(parameters))
    return [names[f"_r{index}"] for index in range(count)]
