"""Targets of every direction and accumulation, and dates at which a target has data."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck._strategies import _args as a
from goalcheck._strategies._basic import (
    dates,
    decide,
    ids,
    numbers,
    optional_texts,
    rarely,
    sampled,
    seq,
    texts,
)
from goalcheck._strategies._define import Args, Definition
from goalcheck._strategies._measures import MAX_MEASUREMENTS, draw_history
from goalcheck.model import (
    Accumulation,
    Checkpoint,
    Direction,
    Measurement,
    MeasurementKind,
    Recurrence,
    Relative,
    Target,
    TargetKind,
)

NUMERIC = (Direction.AT_LEAST, Direction.AT_MOST, Direction.BETWEEN)
_UNITS = ("", "%", "persons", "participants", "DKK", "days", "pct. points")


@attrs.frozen
class TargetSpec:
    directions: tuple[Direction, ...]
    accumulation: Accumulation | None
    kind: TargetKind | None
    unit: str | None
    target: float | None
    relatives: tuple[Relative | None, ...]
    recurrence: bool | None
    undetermined: bool | None
    with_baseline: bool | None
    with_checkpoints: bool | None
    with_measurements: bool | None
    with_forecasts: bool | None
    max_measurements: int
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]
    as_of: dt.date | None


def _relatives(relative: object) -> tuple[Relative | None, ...]:
    if relative is None:
        return (None, Relative.ABSOLUTE, Relative.PERCENT)
    if relative is False:
        return (None,)
    if relative is True:
        return (Relative.ABSOLUTE, Relative.PERCENT)
    return (a.choice("relative", relative, Relative),)


def _recurrence(recurrence: object) -> bool | None:
    if recurrence is None or isinstance(recurrence, bool):
        return recurrence
    a.choice("recurrence", recurrence, Recurrence)
    return True


def _numeric_directions(
    args: Args, directions: tuple[Direction, ...], needs: list[tuple[bool, str]]
) -> tuple[Direction, ...]:
    """Each option in *needs* needs a number to compare against: drop direction-only ones."""
    for needs_number, why in needs:
        if needs_number:
            directions = tuple(d for d in directions if d in NUMERIC)
            if not directions:
                raise a.fail(
                    f"{why} needs a direction with a number (at_least, at_most or between), "
                    f"not direction={args['direction']!r}"
                )
    return directions


def _most_measurements(value: object, actuals: bool | None, forecasts: bool | None) -> int:
    need = int(bool(actuals)) + int(bool(forecasts))
    if value is None:
        return max(MAX_MEASUREMENTS, need)
    most = a.size("max_measurements", value)
    if most < need:
        raise a.fail(f"max_measurements={most} leaves no room for the required measurements")
    return most


def _as_of(args: Args, span: tuple[dt.date, dt.date], actuals: bool | None) -> dt.date | None:
    as_of = a.date("as_of", args["as_of"])
    if as_of is None:
        return None
    if not span[0] <= as_of <= span[1]:
        raise a.fail(f"as_of={as_of} lies outside the date range {span[0]} to {span[1]}")
    if actuals is False:
        raise a.fail(f"as_of={as_of} asks for data at that date, but with_measurements=False")
    return as_of


def target_spec(args: Args) -> TargetSpec:
    pinned = a.choice("direction", args["direction"], Direction)
    directions: tuple[Direction, ...] = (pinned,) if pinned is not None else tuple(Direction)
    target = a.number("target", args["target"])
    und = a.optional_bool("undetermined", args["undetermined"])
    baseline = a.optional_bool("with_baseline", args["with_baseline"])
    cps = a.optional_bool("with_checkpoints", args["with_checkpoints"])
    actuals = a.optional_bool("with_measurements", args["with_measurements"])
    forecasts = a.optional_bool("with_forecasts", args["with_forecasts"])
    relatives = _relatives(args["relative"])
    is_relative = None not in relatives
    directions = _numeric_directions(
        args,
        directions,
        [
            (target is not None, f"target={target!r}"),
            (und is True, "undetermined=True"),
            (is_relative, f"relative={args['relative']!r}"),
            (cps is True, "with_checkpoints=True"),
        ],
    )
    if target is not None and und:
        raise a.fail("target=... gives the number that undetermined=True says is missing")
    if is_relative and baseline is False:
        raise a.fail(f"relative={args['relative']!r} needs a baseline, but with_baseline=False")
    if cps:
        if is_relative:
            raise a.fail("with_checkpoints=True is only generated for targets with relative=False")
        relatives = (None,)
        directions = tuple(d for d in directions if d is not Direction.BETWEEN)
        if not directions:
            raise a.fail("with_checkpoints=True needs direction at_least or at_most")
    if forecasts and actuals is False:
        raise a.fail("with_forecasts=True needs measurements, but with_measurements=False")
    span = a.date_range(args["min_date"], args["max_date"])
    return TargetSpec(
        directions=directions,
        accumulation=a.choice("accumulation", args["accumulation"], Accumulation),
        kind=a.choice("kind", args["kind"], TargetKind),
        unit=a.text("unit", args["unit"]),
        target=target,
        relatives=relatives,
        recurrence=_recurrence(args["recurrence"]),
        undetermined=und,
        with_baseline=baseline,
        with_checkpoints=cps,
        with_measurements=actuals,
        with_forecasts=forecasts,
        max_measurements=_most_measurements(args["max_measurements"], actuals, forecasts),
        dates=span,
        values=a.value_range(args["min_value"], args["max_value"]),
        as_of=_as_of(args, span, actuals),
    )


def _band(
    draw: st.DrawFn, values: SearchStrategy[float], low: float | None
) -> tuple[float, float]:
    if low is None:
        x, y = draw(values), draw(values)
        return (x, y) if x <= y else (y, x)
    high = low + draw(st.floats(0, 1_000_000, allow_nan=False, allow_subnormal=False))
    return low, (high if math.isfinite(high) else low)


@attrs.frozen
class _Goal:
    direction: Direction
    undetermined: bool
    relative: Relative | None
    baseline: float | None
    baseline_date: dt.date | None
    target: float | None
    target_high: float | None


def _draw_goal(draw: st.DrawFn, spec: TargetSpec) -> _Goal:
    direction = draw(st.sampled_from(spec.directions))
    values = numbers(*spec.values)
    numeric = direction in NUMERIC
    undetermined = spec.target is None and numeric and decide(draw, spec.undetermined, rare=True)
    relative: Relative | None = None
    kinds = [r for r in spec.relatives if r is not None]
    if numeric and kinds and (None not in spec.relatives or rarely(draw)):
        relative = draw(st.sampled_from(kinds))
    has_baseline = relative is not None or decide(draw, spec.with_baseline)
    baseline = draw(values) if has_baseline else None
    baseline_date = draw(st.none() | dates(*spec.dates)) if has_baseline else None
    # absolute thresholds lie in the value range; absolute changes are such a threshold
    # minus the baseline; percent changes lie in [-100, 100]
    target = target_high = None
    if numeric and not undetermined:
        if relative is Relative.PERCENT:
            values = numbers(-100.0, 100.0)
        elif relative is Relative.ABSOLUTE:
            assert baseline is not None
            values = values.map(lambda t: t - baseline)
        if direction is Direction.BETWEEN:
            target, target_high = _band(draw, values, spec.target)
        else:
            target = spec.target if spec.target is not None else draw(values)
    return _Goal(direction, undetermined, relative, baseline, baseline_date, target, target_high)


def _draw_span(
    draw: st.DrawFn, spec: TargetSpec, yearly: bool
) -> tuple[dt.date | None, dt.date | None]:
    lo, hi = spec.dates
    if spec.as_of is None:
        first, second = sorted(draw(st.lists(dates(lo, hi), min_size=2, max_size=2)))
    else:  # the period has begun at as_of; a yearly one has not ended before its year
        first = draw(dates(lo, spec.as_of))
        floor = max(first, dt.date(spec.as_of.year, 1, 1)) if yearly else first
        second = draw(dates(min(floor, hi), hi))
    start = first if draw(st.booleans()) else None
    deadline = second if not rarely(draw) else None
    return start, deadline


def _draw_checkpoints(
    draw: st.DrawFn, spec: TargetSpec, goal: _Goal, span: tuple[dt.date | None, dt.date | None]
) -> list[Checkpoint]:
    if not (
        goal.direction in (Direction.AT_LEAST, Direction.AT_MOST)
        and goal.relative is None
        and decide(draw, spec.with_checkpoints, rare=True)
    ):
        return []
    lo_day = span[0] or spec.dates[0]
    hi_day = span[1] or spec.dates[1]
    when = draw(st.lists(dates(lo_day, hi_day), min_size=1, max_size=3, unique=True))
    return [Checkpoint(day, draw(numbers(*spec.values))) for day in sorted(when)]


def _anchor(
    draw: st.DrawFn,
    spec: TargetSpec,
    goal: _Goal,
    start: dt.date | None,
    yearly: bool,
    cumulative: bool,
) -> Measurement | None:
    """An actual that counts at ``spec.as_of`` (so the target has a value then)."""
    as_of = spec.as_of
    if as_of is None:
        return None
    floors = [spec.dates[0], a.shift(as_of, -365)]
    if start is not None and (yearly or cumulative):
        floors.append(start)
    if yearly:
        floors.append(dt.date(as_of.year, 1, 1))
    elif cumulative and goal.baseline_date is not None:
        floors.append(a.shift(goal.baseline_date, 1))
    lo = max(floors)
    if lo > as_of:
        return None
    if goal.direction is Direction.MILESTONE:
        value = draw(st.sampled_from([0.0, 1.0]))
    else:
        value = draw(numbers(*spec.values) | _on_the_way(spec, goal, cumulative))
    return Measurement(draw(dates(lo, as_of)), value)


def _on_the_way(spec: TargetSpec, goal: _Goal, cumulative: bool) -> SearchStrategy[float]:
    """Values from half-way back past the baseline to half-way beyond the target, so that
    progress, pace and growth take the values rules compare with (0.9, 1, 1.2, ...)."""
    b, t = goal.baseline, goal.target
    if cumulative or b is None or t is None:
        return st.nothing()
    if goal.relative is Relative.ABSOLUTE:
        t = b + t
    elif goal.relative is Relative.PERCENT:
        t = b * (1 + t / 100)
    lo, hi = spec.values
    return st.integers(-50, 150).map(lambda k: min(hi, max(lo, round(b + (t - b) * k / 100, 2))))


def _draw_measurements(draw: st.DrawFn, spec: TargetSpec, goal: _Goal) -> list[Measurement]:
    if spec.with_measurements is False:
        return []
    values = numbers(*spec.values)
    if goal.direction is Direction.MILESTONE:
        values = st.sampled_from([0.0, 1.0]) | values
    actuals = spec.with_measurements
    if actuals is None and spec.as_of is None:
        actuals = True if not rarely(draw) else None  # with data, as a rule
    return draw_history(
        draw,
        sizes=(0, spec.max_measurements),
        span=spec.dates,
        values=values,
        actuals=actuals if spec.as_of is None else None,
        forecasts=spec.with_forecasts,
    )


def _running_totals(history: list[Measurement]) -> list[Measurement]:
    """A cumulative target reports running totals: its actuals never fall in date order."""
    actuals = sorted(
        (m for m in history if m.kind is MeasurementKind.ACTUAL), key=lambda m: m.date
    )
    values = sorted(m.value for m in actuals)
    rising = [attrs.evolve(m, value=v) for m, v in zip(actuals, values, strict=True)]
    return rising + [m for m in history if m.kind is not MeasurementKind.ACTUAL]


def _draw_target(draw: st.DrawFn, spec: TargetSpec) -> Target:
    goal = _draw_goal(draw, spec)
    yearly = rarely(draw) if spec.recurrence is None else spec.recurrence
    accumulation = spec.accumulation or draw(sampled(Accumulation))
    cumulative = accumulation is not Accumulation.LEVEL  # windowed from start or baseline
    start, deadline = _draw_span(draw, spec, yearly)
    history = _draw_measurements(draw, spec, goal)
    anchor = _anchor(draw, spec, goal, start, yearly, cumulative)
    if anchor is None and spec.as_of is not None:
        goal = attrs.evolve(goal, baseline_date=None)
        anchor = _anchor(draw, spec, goal, start, yearly, cumulative)
    if anchor is not None:
        history.append(anchor)
    if accumulation is Accumulation.CUMULATIVE:
        history = _running_totals(history)
    return Target(
        id=draw(ids()),
        direction=goal.direction,
        title=draw(texts()),
        kind=spec.kind or draw(sampled(TargetKind)),
        target=goal.target,
        target_high=goal.target_high,
        relative=goal.relative,
        unit=spec.unit if spec.unit is not None else draw(sampled(_UNITS)),
        baseline=goal.baseline,
        baseline_date=goal.baseline_date,
        start=start,
        deadline=deadline,
        accumulation=accumulation,
        recurrence=Recurrence.YEARLY if yearly else None,
        checkpoints=seq(_draw_checkpoints(draw, spec, goal, (start, deadline))),
        measurements=seq(history),
        description=draw(texts()),
        reported_status=draw(optional_texts()),
        reported_text=draw(optional_texts()),
        tags=seq(draw(st.lists(ids(), max_size=2, unique=True))),
    )


TARGETS = Definition("targets", target_spec, _draw_target)


# --- dates at which a target has data ------------------------------------------------------


def _counts_from(target: Target, m: Measurement) -> bool:
    """Whether actual *m* can count at all (a cumulative count starts after its baseline)."""
    if target.accumulation is Accumulation.LEVEL or target.recurrence is not None:
        return True
    if target.baseline_date is not None:
        return m.date > target.baseline_date
    return target.start is None or m.date >= target.start


def _yearly_span(target: Target, m: Measurement, far: dt.date) -> tuple[dt.date, dt.date]:
    """A yearly target is judged within the year of as_of (clamped to its start and deadline)."""
    if target.start is not None and m.date.year < target.start.year:
        return (m.date, a.shift(m.date, -1))  # empty: that year is never judged
    if target.deadline is None:
        return (m.date, dt.date(m.date.year, 12, 31))
    if m.date.year >= target.deadline.year:  # after the deadline the last year is judged
        return (m.date, a.shift(max(far, m.date), 365))
    return (m.date, dt.date(m.date.year, 12, 31))


def _forecast_span(target: Target, m: Measurement) -> list[tuple[dt.date, dt.date]]:
    """A forecast is in force from when it was made until it is due, before the deadline."""
    if target.checkpoints:
        return []  # the deadline in force moves from checkpoint to checkpoint: use the actuals
    lo = m.made_on or a.shift(m.date, -365)
    if target.recurrence is not None:  # due within the year judged, by its 31 December
        if target.deadline is not None and m.date.year > target.deadline.year:
            return []
        if target.start is not None and m.date.year < target.start.year:
            return [(lo, m.date)]  # before its first year, the first year is judged
        return [(max(lo, dt.date(m.date.year, 1, 1)), m.date)]
    if target.deadline is not None and m.date > target.deadline:
        return []
    return [(lo, m.date)]


def data_spans(target: Target) -> list[tuple[dt.date, dt.date]]:
    """Date ranges in which *target* has a value or a forecast (its facts are not all None)."""
    far = max([m.date for m in target.measurements] + [target.deadline or dt.date.min])
    spans: list[tuple[dt.date, dt.date]] = []
    for m in target.measurements:
        if m.kind is MeasurementKind.FORECAST:
            spans.extend(_forecast_span(target, m))
        elif target.recurrence is not None:
            spans.append(_yearly_span(target, m, far))
        elif _counts_from(target, m):
            spans.append((m.date, a.shift(max(far, m.date), 365)))
    return [(lo, hi) for lo, hi in spans if lo <= hi]


def _checked_days(target: Target) -> list[tuple[dt.date, dt.date]]:
    """The measurement days at which the facts say there is data (for the rare shapes the
    spans above leave out, such as a forecast before a yearly target's first year)."""
    from goalcheck.facts import compute_facts

    days = []
    for day in sorted({m.date for m in target.measurements}):
        facts = compute_facts(target, day, names=("value", "forecast"))
        if facts["value"] is not None or facts["forecast"] is not None:
            days.append((day, day))
    return days


def _dates_spec(args: Args) -> tuple[tuple[dt.date, dt.date], ...]:
    target = args["target"]
    if not isinstance(target, Target):
        raise a.fail(f"target={target!r} must be a goalcheck.model.Target")
    spans = data_spans(target) or _checked_days(target)
    if spans:
        return tuple(sorted(set(spans)))
    lo = target.start or target.baseline_date or a.DEFAULT_MIN_DATE
    hi = target.deadline or a.DEFAULT_MAX_DATE
    return ((min(lo, hi), max(lo, hi)),)


def _draw_date(draw: st.DrawFn, spans: tuple[tuple[dt.date, dt.date], ...]) -> dt.date:
    lo, hi = draw(st.sampled_from(spans))
    return draw(dates(lo, hi))


DATES_WITHIN = Definition("dates_within", _dates_spec, _draw_date)


def default_targets() -> Any:
    return TARGETS.strategy({})
