"""The ``open-sdg`` rule set against an independent statement of sdg-build 2.4's progress measure.

The reference below (``ref_series``, ``ref_indicator``) is written from the method description
in ``/work/shared/findings/open-sdg-progress-measure.md`` (sdg-build 2.4,
``SeriesProgress`` / ``IndicatorProgress``), not from goalcheck's code: it works on integer
years and plain dicts, the way a platform's data repository does.  A seeded generator builds a
synthetic platform of several hundred series in indicators of one to six series each, with the
cases real data has: negative values, zeros, a baseline already beyond the target that has
since fallen back, natural limits on each side, opposite signs, less than a year of data,
direction-only series and per-indicator ``progress_thresholds``.  The test then writes the
platform as a goalcheck plan (an initiative per indicator, a target per series) and checks
that goalcheck's ``open-sdg`` evaluation gives every series and every indicator the status
(and score) the reference gives.

Cases the method description leaves open are not generated (and goalcheck's choice for them
is documented in docs/explanation/methodologies.md): a baseline of 0 with a negative current
value, a target of the opposite sign to the baseline, and a target year not after the base
year.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

import goalcheck
from goalcheck.model import Initiative, Measurement, Plan, Target

# ---------------------------------------------------------------------------------------------
# The reference: sdg-build 2.4 as the method description states it
# ---------------------------------------------------------------------------------------------

TARGET_THRESHOLDS = {"high": 0.95, "med": 0.6, "low": 0.0}
GROWTH_THRESHOLDS = {"high": 0.015, "med": 0.005, "low": 0.0}
EXPONENT = 4.44


@dataclass
class RefSeries:
    """One ``progress_calculation_options`` item with the data it selects (year -> value)."""

    data: dict[int, float]
    direction: str  # "positive" (+1) or "negative" (-1)
    target: float | None = None
    base_year: int = 2015
    target_year: int = 2030
    limit: float | None = None
    thresholds: dict[str, float] = field(default_factory=dict)  # progress_thresholds


@dataclass
class RefResult:
    status: str
    score: float | None
    met: bool


def coefficient(base: float, limit: float) -> float:
    """C(base, limit): 1 far from the limit, 0 at it (the three cases, in this order)."""
    b, lim = abs(base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - (b / lim) ** EXPONENT
    return 1 - ((2 * lim - b) / lim) ** EXPONENT


def cagr(v1: float, v0: float, t1: int, t0: int) -> float | None:
    """(v1 / v0) ** (1 / (t1 - t0)) - 1; None where sdg-build's arithmetic gives NaN."""
    ratio = v1 / v0
    if ratio < 0:
        return None  # a negative number to a fractional power: NaN
    return ratio ** (1 / (t1 - t0)) - 1


def ref_base(series: RefSeries) -> int | None:
    """The configured base year if the data has it, else the first later year."""
    later = [year for year in series.data if year >= series.base_year]
    return min(later) if later else None


def ref_progress_value(series: RefSeries) -> tuple[float | None, float]:
    """The progress value and the limit coefficient C."""
    years = sorted(series.data)
    t0 = ref_base(series)
    assert t0 is not None  # the generator never leaves a series without a base year
    t = years[-1]
    base, current = series.data[t0], series.data[t]
    d = 1 if series.direction == "positive" else -1
    sign = -1 if base < 0 else 1
    target = series.target
    if target == 0:
        target = 0.001
    c = 1.0
    if target is None and series.limit is not None:
        c = coefficient(base, series.limit)
    if base == 0:
        base = 0.001
    if (base < 0 < current) or (current < 0 < base) or t - t0 < 1:
        return None, c
    observed = cagr(current, base, t, t0)
    if observed is None:
        return None, c
    if target is None:
        return sign * d * observed, c
    required = cagr(target, base, series.target_year, t0)
    if not required:  # None (NaN) or 0 (base == target): the division gives no number
        return None, c
    return sign * d * observed / abs(required), c


def ref_score(pv: float | None, c: float, with_target: bool, met: bool) -> float | None:
    if met:
        return 5.0
    if pv is None:
        return None
    if with_target:
        if pv >= 0.6:
            return min(7.1429 * pv - 4.2857, 5)
        return max(4.1667 * pv - 2.5, -5)
    if pv < 0:
        return max(125 * pv - 2.5, -5)
    if c == 0:
        return 5.0
    if pv >= 0.015 * c:
        return min(500 * pv / c - 5, 5)
    if pv >= 0.005 * c:
        return 250 * pv / c - 1.25
    return 500 * pv / c - 2.5


