"""The columnar backend gives the scalar engine's verdicts and facts, for any input.

A Hypothesis property over generated targets (every feature goalcheck.strategies can draw:
checkpoints, relative targets, recurrence, bands, milestones, forecasts, same-day values),
evaluation dates and rule sets (every shipped one, and generated ones): same status, same rule,
same facts to the bit, except the least-squares projection (``APPROXIMATE``: within 1e-9
relative; its sums are added in another order).  A rule set that applies to funding judges budget
targets, not goals: its property over plans with funding lines is in test_columnar_funding.py.
The number of examples is bounded by the active Hypothesis profile ("ci" by default).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

from goalcheck import evaluate_iter, list_rules, load_rules  # noqa: E402
from goalcheck import strategies as gst  # noqa: E402
from goalcheck._columnar import evaluate_tables  # noqa: E402
from goalcheck._columnar._convert import tables_from_targets  # noqa: E402
from goalcheck._columnar._engine import COMPUTED, facts_table, prepare  # noqa: E402
from goalcheck._columnar._input import normalize  # noqa: E402
from goalcheck._vocabulary import FACTS  # noqa: E402
from goalcheck.errors import EvaluationError  # noqa: E402
from goalcheck.facts import compute_facts  # noqa: E402
from goalcheck.periods import Period  # noqa: E402

SHIPPED = sorted(info.name if hasattr(info, "name") else str(info) for info in list_rules())
REL = 1e-9


#: The facts whose floats may differ in the last bits: the least-squares projection, whose
#: sums are list sums in the columnar engine, added in another order than one point at a time.
APPROXIMATE = frozenset({"projected"})


def same(a: object, b: object, name: str = "") -> bool:
    """Equal: to the bit, or (a fact of APPROXIMATE) within 1e-9 relative (and 1e-12
    absolute, for values near zero)."""
    if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
        return (
            a == b and type(a) is type(b) if isinstance(a, bool) or isinstance(b, bool) else a is b
        )
    if name in APPROXIMATE and isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)
    return a == b


def _unique_ids(targets: list) -> list:
    seen: set[str] = set()
    out = []
    for target in targets:
        if target.id not in seen:
            seen.add(target.id)
            out.append(target)
    return out


target_lists = st.lists(gst.targets(), min_size=1, max_size=6).map(_unique_ids)
dates = st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2032, 12, 31))
periods = st.none() | st.just(Period(dt.date(2010, 1, 1), dt.date(2025, 12, 31)))


def _scalar(targets, as_of, ruleset, period):
    return list(evaluate_iter(targets, as_of, ruleset, period=period))


def _columnar(targets, as_of, ruleset, period):
    tables = tables_from_targets(targets)
    return evaluate_tables(*tables[:2], as_of, ruleset, checkpoints=tables[2], period=period)


def _check_funding_on_goals(targets, as_of, ruleset, period) -> None:
    """A rule set with ``applies_to = "funding"`` (the shipped ``funding``) judges the budget
    targets of a funding table, as ``goalcheck.evaluate`` judges a plan's, never the goals:
    goals without funding lines give no rows in either engine.  The property over plans with
    funding lines is tests/test_columnar_funding.py."""
    from goalcheck._funding import items_for
    from goalcheck.model import Plan

    plan = Plan(id="plan", title="", targets=targets, period=period)
    assert list(items_for(plan, ruleset, lambda _: targets)) == []  # what evaluate() judges
    assert _columnar(targets, as_of, ruleset, period).height == 0


def _check_results(targets, as_of, ruleset, period) -> None:
    if getattr(ruleset, "applies_to", None) == "funding":
        _check_funding_on_goals(targets, as_of, ruleset, period)
        return
    expected = _scalar(targets, as_of, ruleset, period)
    unmirrored = sorted(ruleset.fact_names - COMPUTED)
    if unmirrored:  # refused by name, never answered wrongly
        with pytest.raises(EvaluationError, match=f"does not compute the fact {unmirrored[0]!r}"):
            _columnar(targets, as_of, ruleset, period)
        return
    table = _columnar(targets, as_of, ruleset, period)
    assert table["id"].to_list() == [t.id for t in targets]
    for result, row in zip(expected, table.iter_rows(named=True), strict=True):
        assert (row["status"], row["rule"]) == (result.status, result.rule), (result.facts, row)
        for name, value in result.facts.items():
            assert same(row[name], value, name), (result.target_id, name, row[name], value)


@pytest.mark.parametrize("name", SHIPPED)
@given(targets=target_lists, as_of=dates, period=periods)
def test_shipped_rule_sets_agree(name: str, targets, as_of, period) -> None:
    _check_results(targets, as_of, load_rules(name), period)


@given(targets=target_lists, as_of=dates, ruleset=gst.rule_sets())
def test_generated_rule_sets_agree(targets, as_of, ruleset) -> None:
    _check_results(targets, as_of, ruleset, None)


def _own_values(ruleset) -> st.SearchStrategy[dict]:
    """Some of *ruleset*'s parameters with values of their kind (a target's own ``params``)."""
    extremes = st.sampled_from([-1e9, 0.0, 1e9])  # ones that change verdicts often
    values = {
        name: st.booleans()
        if isinstance(default, bool)
        else extremes | st.floats(-2 * abs(default) - 1, 2 * abs(default) + 1, allow_nan=False)
        for name, default in ruleset.parameters.items()
    }
    return st.fixed_dictionaries({}, optional=values)


@st.composite
def _with_params(draw, ruleset):
    """Generated targets, some of them with their own values of *ruleset*'s parameters."""
    targets = draw(target_lists)
    return [attrs.evolve(t, params=draw(_own_values(ruleset))) for t in targets]


