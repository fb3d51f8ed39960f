"""The rule language: what it accepts and rejects, the tree it builds, its None semantics."""

from __future__ import annotations

import linecache
import math
import re
import traceback
from collections.abc import Mapping
from typing import Any

import pytest

from goalcheck import _lang
from goalcheck._lang import Kind, check, compile_classifier, compile_rule_tests
from goalcheck._lang.codegen import generate_source
from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError, GoalcheckError, RuleError

KINDS = {name: info.kind for name, info in FACTS.items()}
PARAM_KINDS = {"tolerance": Kind.NUMBER, "strict": Kind.BOOL}
PARAMS: dict[str, object] = {"tolerance": 0.9, "strict": False}


def checked(source: str) -> _lang.Checked:
    return check(source, KINDS, PARAM_KINDS)


def matches(source: str, facts: Mapping[str, object], **params: object) -> bool:
    """Compile *source* alone and say whether it matches *facts* (fast and traced forms)."""
    result = checked(source)
    constants = {**PARAMS, **params}
    fact_kinds = {name: KINDS[name] for name in result.names if name in FACTS}

    def clash(first: int, second: int) -> None:  # pragma: no cover - one rule only
        raise AssertionError

    fast = compile_classifier(
        [result.tree], fact_kinds, constants, hit_policy="first", clash=clash
    )(facts)
    (traced,) = compile_rule_tests([result.tree], constants)
    assert (fast == 0) is traced(facts), "fast and traced forms disagree"
    return fast == 0


_POSITION = re.compile(r"(?:line (\d+), )?column (\d+)$")


def problems(source: str) -> list[tuple[str, int | None, int | None]]:
    """(message, line, column) of each problem; a one-line condition is on line 1."""
    with pytest.raises(RuleError) as info:
        checked(source)
    found = []
    for problem in info.value.problems:
        assert problem.file is None
        match = _POSITION.search(problem.location or "")
        if match is None:
            found.append((problem.message, None, None))
        else:
            found.append((problem.message, int(match.group(1) or 1), int(match.group(2))))
    return found


# -- accepted constructs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "facts", "expected"),
    [
        ("value >= 10", {"value": 10}, True),
        ("value >= 10", {"value": 9.99}, False),
        ("value > 10", {"value": 10}, False),
        ("value < 10", {"value": 9}, True),
        ("value <= 10", {"value": 10}, True),
        ("value == 10", {"value": 10.0}, True),
        ("value != 10", {"value": 10.0}, False),
        ("0 <= progress < 1", {"progress": 0.5}, True),
        ("0 <= progress < 1", {"progress": 1.0}, False),
        ("0 <= progress < 1 <= pace", {"progress": 0.5, "pace": 1}, True),
        ("satisfied", {"satisfied": True}, True),
        ("satisfied", {"satisfied": False}, False),
        ("not satisfied", {"satisfied": False}, True),
        ("satisfied and overdue", {"satisfied": True, "overdue": False}, False),
        ("satisfied or overdue", {"satisfied": False, "overdue": True}, True),
        ("not (satisfied or overdue)", {"satisfied": False, "overdue": False}, True),
        ("pace >= tolerance", {"pace": 0.9}, True),
        ("pace >= tolerance", {"pace": 0.89}, False),
        ("strict", {}, False),
        ("not strict", {}, True),
        ("true", {}, True),
        ("True", {}, True),
        ("false or False", {}, False),
        ("value + target > 3", {"value": 1, "target": 2.5}, True),
        ("value - target == -1", {"value": 1, "target": 2}, True),
        ("value * 2 == 8", {"value": 4}, True),
        ("value / 4 == 0.5", {"value": 2}, True),
        ("value // 4 == 2", {"value": 9}, True),
        ("value % 4 == 1", {"value": 9}, True),
        ("value ** 2 == 9", {"value": 3}, True),
        ("-value == 3", {"value": -3}, True),
        ("+value == 3", {"value": 3}, True),
        ("abs(value) == 3", {"value": -3}, True),
        ("min(value, target) == 1", {"value": 1, "target": 2}, True),
        ("max(value, target, 5) == 5", {"value": 1, "target": 2}, True),
        ("round(value) == 3", {"value": 2.6}, True),
        ("round(value, 1) == 2.6", {"value": 2.6149}, True),
        ("(value if satisfied else target) == 1", {"value": 1, "satisfied": True}, True),
        ("(value if satisfied else target) == 2", {"target": 2, "satisfied": False}, True),
        (
            "(satisfied if overdue else forecast_satisfied)",
            {"overdue": True, "satisfied": True},
            True,
        ),
        ("(value > 1) == satisfied", {"value": 2, "satisfied": True}, True),
        ("(value > 1) != satisfied", {"value": 2, "satisfied": True}, False),
        ("value is None", {}, True),
        ("value is not None", {"value": 0}, True),
        ("measured_on is None", {"measured_on": None}, True),
        ("baseline_date is not None", {"baseline_date": "2020-01-01"}, True),
        ("value >= 10\n  and satisfied", {"value": 10, "satisfied": True}, True),
        ("1e3 < value", {"value": 1001}, True),
        ("value > 10**20", {"value": 1e21}, True),
    ],
)
def test_accepted_constructs_evaluate_like_python(
    source: str, facts: dict[str, object], expected: bool
) -> None:
    assert matches(source, facts) is expected


