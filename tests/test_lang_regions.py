"""The region reasoning lint relies on agrees with the language's semantics, point by point."""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

from goalcheck._lang import Kind, check, compile_classifier
from goalcheck._lang.evaluate import evaluate
from goalcheck._lang.regions import Interval, NumberSet, Region, round_number, truth
from goalcheck._vocabulary import FACTS

KINDS = {name: info.kind for name, info in FACTS.items()}
PARAMS = {"cap": 0.9, "strict": True}
PARAM_KINDS = {"cap": Kind.NUMBER, "strict": Kind.BOOL}
NUMBERS = ["pace", "value", "progress"]
BOOLS = ["satisfied", "overdue"]

constants = st.sampled_from(["0", "0.5", "0.9", "1", "-1", "cap", "2.5", "-(0.5)", "1e3"])
comparison = st.tuples(
    st.sampled_from([*NUMBERS, "-pace"]),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    constants,
    st.booleans(),
).map(lambda t: f"({t[2]} {t[1]} {t[0]})" if t[3] else f"({t[0]} {t[1]} {t[2]})")
leaf = st.one_of(
    comparison,
    st.sampled_from([*BOOLS, "strict", "true", "false"]),
    st.sampled_from(NUMBERS + BOOLS).map(lambda name: f"({name} is None)"),
    st.sampled_from(NUMBERS).map(lambda name: f"({name} is not None)"),
    st.just("(0 <= progress < 1)"),
    st.just("(value > progress)"),  # opaque: a fact compared with a fact
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        inner.map(lambda x: f"(not {x})"),
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(" ".join).map("({})".format),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(inner, st.sampled_from(["==", "!="]), inner).map(" ".join).map("({})".format),
    ),
    max_leaves=6,
)
number_values = st.one_of(
    st.none(), st.sampled_from([0, 0.5, 0.9, 1, -1, 2.5, -0.5, 1000, 0.0]), st.floats(-5, 5)
)
facts = st.fixed_dictionaries(
    {
        **dict.fromkeys(NUMBERS, number_values),
        **{name: st.sampled_from([True, False, None]) for name in BOOLS},
    }
)


@given(conditions, facts)
def test_true_and_false_regions_match_evaluation(source: str, point: dict[str, object]) -> None:
    tree = check(source, KINDS, PARAM_KINDS).tree
    ((true, false),), space = truth([tree], KINDS, PARAMS)
    value = evaluate(tree, {**point, **PARAMS})
    if space.atoms:
        return  # opaque parts are free unknowns, not facts: lint checks its examples instead
    assert true.contains(point) is (value is True)
    assert false.contains(point) is (value is False)
    assert (true & false).empty()


@given(conditions, facts)
def test_the_interpreter_agrees_with_the_compiled_code(
    source: str, point: dict[str, object]
) -> None:
    tree = check(source, KINDS, PARAM_KINDS).tree
    classify = compile_classifier(
        [tree],
        {name: KINDS[name] for name in NUMBERS + BOOLS},
        PARAMS,
        hit_policy="first",
        clash=print,
    )
    assert (classify(point) == 0) is (evaluate(tree, {**point, **PARAMS}) is True)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.booleans(), st.booleans())
@example(0.0, 2.2250738585072014e-308, False, False)  # finer than every grid: lo is excluded
def test_round_numbers_lie_in_their_interval(a: float, b: float, lo_in: bool, hi_in: bool) -> None:
    part = Interval(min(a, b), max(a, b), lo_in, hi_in)
    if part.empty():
        return
    if math.nextafter(part.lo, math.inf) == part.hi and not (part.lo_in or part.hi_in):
        return  # no float inside: the open gap between two neighbouring floats
    point = round_number(part)
    assert NumberSet(False, (part,)) & NumberSet(False, (Interval(point, point, True, True),)) != (
        NumberSet(False, ())
    )


def test_round_numbers_are_round() -> None:
    assert round_number(Interval(0.5, 0.9, True, False)) == 0.5
    assert round_number(Interval(0.5, 0.9, False, False)) == 0.6
    assert round_number(Interval(0.9, math.inf, False, False)) == 1
    assert round_number(Interval(-math.inf, -0.2, False, False)) == -1
    assert round_number(Interval(-1, 1, False, False)) == 0
    assert round_number(Interval(1234.5, 1299, False, True)) == 1235


def test_region_algebra() -> None:
    tree = check("pace >= 0.5 and pace < 0.9", KINDS).tree
    ((true, false),), space = truth([tree], KINDS, {})
    wide = truth([check("pace >= 0", KINDS).tree], KINDS, {})[0][0][0]
    assert true.within(wide, space)
    assert not wide.within(true, space)
    assert Region.everything().minus(true | false, space).contains({"pace": None})
    assert not Region.everything().minus(true | false, space).contains({"pace": 0.7})
