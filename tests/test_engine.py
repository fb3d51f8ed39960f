"""The engine and the default rule set: both sides of every threshold, rollups, determinism."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalcheck import strategies as gst
from goalcheck.engine import evaluate, evaluate_iter, resolve_as_of
from goalcheck.errors import EvaluationError, RuleError
from goalcheck.model import (
    Area,
    Checkpoint,
    Initiative,
    Measurement,
    MeasurementKind,
    Plan,
    Target,
)
from goalcheck.periods import Period
from goalcheck.report import Result
from goalcheck.rules import Rule, RuleSet, StatusInfo, load_rules

D = dt.date
# A 100-day period: the origin is the end of 31 December 2008, so day k is 2008-12-31 + k and
# elapsed at day k is exactly k / 100.
START = D(2009, 1, 1)
DEADLINE = D(2009, 4, 10)


def day(k: int) -> dt.date:
    return D(2008, 12, 31) + dt.timedelta(days=k)


def actual(k: int, value: float) -> Measurement:
    return Measurement(day(k), value)


def forecast(value: float, due: dt.date = DEADLINE) -> Measurement:
    return Measurement(due, value, kind="forecast")


def target(direction: str = "at_least", **kw: object) -> Target:
    kw.setdefault("start", START)
    kw.setdefault("deadline", DEADLINE)
    if direction in ("at_least", "at_most") and "target" not in kw:
        kw["target"] = 100 if direction == "at_least" else 0
    return Target(id=str(kw.pop("id", "t")), direction=direction, **kw)  # type: ignore[arg-type]


def judge(t: Target, as_of: dt.date = day(60), **params: object) -> Result:
    return next(evaluate_iter([t], as_of, **params))


def verdict(t: Target, as_of: dt.date = day(60), **params: object) -> tuple[str, str | None]:
    result = judge(t, as_of, **params)
    return result.status, result.rule


# --- not evaluable ---------------------------------------------------------------------------


def test_undetermined_is_not_evaluable() -> None:
    t = target("at_most", target=None, baseline=100, measurements=[actual(50, 1)])
    assert verdict(t) == ("not_evaluable", "undetermined")
    assert verdict(attrs.evolve(t, target=50)) != ("not_evaluable", "undetermined")


def test_no_data_is_not_evaluable_but_a_forecast_is_enough() -> None:
    t = target(baseline=0)
    assert verdict(t) == ("not_evaluable", "no-data")
    assert verdict(attrs.evolve(t, measurements=[forecast(100)])) == ("on_track", "forecast")
    # an actual after as_of does not count
    assert verdict(attrs.evolve(t, measurements=[actual(61, 100)])) == (
        "not_evaluable",
        "no-data",
    )


# --- met -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "extra", "value", "met"),
    [
        ("at_least", {}, 100, True),
        ("at_least", {}, 99.99, False),
        ("at_most", {"baseline": 200}, 0, True),
        ("at_most", {"baseline": 200}, 0.01, False),
        ("between", {"target": 100, "target_high": 120}, 120, True),
        ("between", {"target": 100, "target_high": 120}, 120.01, False),
        ("increase", {"baseline": 10}, 10.01, True),
        ("increase", {"baseline": 10}, 10, False),
        ("decrease", {"baseline": 10}, 9.99, True),
        ("decrease", {"baseline": 10}, 10, False),
        ("milestone", {}, 1, True),
        ("milestone", {}, 0, False),
    ],
)
def test_met_both_sides_for_every_direction(
    direction: str, extra: dict[str, object], value: float, met: bool
) -> None:
    status, rule = verdict(target(direction, measurements=[actual(50, value)], **extra))
    assert (status == "met") is met
    expected = {"increase": "moved", "decrease": "moved", "milestone": "milestone-done"}
    assert (rule == expected.get(direction, "met")) is met


def test_cumulative_ceiling_is_met_only_after_its_deadline() -> None:
    # a budget: at most 100 spent by the deadline
    t = target("at_most", target=100, accumulation="sum", measurements=[actual(50, 40)])
    assert verdict(t, day(60)) == ("on_track", "trend")  # 40 by half time: 80 by the deadline
    assert verdict(t, day(101)) == ("met", "met")
    over = attrs.evolve(t, measurements=[actual(50, 40), actual(90, 61)])
    assert verdict(over, day(101)) == ("at_risk", "deadline-passed")


def test_cumulative_at_least_is_met_as_soon_as_the_count_reaches_the_target() -> None:
    t = target(accumulation="sum", measurements=[actual(30, 60), actual(50, 40)])
    assert verdict(t) == ("met", "met")
    assert verdict(t, day(40)) == ("on_track", "on-pace")  # 60 after 30 % of the time


# --- the deadline ----------------------------------------------------------------------------


def test_deadline_passed_both_sides() -> None:
    t = target(baseline=0, measurements=[actual(50, 10), forecast(100)])
    assert verdict(t, DEADLINE) == ("on_track", "forecast")
    assert verdict(t, DEADLINE + dt.timedelta(days=1)) == ("at_risk", "deadline-passed")


def test_met_after_the_deadline_stays_met() -> None:
    t = target(baseline=0, measurements=[actual(100, 100)])
    assert verdict(t, D(2012, 1, 1)) == ("met", "met")


# --- forecasts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(99.9, "at_risk"), (100, "on_track")])
def test_a_forecast_miss_outranks_a_good_pace(value: float, expected: str) -> None:
    t = target(baseline=0, measurements=[actual(50, 60), forecast(value)])  # pace 1.2
    status, rule = verdict(t)
    assert status == expected
    assert rule == ("forecast-miss" if expected == "at_risk" else "on-pace")


def test_a_forecast_rescues_a_slow_pace() -> None:
    t = target(baseline=0, measurements=[actual(50, 10), forecast(100)])
    assert verdict(t) == ("on_track", "forecast")
    assert verdict(attrs.evolve(t, measurements=[actual(50, 10)])) == ("at_risk", "otherwise")


# --- stale data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "expected"), [(400, "at_risk"), (401, "not_evaluable")])
def test_stale_data_both_sides(age: int, expected: str) -> None:
    t = target(baseline=0, deadline=D(2015, 12, 31), measurements=[actual(50, 1)])
    as_of = day(50) + dt.timedelta(days=age)
    assert verdict(t, as_of)[0] == expected


def test_stale_data_with_a_forecast_is_judged_by_the_forecast() -> None:
    ms = [actual(50, 1), forecast(100, D(2015, 12, 31))]
    t = target(baseline=0, deadline=D(2015, 12, 31), measurements=ms)
    assert verdict(t, day(50) + dt.timedelta(days=500)) == ("on_track", "forecast")


def test_max_staleness_is_a_parameter() -> None:
    t = target(baseline=0, deadline=D(2015, 12, 31), measurements=[actual(50, 1)])
    as_of = day(50) + dt.timedelta(days=100)
    assert verdict(t, as_of)[0] == "at_risk"
    assert verdict(t, as_of, max_staleness_days=99)[0] == "not_evaluable"


# --- pace, for every direction and accumulation ------------------------------------------------

# (direction, target fields, measurements giving pace exactly 0.9, and just below)
PACE_CASES = [
    ("at_least", {"baseline": 0}, [actual(50, 45)], [actual(50, 44.9)]),
    ("at_most", {"baseline": 100}, [actual(50, 55)], [actual(50, 55.1)]),
    (
        "between",
        {"target": 100, "target_high": 120, "baseline": 0},
        [actual(50, 45)],
        [actual(50, 44.9)],
    ),
    (  # per-period amounts add up: 20 + 25 = 45
        "at_least",
        {"accumulation": "sum"},
        [actual(20, 20), actual(50, 25)],
        [actual(20, 20), actual(50, 24.9)],
    ),
    (  # running totals as reported: the latest, 45, counts
        "at_least",
        {"accumulation": "cumulative"},
        [actual(20, 20), actual(50, 45)],
        [actual(20, 20), actual(50, 44.9)],
    ),
    (
        "at_least",
        {"relative": "percent", "target": 100, "baseline": 50},  # 50 -> 100
        [actual(50, 72.5)],
        [actual(50, 72.4)],
    ),
]


@pytest.mark.parametrize(("direction", "fields", "on", "off"), PACE_CASES)
def test_on_pace_both_sides(
    direction: str, fields: dict[str, object], on: list[Measurement], off: list[Measurement]
) -> None:
    on_result = judge(target(direction, measurements=on, **fields))
    assert (on_result.status, on_result.rule) == ("on_track", "on-pace")
    assert on_result.facts["pace"] == pytest.approx(0.9)
    off_result = judge(target(direction, measurements=off, **fields))
    assert off_result.facts["pace"] < 0.9  # type: ignore[operator]
    assert (off_result.status, off_result.rule) == ("at_risk", "otherwise")


def test_pace_tolerance_is_a_parameter() -> None:
    t = target(baseline=0, measurements=[actual(50, 45)])
    assert verdict(t) == ("on_track", "on-pace")
    assert verdict(t, pace_tolerance=0.95) == ("at_risk", "otherwise")


def test_a_cumulative_ceiling_is_judged_by_its_trend_not_its_pace() -> None:
    spent = target("at_most", target=100, accumulation="sum")
    assert verdict(attrs.evolve(spent, measurements=[actual(50, 50)])) == ("on_track", "trend")
    assert verdict(attrs.evolve(spent, measurements=[actual(50, 50.1)])) == (
        "at_risk",
        "otherwise",
    )


# --- trend -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("last", "expected"), [(87.6, "on_track"), (87.4, "at_risk")])
def test_trend_both_sides(last: float, expected: str) -> None:
    # no baseline, so no pace: the line through (50, 75) and (75, last) reaches 100 +- 0.4
    t = target(measurements=[actual(50, 75), actual(75, last)])
    result = judge(t, day(80))
    assert result.facts["pace"] is None
    assert result.status == expected
    assert result.rule == ("trend" if expected == "on_track" else "otherwise")


@pytest.mark.parametrize(
    ("values", "expected"), [((8, 9, 9.9), "on_track"), ((9.9, 9.5, 9), "at_risk")]
)
def test_trend_of_a_direction_only_target(values: tuple[float, ...], expected: str) -> None:
    # "increase" from a baseline of 10 (no baseline date or start: the trend runs through the
    # actuals only). Rising from 8 to 9.9 points above 10 by the deadline; falling does not.
    ms = [actual(k, v) for k, v in zip((30, 45, 60), values, strict=True)]
    t = target("increase", start=None, baseline=10, measurements=ms)
    result = judge(t)
    assert result.facts["satisfied"] is False
    assert result.status == expected
    assert result.rule == ("trend" if expected == "on_track" else "otherwise")


def test_a_direction_only_running_count_is_met_only_at_its_deadline() -> None:
    t = target("increase", baseline=0, accumulation="sum", measurements=[actual(50, 5)])
    assert verdict(t) == ("on_track", "trend")
    assert verdict(t, day(101)) == ("met", "moved")


def test_direction_only_explanations_name_the_baseline() -> None:
    result = judge(target("decrease", baseline=9500, measurements=[actual(50, 7183)]))
    assert result.rule == "moved"
    assert "baseline 9,500" in result.explanation  # numbers as the tables print them
    assert "udgangspunktet 9.500" in result.explain("da")


# --- milestones ------------------------------------------------------------------------------


def test_milestones() -> None:
    m = target("milestone")
    assert verdict(m) == ("not_evaluable", "no-data")
    assert verdict(attrs.evolve(m, measurements=[forecast(1)])) == ("on_track", "forecast")
    assert verdict(attrs.evolve(m, measurements=[forecast(0)])) == ("at_risk", "forecast-miss")
    assert verdict(attrs.evolve(m, measurements=[actual(10, 0)])) == (
        "at_risk",
        "milestone-pending",
    )
    assert verdict(attrs.evolve(m, measurements=[actual(10, 1)])) == ("met", "milestone-done")
    assert verdict(attrs.evolve(m, measurements=[actual(10, 0)]), day(101)) == (
        "at_risk",
        "deadline-passed",
    )


# --- yearly and checkpoints ------------------------------------------------------------------


def test_yearly_target_is_judged_within_its_year() -> None:
    t = Target(
        id="y",
        direction="at_least",
        target=150,
        accumulation="sum",
        recurrence="yearly",
        measurements=[Measurement("2008-12-31", 500), Measurement("2009-09-30", 147)],
    )
    assert verdict(t, D(2009, 11, 26)) == ("on_track", "on-pace")  # 98 % after 75 % of 2009
    assert verdict(t, D(2010, 3, 1)) == ("not_evaluable", "no-data")


def test_checkpoint_met_then_the_next_one() -> None:
    t = Target(
        id="c",
        direction="at_least",
        start="2009-01-01",
        baseline=0,
        checkpoints=[Checkpoint("2009-12-31", 30), Checkpoint("2011-12-31", 50)],
        measurements=[Measurement("2009-11-01", 31)],
    )
    assert verdict(t, D(2009, 11, 26)) == ("met", "met")
    # in 2010 the 2011 checkpoint is in force: 62 % of the way after 28 % of 2009-2011
    assert verdict(t, D(2010, 1, 15)) == ("on_track", "on-pace")


# --- evaluate(): plan, as_of, rollups ---------------------------------------------------------


@pytest.fixture
def plan() -> Plan:
    def at_least(tid: str, goal: float, *ms: Measurement) -> Target:
        return Target(id=tid, direction="at_least", target=goal, measurements=ms)

    june = D(2009, 6, 30)
    return Plan(
        id="p",
        title="Plan",
        date="2009-11-26",
        period=Period(D(2009, 1, 1), D(2009, 12, 31)),
        areas=[Area("A", "Area A"), Area("B", "Area B")],
        initiatives=[
            Initiative(
                "1",
                "One",
                area="A",
                targets=[
                    at_least("1.1", 10, Measurement(june, 12)),
                    at_least("1.2", 10, Measurement(june, 1)),
                ],
            ),
            Initiative("2", "Two", area="B", targets=[Target(id="2.1", direction="at_most")]),
            Initiative("3", "Three", area="A"),
        ],
        targets=[at_least("P", 1, Measurement(D(2009, 1, 31), 1))],
    )


def test_evaluate_a_plan(plan: Plan) -> None:
    report = evaluate(plan)
    assert report.as_of == D(2009, 11, 26)  # the plan's date
    assert [r.target_id for r in report] == ["P", "1.1", "1.2", "2.1"]
    assert {r.target_id: r.status for r in report} == {
        "P": "met",
        "1.1": "met",
        "1.2": "at_risk",
        "2.1": "not_evaluable",
    }
    assert report["1.2"].initiative == "1"
    assert report["1.2"].area == "A"
    assert report["P"].initiative is None
    # the plan's period gives 1.2 its deadline: 1 of 10 after 49.6 % of 2009
    assert report["1.2"].facts["deadline"] == D(2009, 12, 31)
    rollups = {(r.level, r.id): r for r in report.rollups}
    assert [(r.level, r.id) for r in report.rollups] == [
        ("plan", "p"),
        ("area", "A"),
        ("area", "B"),
        ("initiative", "1"),
        ("initiative", "2"),
        ("initiative", "3"),
    ]
    assert rollups["plan", "p"].status == "at_risk"
    assert rollups["plan", "p"].counts == {
        "met": 2,
        "on_track": 0,
        "not_evaluable": 1,
        "at_risk": 1,
    }
    assert rollups["area", "A"].status == "at_risk"
    assert rollups["area", "B"].status == "not_evaluable"
    assert rollups["initiative", "3"].status is None
    assert sum(rollups["initiative", "3"].counts.values()) == 0


def test_as_of_defaults_and_phrases(plan: Plan) -> None:
    assert resolve_as_of(None, plan) == D(2009, 11, 26)
    assert resolve_as_of(None, attrs.evolve(plan, date=None)) == dt.date.today()
    assert resolve_as_of(D(2009, 1, 1)) == D(2009, 1, 1)
    assert resolve_as_of("2009-09-30") == D(2009, 9, 30)
    assert resolve_as_of("3. kvartal 2009") == D(2009, 9, 30)  # a period phrase: its end
    assert resolve_as_of("2009") == D(2009, 12, 31)
    assert evaluate(plan, "2009-06-29")["1.1"].status != "met"  # before the measurement


def test_unknown_parameter_fails_before_any_target_is_read() -> None:
    def never() -> Iterator[Target]:
        raise AssertionError("read a target")
        yield  # pragma: no cover

    with pytest.raises(RuleError, match="did you mean 'pace_tolerance'"):
        evaluate_iter(never(), D(2009, 1, 1), pace_tolerence=0.8)


def test_evaluate_iter_streams() -> None:
    def endless() -> Iterator[Target]:
        for i in itertools.count():
            yield Target(id=f"t{i}", direction="milestone")

    first = list(itertools.islice(evaluate_iter(endless(), D(2009, 1, 1)), 3))
    assert [r.target_id for r in first] == ["t0", "t1", "t2"]


def test_no_matching_rule_is_an_error_naming_the_target() -> None:
    rs = RuleSet(
        name="partial",
        version="1",
        description="",
        statuses=[StatusInfo("met", "met", "opfyldt", 0)],
        parameters={},
        hit_policy="first",
        rules=[Rule("met", "satisfied", "met", "met")],
    )
    with pytest.raises(EvaluationError, match="'x'"):
        list(evaluate_iter([Target(id="x", direction="milestone")], D(2009, 1, 1), rs))


def test_facts_are_the_ones_the_rule_set_uses() -> None:
    rs = load_rules("default")
    result = judge(target(baseline=0, measurements=[actual(50, 45)]))
    assert set(result.facts) == rs.fact_names


# --- explanations ----------------------------------------------------------------------------


def test_explanations_in_english_and_danish() -> None:
    result = judge(target(baseline=0, measurements=[actual(50, 45)]))
    assert result.explanation == result.explain("en")
    assert "pace of 0.90" in result.explanation
    assert "45%" in result.explanation
    assert "tempo på 0,90" in result.explain("da")  # Danish decimal comma
    assert "45\N{NO-BREAK SPACE}%" in result.explain("da")
    assert result.label("da") == "på rette vej"
    assert result.label() == "on track"


def test_explanations_use_overridden_parameters() -> None:
    result = judge(target(baseline=0, measurements=[actual(50, 50)]), pace_tolerance=0.8)
    assert "at least 0.8" in result.explanation


# --- determinism -----------------------------------------------------------------------------


@given(plan=gst.plans(max_size=8), seed=st.integers(0, 1000))
def test_evaluation_is_deterministic_and_independent_of_measurement_order(
    plan: Plan, seed: int
) -> None:
    rng = random.Random(seed)

    def shuffled(t: Target) -> Target:
        ms = list(t.measurements)
        rng.shuffle(ms)
        return attrs.evolve(t, measurements=ms)

    other = attrs.evolve(
        plan,
        targets=[shuffled(t) for t in plan.targets],
        initiatives=[
            attrs.evolve(i, targets=[shuffled(t) for t in i.targets]) for i in plan.initiatives
        ],
    )
    as_of = D(2015, 6, 30)
    first = evaluate(plan, as_of).to_dict()
    assert evaluate(plan, as_of).to_dict() == first
    assert evaluate(other, as_of).to_dict() == first


@given(plan=gst.plans(max_size=10), as_of=st.dates(D(2000, 1, 1), D(2031, 12, 31)))
def test_rollups_are_never_better_than_their_worst_target(plan: Plan, as_of: dt.date) -> None:
    report = evaluate(plan, as_of)
    severity = {info.id: info.severity for info in report.rules.statuses}
    members: dict[tuple[str, str], list[str]] = {("plan", plan.id): [r.status for r in report]}
    for r in report:
        if r.initiative is not None:
            members.setdefault(("initiative", r.initiative), []).append(r.status)
        if r.area is not None:
            members.setdefault(("area", r.area), []).append(r.status)
    for rollup in report.rollups:
        statuses = members.get((rollup.level, rollup.id), [])
        assert sum(rollup.counts.values()) == len(statuses)
        if statuses:
            assert rollup.status is not None
            assert severity[rollup.status] == max(severity[s] for s in statuses)
        else:
            assert rollup.status is None


@given(t=gst.targets(), as_of=st.dates(D(2000, 1, 1), D(2031, 12, 31)))
def test_measurements_after_as_of_never_matter(t: Target, as_of: dt.date) -> None:
    known = [
        m
        for m in t.measurements
        if (m.date <= as_of if m.kind is MeasurementKind.ACTUAL else True)
    ]
    later = [
        Measurement(as_of + dt.timedelta(days=1), 1e6),
        Measurement(as_of + dt.timedelta(days=30), -1e6),
    ]
    one = judge(attrs.evolve(t, measurements=known), as_of)
    two = judge(attrs.evolve(t, measurements=[*known, *later]), as_of)
    assert (one.status, one.rule, one.facts) == (two.status, two.rule, two.facts)


# --- the Q3 2009 status report (source document 004) -----------------------------------------

Q3_TABLE = {  # goal: (the document's verdict, the engine's status, the engine's rule)
    "1.1": ("on_track", "on_track", "forecast"),
    "1.2/1": ("at_risk", "at_risk", "expected-late"),
    "1.2/2": ("on_track", "on_track", "forecast"),
    "1.4/1": ("at_risk", "at_risk", "otherwise"),
    "1.4/2": ("at_risk", "at_risk", "otherwise"),
    "1.7/3": ("at_risk", "at_risk", "forecast-miss"),
    "1.9/1": ("on_track", "on_track", "on-pace"),
    "1.10/1": ("on_track", "on_track", "on-pace"),
    "2.4": ("on_track", "on_track", "forecast"),
    "3.3/1": ("on_track", "on_track", "forecast"),
}


@pytest.fixture(scope="module")
def q3() -> Plan:
    import goalcheck

    if not hasattr(goalcheck, "load_plan"):
        pytest.skip("goalcheck.load_plan is not available")
    root = Path(__file__).resolve().parents[1]
    plan: Plan = goalcheck.load_plan(root / "examples" / "beskaeftigelsesaftale-2009")
    return plan


def test_q3_2009_verdicts_are_the_documented_ones(q3: Plan) -> None:
    report = evaluate(q3, D(2009, 9, 30))
    reported = {t.id: t.reported_status for t in q3.iter_targets() if t.reported_status}
    assert {k: v[0] for k, v in Q3_TABLE.items()} == reported
    got = {tid: (reported[tid], report[tid].status, report[tid].rule) for tid in reported}
    assert got == Q3_TABLE
    page = (Path(__file__).resolve().parents[1] / "docs/explanation/default-rules.md").read_text(
        "utf-8"
    )
    for tid, (_, status, rule) in Q3_TABLE.items():
        assert f"| {tid} " in page
        assert f"{status.replace('_', ' ')} (`{rule}`)" in page


def test_q3_2009_reading_the_mentor_text_as_a_forecast_of_none(q3: Plan) -> None:
    mentors = q3.target("1.7/3")
    none_expected = Measurement(D(2009, 12, 31), 0, kind="forecast", made_on=D(2009, 9, 30))
    result = judge(attrs.evolve(mentors, measurements=[none_expected]), D(2009, 9, 30))
    assert (result.status, result.rule) == ("at_risk", "forecast-miss")


def test_evaluate_target_judges_one_target_as_evaluate_does() -> None:
    from goalcheck.engine import evaluate_target
    from goalcheck.errors import TargetNotFoundError

    plan = Plan(
        id="p",
        period="2009-01-01/2009-12-31",
        areas=[Area(id="A", title="Area A")],
        initiatives=[
            Initiative(
                id="i1",
                area="A",
                targets=[
                    Target(
                        id="t1",
                        direction="at_least",
                        target=10,
                        measurements=[Measurement("2009-06-30", 12)],
                    )
                ],
            )
        ],
    )
    one = evaluate_target(plan, "t1", "2009-09-30")
    (whole,) = evaluate(plan, "2009-09-30").results
    assert one == whole
    assert (one.initiative, one.area) == ("i1", "A")
    assert one.explanation == whole.explanation
    with pytest.raises(TargetNotFoundError, match="no target 't2'"):
        evaluate_target(plan, "t2", "2009-09-30")


def test_met_late_says_late_and_an_inherited_start_after_the_deadline_is_refused() -> None:
    from goalcheck.errors import PlanError
    from goalcheck.model import check_plan

    late = Target(
        id="t",
        direction="at_least",
        target=30,
        deadline="2009-06-30",
        measurements=[Measurement("2009-03-31", 20), Measurement("2009-09-30", 31)],
    )
    (result,) = evaluate_iter([late], "2009-10-31")
    assert (result.status, result.rule) == ("met", "met-late")
    assert "late" in result.explanation
    assert "for sent" in result.explain("da")
    plan = Plan(id="p", period="2013-01-01/2013-12-31", targets=[attrs.evolve(late, id="u")])
    with pytest.raises(PlanError, match=r"targets\[0\].deadline: the plan period's start 2013"):
        check_plan(plan)


def test_a_recurring_goals_forecast_for_a_later_period_is_not_a_late_finish() -> None:
    """'1.800 a year', judged in 2009, with a forecast of 1.800 for 2010: the forecast is
    about 2010's count, so 2009's goal is not 'expected to be met only after its deadline'."""
    from goalcheck.engine import evaluate
    from goalcheck.model import Measurement, MeasurementKind, Plan, Target

    def judged(recurrence: str | None) -> tuple[str, object]:
        target = Target(
            id="T",
            direction="at_least",
            target=1800,
            accumulation="cumulative",
            start="2009-01-01",
            deadline=None if recurrence else "2009-12-31",
            recurrence=recurrence,
            measurements=(
                Measurement(
                    date="2010-12-31",
                    value=1800,
                    kind=MeasurementKind.FORECAST,
                    made_on="2009-09-30",
                ),
            ),
        )
        plan = Plan(id="p", period="2009-2010", targets=(target,))
        result = evaluate(plan, "2009-09-30")["T"]
        return result.rule or "", result.facts.get("expected_late")

    assert judged("yearly") == ("no-data", False)
    assert judged(None) == ("expected-late", True)  # a one-off goal: late it is