def test_checked_records_the_names_used() -> None:
    result = checked("value >= tolerance and not overdue")
    assert result.names == {"value", "tolerance", "overdue"}
    assert result.kind is Kind.BOOL


def test_missing_facts_count_as_none() -> None:
    assert matches("value is None", {}) is True
    assert matches("value >= 0", {}) is False


# -- rejected constructs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fragment", "column"),
    [
        ("__import__('os').system('true')", "attribute access ('.system')", 1),
        ("__import__('os')", "calling '__import__' is not allowed", 1),
        ("().__class__", "attribute access", 1),
        ("value.__class__", "attribute access", 1),
        ("value[0] > 1", "subscripts", 1),
        ("(lambda: 1)() > 0", "only the functions abs, max, min, round can be called", 1),
        ("[x for x in value]", "comprehensions", 1),
        ("{x for x in value}", "comprehensions", 1),
        ("{x: 1 for x in value}", "comprehensions", 1),
        ("any(x for x in value)", "calling 'any'", 1),
        ("min(value, (x for x in value)) > 1", "generator", 12),
        ("'abc' == value", "strings", 1),
        ("b'abc' == value", "strings", 1),
        ("f'{value}' == 1", "strings", 1),
        ("(x := 1) > 0", "assignment expressions", 2),
        ("max(*value) > 0", "starred", 1),
        ("round(value, ndigits=2) > 0", "keyword arguments", 1),
        ("open('f') is None", "calling 'open'", 1),
        ("eval('1') is None", "calling 'eval'", 1),
        ("mix(value, 1) > 0", "did you mean 'min'", 1),
        ("value.real > 0", "attribute access", 1),
        ("__builtins__ is None", "names starting with '_'", 1),
        ("_t1 is None", "names starting with '_'", 1),
        ("vaue > 1", "did you mean 'value'", 1),
        ("value > tolerence", "did you mean 'tolerance'", 9),
        ("value", "must be a true/false value, not a number", 1),
        ("value + 1", "must be a true/false value", 1),
        ("measured_on > 1", "dates can only be tested with 'is None'", 1),
        ("measured_on == baseline_date", "dates can only be tested", 1),
        ("value == None", "use 'is None'", 1),
        ("value is 1", "may only be used as 'x is None'", 1),
        ("value is None is None", "may only be used as 'x is None'", 1),
        ("None is None", "not a useful condition", 1),
        ("satisfied + 1 > 0", "left side of '+' must be a number", 1),
        ("satisfied > overdue", "cannot order true/false", 1),
        ("satisfied == 1", "cannot compare a true/false value with a number", 1),
        ("value and satisfied", "each side of 'and' must be a true/false value", 1),
        ("not value", "the operand of 'not'", 5),
        ("-satisfied", "the operand of unary '-'", 2),
        ("(value if satisfied else overdue) > 0", "both branches", 2),
        ("(value if pace else 1) > 0", "the test of 'if ... else'", 11),
        ("min(value) > 0", "min() takes 2 to 8 arguments", 1),
        ("abs(value, 1) > 0", "abs() takes 1 arguments", 1),
        ("max(1, 2, 3, 4, 5, 6, 7, 8, 9) > 0", "max() takes 2 to 8", 1),
        ("round(value, pace) > 0", "second argument", 14),
        ("round(value, 13) > 0", "second argument", 14),
        ("min(satisfied, 1) > 0", "each argument of min()", 5),
        ("value & 1 > 0", "operator '&'", 1),
        ("value | 1 > 0", "operator '|'", 1),
        ("value << 1 > 0", "operator '<<'", 1),
        ("~value > 0", "operator '~'", 1),
        ("value in 1", "operator 'in'", 1),
        ("value @ value > 0", "operator '@'", 1),
        ("(value, 1) > (1, 2)", "tuples", 1),
        ("[value] == [1]", "lists", 1),
        ("{} == value", "dicts", 1),
        ("1j == value", "complex", 1),
        ("value > 10000000000000000", "integer too large", 9),
        ("value > 1e999", "number too large", 9),
        ("value > ...", "ellipsis", 9),
        ("value >", "syntax error", None),
        ("value = 1", "syntax error", None),
        ("import os", "syntax error", None),
        ("", "empty", None),
        ("   ", "empty", None),
        ("value > 1\0", "null bytes", None),
        ("value > 1  # comment", "comments", 12),
        ("min > 1", "is a function", 1),
        ("await value", "await", 1),
    ],
)
def test_forbidden_constructs_are_rejected_with_a_column(
    source: str, fragment: str, column: int | None
) -> None:
    found = problems(source)
    messages = " | ".join(message for message, _, _ in found)
    assert fragment.lower() in messages.lower()
    if column is not None:
        assert found[0][2] == column


