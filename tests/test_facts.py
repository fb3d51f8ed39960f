"""Facts, hand-computed: every direction, accumulation, window and threshold, both sides."""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalcheck import strategies as gst
from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError
from goalcheck.facts import FACT_NAMES, compute_facts
from goalcheck.model import Checkpoint, Measurement, Target
from goalcheck.periods import Period, elapsed_share, years_between

D = dt.date
AS_OF = D(2009, 11, 26)


def actual(day: str, value: float) -> Measurement:
    return Measurement(day, value)


def forecast(day: str, value: float, made_on: str | None = None) -> Measurement:
    return Measurement(day, value, kind="forecast", made_on=made_on)


def level(direction: str = "at_least", **kw: object) -> Target:
    return Target(id="t", direction=direction, **kw)  # type: ignore[arg-type]


def cumulative(target: float = 100, **kw: object) -> Target:
    """A count of per-period amounts (accumulation "sum": "cumulative" before issue 14)."""
    kw.setdefault("start", "2009-01-01")
    kw.setdefault("deadline", "2009-12-31")
    return Target(
        id="c",
        direction=kw.pop("direction", "at_least"),  # type: ignore[arg-type]
        target=target,
        accumulation=kw.pop("accumulation", "sum"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


# --- vocabulary ---------------------------------------------------------------------------


def test_compute_facts_produces_exactly_the_vocabulary() -> None:
    facts = compute_facts(level(target=1, measurements=[actual("2009-01-01", 1)]), AS_OF)
    assert set(facts) == set(FACTS) == FACT_NAMES


def test_every_fact_is_documented_in_the_reference_page() -> None:
    page = (Path(__file__).parents[1] / "docs" / "reference" / "facts.md").read_text("utf-8")
    missing = [name for name in FACTS if f"`{name}`" not in page]
    assert missing == []


def test_names_restricts_the_output_and_agrees_with_the_full_computation() -> None:
    t = level(
        target=200,
        baseline=100,
        baseline_date="2020-12-31",
        deadline="2022-12-31",
        measurements=[actual("2021-12-31", 150), forecast("2022-12-31", 190)],
    )
    full = compute_facts(t, D(2022, 6, 30))
    for names in ({"value", "pace"}, {"projected"}, {"growth_ratio", "forecast"}, set(FACTS)):
        part = compute_facts(t, D(2022, 6, 30), names=names)
        assert set(part) == names
        assert all(part[n] == full[n] for n in names)


def test_unknown_fact_name_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(EvaluationError, match="did you mean 'pace'"):
        compute_facts(level(target=1), AS_OF, names={"pase"})


def test_as_of_accepts_a_date_string() -> None:
    t = level(target=1, measurements=[actual("2009-01-01", 1)])
    assert compute_facts(t, "2009-11-26") == compute_facts(t, AS_OF)


# --- at_least, level: the worked example ---------------------------------------------------


@pytest.fixture
def worked() -> Target:
    return level(
        target=200,
        baseline=100,
        baseline_date="2020-12-31",
        deadline="2022-12-31",
        measurements=[actual("2021-12-31", 150)],
    )


def test_level_at_least_worked_example(worked: Target) -> None:
    f = compute_facts(worked, D(2022, 6, 30))
    assert f["value"] == 150
    assert f["measured_on"] == D(2021, 12, 31)
    assert f["direction"] == 1
    assert f["satisfied"] is False
    assert f["progress"] == 0.5  # (150 - 100) / (200 - 100)
    assert f["elapsed"] == 0.5  # 365 of 730 days since the baseline date
    assert f["elapsed_now"] == 546 / 730
    assert f["pace"] == 1.0
    assert f["projected"] == pytest.approx(200.0)  # the line through (0, 100), (365, 150)
    assert f["staleness_days"] == 181
    assert f["days_left"] == 184
    assert f["overdue"] is False
    assert f["n_actual"] == 1
    # CAGR: one exact year from 100 to 150 is 50 %; 100 -> 200 in two years needs sqrt(2) - 1
    assert f["growth"] == pytest.approx(0.5)
    assert f["growth_required"] == pytest.approx(math.sqrt(2) - 1)
    assert f["growth_ratio"] == pytest.approx(0.5 / (math.sqrt(2) - 1))
    assert f["anticipated_ratio"] == pytest.approx((150 * 1.5 - 100) / 100)
    assert f["years_left"] == pytest.approx(184 / 365)


@pytest.mark.parametrize(("value", "expected"), [(199.999, False), (200, True), (250, True)])
def test_at_least_satisfied_both_sides(value: float, expected: bool) -> None:
    t = level(target=200, measurements=[actual("2009-06-30", value)])
    assert compute_facts(t, AS_OF)["satisfied"] is expected


@pytest.mark.parametrize(("value", "expected"), [(899.9, True), (900, True), (900.1, False)])
def test_at_most_relative_percent_both_sides(value: float, expected: bool) -> None:
    # "reduce by at least 10 % against a baseline of 1000" = at most 900
    t = level(
        "at_most",
        target=-10,
        relative="percent",
        baseline=1000,
        baseline_date="2008-12-31",
        deadline="2009-12-31",
        measurements=[actual("2009-06-30", value)],
    )
    f = compute_facts(t, AS_OF)
    assert f["target"] == pytest.approx(900)
    assert f["direction"] == -1
    assert f["satisfied"] is expected


def test_at_most_progress_and_negative_growth() -> None:
    t = level(
        "at_most",
        target=-10,
        relative="percent",
        baseline=1000,
        baseline_date="2008-12-31",
        deadline="2010-12-31",
        measurements=[actual("2009-12-31", 950)],
    )
    f = compute_facts(t, AS_OF.replace(year=2010))
    assert f["progress"] == pytest.approx(0.5)  # (950 - 1000) / (900 - 1000)
    assert f["growth"] == pytest.approx(0.05)  # fell 5 % in a year: +5 % in the good direction
    assert f["growth_required"] == pytest.approx(math.sqrt(0.9) - 1)  # negative
    assert f["growth_ratio"] == pytest.approx(0.05 / (1 - math.sqrt(0.9)))


def test_relative_absolute_adds_the_change_to_the_baseline() -> None:
    t = level(target=5, relative="absolute", baseline=50, measurements=[actual("2009-01-31", 55)])
    f = compute_facts(t, AS_OF)
    assert f["target"] == 55
    assert f["satisfied"] is True


def test_relative_between_resolves_both_edges() -> None:
    t = level("between", target=-10, target_high=10, relative="percent", baseline=200)
    f = compute_facts(t, AS_OF)
    assert (f["target"], f["target_high"]) == (pytest.approx(180), pytest.approx(220))


# --- between -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "satisfied", "progress"),
    [
        (59.9, False, pytest.approx(19.9 / 20)),
        (60, True, 1.0),
        (65, True, 1.25),
        (70, True, 1.5),
        (70.1, False, None),  # overshot the band
    ],
)
def test_between_from_below(value: float, satisfied: bool, progress: object) -> None:
    t = level(
        "between",
        target=60,
        target_high=70,
        baseline=40,
        measurements=[actual("2009-06-30", value)],
    )
    f = compute_facts(t, AS_OF)
    assert f["direction"] == 0
    assert f["satisfied"] is satisfied
    assert f["progress"] == progress


def test_between_from_above_moves_toward_the_upper_edge() -> None:
    t = level(
        "between",
        target=60,
        target_high=70,
        baseline=90,
        measurements=[actual("2009-06-30", 80)],
    )
    f = compute_facts(t, AS_OF)
    assert f["progress"] == 0.5  # (80 - 90) / (70 - 90)
    assert f["satisfied"] is False


def test_between_with_the_baseline_inside_has_no_progress() -> None:
    t = level(
        "between", target=60, target_high=70, baseline=65, measurements=[actual("2009-06-30", 66)]
    )
    f = compute_facts(t, AS_OF)
    assert f["progress"] is None
    assert f["satisfied"] is True


# --- increase / decrease ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        ("increase", 10.5, True),
        ("increase", 10, False),
        ("increase", 9, False),
        ("decrease", 9.5, True),
        ("decrease", 10, False),
        ("decrease", 11, False),
    ],
)
def test_direction_only_targets_are_satisfied_beyond_the_baseline(
    direction: str, value: float, expected: bool
) -> None:
    t = level(direction, baseline=10, measurements=[actual("2009-06-30", value)])
    f = compute_facts(t, AS_OF)
    assert f["satisfied"] is expected
    assert f["target"] is None
    assert f["progress"] is None
    assert f["undetermined"] is False