def ref_series(series: RefSeries) -> RefResult:
    """SeriesProgress: status and score of one series."""
    current = series.data[max(series.data)]
    d = 1 if series.direction == "positive" else -1
    target = series.target
    if target == 0:
        target = 0.001
    met = target is not None and (
        (d == -1 and current <= target) or (d == 1 and current >= target)
    )
    pv, c = ref_progress_value(series)
    base_thresholds = GROWTH_THRESHOLDS if target is None else TARGET_THRESHOLDS
    th = {**base_thresholds, **series.thresholds}
    if target is None and series.limit is not None:
        th = {name: value * c for name, value in th.items()}
    score = ref_score(pv, c, target is not None, met)
    if met:
        status = "target_achieved"
    elif pv is None or math.isnan(pv):
        status = "not_available"
    elif pv >= th["high"]:
        status = "substantial_progress"
    elif pv >= th["med"]:
        status = "moderate_progress"
    elif pv >= th["low"]:
        status = "limited_progress"
    else:
        status = "deterioration"
    return RefResult(status, score, met)


def ref_indicator(results: list[RefResult]) -> str:
    """IndicatorProgress: the mean score, target achieved only if every scored series met."""
    scored = [r for r in results if r.score is not None]
    if not scored:
        return "not_available"
    if all(r.met for r in scored):
        return "target_achieved"
    score = sum(r.score for r in scored if r.score is not None) / len(scored)
    if score >= 2.5:
        return "substantial_progress"
    if score >= 0:
        return "moderate_progress"
    if score >= -2.5:
        return "limited_progress"
    return "deterioration"


# ---------------------------------------------------------------------------------------------
# A seeded synthetic platform
# ---------------------------------------------------------------------------------------------

KINDS = (
    "plain",
    "plain",
    "direction",
    "direction",
    "negative",
    "zero-base",
    "zero-target",
    "zero-current",
    "fallen-back",
    "limit",
    "limit",
    "opposite",
    "short",
    "flat",
    "base-is-target",
    "late-base",
)


def _years(rng: random.Random, base_year: int) -> list[int]:
    last = rng.randint(base_year + 1, 2034)
    middle = [y for y in range(base_year + 1, last) if rng.random() < 0.4]
    before = [y for y in range(2008, base_year) if rng.random() < 0.3]
    return [*before, base_year, *middle, last]


def _grow(rng: random.Random, base: float, years: list[int], g: float) -> dict[int, float]:
    """Values on a path with compound growth g from the base (years[...]) plus noise."""
    t0 = years[0] if years else 2015
    data: dict[int, float] = {}
    for year in years:
        noise = 1 + rng.uniform(-0.01, 0.01) if year != years[-1] else 1
        data[year] = round(base * (1 + g) ** (year - t0) * noise, 6)
    return data