def test_columns_count_characters_not_bytes() -> None:
    (found,) = problems("satisfied and ødelagt > 1")
    assert found[2] == 15


def test_multi_line_conditions_report_line_and_column() -> None:
    (found,) = problems("value >= 10\n  and vaue < 3")
    assert found[1:] == (2, 7)
    (found,) = problems("value >= 10\r\n  and (value <")
    assert found[0].startswith("syntax error")
    assert found[1] == 2


def test_indented_multi_line_conditions() -> None:
    source = "\n    value >= 10\n    and satisfied\n"
    assert matches(source, {"value": 10, "satisfied": True})
    (found,) = problems("\n    value >= 10\n    and satisfeid\n")
    assert found[1:] == (3, 9)
    (found,) = problems("  ø > 1 and (")
    assert found[0].startswith("syntax error")
    assert found[1:] == (1, 13)  # the unclosed bracket


def test_every_problem_in_one_condition_is_reported() -> None:
    found = problems("vaue > 1 and pase < 2 and value.x")
    assert len(found) == 3
    assert [column for _, _, column in found] == [1, 14, 27]


def test_a_condition_must_be_a_string() -> None:
    with pytest.raises(RuleError, match="must be a string"):
        check(1, KINDS)


# -- resource abuse -------------------------------------------------------------------------


def test_the_source_length_is_capped() -> None:
    (found,) = problems("value > 1 and " * 100 + "true")
    assert "characters long" in found[0]


@pytest.mark.parametrize(
    "source",
    [
        "(" * 10_000 + "1" + ")" * 10_000,
        "not " * 10_000 + "satisfied",
        "-" * 100_000 + "1 > 0",
        "(" * 400 + "value" + ")" * 400 + " > 1",
        "not " * 240 + "satisfied",
        "-" * 900 + "value > 0",
        "+".join(["value"] * 300) + " > 0",
        "min(" * 60 + "value" + ", 1)" * 60 + " > 0",
        "[" * 300 + "]" * 300,
    ],
)
def test_deep_nesting_and_huge_sources_fail_cleanly(source: str) -> None:
    # Never RecursionError or MemoryError: a located problem instead.
    assert problems(source)