def test_direction_only_without_a_baseline_cannot_be_satisfied() -> None:
    f = compute_facts(level("increase", measurements=[actual("2009-06-30", 1)]), AS_OF)
    assert f["satisfied"] is None


def test_increase_trend_compares_with_the_baseline() -> None:
    t = level(
        "increase",
        baseline=10,
        baseline_date="2008-12-31",
        deadline="2010-12-31",
        measurements=[actual("2009-06-30", 9), actual("2009-09-30", 9.5)],
    )
    f = compute_facts(t, AS_OF)
    assert f["projected"] is not None
    assert f["projected"] < 10
    assert f["projected_satisfied"] is False


# --- milestones ----------------------------------------------------------------------------


def test_milestone_without_a_report_is_unknown() -> None:
    f = compute_facts(level("milestone", deadline="2009-12-31"), AS_OF)
    assert f["milestone"] is True
    assert f["satisfied"] is None
    assert f["value"] is None


@pytest.mark.parametrize(("value", "done"), [(0, False), (0.99, False), (1, True), (2, True)])
def test_milestone_is_done_at_one(value: float, done: bool) -> None:
    t = level("milestone", deadline="2009-12-31", measurements=[actual("2009-06-30", value)])
    f = compute_facts(t, AS_OF)
    assert f["satisfied"] is done
    assert f["target"] == 1.0
    assert f["progress"] is None
    assert f["pace"] is None
    assert f["projected"] is None
    assert f["growth"] is None