def _series(rng: random.Random, kind: str) -> RefSeries:
    direction = rng.choice(("positive", "negative"))
    d = 1 if direction == "positive" else -1
    base_year = rng.choice((2015, 2015, 2015, 2012, 2016))
    years = _years(rng, base_year)
    here = [y for y in years if y >= base_year]
    base = round(rng.uniform(1, 1000), 3)
    before = {y: round(rng.uniform(1, 1000), 3) for y in years if y < base_year}
    if kind in ("plain", "late-base"):
        target = round(base * rng.uniform(1.05, 3) ** d, 3)
        data = _grow(rng, base, here, d * rng.uniform(-0.08, 0.12))
        s = RefSeries({**before, **data}, direction, target, base_year)
        if kind == "late-base":  # the configured base year has no data: the next year is used
            s.data.pop(base_year)
            if len(s.data) == len(before):
                s.data[base_year + 1] = base
        return s
    if kind == "direction":
        data = _grow(rng, base, here, rng.uniform(-0.03, 0.03))
        return RefSeries({**before, **data}, direction, None, base_year)
    if kind == "negative":
        target = None if rng.random() < 0.4 else round(-base * rng.uniform(0.3, 3), 3)
        data = _grow(rng, -base, here, rng.uniform(-0.06, 0.06))
        return RefSeries({y: -abs(v) for y, v in {**before, **data}.items()}, direction, target)
    if kind == "zero-base":
        data = _grow(rng, base, here, 0.0)
        data[base_year] = 0.0
        target = None if rng.random() < 0.5 else round(rng.uniform(1, 100), 3)
        return RefSeries({**before, **data}, direction, target, base_year)
    if kind == "zero-target":
        data = _grow(rng, base, here, rng.uniform(-0.4, 0.05))
        if rng.random() < 0.25:  # at or below the substituted target 0.001: met
            data[here[-1]] = rng.choice((0.0, 0.0005, 0.001))
        return RefSeries({**before, **data}, "negative", 0.0, base_year)
    if kind == "zero-current":
        data = _grow(rng, base, here, -0.05)
        data[here[-1]] = 0.0
        target = None if rng.random() < 0.5 else round(base * rng.uniform(1.1, 2), 3)
        return RefSeries({**before, **data}, direction, target, base_year)
    if kind == "fallen-back":  # the baseline already met the target; the latest value does not
        target = round(base * rng.uniform(0.6, 0.95) ** d, 3)
        current = round(target * rng.uniform(0.5, 0.99) ** d, 3)
        data = _grow(rng, base, here, 0.0)
        data[here[-1]] = current
        return RefSeries({**before, **data}, direction, target, base_year)
    if kind == "limit":
        limit = rng.choice((100.0, 1.0, 50.0))
        where = rng.choice(("near", "at", "beyond-2L", "between", "far"))
        factor = {
            "near": rng.uniform(0.8, 1.0),
            "at": 1.0,
            "beyond-2L": rng.uniform(2.0, 3.0),
            "between": rng.uniform(1.0, 2.0),
            "far": rng.uniform(0.05, 0.5),
        }[where]
        base = limit * factor
        data = _grow(rng, base, here, rng.uniform(-0.01, 0.02) * d)
        data[base_year] = base
        return RefSeries({**before, **data}, direction, None, base_year, limit=limit)
    if kind == "opposite":
        data = _grow(rng, base, here, 0.0)
        data[here[-1]] = -round(rng.uniform(0.1, 100), 3)
        if rng.random() < 0.5:
            data = {y: -v for y, v in data.items()}
        target = None if rng.random() < 0.5 else round(data[base_year] * 2, 3)
        return RefSeries({**before, **data}, direction, target, base_year)
    if kind == "short":  # the base year is the latest year: less than a year of data
        met_now = rng.random() < 0.3
        target = round(base * (0.9 if met_now else 1.5) ** d, 3)
        return RefSeries({**before, base_year: base}, direction, target, base_year)
    if kind == "flat":  # current == base: CAGR 0, pv = +-0.0, limited progress
        data = _grow(rng, base, here, 0.0)
        data[here[-1]] = base
        target = None if rng.random() < 0.5 else round(base * 1.5**d, 3)
        return RefSeries({**before, **data}, direction, target, base_year)
    assert kind == "base-is-target"  # required growth 0: no progress value, met decides
    data = _grow(rng, base, here, rng.uniform(-0.05, 0.05))
    return RefSeries({**before, **data}, direction, base, base_year)


def _thresholds(rng: random.Random, with_target: bool) -> dict[str, float]:
    if rng.random() < 0.8:
        return {}
    if with_target:
        return {"high": rng.choice((0.9, 1.0)), "med": rng.choice((0.5, 0.7))}
    return {"high": rng.choice((0.01, 0.02)), "med": rng.choice((0.002, 0.008))}


def platform(seed: int = 20241201, n_indicators: int = 200) -> dict[str, list[RefSeries]]:
    """Indicators (id -> series), seeded: the same platform on every run."""
    rng = random.Random(seed)
    indicators: dict[str, list[RefSeries]] = {}
    for i in range(n_indicators):
        n = rng.choice((1, 1, 2, 3, 4, 5, 6))
        shared_target = rng.random() < 0.5
        series = [_series(rng, rng.choice(KINDS)) for _ in range(n)]
        # progress_thresholds are per indicator: one dict for every series of it
        th = _thresholds(rng, shared_target)
        for s in series:
            if th and (s.target is not None) == shared_target:
                s.thresholds = dict(th)
        indicators[f"{1 + i // 10}-{1 + i % 10}-1"] = series
    return indicators


# ---------------------------------------------------------------------------------------------
# The same platform as a goalcheck plan
# ---------------------------------------------------------------------------------------------

PARAMS_TARGET = {"high": "substantial_ratio", "med": "moderate_ratio", "low": "limited_ratio"}
PARAMS_GROWTH = {"high": "substantial_growth", "med": "moderate_growth", "low": "limited_growth"}
STATUS = {"not_available": "not_evaluable"}  # sdg-build's word -> open-sdg's


