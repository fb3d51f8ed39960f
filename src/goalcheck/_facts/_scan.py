"""Stage 3: one pass over a target's measurements into a small :class:`Aggregate`.

The model keeps measurements sorted by date (then kind, then value), so the last actual
counted is the latest.  Actuals are counted when dated within the window and on or before
``as_of``; a forecast is a candidate when made on or before ``as_of`` (or undated) and due
between ``as_of`` and the deadline (or after it: a late forecast).  Actuals on the same day
count once: added up (``sum``) or the less favourable one (a level or a running total; for a
band, the one farther outside it), and of several
forecasts the one made last, then due last, then the less favourable wins, so the aggregate
does not depend on the order measurements were given in.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from goalcheck._facts._derive import current_value, meets
from goalcheck._facts._goal import MILESTONE, Goal
from goalcheck._facts._window import Window
from goalcheck.model import Measurement, MeasurementKind

__all__ = ["Aggregate", "band_gap", "first_met", "scan"]

_ACTUAL = MeasurementKind.ACTUAL
_NO_BAND: tuple[float | None, float | None] = (None, None)
_NO_SUMS = (0, 0, 0, 0.0, 0.0)
#: A chosen forecast: its rank key (made on, due on, unfavourableness), value and due date.
_Chosen = tuple[tuple[int, int, float], float | None, dt.date | None]
#: None chosen yet: every forecast's key (ordinals >= 0) outranks this one.
_NOT_CHOSEN: _Chosen = ((-1, -1, 0.0), None, None)


class Aggregate(NamedTuple):
    """What :func:`scan` keeps of the measurements (everything the derivations need).

    ``n_actual`` counts the actuals (same-day ones included); ``current`` is the value on
    ``measured_on`` (day ordinal ``last_ordinal``, -1 without an actual): the level or the
    running total as reported, or (``sum``) the baseline plus the amounts so far; ``value``
    is the fact made of it
    (:func:`~._derive.current_value`).  ``sn, sx, sxx, sy, sxy`` are the least-squares
    sums of the trend, with day offsets ``x = day - as_of`` (whole numbers, so ``sx`` and
    ``sxx`` are exact) and the baseline point included; all 0 unless the trend was asked for.
    ``forecast`` and ``forecast_date`` are the chosen forecast due by the deadline,
    ``late_forecast`` and ``late_forecast_date`` the one due after it; ``done`` says a
    milestone's actual reached 1.  A tuple, so that the generated plan can unpack it into
    locals (no attribute loads, no ``__init__`` on the hot path).
    """

    value: float | None
    n_actual: int
    current: float
    last_ordinal: int
    measured_on: dt.date | None
    sn: int
    sx: int
    sxx: int
    sy: float
    sxy: float
    forecast: float | None
    forecast_date: dt.date | None
    late_forecast: float | None
    late_forecast_date: dt.date | None
    done: bool


_new_aggregate = tuple.__new__  # see goalcheck._facts._goal._new_goal


def band_gap(value: float, low: float | None, high: float | None) -> float:
    """How far *value* lies outside the band [low, high] (0 inside it, 0 without a band)."""
    if low is None or high is None:
        return 0.0
    return max(low - value, value - high, 0.0)


def _rank(value: float, worse: float, low: float | None, high: float | None) -> float:
    """The larger, the less favourable: the distance outside a band, else value * worse."""
    return band_gap(value, low, high) if low is not None else value * worse


def _pick_forecast(
    measurement: Measurement,
    as_of: dt.date,
    deadline: dt.date | None,
    chosen: _Chosen,
    late: _Chosen,
    worse: float,
    band: tuple[float | None, float | None],
) -> tuple[_Chosen, _Chosen]:
    """*chosen* (due by the deadline) and *late* (due after it), with *measurement* in its slot
    if it is a forecast that counts and outranks the one there (:data:`_NOT_CHOSEN` if none).

    ``+ 0.0``: a negative zero is zero, so a tie between 0 and -0 does not depend on order.
    """
    day = measurement.date
    made = measurement.made_on
    if day < as_of or (made is not None and made > as_of):
        return chosen, late
    value = measurement.value
    made_ordinal = made.toordinal() if made is not None else 0
    key = (made_ordinal, day.toordinal(), _rank(value, worse, *band))
    if deadline is None or day <= deadline:
        return ((key, value + 0.0, day) if key > chosen[0] else chosen), late
    return chosen, ((key, value + 0.0, day) if key > late[0] else late)


def _same_day(
    current: float,
    value: float,
    summed: bool,
    worse: float,
    band: tuple[float | None, float | None],
) -> float | None:
    """The day's value after a second actual on the same day, or None to keep *current*.

    Amounts (``sum``) add up; a level or a running total keeps the less favourable value.
    """
    if summed:
        return current + value
    if _rank(value, worse, *band) > _rank(current, worse, *band):
        return value
    return None


def _same_day_point(
    current: float,
    value: float,
    summed: bool,
    worse: float,
    band: tuple[float | None, float | None],
    trend: bool,
    sy: float,
    sxy: float,
    x: int,
) -> tuple[float, float, float]:
    """The day's value and the trend's ``sy, sxy`` after a second actual on the same day
    (:func:`_same_day`; the trend's point for the day moves with the value)."""
    y = _same_day(current, value, summed, worse, band)
    if y is None:
        return current, sy, sxy
    if trend:
        return y, sy + (y - current), sxy + x * (y - current)
    return y, sy, sxy


def _ties(
    direction: int, low: float | None, high: float | None
) -> tuple[float, tuple[float | None, float | None]]:
    """How same-day ties are broken: the sign of "worse" and the band, if there is one."""
    worse = -1.0 if direction >= 0 else 1.0
    if direction == 0 and low is not None and high is not None:
        return worse, (low, high)
    return worse, _NO_BAND


def _trend_start(
    baseline: float | None, baseline_ord: int | None, as_ord: int
) -> tuple[int, int, int, float, float]:
    """The trend's sums with only the baseline point (none without a baseline date)."""
    if baseline is None or baseline_ord is None:
        return 0, 0, 0, 0.0, 0.0
    x = baseline_ord - as_ord
    return 1, x, x * x, baseline, x * baseline


def scan(
    goal: Goal,
    window: Window,
    measurements: tuple[Measurement, ...],
    trend: bool,
    forecasts: bool,
    as_of: dt.date,
) -> Aggregate:
    """Read *measurements* once: counts, the current value, trend sums, the chosen forecast.

    *trend* and *forecasts* say whether to keep the trend's sums and to choose a forecast
    (a milestone has no trend).
    """
    code, direction, _, _, _, _, low, high, _, summed = goal
    _, deadline, baseline, _, first, _, baseline_ord, _, as_ord = window
    trend = trend and code != MILESTONE
    # ties between levels keep the less favourable (_ties, inlined: this is the hot path)
    worse = -1.0 if direction >= 0 else 1.0
    band = (low, high) if direction == 0 and low is not None and high is not None else _NO_BAND
    n = 0
    last_ord = -1
    last = None
    current = baseline if summed and baseline is not None else 0.0
    sn, sx, sxx, sy, sxy = _trend_start(baseline, baseline_ord, as_ord) if trend else _NO_SUMS
    chosen = late = _NOT_CHOSEN
    for m in measurements:
        if m.kind is _ACTUAL:
            o = m.date.toordinal()
            if o > as_ord or o < first:
                continue
            n += 1
            if o == last_ord:  # a second actual on the same day (rare)
                current, sy, sxy = _same_day_point(
                    current, m.value, summed, worse, band, trend, sy, sxy, o - as_ord
                )
                continue
            current = current + m.value if summed else m.value
            if trend:
                x = o - as_ord
                sn += 1
                sx += x
                sxx += x * x
                sy += current
                sxy += x * current
            last_ord = o
            last = m
        elif forecasts:
            chosen, late = _pick_forecast(m, as_of, deadline, chosen, late, worse, band)
    done = n > 0 and code == MILESTONE and milestone_done(measurements, first, as_ord)
    return _new_aggregate(  # a tuple built directly: no keyword-aware __new__ on the hot path
        Aggregate,
        (
            current_value(n, current, summed),
            n,
            current,
            last_ord,
            None if last is None else last.date,
            sn,
            sx,
            sxx,
            sy,
            sxy,
            chosen[1],
            chosen[2],
            late[1],
            late[2],
            done,
        ),
    )


def milestone_done(measurements: tuple[Measurement, ...], first: int, as_ord: int) -> bool:
    """Whether an actual counted in the window (first..as_ord) reached 1."""
    for m in measurements:
        if m.kind is _ACTUAL and m.value >= 1.0 and first <= m.date.toordinal() <= as_ord:
            return True
    return False


def first_met(goal: Goal, window: Window, measurements: tuple[Measurement, ...]) -> dt.date | None:
    """The first day in the window, up to as_of, whose value met the goal (None if none did).

    The day's value is the one :func:`scan` would hold that day; a milestone is met on the
    first day an actual reached 1.  The threshold is the one in force at as_of.
    """
    code, direction, milestone, _, _, _, low, high, _, summed = goal
    _, _, baseline, _, first, _, _, _, as_ord = window
    worse, band = _ties(direction, low, high)
    current = baseline if summed and baseline is not None else 0.0
    day: dt.date | None = None
    for m in measurements:
        if m.kind is not _ACTUAL:
            continue
        o = m.date.toordinal()
        if o > as_ord or o < first:
            continue
        if milestone:
            if m.value >= 1.0:
                return m.date
            continue
        if m.date == day:
            y = _same_day(current, m.value, summed, worse, band)
            current = current if y is None else y
            continue
        if day is not None and meets(current, code, low, high, baseline):
            return day
        current = current + m.value if summed else m.value
        day = m.date
    if day is not None and meets(current, code, low, high, baseline):
        return day
    return None
