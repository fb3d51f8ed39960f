"""Properties of the expression compiler.

The compiled classifier must agree with a slow interpreter of the standard library's syntax
tree written here with the documented semantics (Kleene logic; a comparison touching None is
unknown; arithmetic with None, division by zero and every non-finite arithmetic result give
None), and arbitrary text must never raise anything but a RuleError.  The interpreter reads
the stdlib tree on purpose: it checks the conversion to the language's own nodes as well.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from goalcheck._lang import Kind, check, compile_classifier, compile_rule_tests
from goalcheck.errors import RuleError
from goalcheck.rules import Rule, RuleSet, StatusInfo

NUMBER_FACTS = ["value", "target", "pace", "progress", "elapsed", "n_actual"]
BOOL_FACTS = ["satisfied", "overdue", "forecast_satisfied"]
FACT_KINDS = dict.fromkeys(NUMBER_FACTS, Kind.NUMBER)
FACT_KINDS.update(dict.fromkeys(BOOL_FACTS, Kind.BOOL))
FACT_KINDS["measured_on"] = Kind.DATE
PARAM_KINDS = {"tolerance": Kind.NUMBER, "strict": Kind.BOOL}
PARAMS: dict[str, object] = {"tolerance": 0.9, "strict": True}

# -- the reference interpreter ----------------------------------------------------------------

_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def reference(node: ast.expr, env: Mapping[str, object]) -> Any:
    """Evaluate with the documented semantics; booleans are True, False or None (unknown)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in ("true", "false"):
            return node.id == "true"
        return env.get(node.id)
    if isinstance(node, ast.BoolOp):
        values = [reference(value, env) for value in node.values]
        if isinstance(node.op, ast.And):
            return False if False in values else (None if None in values else True)
        return True if True in values else (None if None in values else False)
    if isinstance(node, ast.UnaryOp):
        operand = reference(node.operand, env)
        if operand is None:
            return None
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = reference(node.left, env), reference(node.right, env)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow):
            try:
                result = float(left) ** float(right)
            except (OverflowError, ZeroDivisionError):
                return None
            if isinstance(result, float) and math.isfinite(result):
                return result
            return None
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod) and right == 0:
            return None
        try:
            result = _ARITH[type(node.op)](left, right)
        except ArithmeticError:
            return None
        if isinstance(result, float) and not math.isfinite(result):
            return None  # overflow to infinity, inf - inf, ...
        return result
    if isinstance(node, ast.Compare):
        if isinstance(node.ops[0], ast.Is):
            return reference(node.left, env) is None
        if isinstance(node.ops[0], ast.IsNot):
            return reference(node.left, env) is not None
        values = [reference(operand, env) for operand in [node.left, *node.comparators]]
        results = []
        for index, op in enumerate(node.ops):
            left, right = values[index], values[index + 1]
            results.append(
                None if left is None or right is None else _COMPARE[type(op)](left, right)
            )
        return False if False in results else (None if None in results else True)
    if isinstance(node, ast.IfExp):
        test = reference(node.test, env)
        if test is None:
            return None
        return reference(node.body if test else node.orelse, env)
    if isinstance(node, ast.Call):
        name = node.func.id  # type: ignore[attr-defined]
        args = [reference(arg, env) for arg in node.args]
        if None in args:
            return None
        if name == "round":
            try:
                return round(*args)
            except (OverflowError, ValueError):
                return None
        return {"min": min, "max": max, "abs": abs}[name](*args)
    raise AssertionError(ast.dump(node))


# -- random expressions -----------------------------------------------------------------------

numbers_leaf = st.one_of(
    st.sampled_from(NUMBER_FACTS),
    st.just("tolerance"),
    st.integers(-3, 12).map(str),
    st.sampled_from(["0.5", "1e300", "2.5", "0.0", "1e-300"]),
)


def number_expressions(booleans: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.recursive(
        numbers_leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda x: f"(-{x})"),
            inner.map(lambda x: f"abs({x})"),
            inner.map(lambda x: f"round({x})"),
            inner.map(lambda x: f"round({x}, 2)"),
            st.tuples(
                st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)
            ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(inner, booleans, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        ),
        max_leaves=6,
    )


bool_leaf = st.sampled_from([*BOOL_FACTS, "strict", "true", "false", "(measured_on is None)"])
simple_numbers = number_expressions(bool_leaf)


def _comparison(parts: tuple[str, list[tuple[str, str]]]) -> str:
    first, rest = parts
    return "(" + first + "".join(f" {op} {operand}" for op, operand in rest) + ")"


