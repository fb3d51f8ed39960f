"""goalcheck._facts._inline: straight derivations inlined into a plan agree with their calls."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalcheck._facts import _derive, _goal
from goalcheck._facts._inline import inline, straight_body
from goalcheck._facts._plan import _NAMESPACE, fact_plan

floats = st.none() | st.floats(allow_nan=True, allow_infinity=True, width=64)
ordinals = st.none() | st.integers(min_value=-800_000, max_value=800_000)
codes = st.integers(min_value=0, max_value=5)
signs = st.sampled_from([-1, 0, 1])


def same(a: object, b: object) -> bool:
    """Equal, NaN equal to NaN, tuples element by element, and 0.0 == -0.0 kept apart."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


def inlined(function: Callable[..., Any], args: tuple[Any, ...]) -> object:
    """Evaluate ``function(a0, a1, ...)`` as the plan would, with its body inlined."""
    names = [f"a{i}" for i in range(len(args))]
    call = f"{function.__name__}({', '.join(names)})"
    code = inline(call, _NAMESPACE)
    assert function.__name__ + "(" not in code, code  # really inlined
    return eval(code, dict(_NAMESPACE), dict(zip(names, args, strict=True)))


CASES: list[tuple[Callable[..., Any], st.SearchStrategy[tuple[Any, ...]]]] = [
    (_derive.meets, st.tuples(floats, codes, floats, floats, floats)),
    (_derive.progress_toward, st.tuples(floats, floats, floats, signs, codes, floats, floats)),
    (_derive.elapsed_shares, st.tuples(ordinals, ordinals, st.integers(0, 800_000), ordinals)),
    (_derive.pace_of, st.tuples(floats, floats)),
    (
        _derive.trend_at_deadline,
        st.tuples(
            st.integers(0, 50),
            st.integers(-10_000, 10_000),
            st.integers(0, 10**8),
            st.floats(allow_nan=False, width=64),
            st.floats(allow_nan=False, width=64),
            ordinals,
            st.integers(0, 800_000),
        ),
    ),
    (_goal.band_edge, st.tuples(codes, signs, floats, floats, st.booleans(), floats)),
    (_derive.finite, st.tuples(st.floats(width=64))),
    (_derive.current_value, st.tuples(st.integers(0, 3), st.floats(width=64), st.booleans())),
    (_derive.after, st.tuples(st.none() | st.dates(), st.none() | st.dates())),
]


@pytest.mark.parametrize(
    ("function", "arguments"), CASES, ids=lambda c: getattr(c, "__name__", "")
)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_an_inlined_body_gives_what_the_call_gives(
    function: Callable[..., Any], arguments: st.SearchStrategy[tuple[Any, ...]], data: Any
) -> None:
    args = data.draw(arguments)
    try:
        expected = function(*args)
    except (TypeError, ZeroDivisionError) as error:  # e.g. None + 1: the inlined body agrees
        with pytest.raises(type(error)):
            inlined(function, args)
        return
    assert same(inlined(function, args), expected)


def test_a_function_that_is_not_straight_stays_a_call() -> None:
    for name in ("scan", "first_met", "resolve_goal", "window_of", "growth_facts"):
        assert straight_body(_NAMESPACE[name]) is None  # type: ignore[arg-type]
        assert inline(f"{name}(a, b, c)", _NAMESPACE) == f"{name}(a, b, c)"


def test_an_argument_is_evaluated_once_and_in_order() -> None:
    seen: list[str] = []

    def note(tag: str, value: float) -> float:
        seen.append(tag)
        return value

    namespace = {**_NAMESPACE, "note": note}
    code = inline("pace_of(note('p', 0.5), note('e', 0.25))", namespace)
    assert eval(code, namespace, {}) == 2.0
    assert seen == ["p", "e"]


def test_inlining_shadows_none_of_the_callers_names() -> None:
    """``elapsed_shares`` has locals ``span`` and ``now``: the caller's stay as they were."""
    code = inline("elapsed_shares(origin, deadline, now, span)", _NAMESPACE)
    scope = {"origin": 0, "deadline": 10, "now": 5, "span": 2}
    assert eval(code, dict(_NAMESPACE), scope) == (0.2, 0.5)
    assert scope["now"] == 5
    assert scope["span"] == 2


def test_a_plan_has_no_call_left_to_a_straight_derivation() -> None:
    source = fact_plan(None).source
    for name in ("meets(", "pace_of(", "progress_toward(", "elapsed_shares(", "band_edge("):
        assert name not in source, name
    assert "scan(" in source  # a loop stays a function


def test_the_default_plan_still_computes_the_same_facts() -> None:
    """One hand-checked target: the inlined plan's facts are the plain functions' values."""
    from goalcheck.model import Measurement, Target

    target = Target(
        "t",
        "at_least",
        target=100.0,
        baseline=20.0,
        start="2024-01-01",
        deadline="2024-12-31",
        measurements=[Measurement("2024-03-31", 40.0), Measurement("2024-06-30", 60.0)],
    )
    facts = fact_plan(None).compute(target, dt.date(2024, 6, 30), None)
    assert facts["satisfied"] is False
    assert facts["progress"] == pytest.approx(0.5)
    assert facts["elapsed"] == pytest.approx(182 / 366)
    assert facts["pace"] == pytest.approx(0.5 / (182 / 366))


def test_placeholders_are_filled_as_names_not_as_text() -> None:
    from goalcheck._facts._plan import _filled

    filled = _filled("f(TREND, FORECASTS, YEARS, TRENDY, a.TREND, 'TREND')", True, False, "whole")
    assert filled == "f(True, False, whole_years, TRENDY, a.TREND, 'TREND')"
    assert _filled("f(YEARS)", False, False, None) == "f(years_between)"


@pytest.mark.parametrize("years", [None, "whole"])
def test_a_generated_plan_keeps_no_placeholder(years: str | None) -> None:
    import re

    source = fact_plan(None, years=years).source
    assert not re.search(r"\b(TREND|FORECASTS|YEARS)\b", source)
    assert ("whole_years" in source) == (years == "whole")
