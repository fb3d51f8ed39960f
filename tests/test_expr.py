"""The expression language: what is accepted, what is rejected, and the None semantics."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pytest

from goalcheck import _expr
from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError

TYPES = {name: info.type for name, info in FACTS.items()}
TYPES.update({"tolerance": "number", "strict": "bool"})
PARAMS: dict[str, object] = {"tolerance": 0.9, "strict": False}


def matches(source: str, facts: Mapping[str, object], **params: object) -> bool:
    """Compile *source* alone and say whether it matches *facts* (fast and traced forms)."""
    checked = _expr.check(source, TYPES)
    constants = {**PARAMS, **params}
    fact_types = {name: TYPES[name] for name in checked.names if name in FACTS}

    def clash(first: int, second: int) -> None:  # pragma: no cover - one rule only
        raise AssertionError

    fast = _expr.compile_classifier(
        [checked.tree], fact_types, constants, hit_policy="first", clash=clash
    )(facts)
    (traced,) = _expr.compile_rule_tests([checked.tree], fact_types, constants)
    assert (fast == 0) is traced(facts), "fast and traced forms disagree"
    return fast == 0


def problems(source: str) -> list[tuple[str, int | None, int | None]]:
    with pytest.raises(_expr.ExprError) as info:
        _expr.check(source, TYPES)
    return info.value.problems


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
    checked = _expr.check("value >= tolerance and not overdue", TYPES)
    assert checked.names == {"value", "tolerance", "overdue"}
    assert checked.type == "bool"


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
    with pytest.raises(_expr.ExprError, match="must be a string"):
        _expr.check(1, TYPES)  # type: ignore[arg-type]


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
    small = _expr.check(build(3), TYPES)
    source = _expr.generate_source([small.tree], ["overdue", "satisfied", "value"], {})
    assert len(source) < 20_000


def test_nesting_up_to_the_cap_is_fine() -> None:
    source = "(" * 20 + "value" + ")" * 20 + " > 1"
    assert matches(source, {"value": 2})
    assert matches("not " * 20 + "satisfied", {"satisfied": True})


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
    assert _expr.safe_pow(base, exponent) == expected


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


def test_floats_overflow_to_infinity_like_python() -> None:
    assert matches("value * value > 1e300", {"value": 1e200}) is True


def test_wrong_fact_types_raise_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="value='3'"):
        matches("value + 1 > 3", {"value": "3"})


def test_generated_source_is_built_from_the_tree() -> None:
    checked = _expr.check("pace >= tolerance and not overdue", TYPES)
    source = _expr.generate_source([checked.tree], ["overdue", "pace"], {"tolerance": 0.75})
    assert "(0.75)" in source
    assert "tolerance" not in source
    assert "overdue is False" in source


def test_nan_constants_and_parameters_compile() -> None:
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=math.inf) is False
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=-math.inf) is True
    assert matches("pace >= tolerance", {"pace": 1.0}, tolerance=math.nan) is False


def test_unique_policy_calls_clash() -> None:
    trees = [_expr.check(text, TYPES).tree for text in ("value > 0", "value > 1")]
    calls: list[tuple[int, int]] = []
    classify = _expr.compile_classifier(
        trees,
        {"value": "number"},
        {},
        hit_policy="unique",
        clash=lambda a, b: calls.append((a, b)),
    )
    assert classify({"value": 0.5}) == 0
    assert calls == []
    classify({"value": 2})
    assert calls == [(0, 1)]
