"""Stage 1: the goal in force at a date.

The direction as a small int code (the hot path compares ints, not enum members), the
threshold in force (the next checkpoint due on or after ``as_of``, else the last one),
relative targets resolved against the baseline, and a band's edge nearer the baseline.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from goalcheck.model import Accumulation, Checkpoint, Direction, Relative, Target
from goalcheck.periods import Period

__all__ = [
    "AT_LEAST",
    "AT_MOST",
    "BETWEEN",
    "DECREASE",
    "INCREASE",
    "MILESTONE",
    "Goal",
    "band_edge",
    "resolve_goal",
    "resolve_relative",
    "threshold_in_force",
]

AT_LEAST, AT_MOST, BETWEEN, INCREASE, DECREASE, MILESTONE = range(6)
DIRECTION_CODE = {
    Direction.AT_LEAST: AT_LEAST,
    Direction.AT_MOST: AT_MOST,
    Direction.BETWEEN: BETWEEN,
    Direction.INCREASE: INCREASE,
    Direction.DECREASE: DECREASE,
    Direction.MILESTONE: MILESTONE,
}
#: The ``direction`` fact of each code: +1 higher is better, -1 lower is better, 0 a band.
SIGN = (1, -1, 0, 1, -1, 1)

_LEVEL = Accumulation.LEVEL
_SUM = Accumulation.SUM
_ABSOLUTE = Relative.ABSOLUTE


class Goal(NamedTuple):
    """What a target asks for at one date, before the window (see :func:`resolve_goal`).

    ``code`` is the direction as a small int (:data:`AT_LEAST`...) and ``direction`` the fact
    (+1, -1, 0).  ``begins`` and ``due`` are the target's start and deadline (or the plan
    period's); ``due`` is the checkpoint's date when a trajectory has one in force.
    ``target`` and ``target_high`` are the thresholds resolved (relative targets applied, 1
    for a milestone), None when undetermined.  ``cumulative`` (the fact) is true for both
    accumulations that count up: ``cumulative`` (each actual the running total to its date)
    and ``sum`` (each actual a per-period amount, ``summed``).  A tuple, so that the hot path
    can unpack it.
    """

    code: int
    direction: int
    milestone: bool
    cumulative: bool
    begins: dt.date | None
    due: dt.date | None
    target: float | None
    target_high: float | None
    undetermined: bool
    summed: bool


_new_goal = tuple.__new__  # a NamedTuple built from a tuple, without its keyword-aware __new__


def threshold_in_force(
    checkpoints: tuple[Checkpoint, ...],
    as_of: dt.date,
    threshold: float | None,
    deadline: dt.date | None,
) -> tuple[float | None, dt.date | None]:
    """The threshold and its due date: the next checkpoint due on or after *as_of*.

    Once every checkpoint has passed, the last one, unless the target's own threshold is due
    after it (a trajectory that ends in the target itself).
    """
    for checkpoint in checkpoints:
        if checkpoint.date >= as_of:
            return checkpoint.value, checkpoint.date
    last = checkpoints[-1]
    if threshold is None or deadline is None or deadline <= last.date:
        return last.value, last.date
    return threshold, deadline


def resolve_relative(
    relative: Relative, baseline: float | None, change: float | None
) -> float | None:
    """A relative target's absolute threshold: baseline + change, or baseline * (1 + change %)."""
    if baseline is None or change is None:
        return None
    if relative is _ABSOLUTE:
        return baseline + change
    return baseline * (1.0 + change / 100.0)


def resolve_goal(target: Target, as_of: dt.date, period: Period | None) -> Goal:
    """The goal of *target* in force at *as_of*; *period* fills a missing start or deadline."""
    code = DIRECTION_CODE[target.direction]
    start = target.start
    deadline = target.deadline
    if period is not None:
        if start is None:
            start = period.start
        if deadline is None:
            deadline = period.end
    threshold = target.target
    high = target.target_high
    if target.checkpoints:
        threshold, deadline = threshold_in_force(target.checkpoints, as_of, threshold, deadline)
    relative = target.relative
    if relative is not None:
        threshold = resolve_relative(relative, target.baseline, threshold)
        high = resolve_relative(relative, target.baseline, high)
    if code == MILESTONE:
        threshold = 1.0
    undetermined = threshold is None and code <= BETWEEN
    if undetermined:
        high = None
    return _new_goal(
        Goal,
        (
            code,
            SIGN[code],
            code == MILESTONE,
            target.accumulation is not _LEVEL,
            start,
            deadline,
            threshold,
            high,
            undetermined,
            target.accumulation is _SUM,
        ),
    )


def band_edge(
    code: int,
    direction: int,
    low: float | None,
    high: float | None,
    undetermined: bool,
    baseline: float | None,
) -> tuple[float | None, int]:
    """The goal for arithmetic (progress, growth) and its sign, from *baseline*.

    The threshold *low* itself for at_least/at_most; for a band [low, high], the edge nearer
    the baseline (the lower edge with sign +1 from below, the upper edge with sign -1 from
    above).  None when there is no baseline, no number (undetermined, increase, decrease,
    milestone), or the baseline already meets it: there is no way to go.
    """
    if undetermined or code > BETWEEN or baseline is None:
        return None, direction
    if code != BETWEEN:  # at_least, at_most: the threshold, if it lies ahead
        return (None if low is None or (low - baseline) * direction <= 0 else low), direction
    if low is None or high is None:
        return None, direction
    # below the band: the lower edge lies ahead (b < low implies low - b > 0 in IEEE floats)
    if baseline < low:
        return low, 1
    if baseline > high:
        return high, -1
    return None, direction