def test_milestone_stays_done_once_reported() -> None:
    t = level(
        "milestone",
        deadline="2009-12-31",
        measurements=[actual("2009-03-31", 1), actual("2009-06-30", 0)],
    )
    assert compute_facts(t, AS_OF)["satisfied"] is True


def test_milestone_forecast() -> None:
    t = level("milestone", deadline="2009-12-31", measurements=[forecast("2009-12-31", 1)])
    f = compute_facts(t, AS_OF)
    assert f["forecast_satisfied"] is True
    assert f["satisfied"] is None


# --- undetermined --------------------------------------------------------------------------


@pytest.mark.parametrize("direction", ["at_least", "at_most", "between"])
def test_undetermined_target_has_no_target_facts(direction: str) -> None:
    t = level(
        direction,
        baseline=5,
        deadline="2009-12-31",
        measurements=[actual("2009-06-30", 7), forecast("2009-12-31", 8)],
    )
    f = compute_facts(t, AS_OF)
    assert f["undetermined"] is True
    for name in ("target", "satisfied", "progress", "pace", "forecast_satisfied"):
        assert f[name] is None, name
    assert f["projected_satisfied"] is None
    assert f["value"] == 7  # the data is still shown


# --- cumulative ----------------------------------------------------------------------------


def test_cumulative_sums_increments_from_zero() -> None:
    t = cumulative(
        100,
        measurements=[
            actual("2008-12-15", 999),  # before the start: not counted
            actual("2009-03-31", 20),
            actual("2009-06-30", 30),
            actual("2009-12-15", 500),  # after as_of: not counted
        ],
    )
    f = compute_facts(t, D(2009, 7, 1))
    assert f["value"] == 50
    assert f["baseline"] == 0
    assert f["baseline_date"] == D(2009, 1, 1)
    assert f["n_actual"] == 2
    assert f["progress"] == 0.5
    assert f["elapsed"] == 181 / 365
    assert f["pace"] == pytest.approx(0.5 / (181 / 365))
    # the trend runs through (start, 0) and the running counts
    slope, intercept = statistics.linear_regression([0, 90, 181], [0, 20, 50])
    assert f["projected"] == pytest.approx(intercept + slope * 365)
    assert f["projected_satisfied"] is (intercept + slope * 365 >= 100)


def test_cumulative_with_a_given_baseline_counts_after_the_baseline_date() -> None:
    t = cumulative(
        50,
        baseline=30,
        baseline_date="2008-12-31",
        start=None,
        measurements=[actual("2008-12-31", 7), actual("2009-06-30", 15)],
    )
    f = compute_facts(t, AS_OF)
    assert f["value"] == 45  # 30 + 15; the baseline day's 7 is already in the baseline
    assert f["satisfied"] is False
    assert f["progress"] == 0.75


def test_cumulative_same_day_increments_add_up() -> None:
    t = cumulative(
        100,
        measurements=[actual("2009-03-31", 10), actual("2009-03-31", 5), actual("2009-06-30", 1)],
    )
    f = compute_facts(t, AS_OF)
    assert f["value"] == 16
    assert f["n_actual"] == 3


@pytest.mark.parametrize(("spent", "expected"), [(99, True), (100, True), (101, False)])
def test_cumulative_at_most_is_a_ceiling(spent: float, expected: bool) -> None:
    t = cumulative(100, direction="at_most", measurements=[actual("2009-06-30", spent)])
    f = compute_facts(t, AS_OF)
    assert f["satisfied"] is expected
    assert f["cumulative"] is True
    assert f["direction"] == -1


