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

from goalcheck._facts._derive import current_value, meets
from goalcheck._facts._goal import MILESTONE, Goal
from goalcheck._facts._window import Window
from goalcheck.model import Measurement, MeasurementKind

__all__ = ["Aggregate", "band_gap", "first_met", "scan"]

_ACTUAL = MeasurementKind.ACTUAL
_NO_BAND: tuple[float | None, float | None] = (None, None)
_NO_SUMS = (0, 0, 0, 0.0, 0.0)
#: A chosen forecast: its rank key (made on, due on, unfavourableness), value and due date.
_Chosen = tuple[tuple[int, int, float], float, dt.date]


class Aggregate:
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
    milestone's actual reached 1.
    """

    __slots__ = (
        "current",
        "done",
        "forecast",
        "forecast_date",
        "last_ordinal",
        "late_forecast",
        "late_forecast_date",
        "measured_on",
        "n_actual",
        "sn",
        "sx",
        "sxx",
        "sxy",
        "sy",
        "value",
    )

    def __init__(
        self,
        summed: bool,
        n_actual: int,
        current: float,
        last_ordinal: int,
        measured_on: dt.date | None,
        sn: int,
        sx: int,
        sxx: int,
        sy: float,
        sxy: float,
        chosen: _Chosen | None,
        late: _Chosen | None,
        done: bool,
    ) -> None:
        self.value = current_value(n_actual, current, summed)
        self.n_actual = n_actual
        self.current = current
        self.last_ordinal = last_ordinal
        self.measured_on = measured_on
        self.sn = sn
        self.sx = sx
        self.sxx = sxx
        self.sy = sy
        self.sxy = sxy
        # + 0.0: a negative zero is zero, so a tie between 0 and -0 does not depend on order
        self.forecast = None if chosen is None else chosen[1] + 0.0
        self.forecast_date = None if chosen is None else chosen[2]
        self.late_forecast = None if late is None else late[1] + 0.0
        self.late_forecast_date = None if late is None else late[2]
        self.done = done

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Aggregate({fields})"


def band_gap(value: float, low: float | None, high: float | None) -> float:
    """How far *value* lies outside the band [low, high] (0 inside it, 0 without a band)."""
    if low is None or high is None:
        return 0.0
    return max(low - value, value - high, 0.0)


def _rank(value: float, worse: float, low: float | None, high: float | None) -> float:
    """The larger, the less favourable: the distance outside a band, else value * worse."""
    return band_gap(value, low, high) if low is not None else value * worse


def _outranks(key: tuple[int, int, float], chosen: _Chosen | None) -> bool:
    return chosen is None or key > chosen[0]


def _pick_forecast(
    measurement: Measurement,
    as_of: dt.date,
    deadline: dt.date | None,
    chosen: _Chosen | None,
    late: _Chosen | None,
    worse: float,
    band: tuple[float | None, float | None],
) -> tuple[_Chosen | None, _Chosen | None]:
    """*chosen* (due by the deadline) and *late* (due after it), with *measurement* in its slot
    if it is a forecast that counts and outranks the one there."""
    day = measurement.date
    made = measurement.made_on
    if day < as_of or (made is not None and made > as_of):
        return chosen, late
    value = measurement.value
    made_ordinal = made.toordinal() if made is not None else 0
    key = (made_ordinal, day.toordinal(), _rank(value, worse, *band))
    if deadline is None or day <= deadline:
        return ((key, value, day) if _outranks(key, chosen) else chosen), late
    return chosen, ((key, value, day) if _outranks(key, late) else late)


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
    worse, band = _ties(direction, low, high)  # ties between levels keep the less favourable
    n = 0
    last_ord = -1
    last = None
    current = baseline if summed and baseline is not None else 0.0
    sn, sx, sxx, sy, sxy = _trend_start(baseline, baseline_ord, as_ord) if trend else _NO_SUMS
    chosen = late = None
    for m in measurements:
        if m.kind is _ACTUAL:
            o = m.date.toordinal()
            if o > as_ord or o < first:
                continue
            n += 1
            if o == last_ord:  # a second actual on the same day (rare)
                y = _same_day(current, m.value, summed, worse, band)
                if y is not None:
                    if trend:  # move the day's point
                        sy += y - current
                        sxy += (o - as_ord) * (y - current)
                    current = y
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
    measured_on = None if last is None else last.date
    return Aggregate(
        summed, n, current, last_ord, measured_on, sn, sx, sxx, sy, sxy, chosen, late, done
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