def _nested_ifs(levels: int) -> str:
    source = "satisfied"
    for _ in range(levels):
        source = f"(overdue if {source} else satisfied)"
    return source


def _nested_equalities(levels: int) -> str:
    source = "satisfied"
    for _ in range(levels):
        source = f"((value > 1) == {source})"
    return source


@pytest.mark.parametrize("build", [_nested_ifs, _nested_equalities])
def test_conditions_whose_code_would_explode_are_refused(build: Any) -> None:
    # Negation normal form duplicates if-tests and compared conditions; nesting them would
    # make the generated code grow exponentially, so the checker bounds it first.
    (found,) = problems(build(14))
    assert "too complex to compile" in found[0]
    small = checked(build(3))
    source = generate_source([small.tree], {})
    assert len(source) < 20_000


def test_bracket_depth_boundary_32_and_33() -> None:
    assert _lang.MAX_DEPTH == 32
    at_cap = "(" * 32 + "value" + ")" * 32 + " > 1"
    assert matches(at_cap, {"value": 2})
    ((message, _, _),) = problems("(" * 33 + "value" + ")" * 33 + " > 1")
    assert message == "brackets are nested 33 deep; at most 32"


def test_tree_depth_boundary_32_and_33() -> None:
    # Depth counts syntax-tree nodes: n "not"s, the name below them and the name's load
    # context, so 30 "not"s reach depth 32 (accepted) and 31 reach depth 33 (refused).
    assert matches("not " * 30 + "satisfied", {"satisfied": True})
    ((message, _, _),) = problems("not " * 31 + "satisfied")
    assert message == "the condition is nested too deeply (at most 32)"
    ((message, line, column),) = problems("not " * 32 + "satisfied")
    assert message == "the condition is nested too deeply (at most 32)"
    assert (line, column) == (1, 129)  # the 33rd level is the name itself


def test_huge_exponents_evaluate_safely() -> None:
    assert matches("10 ** 10 ** 10 > 1", {}) is False
    assert matches("(10 ** 10 ** 10) is None", {}) is True
    assert matches("value ** value > 1", {"value": 1e300}) is False
    assert matches("2 ** 10 == 1024", {}) is True
    assert matches("(-8) ** (1 / 3) is None", {}) is True  # no complex numbers
    assert matches("0 ** -1 is None", {}) is True


@pytest.mark.parametrize(
    ("base", "exponent", "expected"),
    [
        (2, 3, 8.0),
        (None, 3, None),
        (2, None, None),
        (10, 10**10, None),
        (0.5, 1e300, 0.0),
        (-8, 1 / 3, None),
        (0, -1, None),
        (10**400, 2, None),
    ],
)
def test_safe_pow(base: object, exponent: object, expected: float | None) -> None:
    assert _lang.safe_pow(base, exponent) == expected


# -- None semantics ---------------------------------------------------------------------------