def test_cumulative_without_actuals_has_no_value() -> None:
    f = compute_facts(cumulative(100), AS_OF)
    assert f["value"] is None
    assert f["n_actual"] == 0
    assert f["satisfied"] is None


# --- level ties ------------------------------------------------------------------------------


@pytest.mark.parametrize(("direction", "kept"), [("at_least", 80), ("at_most", 90)])
def test_same_day_levels_keep_the_less_favourable(direction: str, kept: float) -> None:
    t = level(
        direction,
        target=85,
        measurements=[actual("2009-06-30", 80), actual("2009-06-30", 90)],
    )
    assert compute_facts(t, AS_OF)["value"] == kept


# --- yearly recurrence -----------------------------------------------------------------------


@pytest.fixture
def yearly() -> Target:
    # "Der henvises årligt 150 borgere til forløb"
    return Target(
        id="1.5",
        direction="at_least",
        target=150,
        accumulation="sum",
        recurrence="yearly",
        measurements=[
            actual("2008-06-30", 100),
            actual("2009-03-31", 50),
            actual("2009-09-30", 97),
            forecast("2009-12-31", 200),
            forecast("2010-12-31", 10),
        ],
    )


def test_yearly_counts_only_the_year_of_as_of(yearly: Target) -> None:
    f = compute_facts(yearly, AS_OF)
    assert f["value"] == 147
    assert f["start"] == D(2009, 1, 1)
    assert f["deadline"] == D(2009, 12, 31)
    assert f["baseline"] == 0
    assert f["n_actual"] == 2
    assert f["satisfied"] is False
    assert f["elapsed"] == 273 / 365
    assert f["forecast"] == 200
    assert f["forecast_satisfied"] is True


def test_yearly_restarts_on_1_january(yearly: Target) -> None:
    f = compute_facts(yearly, D(2010, 2, 1))
    assert f["value"] is None
    assert f["n_actual"] == 0
    assert f["deadline"] == D(2010, 12, 31)
    assert f["forecast"] == 10
    assert f["overdue"] is False


def test_yearly_with_a_final_deadline_stays_in_the_last_year(yearly: Target) -> None:
    t = Target(**{**_fields(yearly), "deadline": D(2009, 12, 31)})
    f = compute_facts(t, D(2010, 2, 1))
    assert f["value"] == 147
    assert f["overdue"] is True


def _fields(target: Target) -> dict[str, object]:
    import attrs

    return {a.name: getattr(target, a.name) for a in attrs.fields(Target)}


def test_yearly_level_uses_the_years_own_actuals() -> None:
    t = Target(
        id="y",
        direction="at_least",
        target=90,
        recurrence="yearly",
        measurements=[actual("2008-12-31", 95), actual("2009-06-30", 80)],
    )
    f = compute_facts(t, AS_OF)
    assert f["value"] == 80
    assert f["satisfied"] is False
    assert compute_facts(t, D(2009, 1, 10))["value"] is None


# --- checkpoints ---------------------------------------------------------------------------


@pytest.fixture
def trajectory() -> Target:
    # "30 ekstra elev- og praktikstillinger i 2009, stigende til 50 pladser i 2011"
    return Target(
        id="3.3",
        direction="at_least",
        start="2009-01-01",
        checkpoints=[Checkpoint("2009-12-31", 30), Checkpoint("2011-12-31", 50)],
        measurements=[actual("2009-11-01", 40)],
    )


@pytest.mark.parametrize(
    ("as_of", "target", "deadline", "satisfied", "overdue"),
    [
        (D(2009, 6, 30), 30, D(2009, 12, 31), True, False),
        (D(2009, 12, 31), 30, D(2009, 12, 31), True, False),  # due on as_of: still in force
        (D(2010, 1, 1), 50, D(2011, 12, 31), False, False),
        (D(2012, 3, 1), 50, D(2011, 12, 31), False, True),  # all passed: the last one
    ],
)
def test_checkpoint_in_force(
    trajectory: Target,
    as_of: dt.date,
    target: float,
    deadline: dt.date,
    satisfied: bool | None,
    overdue: bool,
) -> None:
    f = compute_facts(trajectory, as_of)
    assert f["target"] == target
    assert f["deadline"] == deadline
    assert f["overdue"] is overdue
    if as_of >= D(2009, 11, 1):
        assert f["satisfied"] is satisfied
    else:
        assert f["value"] is None


def test_checkpoints_then_the_final_target() -> None:
    t = Target(
        id="x",
        direction="at_least",
        target=70,
        deadline="2013-12-31",
        checkpoints=[Checkpoint("2009-12-31", 30), Checkpoint("2011-12-31", 50)],
    )
    f = compute_facts(t, D(2012, 3, 1))
    assert (f["target"], f["deadline"]) == (70, D(2013, 12, 31))