def as_target(tag: str, series: RefSeries) -> Target:
    base_year = ref_base(series)
    assert base_year is not None
    if series.target is None:
        direction = "increase" if series.direction == "positive" else "decrease"
    else:
        direction = "at_least" if series.direction == "positive" else "at_most"
    names = PARAMS_GROWTH if series.target is None else PARAMS_TARGET
    return Target(
        id=tag,
        title=tag,
        direction=direction,
        target=series.target,
        baseline=series.data[base_year],
        baseline_date=str(base_year),
        deadline=str(series.target_year),
        limit=series.limit,  # type: ignore[call-arg]
        params={names[k]: v for k, v in series.thresholds.items()},  # type: ignore[call-arg]
        measurements=[Measurement(date=str(y), value=v) for y, v in sorted(series.data.items())],
    )


def as_plan(indicators: dict[str, list[RefSeries]]) -> Plan:
    initiatives = [
        Initiative(
            id=inid,
            title=inid,
            targets=[as_target(f"{inid} / {k}", s) for k, s in enumerate(series)],
        )
        for inid, series in indicators.items()
    ]
    return Plan(id="platform", title="synthetic Open SDG platform", initiatives=initiatives)


def _cases(indicators: dict[str, list[RefSeries]]) -> Iterator[tuple[str, RefSeries]]:
    for inid, series in indicators.items():
        for k, s in enumerate(series):
            yield f"{inid} / {k}", s


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def indicators() -> dict[str, list[RefSeries]]:
    return platform()


@pytest.fixture(scope="module")
def report(indicators: dict[str, list[RefSeries]]) -> goalcheck.Report:
    return goalcheck.evaluate(as_plan(indicators), "2050-12-31", "open-sdg")


def test_the_platform_is_large_and_covers_every_case(
    indicators: dict[str, list[RefSeries]],
) -> None:
    series = [s for group in indicators.values() for s in group]
    assert len(series) >= 500
    assert sum(len(group) > 1 for group in indicators.values()) >= 50
    statuses = {ref_series(s).status for s in series}
    assert statuses == {
        "target_achieved",
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
        "not_available",
    }
    levels = {ref_indicator([ref_series(s) for s in group]) for group in indicators.values()}
    assert levels == statuses
    limits = [s for s in series if s.limit is not None]
    coefficients = set()
    for s in limits:
        c = coefficient(s.data[ref_base(s) or 0], s.limit or 1.0)
        coefficients.add("far" if c == 1 else "zero" if c == 0 else "scaled")
    assert coefficients == {"far", "scaled", "zero"}
    assert any(any(v < 0 for v in s.data.values()) for s in series)
    assert any(s.thresholds for s in series)


def test_every_series_status_and_score_agrees(
    indicators: dict[str, list[RefSeries]], report: goalcheck.Report
) -> None:
    wrong = []
    for tag, s in _cases(indicators):
        expected = ref_series(s)
        result = report[tag]
        status = STATUS.get(expected.status, expected.status)
        score = result.facts.get("score")
        if result.status != status or score != expected.score:
            wrong.append((tag, s, expected, result.status, score))
    assert not wrong, f"{len(wrong)} series differ, first: {wrong[0]}"


def test_every_indicator_status_agrees(
    indicators: dict[str, list[RefSeries]], report: goalcheck.Report
) -> None:
    rollups = {r.id: r for r in report.rollups if r.level == "initiative"}
    wrong = []
    for inid, series in indicators.items():
        expected = ref_indicator([ref_series(s) for s in series])
        got = rollups[inid].status
        if got != STATUS.get(expected, expected):
            wrong.append((inid, expected, got))
    assert not wrong, f"{len(wrong)} indicators differ, first: {wrong[0]}"


def test_the_platform_exercises_what_the_old_rule_set_could_not_evaluate(
    indicators: dict[str, list[RefSeries]],
) -> None:
    """The comparison is not vacuous: many series are ones that positive-only CAGR arithmetic
    (goalcheck before sdg-build's sign rule, 0.001 and abs()) called not evaluable."""
    beyond_old = 0
    for _, s in _cases(indicators):
        t0 = ref_base(s)
        assert t0 is not None
        base, current = s.data[t0], s.data[max(s.data)]
        d = 1 if s.direction == "positive" else -1
        old_ok = base > 0 and current > 0
        if s.target is not None:
            old_ok = old_ok and s.target > 0 and (s.target - base) * d > 0
        if not old_ok and ref_series(s).status not in ("not_available", "target_achieved"):
            beyond_old += 1
    assert beyond_old >= 50