comparisons = st.tuples(
    simple_numbers,
    st.lists(
        st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), simple_numbers),
        min_size=1,
        max_size=2,
    ),
).map(_comparison)

conditions = st.recursive(
    st.one_of(
        bool_leaf,
        comparisons,
        simple_numbers.map(lambda x: f"({x} is None)"),
        simple_numbers.map(lambda x: f"({x} is not None)"),
    ),
    lambda inner: st.one_of(
        inner.map(lambda x: f"(not {x})"),
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(inner, st.sampled_from(["==", "!="]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(number_expressions(inner), st.sampled_from(["<", ">="]), simple_numbers).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
    ),
    max_leaves=5,
)

number_values = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.sampled_from([0.0, -0.0, 0.5, 1e300, -1e300, math.inf, math.nan, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
facts_strategy = st.fixed_dictionaries(
    {
        **dict.fromkeys(NUMBER_FACTS, number_values),
        **{name: st.sampled_from([None, True, False]) for name in BOOL_FACTS},
        "measured_on": st.sampled_from([None, "2009-09-30"]),
    }
)


def compiled(source: str) -> tuple[Callable[[Mapping[str, object]], int], Any, ast.expr]:
    checked = check(source, FACT_KINDS, PARAM_KINDS)
    negated = check(f"not ({source})", FACT_KINDS, PARAM_KINDS)

    def clash(first: int, second: int) -> None:  # first policy never calls it
        raise AssertionError

    classify = compile_classifier(
        [checked.tree, negated.tree], FACT_KINDS, PARAMS, hit_policy="first", clash=clash
    )
    tests = compile_rule_tests([checked.tree], PARAMS)
    return classify, tests[0], ast.parse(source, mode="eval").body


@given(conditions, facts_strategy)
@example("(value / elapsed) > 1", {"value": 1, "elapsed": 0})
@example("(n_actual * 1.5) > 1", {"n_actual": 10**400})
@example("(not (value > 1))", {"value": math.nan})
@example("(round(value) > 1)", {"value": math.inf})
@example("((value * 1e300) * 1e300) > 1", {"value": 5})
@example("(1 / (value * 1e300 * 1e300)) is None", {"value": 5})
@example("((value - value) > 1)", {"value": math.inf})
def test_compiled_equals_reference(source: str, facts: dict[str, object]) -> None:
    classify, traced, tree = compiled(source)
    expected = reference(tree, {**facts, **PARAMS})
    assert expected in (True, False, None)
    # Rule 0 is the condition, rule 1 its negation: exactly Kleene's three outcomes.
    want = 0 if expected is True else (1 if expected is False else -1)
    assert classify(facts) == want
    # Missing keys count as None (and take the compiled safe path).
    known = {name: value for name, value in facts.items() if value is not None}
    assert classify(known) == want
    assert traced(facts) is (expected is True)


@given(simple_numbers, facts_strategy)
def test_number_expressions_equal_reference(source: str, facts: dict[str, object]) -> None:
    value = reference(ast.parse(source, mode="eval").body, {**facts, **PARAMS})
    classify, _, _ = compiled(f"({source}) is None")
    assert (classify(facts) == 0) is (value is None)


def _rule_set(when: str) -> RuleSet:
    return RuleSet(
        "p",
        "1",
        "",
        [StatusInfo("s", "s", "s", 0)],
        {"cap": 1.0},
        "first",
        [Rule("r", when, "s")],
    )


TOKENS = [
    *NUMBER_FACTS,
    *BOOL_FACTS,
    "cap",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "__class__",
    "not",
    "and",
    "or",
    "if",
    "else",
    "is",
    "None",
    "lambda",
    ":",
    "**",
    "+",
    "-",
    "*",
    "/",
    "<",
    ">=",
    "==",
    "1",
    "2.5",
    "1e999",
    "'s'",
    "min",
    "round",
    "__import__",
    "for",
    "in",
    ":=",
    "\n",
    "#",
]


@given(
    st.one_of(st.text(max_size=200), st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
)
@example("(" * 2000)
@example("not " * 300 + "satisfied")
@example("-" * 999 + "1")
def test_arbitrary_text_raises_only_rule_errors(text: str) -> None:
    problems = ()
    try:
        rs = _rule_set(text)
    except RuleError as error:
        problems = error.problems
    if problems:
        assert all(
            problem.location and problem.location.startswith("rules[0]") for problem in problems
        )
        return
    # Whatever was accepted compiles and runs on empty facts.
    assert rs.compile()({}) in (0, -1)