def test_checkpoint_pace_runs_from_the_start() -> None:
    t = Target(
        id="x",
        direction="at_least",
        baseline=0,
        start="2009-01-01",
        checkpoints=[Checkpoint("2009-12-31", 30), Checkpoint("2011-12-31", 50)],
        measurements=[actual("2010-12-31", 40)],
    )
    f = compute_facts(t, D(2011, 1, 15))
    assert f["progress"] == 0.8
    assert f["elapsed"] == 730 / 1095
    assert f["pace"] == pytest.approx(0.8 / (730 / 1095))


# --- forecasts -----------------------------------------------------------------------------


def test_forecast_selection() -> None:
    t = level(
        target=90,
        deadline="2009-12-31",
        measurements=[
            actual("2009-09-30", 86),
            forecast("2009-06-30", 99),  # due before as_of: stale
            forecast("2010-06-30", 99),  # due after the deadline
            forecast("2009-12-31", 99, made_on="2009-12-01"),  # made after as_of
            forecast("2009-12-31", 88, made_on="2009-10-01"),
            forecast("2009-12-31", 90, made_on="2009-11-01"),  # the latest made
        ],
    )
    f = compute_facts(t, AS_OF)
    assert f["forecast"] == 90
    assert f["forecast_date"] == D(2009, 12, 31)
    assert f["forecast_satisfied"] is True
    assert compute_facts(t, D(2009, 10, 15))["forecast"] == 88


@pytest.mark.parametrize(("value", "expected"), [(89.9, False), (90, True)])
def test_forecast_satisfied_both_sides(value: float, expected: bool) -> None:
    t = level(target=90, deadline="2009-12-31", measurements=[forecast("2009-12-31", value)])
    assert compute_facts(t, AS_OF)["forecast_satisfied"] is expected


def test_forecasts_on_one_day_keep_the_less_favourable() -> None:
    t = level(
        target=90,
        deadline="2009-12-31",
        measurements=[forecast("2009-12-31", 95), forecast("2009-12-31", 85)],
    )
    assert compute_facts(t, AS_OF)["forecast"] == 85


# --- deadline ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "overdue", "days_left"),
    [(D(2009, 12, 30), False, 1), (D(2009, 12, 31), False, 0), (D(2010, 1, 1), True, -1)],
)
def test_overdue_both_sides(as_of: dt.date, overdue: bool, days_left: int) -> None:
    f = compute_facts(level(target=1, deadline="2009-12-31"), as_of)
    assert f["overdue"] is overdue
    assert f["days_left"] == days_left


def test_no_deadline_is_never_overdue() -> None:
    f = compute_facts(level(target=1, measurements=[actual("2009-01-01", 0)]), AS_OF)
    assert f["overdue"] is False
    assert f["days_left"] is None
    assert f["elapsed"] is None
    assert f["projected"] is None


def test_plan_period_supplies_start_and_deadline() -> None:
    t = cumulative(100, start=None, deadline=None, measurements=[actual("2009-06-30", 50)])
    f = compute_facts(t, AS_OF, period=Period(D(2009, 1, 1), D(2009, 12, 31)))
    assert f["deadline"] == D(2009, 12, 31)
    assert f["elapsed"] == 181 / 365


# --- measurements after as_of, staleness ------------------------------------------------------


def test_measurements_after_as_of_are_ignored(worked: Target) -> None:
    later = Target(
        **{
            **_fields(worked),
            "measurements": [*worked.measurements, actual("2022-07-01", 300)],
        }
    )
    assert compute_facts(later, D(2022, 6, 30)) == compute_facts(worked, D(2022, 6, 30))
    assert compute_facts(later, D(2022, 7, 1))["value"] == 300


# --- growth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "value", "baseline_date"),
    [(0, 10, "2008-12-31"), (10, 0, "2008-12-31"), (-5, 10, "2008-12-31"), (10, 12, "2009-06-30")],
)
def test_growth_needs_positive_values_and_time(
    baseline: float, value: float, baseline_date: str
) -> None:
    t = level(
        target=20,
        baseline=baseline,
        baseline_date=baseline_date,
        deadline="2011-12-31",
        measurements=[actual("2009-06-30", value)],
    )
    f = compute_facts(t, AS_OF)
    assert f["growth"] is None
    assert f["growth_ratio"] is None
    assert f["anticipated_ratio"] is None


