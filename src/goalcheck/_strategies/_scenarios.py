"""Targets built from a few whole-number *knobs* that steer the facts a rule set reads.

A scenario fixes a target's shape relative to ``as_of``: its direction and accumulation,
how much of its period has elapsed, how far the latest value has come from the baseline
towards the target (``progress``, in percent: 100 is the target), how old that value is,
whether a forecast exists and how far it reaches.  From these the facts follow closely:
``pace`` is about progress / elapsed, ``satisfied`` is progress >= 100, ``overdue`` is
elapsed > 100, ``staleness_days`` is ``stale``, growth rates follow from progress and time.

The knobs are drawn through a :class:`Chooser`, so the same code draws them from Hypothesis
(for examples that shrink) and from a seeded :class:`random.Random` (to learn, before any
example, which knob values give the status a test asks for).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Protocol, TypeVar

import attrs
from hypothesis import strategies as st

from goalcheck._strategies._basic import sampled
from goalcheck.model import (
    Accumulation,
    Direction,
    Measurement,
    MeasurementKind,
    Relative,
    Target,
)

T = TypeVar("T")

_SCALES = (100, 1000, 10, 50, 2500, 1)
_DIRECTIONS = (
    Direction.AT_LEAST,
    Direction.AT_MOST,
    Direction.AT_LEAST,
    Direction.BETWEEN,
    Direction.INCREASE,
    Direction.DECREASE,
    Direction.MILESTONE,
    Direction.AT_MOST,
)
#: the whole-number knobs and their ranges (the categorical ones are drawn separately)
RANGES: dict[str, tuple[int, int]] = {
    "years": (1, 10),  # length of the period
    "elapsed": (1, 250),  # percent of the period elapsed at as_of (over 100: overdue)
    "scale": (0, len(_SCALES) - 1),  # the baseline's order of magnitude
    "goal": (5, 200),  # percent the target lies beyond the baseline
    "band": (1, 40),  # half-width of a band, percent of its centre
    "actuals": (0, 4),  # how many actuals
    "stale": (0, 900),  # days from the latest actual to as_of
    "progress": (-100, 200),  # percent of the way from baseline to target at the latest actual
    "wobble": (-50, 50),  # bend of the path through earlier actuals (moves the trend)
    "reach": (-100, 200),  # the forecast's progress, as for progress
    "made": (0, 60),  # days before as_of the forecast was made
}


class Chooser(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...

    def pick(self, options: Sequence[T]) -> T: ...


@attrs.frozen
class DrawChooser:
    draw: st.DrawFn

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(sampled(tuple(options)))  # type: ignore[no-any-return]


@attrs.frozen
class RandomChooser:
    rng: random.Random

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)


@attrs.frozen
class Category:
    """The knobs that are choices, not quantities."""

    direction: Direction
    cumulative: bool
    undetermined: bool
    relative: Relative | None
    deadline: bool
    forecast: bool


@attrs.frozen
class Knobs:
    category: Category
    numbers: tuple[int, ...]  # in the order of RANGES

    def __getattr__(self, name: str) -> int:
        return self.numbers[_INDEX[name]]


_INDEX = {name: i for i, name in enumerate(RANGES)}


def draw_category(choose: Chooser) -> Category:
    direction = choose.pick(_DIRECTIONS)
    numeric = direction in (Direction.AT_LEAST, Direction.AT_MOST, Direction.BETWEEN)
    ceiling_or_floor = direction in (Direction.AT_LEAST, Direction.AT_MOST)
    cumulative = ceiling_or_floor and choose.pick((False, False, True))
    relatives = (None,) * 4 + tuple(Relative)
    return Category(
        direction=direction,
        cumulative=cumulative,
        undetermined=numeric and choose.pick((False,) * 7 + (True,)),
        relative=choose.pick(relatives) if ceiling_or_floor and not cumulative else None,
        deadline=choose.pick((True,) * 7 + (False,)),
        forecast=choose.pick((False, False, True)),
    )


def draw_numbers(
    choose: Chooser, boxes: dict[str, tuple[int, int]] | None = None
) -> tuple[int, ...]:
    ranges = RANGES if boxes is None else boxes
    return tuple(choose.integer(*ranges[name]) for name in RANGES)


def draw_knobs(choose: Chooser) -> Knobs:
    return Knobs(draw_category(choose), draw_numbers(choose))


def simplicity(knobs: Knobs) -> tuple[int, ...]:
    """Sort key: fewer measurements, then smaller knobs, first."""
    c = knobs.category
    flags = (c.undetermined, c.cumulative, c.relative is not None, c.forecast, not c.deadline)
    return (sum(flags), knobs.actuals, *(abs(n) for n in knobs.numbers))


# --- from knobs to a target ----------------------------------------------------------------


def _days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


@attrs.frozen
class _Shape:
    start: dt.date
    deadline: dt.date | None
    baseline: float
    target: float | None  # the total for a cumulative target
    high: float | None
    edge: float  # the end of the way from the baseline (a band's nearer edge)


def _shape(knobs: Knobs, as_of: dt.date) -> _Shape:
    c = knobs.category
    period = 365 * knobs.years
    start = _days(as_of, -round(period * knobs.elapsed / 100))
    b = float(_SCALES[knobs.scale])
    factor = 1 + knobs.goal / 100
    high: float | None = None
    if c.direction is Direction.AT_MOST:
        t = round(b / factor, 2)
    elif c.direction is Direction.BETWEEN:
        centre = b * factor
        t, high = (
            round(centre * (1 - knobs.band / 100), 2),
            round(centre * (1 + knobs.band / 100), 2),
        )
    else:
        t = round(b * factor, 2)
    deadline = _days(start, period) if c.deadline else None
    return _Shape(start, deadline, b, t, high, t)


def _level(knobs: Knobs, shape: _Shape, share: float, years: float, progress: int) -> float:
    """The value *share* of the way (in time) to the latest actual, *years* after start."""
    d = knobs.category.direction
    p = progress / 100
    bend = knobs.wobble / 100 * 4 * share * (1 - share)
    if d is Direction.MILESTONE:
        return 1.0 if p >= 1 and share >= 1 else 0.0
    if d in (Direction.INCREASE, Direction.DECREASE):
        rate = (p * 0.02 + bend * 0.01) * (1 if d is Direction.INCREASE else -1)
        return round(shape.baseline * float((1 + rate) ** years), 2)
    if knobs.category.cumulative:  # the running total so far
        return round(max(0.0, shape.edge * (p * share + bend)), 2)
    return round(shape.baseline + (shape.edge - shape.baseline) * (p * share + bend), 2)


def _actuals(knobs: Knobs, shape: _Shape, as_of: dt.date) -> list[Measurement]:
    n = knobs.actuals
    if n == 0:
        return []
    latest = max(_days(as_of, -knobs.stale), _days(shape.start, 1))
    span = (latest - shape.start).days
    days = sorted({_days(shape.start, max(1, round(span * i / n))) for i in range(1, n + 1)})
    out: list[Measurement] = []
    total = 0.0
    for day in days:
        share = (day - shape.start).days / span if span else 1.0
        years = (day - shape.start).days / 365
        value = _level(knobs, shape, share, years, knobs.progress)
        if knobs.category.cumulative:
            value, total = round(value - total, 2), value
        out.append(Measurement(day, value))
    return out


def _forecast(knobs: Knobs, shape: _Shape, as_of: dt.date) -> list[Measurement]:
    if not knobs.category.forecast:
        return []
    due = shape.deadline if shape.deadline is not None else _days(as_of, 365)
    if due < as_of:
        due = as_of
    years = (due - shape.start).days / 365
    value = _level(knobs, shape, 1.0, years, knobs.reach)
    made = _days(as_of, -knobs.made)
    return [Measurement(due, value, kind=MeasurementKind.FORECAST, made_on=made)]


def _goal_fields(knobs: Knobs, shape: _Shape) -> dict[str, object]:
    c = knobs.category
    if c.direction not in (Direction.AT_LEAST, Direction.AT_MOST, Direction.BETWEEN):
        return {"baseline": shape.baseline}
    if c.undetermined:
        return {"baseline": shape.baseline}
    if c.cumulative:
        return {"target": shape.target}
    target = shape.target
    assert target is not None
    if c.relative is Relative.ABSOLUTE:
        target = round(target - shape.baseline, 2)
    elif c.relative is Relative.PERCENT:
        target = round((target / shape.baseline - 1) * 100, 2)
    return {
        "baseline": shape.baseline,
        "target": target,
        "target_high": shape.high,
        "relative": c.relative,
    }


def build(knobs: Knobs, as_of: dt.date, target_id: str = "T1") -> Target:
    """The target the knobs describe, judged at *as_of*."""
    shape = _shape(knobs, as_of)
    c = knobs.category
    return Target(
        id=target_id,
        direction=c.direction,
        start=shape.start,
        deadline=shape.deadline,
        accumulation=Accumulation.SUM if c.cumulative else Accumulation.LEVEL,  # amounts
        measurements=tuple(_actuals(knobs, shape, as_of) + _forecast(knobs, shape, as_of)),
        **_goal_fields(knobs, shape),  # type: ignore[arg-type]
    )