# (condition, facts, matches) — a condition that touches None does not match, and neither does
# its negation; "x is None" is always decided.
NONE_TABLE = [
    ("value >= 1", {}, False),
    ("not value >= 1", {}, False),
    ("not (value >= 1)", {}, False),
    ("value < 1", {}, False),
    ("value == 1", {}, False),
    ("value != 1", {}, False),
    ("not value != 1", {}, False),
    ("satisfied", {}, False),
    ("not satisfied", {}, False),
    ("satisfied or overdue", {"overdue": True}, True),
    ("satisfied or overdue", {"overdue": False}, False),
    ("not (satisfied or overdue)", {"overdue": False}, False),
    ("not (satisfied and overdue)", {"overdue": False}, True),
    ("not (satisfied and overdue)", {"overdue": True}, False),
    ("satisfied and overdue", {"overdue": False}, False),
    ("value >= 1 or value < 1", {}, False),
    ("not (value >= 1 and value < 1)", {}, False),
    ("value is None", {}, True),
    ("not value is None", {}, False),
    ("value is not None", {}, False),
    ("not value is not None", {}, True),
    ("value + 1 > 0", {}, False),
    ("not value + 1 > 0", {}, False),
    ("(value + 1) is None", {}, True),
    ("min(value, 1) < 5", {}, False),
    ("abs(value) >= 0", {}, False),
    ("-value < 5", {}, False),
    ("0 < value < 10", {}, False),
    ("not 0 < value < 10", {}, False),
    ("0 < pace < value", {"pace": -1}, False),
    ("not (0 < pace < value)", {"pace": -1}, True),  # 0 < -1 is false: decided
    ("(value if satisfied else 1) > 0", {"value": 5}, False),
    ("not (value if satisfied else 1) > 0", {"value": 5}, False),
    ("(satisfied if overdue else true)", {"satisfied": True}, False),
    ("not (satisfied if overdue else true)", {"satisfied": True}, False),
    ("(value > 1) == satisfied", {"value": 2}, False),
    ("(value > 1) is None", {}, True),
    ("(value > 1) is None", {"value": 0}, False),
    # division by zero gives None, never an exception
    ("progress / elapsed > 1", {"progress": 1, "elapsed": 0}, False),
    ("not progress / elapsed > 1", {"progress": 1, "elapsed": 0}, False),
    ("(progress / elapsed) is None", {"progress": 1, "elapsed": 0.0}, True),
    ("(progress // elapsed) is None", {"progress": 1, "elapsed": 0}, True),
    ("(progress % elapsed) is None", {"progress": 1, "elapsed": -0.0}, True),
    ("(progress / (elapsed - 1)) is None", {"progress": 1, "elapsed": 1}, True),
    ("progress / elapsed > 1", {"progress": 3, "elapsed": 2}, True),
]


@pytest.mark.parametrize(("source", "facts", "expected"), NONE_TABLE)
def test_none_semantics(source: str, facts: dict[str, object], expected: bool) -> None:
    assert matches(source, facts) is expected


def test_overflow_gives_none_not_an_exception() -> None:
    huge = 10**400  # an int too large for a float
    assert matches("n_actual * 1.5 > 0", {"n_actual": huge}) is False
    assert matches("not n_actual * 1.5 > 0", {"n_actual": huge}) is False
    assert matches("(n_actual / 3) is None", {"n_actual": huge}) is True
    assert matches("n_actual > 0", {"n_actual": huge}) is True


def test_float_overflow_is_none_not_infinity() -> None:
    # Python gives inf here; the language gives None (unknown), so neither side matches.
    assert matches("value * value > 1e300", {"value": 1e200}) is False
    assert matches("not value * value > 1e300", {"value": 1e200}) is False
    assert matches("value * value > 1e300", {"value": 1e151}) is True


def test_wrong_fact_types_raise_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="value='3'"):
        matches("value + 1 > 3", {"value": "3"})


def test_parameters_are_data_not_source_text() -> None:
    # F1: a bound number is read from the generated module's namespace, never pasted in.
    result = checked("pace >= tolerance and not overdue")
    source = generate_source([result.tree], {"tolerance": 0.75})
    assert "0.75" not in source
    assert "pace >= tolerance" in source
    assert "overdue is False" in source


def test_true_false_parameters_fold_into_fixed_words() -> None:
    result = checked("strict and value > 1")
    assert generate_source([result.tree], {"strict": False}).count("if False:") == 2
    assert "strict" not in generate_source([result.tree], {"strict": True})


def test_a_parameter_value_of_another_type_is_refused_by_the_compiler() -> None:
    class Sneaky(float):
        def __repr__(self) -> str:  # pragma: no cover - must never be called
            raise AssertionError("repr of a parameter was used")

    result = checked("pace >= tolerance")
    with pytest.raises(TypeError, match="int or float"):
        compile_classifier(
            [result.tree], {}, {"tolerance": Sneaky(0.5)}, hit_policy="first", clash=print
        )


def test_non_finite_data_still_compiles() -> None:
    # The rule set refuses NaN and infinite parameters (see test_rules); the compiler itself
    # only reads data, so such a value cannot break the generated code.
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=math.inf) is False
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=-math.inf) is True
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=math.nan) is False