def test_growth_uses_calendar_exact_years() -> None:
    # 1 January 2015 to 1 January 2023 is exactly 8 years: doubling is 2 ** (1/8) - 1 a year
    t = level(
        target=400,
        baseline=100,
        baseline_date="2015-01-01",
        deadline="2031-01-01",
        measurements=[actual("2023-01-01", 200)],
    )
    f = compute_facts(t, D(2023, 6, 1))
    assert years_between(D(2015, 1, 1), D(2023, 1, 1)) == 8.0
    assert f["growth"] == pytest.approx(2 ** (1 / 8) - 1, rel=1e-12)
    assert f["growth_required"] == pytest.approx(4 ** (1 / 16) - 1, rel=1e-12)
    assert f["growth_ratio"] == pytest.approx(1.0, rel=1e-12)
    assert f["anticipated_ratio"] == pytest.approx(1.0, rel=1e-12)


def test_elapsed_agrees_with_periods_elapsed_share() -> None:
    rng = random.Random(3)
    for _ in range(100):
        start = D(2005, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        deadline = start + dt.timedelta(days=rng.randrange(1, 2000))
        at = start + dt.timedelta(days=rng.randrange(-30, 2100))
        t = level(target=10, start=start, deadline=deadline, measurements=[actual(str(at), 1)])
        f = compute_facts(t, max(at, start))
        assert f["elapsed"] == elapsed_share(start, deadline, at)


# --- order independence (property) -----------------------------------------------------------

_days = st.integers(0, 800).map(lambda n: D(2009, 1, 1) + dt.timedelta(days=n))
_measurements = st.lists(
    st.builds(
        Measurement,
        _days,
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
        st.sampled_from(["actual", "forecast"]),
    ),
    max_size=12,
)


@given(
    ms=_measurements,
    seed=st.integers(0, 2**16),
    direction=st.sampled_from(["at_least", "at_most", "increase", "milestone"]),
    accumulation=st.sampled_from(["level", "cumulative"]),
)
def test_facts_do_not_depend_on_measurement_order(
    ms: list[Measurement], seed: int, direction: str, accumulation: str
) -> None:
    shuffled = list(ms)
    random.Random(seed).shuffle(shuffled)
    kw: dict[str, object] = {
        "direction": direction,
        "accumulation": accumulation,
        "baseline": 10,
        "start": "2009-01-01",
        "deadline": "2010-06-30",
    }
    if direction in ("at_least", "at_most"):
        kw["target"] = 50
    one = Target(id="a", measurements=ms, **kw)  # type: ignore[arg-type]
    two = Target(id="a", measurements=shuffled, **kw)  # type: ignore[arg-type]
    as_of = D(2009, 9, 30)
    assert compute_facts(one, as_of) == compute_facts(two, as_of)


# --- every target the strategies can draw ------------------------------------------------------


@given(t=gst.targets(), as_of=st.dates(D(1999, 1, 1), D(2032, 12, 31)))
def test_facts_of_any_target_have_their_vocabulary_types(t: Target, as_of: dt.date) -> None:
    facts = compute_facts(t, as_of)
    for name, value in facts.items():
        if value is None:
            continue
        kind = FACTS[name].type
        if kind == "bool":
            assert isinstance(value, bool), name
        elif kind == "number":
            assert isinstance(value, int | float), name
            assert not isinstance(value, bool), name
            assert math.isfinite(value), name
        else:
            assert isinstance(value, dt.date), name
    assert isinstance(facts["n_actual"], int)
    assert isinstance(facts["overdue"], bool)
    if facts["undetermined"]:
        assert facts["satisfied"] is None


# --------------------------------------------------------------------------- the stages


def test_a_plan_computes_only_what_its_facts_need() -> None:
    from goalcheck._facts._plan import ORDER, fact_plan

    everything = fact_plan(None)
    assert everything.names == ORDER
    assert everything.trend
    assert everything.growth
    small = fact_plan({"value", "overdue"})
    assert small.names == ("value", "overdue")
    assert not (small.trend)
    assert not (small.forecasts)
    assert not (small.growth)
    assert "scan(" in small.source
    assert "growth_facts" not in small.source
    assert "band_edge" not in fact_plan({"target"}).source  # the goal alone
    assert fact_plan({"projected"}).trend
    assert not fact_plan({"projected"}).forecasts
    assert fact_plan(["value", "overdue"]) is fact_plan(frozenset({"overdue", "value"}))


def test_generated_plans_show_in_tracebacks() -> None:
    import linecache
    import traceback

    from goalcheck._facts._plan import fact_plan

    plan = fact_plan({"value", "pace"})
    filename = plan.compute.__code__.co_filename
    assert filename.startswith("<goalcheck facts plan")
    assert "".join(linecache.getlines(filename)) == plan.source
    with pytest.raises(AttributeError) as caught:
        plan.compute(object(), AS_OF, None)  # type: ignore[arg-type]
    text = "".join(traceback.format_exception(caught.value))
    assert "resolve_goal(subject, as_of, period)" in text


def test_every_fact_comes_from_one_recipe_and_every_stage_is_named() -> None:
    from goalcheck._facts._plan import RECIPES

    produced = [name for names, _ in RECIPES for name in names if name in FACTS]
    assert sorted(produced) == sorted(FACTS)


def test_stages_one_by_one() -> None:
    from goalcheck._facts._goal import AT_LEAST, band_edge, resolve_goal
    from goalcheck._facts._scan import scan
    from goalcheck._facts._window import window_of

    t = cumulative(
        target=100,
        measurements=[actual("2009-03-31", 20), actual("2009-03-31", 5), actual("2009-06-30", 25)],
    )
    goal = resolve_goal(t, AS_OF, None)
    assert (goal.code, goal.direction, goal.cumulative, goal.target) == (AT_LEAST, 1, True, 100)
    window = window_of(t, goal, AS_OF)
    assert (window.baseline, window.start, window.first) == (0.0, D(2009, 1, 1), 733408)
    agg = scan(goal, window, t.measurements, True, True, AS_OF)
    assert (agg.n_actual, agg.value, agg.measured_on) == (3, 50.0, D(2009, 6, 30))  # amounts
    assert agg.sn == 3  # the baseline point and two days
    assert band_edge(goal.code, goal.direction, 100.0, None, False, 0.0) == (100.0, 1)
    assert "n_actual=3" in repr(agg)


@pytest.mark.parametrize("kind", ["actual", "forecast"])
def test_a_signed_zero_does_not_make_the_result_depend_on_order(kind: str) -> None:
    """F13: 0 and -0 on the same day tie in the sort; the value must not depend on order."""

    def make(values: list[float]) -> Target:
        day = "2009-06-30" if kind == "actual" else "2009-12-31"
        return level(
            target=10,
            deadline="2009-12-31",
            measurements=[Measurement(day, v, kind=kind) for v in values],
        )

    as_of = D(2009, 6, 30)
    a = compute_facts(make([0.0, -0.0]), as_of)
    b = compute_facts(make([-0.0, 0.0]), as_of)
    assert repr(a) == repr(b)
    fact = "value" if kind == "actual" else "forecast"
    assert math.copysign(1.0, a[fact]) == 1.0  # type: ignore[arg-type]


def test_facts_at_the_edges_of_the_calendar() -> None:
    """F3: no fact leaves the calendar, even for an evaluation date at its very end."""
    t = level(
        target=10,
        baseline=1,
        start="1000-01-01",
        deadline="8999-12-31",
        measurements=[actual("1000-01-01", 2), actual("8999-12-31", 3)],
    )
    for as_of in (D(1, 1, 1), D(1000, 1, 1), D(8999, 12, 31), D(9999, 12, 31)):
        facts = compute_facts(t, as_of)
        assert facts["years_left"] is not None
    late = compute_facts(t, D(9999, 12, 31))
    assert late["overdue"] is True
    assert late["growth"] is not None


# --------------------------------------------------------------------------- issue 14


@given(
    amounts=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=8),
    gaps=st.lists(st.integers(1, 40), min_size=8, max_size=8),
    target=st.floats(1, 5e6),
    as_of=st.dates(D(2009, 1, 1), D(2010, 3, 31)),
)
def test_running_totals_and_per_period_amounts_agree(
    amounts: list[float], gaps: list[int], target: float, as_of: dt.date
) -> None:
    """accumulation 'cumulative' of the running totals = 'sum' of the amounts."""
    days = [D(2009, 1, 1) + dt.timedelta(days=sum(gaps[: i + 1])) for i in range(len(amounts))]
    totals = [sum(amounts[: i + 1]) for i in range(len(amounts))]

    def make(accumulation: str, values: list[float]) -> Target:
        return level(
            target=target,
            accumulation=accumulation,
            start="2009-01-01",
            deadline="2009-12-31",
            measurements=[actual(d.isoformat(), v) for d, v in zip(days, values, strict=True)],
        )

    running = compute_facts(make("cumulative", totals), as_of)
    summed = compute_facts(make("sum", amounts), as_of)
    for fact in ("value", "n_actual", "measured_on", "satisfied", "met_on", "met_late"):
        value = running[fact]
        if isinstance(value, float):
            assert value == pytest.approx(summed[fact], rel=1e-9)
        else:
            assert value == summed[fact], fact


