"""Stage 4: the derived facts, as plain functions of scalars.

Each function takes the numbers it needs (fields of the goal, the window and the aggregate,
or facts derived before) and returns one fact, or a few that share their work.  None reads a
record or a measurement, so a columnar backend can mirror them one by one, one expression
each; :data:`goalcheck._facts._plan.RECIPES` says which inputs each fact's function gets.
A result that overflows to infinity or NaN is None (:func:`finite`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from goalcheck._facts._goal import AT_LEAST, AT_MOST, BETWEEN, DECREASE, INCREASE
from goalcheck.periods import years_between

__all__ = [
    "after",
    "anticipated_share",
    "base_day",
    "current_value",
    "elapsed_shares",
    "finite",
    "growth_facts",
    "meets",
    "observed_growth",
    "pace_of",
    "progress_toward",
    "required_growth",
    "trend_at_deadline",
    "years_to_deadline",
]

#: How years between two dates are counted: ``years_between`` (calendar-exact, the default) or
#: ``_sdg.whole_years`` (the difference of the years, for a rule set's ``years = "whole"``).
Span = Callable[[dt.date, dt.date], float]


def finite(x: float) -> float | None:
    """*x*, or None when the arithmetic overflowed to infinity (or NaN)."""
    return x if x - x == 0.0 else None


def current_value(n_actual: int, current: float, summed: bool) -> float | None:
    """``value``: the day's level or running total, or the sum so far; None without an actual.

    ``+ 0.0`` turns a negative zero into zero, so a same-day tie between ``0`` and ``-0``
    gives the same value whatever order they were listed in.
    """
    if not n_actual:
        return None
    if summed:
        return finite(current + 0.0)
    return current + 0.0


def after(day: dt.date | None, deadline: dt.date | None) -> bool:
    """Whether *day* is known and later than a known *deadline*."""
    return day is not None and deadline is not None and day > deadline


def years_to_deadline(as_of: dt.date, deadline: dt.date | None) -> float | None:
    """``years_left``: calendar-exact years from as_of to the deadline."""
    return None if deadline is None else years_between(as_of, deadline)


def meets(
    x: float | None, code: int, low: float | None, high: float | None, baseline: float | None
) -> bool | None:
    """Whether *x* meets the goal (None when *x* or a number the goal needs is missing)."""
    if x is None:
        return None
    if code == AT_LEAST:
        return None if low is None else x >= low
    if code == AT_MOST:
        return None if low is None else x <= low
    if code == BETWEEN:
        return None if low is None or high is None else low <= x <= high
    if code == INCREASE:
        return None if baseline is None else x > baseline
    if code == DECREASE:
        return None if baseline is None else x < baseline
    return x >= 1.0  # milestone


def progress_toward(
    value: float | None,
    baseline: float | None,
    edge: float | None,
    edge_sign: int,
    code: int,
    low: float | None,
    high: float | None,
) -> float | None:
    """``progress``: share of the way from *baseline* to *edge* (:func:`~._goal.band_edge`).

    None for a band overshot (from below past its upper edge *high*, or from above past its
    lower edge *low*): progress toward it is meaningless.
    """
    if value is None or edge is None or baseline is None:
        return None
    if (
        code == BETWEEN
        and high is not None
        and low is not None
        and ((edge_sign > 0 and value > high) or (edge_sign < 0 and value < low))
    ):
        return None
    return finite((value - baseline) / (edge - baseline))


def elapsed_shares(
    origin: int | None, deadline_ordinal: int | None, as_of_ordinal: int, last_ordinal: int
) -> tuple[float | None, float | None]:
    """``elapsed`` (at the latest actual) and ``elapsed_now`` (at as_of), in whole days."""
    if origin is None or deadline_ordinal is None or deadline_ordinal <= origin:
        return None, None
    span = deadline_ordinal - origin
    now = (as_of_ordinal - origin) / span
    if last_ordinal < 0:
        return None, now
    return (last_ordinal - origin) / span, now


def pace_of(progress: float | None, elapsed: float | None) -> float | None:
    """``pace``: progress over elapsed time; None before the period or at its very start."""
    if progress is None or not elapsed or elapsed < 0:
        return None
    return finite(progress / elapsed)


def trend_at_deadline(
    sn: int,
    sx: int,
    sxx: int,
    sy: float,
    sxy: float,
    deadline_ordinal: int | None,
    as_of_ordinal: int,
) -> float | None:
    """``projected``: the least-squares line through the trend's points, at the deadline.

    The sums are ``n, Σx, Σx², Σy, Σxy`` with ``x = day - as_of``; at least two points on
    distinct days are needed.
    """
    if sn < 2 or deadline_ordinal is None:
        return None
    denominator = sn * sxx - sx * sx
    if denominator <= 0:
        return None
    slope = (sn * sxy - sx * sy) / denominator
    return finite((sy - slope * sx) / sn + slope * (deadline_ordinal - as_of_ordinal))


def base_day(baseline_ordinal: int | None) -> dt.date | None:
    """The day compound growth is counted from (the baseline date, else the origin)."""
    if baseline_ordinal is None or baseline_ordinal < 1:
        return None
    return dt.date.fromordinal(baseline_ordinal)


def _rate(ratio: float, years: float) -> float | None:
    """The compound annual rate multiplying by *ratio* over *years* (None if it overflows)."""
    try:
        return finite(ratio ** (1.0 / years) - 1.0)
    except OverflowError:
        return None


def observed_growth(
    value: float | None,
    baseline: float,
    since: dt.date,
    measured_on: dt.date | None,
    span: Span = years_between,
) -> float | None:
    """The compound annual growth rate from *baseline* (on *since*) to *value* (on measured_on)."""
    if value is None or value <= 0 or measured_on is None:
        return None
    years = span(since, measured_on)
    return _rate(value / baseline, years) if years > 0 else None


def required_growth(
    edge: float | None,
    baseline: float,
    since: dt.date,
    deadline: dt.date,
    span: Span = years_between,
) -> float | None:
    """The compound annual growth rate from *baseline* (on *since*) to *edge* by the deadline."""
    if edge is None or edge <= 0:
        return None
    years = span(since, deadline)
    return _rate(edge / baseline, years) if years > 0 else None


def anticipated_share(
    value: float,
    baseline: float,
    edge: float,
    rate: float,
    measured_on: dt.date,
    deadline: dt.date,
    span: Span = years_between,
) -> float | None:
    """The share of the way to *edge* at the deadline if *value* keeps growing at *rate*."""
    try:
        ahead = value * (1.0 + rate) ** span(measured_on, deadline)
        return finite((ahead - baseline) / (edge - baseline))
    except (OverflowError, ZeroDivisionError):  # 0.0 ** -x: a rate of -100 % backwards
        return None


def growth_facts(
    value: float | None,
    baseline: float | None,
    edge: float | None,
    edge_sign: int,
    since: dt.date | None,
    measured_on: dt.date | None,
    deadline: dt.date | None,
    span: Span = years_between,
) -> tuple[float | None, float | None, float | None, float | None]:
    """``growth``, ``growth_required``, ``growth_ratio`` and ``anticipated_ratio``.

    The observed rate (:func:`observed_growth`) signed by *edge_sign*; the rate required
    (:func:`required_growth`); their ratio; and the share of the way the observed rate
    reaches by the deadline (:func:`anticipated_share`).  All need a positive baseline and a
    day to count from (*since*: the baseline date, else the origin); *value* is None for a
    milestone or an undetermined goal.  *span* counts the years between two dates:
    calendar-exact, or whole years for a rule set's ``years = "whole"`` (issue 15).
    """
    if deadline is None or since is None or baseline is None or baseline <= 0:
        return None, None, None, None
    rate = observed_growth(value, baseline, since, measured_on, span)
    required = required_growth(edge, baseline, since, deadline, span)
    growth = edge_sign * rate if rate is not None and edge_sign else None
    ratio = finite(growth / abs(required)) if growth is not None and required else None
    anticipated = None
    if rate is not None and edge is not None:
        anticipated = anticipated_share(value, baseline, edge, rate, measured_on, deadline, span)  # type: ignore[arg-type]
    return growth, required, ratio, anticipated