@pytest.mark.parametrize(
    "source",
    [
        "(value * 1e308 * 1e308) is None",
        "(value + 1.7e308 + 1.7e308) is None",
        "(-value - 1.7e308 - 1.7e308) is None",
        "(value / 1e-308) is None",
        "(value ** 400) is None",
        "(value % 0.0) is None",
    ],
)
def test_arithmetic_overflow_to_infinity_is_none(source: str) -> None:
    # F14: every arithmetic result that is not finite is None, as documented.
    assert matches(source, {"value": 10.0}) is True
    assert matches(source.replace(" is None", " > 1e308"), {"value": 10.0}) is False
    assert matches("not " + source.replace(" is None", " > 1e308"), {"value": 10.0}) is False


def test_infinite_facts_in_arithmetic_are_none() -> None:
    assert matches("(value + 1) is None", {"value": math.inf}) is True
    assert matches("(value - value) is None", {"value": math.inf}) is True
    assert matches("value > 1", {"value": math.inf}) is True  # no arithmetic: compares


def test_generated_source_is_in_linecache_for_tracebacks() -> None:
    result = checked("value + 1 > 3")
    classify = compile_classifier(
        [result.tree],
        {"value": Kind.NUMBER},
        {},
        hit_policy="first",
        clash=print,
        label="goalcheck rule set demo",
    )
    filename = classify.__code__.co_filename
    assert filename.startswith("<goalcheck rule set demo ")
    assert "".join(linecache.getlines(filename)) == classify.__doc__
    with pytest.raises(EvaluationError) as info:
        classify({"value": "3"})
    shown = "".join(traceback.format_exception(info.value.__context__))
    assert f'File "{filename}", line' in shown
    assert "\n    if ((" in shown  # the failing line of generated code is shown


def test_labels_with_control_characters_compile() -> None:
    result = checked("true")
    classify = compile_classifier(
        [result.tree], {}, {}, hit_policy="first", clash=print, label="rule set a\0b\x1b"
    )
    assert "\0" not in classify.__code__.co_filename
    assert classify({}) == 0


def test_unique_policy_calls_clash() -> None:
    trees = [checked(text).tree for text in ("value > 0", "value > 1")]
    calls: list[tuple[int, int]] = []
    classify = compile_classifier(
        trees,
        {"value": Kind.NUMBER},
        {},
        hit_policy="unique",
        clash=lambda a, b: calls.append((a, b)),
    )
    assert classify({"value": 0.5}) == 0
    assert calls == []
    classify({"value": 2})
    assert calls == [(0, 1)]


# -- the tree ---------------------------------------------------------------------------------


def test_the_tree_is_the_languages_own() -> None:
    tree = checked("0 <= progress < 1 and not strict").tree
    assert isinstance(tree, _lang.BoolOp)
    assert tree.op == "and"
    chain, negation = tree.values
    assert isinstance(chain, _lang.BoolOp)  # a chain becomes 'and' of comparisons
    first, second = chain.values
    assert isinstance(first, _lang.Compare)
    assert isinstance(second, _lang.Compare)
    assert (first.op, second.op) == ("<=", "<")
    assert first.left == _lang.Literal(0, span=_lang.Span(1, 1, 1, 2))
    assert first.right is second.left  # the shared operand is one node
    assert first.right == _lang.Name(
        "progress", "fact", kind=Kind.NUMBER, span=_lang.Span(1, 6, 1, 14)
    )
    assert negation == _lang.Not(
        _lang.Name("strict", "parameter", kind=Kind.BOOL, span=_lang.Span(1, 27, 1, 33)),
        span=_lang.Span(1, 23, 1, 33),
    )
    assert all(node.kind is Kind.BOOL for node in (tree, chain, first, second, negation))