def test_running_totals_are_not_added_up() -> None:
    totals = [actual("2013-03-31", 60), actual("2013-06-30", 142), actual("2013-09-30", 211)]
    kw = {"target": 400, "start": "2013-01-01", "deadline": "2013-12-31", "measurements": totals}
    running = compute_facts(level(accumulation="cumulative", **kw), "2013-09-30")
    assert (running["value"], running["satisfied"], running["cumulative"]) == (211, False, True)
    summed = compute_facts(level(accumulation="sum", **kw), "2013-09-30")
    assert (summed["value"], summed["satisfied"], summed["cumulative"]) == (413, True, True)
    assert summed["met_on"] == D(2013, 9, 30)


def test_a_falling_running_total_is_a_located_warning() -> None:
    from goalcheck._facts._checks import DecreasingTotalWarning
    from goalcheck.model import Plan, check_plan

    t = level(
        target=400,
        accumulation="cumulative",
        start="2013-01-01",
        measurements=[actual("2013-03-31", 142), actual("2013-06-30", 60)],
    )
    with pytest.warns(DecreasingTotalWarning, match=r"targets\[0\].measurements: .*142.*60"):
        check_plan(Plan(id="p", targets=[t]))
    yearly = level(
        target=400,
        accumulation="cumulative",
        recurrence="yearly",
        measurements=[actual("2012-12-31", 142), actual("2013-03-31", 60)],
    )
    check_plan(Plan(id="q", targets=[yearly]))  # a new year starts afresh: no warning