@pytest.mark.parametrize("name", SHIPPED)
@given(data=st.data(), as_of=dates)
def test_per_target_parameters_agree(name: str, data, as_of) -> None:
    """A target's ``param.<name>`` column beats the rule set's value, as ``Target.params``."""
    ruleset = load_rules(name)
    _check_results(data.draw(_with_params(ruleset)), as_of, ruleset, None)


@given(data=st.data(), as_of=dates, ruleset=gst.rule_sets())
def test_per_target_parameters_of_generated_rule_sets_agree(data, as_of, ruleset) -> None:
    _check_results(data.draw(_with_params(ruleset)), as_of, ruleset, None)


@settings(max_examples=100)
@given(targets=target_lists, as_of=dates, period=periods)
def test_every_fact_agrees(targets, as_of, period) -> None:
    tables = tables_from_targets(targets)
    frames = normalize(*tables)
    names = [name for name in FACTS if name in COMPUTED]
    table = facts_table(prepare(frames), as_of, names, period)
    for target, row in zip(targets, table.iter_rows(named=True), strict=True):
        expected = compute_facts(target, as_of, period=period)
        for name in names:
            assert same(row[name], expected[name], name), (target, name, row[name], expected[name])


def test_the_mirrored_facts_are_facts() -> None:
    assert FACTS.keys() >= COMPUTED


@pytest.mark.parametrize("limit", [None, 0.0, 40.0, 60.0, 100.0, 200.0])
@pytest.mark.parametrize("direction", ["increase", "decrease", "at_least", "at_most"])
def test_open_sdg_facts_with_a_limit_agree(limit, direction) -> None:
    """The generated targets have no natural limit: the limit coefficient's cases, by hand."""
    from goalcheck.model import Measurement, Target

    goal = None if direction in ("increase", "decrease") else 90.0
    target = Target(
        id="L",
        direction=direction,
        target=goal,
        baseline=50.0,
        baseline_date=dt.date(2015, 12, 31),
        deadline=dt.date(2030, 12, 31),
        limit=limit,
        measurements=(Measurement(date=dt.date(2020, 12, 31), value=70.0),),
    )
    as_of = dt.date(2021, 6, 30)
    names = ["limit", "limit_coefficient", "target_met", "progress_value", "score"]
    table = facts_table(prepare(normalize(*tables_from_targets([target]))), as_of, names, None)
    expected = compute_facts(target, as_of)
    for name in names:
        assert same(table[name][0], expected[name], name), (name, table[name][0], expected[name])


@pytest.fixture(scope="module")
def whole_years_eurostat(tmp_path_factory) -> object:
    """The eurostat rule set (it reads the growth facts) with ``years = "whole"``."""
    text = Path(load_rules("eurostat").source).read_text(encoding="utf-8")
    text = text.replace('version = "2.0"\n', 'version = "2.0"\nyears = "whole"\n', 1)
    path = tmp_path_factory.mktemp("rules") / "eurostat-whole.toml"
    path.write_text(text, encoding="utf-8")
    ruleset = load_rules(path)
    assert ruleset.years == "whole"
    return ruleset


@given(targets=target_lists, as_of=dates)
def test_growth_facts_in_whole_years_agree(whole_years_eurostat, targets, as_of) -> None:
    _check_results(targets, as_of, whole_years_eurostat, None)


def test_a_running_totals_trend_points_are_the_scalar_ones() -> None:
    """Found by the dev profile: a running total stuck at a tiny baseline projects to the
    baseline itself, so ``projected > baseline`` hangs on the last bit of the trend's sums;
    the columnar points are the scalar engine's (b + day values, summed day by day)."""
    from goalcheck.model import Measurement, Target

    target = Target(
        id="A",
        direction="increase",
        baseline=8.658410182229582e-168,
        deadline=dt.date(2000, 1, 1),
        accumulation="sum",
        measurements=(
            Measurement(date=dt.date(2000, 1, 1), value=0.0),
            Measurement(date=dt.date(2003, 1, 1), value=0.0),
        ),
    )
    _check_results([target], dt.date(2025, 6, 3), load_rules("default"), None)