@pytest.mark.parametrize(
    ("source", "node_type", "kind"),
    [
        ("value", _lang.Name, Kind.NUMBER),
        ("true", _lang.Literal, Kind.BOOL),
        ("False", _lang.Literal, Kind.BOOL),
        ("1.5", _lang.Literal, Kind.NUMBER),
        ("value + 1", _lang.Arith, Kind.NUMBER),
        ("-value", _lang.Negate, Kind.NUMBER),
        ("+value", _lang.Name, Kind.NUMBER),  # unary plus is dropped
        ("round(value, 2)", _lang.Call, Kind.NUMBER),
        ("value is None", _lang.IsNone, Kind.BOOL),
        ("measured_on is not None", _lang.IsNone, Kind.BOOL),
        ("value if satisfied else 1", _lang.IfExp, Kind.NUMBER),
        ("satisfied if overdue else true", _lang.IfExp, Kind.BOOL),
        ("satisfied or overdue", _lang.BoolOp, Kind.BOOL),
        ("value > 1", _lang.Compare, Kind.BOOL),
    ],
)
def test_node_classes_and_kinds(source: str, node_type: type, kind: Kind) -> None:
    tree = check(source, KINDS, PARAM_KINDS, want=kind).tree
    assert type(tree) is node_type
    assert tree.kind is kind


def test_spans_of_a_multi_line_condition() -> None:
    tree = checked("value >= 10\n  and satisfied").tree
    assert isinstance(tree, _lang.BoolOp)
    assert tree.span == _lang.Span(1, 1, 2, 16)
    assert tree.values[1].span == _lang.Span(2, 7, 2, 16)


def test_nodes_are_frozen_and_hashable() -> None:
    tree = checked("value > 1").tree
    with pytest.raises(AttributeError):
        tree.op = "<"  # type: ignore[misc]
    assert hash(tree) == hash(checked("value > 1").tree)
    assert not hasattr(tree, "__dict__")  # slotted


def test_node_visitor_and_walk() -> None:
    class Names(_lang.NodeVisitor):
        def __init__(self) -> None:
            self.seen: list[str] = []

        def visit_Name(self, node: _lang.Name) -> None:
            self.seen.append(node.id)

    tree = checked("min(value, target) > tolerance or satisfied").tree
    visitor = Names()
    visitor.visit(tree)
    assert visitor.seen == ["value", "target", "tolerance", "satisfied"]
    assert [type(node).__name__ for node in _lang.walk(tree)][:3] == ["BoolOp", "Compare", "Call"]


def test_a_hand_built_tree_compiles() -> None:
    # What a second backend relies on: the documented node API is enough to build and run.
    value = _lang.Name("value", "fact", kind=Kind.NUMBER)
    tree = _lang.Compare(">", _lang.Arith("*", value, _lang.Literal(2)), _lang.Literal(3))
    classify = compile_classifier(
        [tree], {"value": Kind.NUMBER}, {}, hit_policy="first", clash=print
    )
    assert (classify({"value": 2}), classify({"value": 1}), classify({})) == (0, -1, -1)


def test_hand_built_trees_with_foreign_names_are_refused() -> None:
    bad = _lang.IsNone(_lang.Name("__import__", "fact", kind=Kind.NUMBER))
    with pytest.raises(TypeError, match="not a fact or parameter name"):
        compile_classifier([bad], {}, {}, hit_policy="first", clash=print)
    with pytest.raises(ValueError):
        _lang.Name("value", "global", kind=Kind.NUMBER)


def test_problems_are_goalcheck_errors() -> None:
    with pytest.raises(GoalcheckError):
        checked("vaue > 1")
    with pytest.raises(ValueError):  # RuleError is an InputError, a ValueError
        checked("vaue > 1")


def test_problems_are_located_in_the_callers_file() -> None:
    with pytest.raises(RuleError) as info:
        check(
            "value > 1 and\n vaue",
            KINDS,
            file="r.toml",
            location="rules[2].when",
            label="rule 'x': ",
        )
    (problem,) = info.value.problems
    assert str(problem) == (
        "r.toml:rules[2].when, line 2, column 2: rule 'x': unknown name 'vaue' "
        "(did you mean 'value'?)"
    )


def test_costs_are_recorded() -> None:
    small, large = checked("value > 1"), checked("value > 1 and (target > 2 or pace > 3)")
    assert 0 < small.cost < large.cost <= _lang.MAX_COST