def test_late_forecasts_late_met_and_unreported() -> None:
    late = level(
        target=1800,
        deadline="2009-12-31",
        measurements=[forecast("2010-02-28", 1800, made_on="2009-06-30")],
    )
    f = compute_facts(late, "2009-09-30")
    assert (f["forecast"], f["late_forecast"], f["late_forecast_date"]) == (
        None,
        1800,
        D(2010, 2, 28),
    )
    assert f["expected_late"] is True
    on_time = level(
        target=1800, deadline="2009-12-31", measurements=[forecast("2009-12-31", 1800)]
    )
    assert compute_facts(on_time, "2009-09-30")["expected_late"] is False
    met = level(
        target=30,
        deadline="2009-06-30",
        measurements=[
            actual("2009-03-31", 31),
            actual("2009-05-31", 20),
            actual("2009-09-30", 31),
        ],
    )
    f = compute_facts(met, "2009-10-31")
    assert (f["met_on"], f["met_late"]) == (D(2009, 3, 31), False)  # first met on time
    f = compute_facts(met, "2009-04-30")
    assert (f["met_on"], f["met_late"]) == (D(2009, 3, 31), False)
    later = level(
        target=30,
        deadline="2009-06-30",
        measurements=[actual("2009-03-31", 20), actual("2009-09-30", 31)],
    )
    assert compute_facts(later, "2009-10-31")["met_late"] is True
    assert compute_facts(later, "2009-06-30")["met_on"] is None
    milestone = level("milestone", deadline="2009-06-30")
    assert compute_facts(milestone, "2009-07-01")["overdue_unreported"] is True
    assert compute_facts(milestone, "2009-06-30")["overdue_unreported"] is False


@pytest.mark.parametrize(
    ("recurrence", "as_of", "start", "end"),
    [
        ("quarterly", "2009-08-15", D(2009, 7, 1), D(2009, 9, 30)),
        ("monthly", "2009-02-10", D(2009, 2, 1), D(2009, 2, 28)),
        ("yearly", "2009-08-15", D(2009, 1, 1), D(2009, 12, 31)),
        ("quarterly", "2011-05-01", D(2010, 10, 1), D(2010, 12, 31)),  # clamped to the deadline
    ],
)
def test_recurrence_windows(recurrence: str, as_of: str, start: dt.date, end: dt.date) -> None:
    t = level(
        target=10,
        accumulation="cumulative",
        recurrence=recurrence,
        start="2009-01-01",
        deadline="2010-12-31",
        measurements=[actual("2009-01-31", 4), actual("2009-02-10", 5), actual("2009-07-31", 6)],
    )
    f = compute_facts(t, as_of)
    assert (f["start"], f["deadline"], f["baseline"]) == (start, end, 0.0)
    counted = [m for m in t.measurements if start <= m.date <= min(end, D.fromisoformat(as_of))]
    assert f["n_actual"] == len(counted)
