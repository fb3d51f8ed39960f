"""Stage 2: the window — which actuals count, the baseline, and where the clock starts.

A recurring target (yearly, quarterly, monthly) is judged within the calendar period that
contains ``as_of`` (clamped to the periods of its start and deadline); a cumulative one counts
the actuals reported after its baseline date (or from its start).  Everything the scan
compares is a day ordinal.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from goalcheck._facts._goal import Goal
from goalcheck.model import Recurrence, Target

__all__ = ["Window", "period_bounds", "period_index", "window_of"]

_YEARLY = Recurrence.YEARLY
_QUARTERLY = Recurrence.QUARTERLY
_MONTHLY = Recurrence.MONTHLY
#: Months per period of each recurrence.
_MONTHS = {_YEARLY: 12, _QUARTERLY: 3, _MONTHLY: 1}
_ONE_DAY = dt.timedelta(days=1)


class Window(NamedTuple):
    """The evaluated span of one target at one date (see :func:`window_of`).

    ``first`` is the first day ordinal an actual may have (0: no lower bound).  ``origin`` is
    the end of the day before the start (or the baseline's day): elapsed time is 0 there.
    ``baseline_ordinal`` is the day of the baseline point of the trend and of compound growth
    (the given baseline date, else the origin).  ``baseline_date`` is the fact reported.
    A tuple, so that the hot path can unpack it.
    """

    start: dt.date | None
    deadline: dt.date | None
    baseline: float | None
    baseline_date: dt.date | None
    first: int
    origin: int | None
    baseline_ordinal: int | None
    deadline_ordinal: int | None
    as_of_ordinal: int


_new_window = tuple.__new__  # see goalcheck._facts._goal._new_goal


def period_index(recurrence: Recurrence | None, day: dt.date) -> int:
    """The number of the period of *recurrence* containing *day* (0 without a recurrence)."""
    if recurrence is None:
        return 0
    return (day.year * 12 + day.month - 1) // _MONTHS[recurrence]


def period_bounds(
    recurrence: Recurrence, as_of: dt.date, start: dt.date | None, deadline: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The first and last day of the period (year, quarter, month) containing *as_of*,
    clamped to the periods containing *start* and *deadline*."""
    index = period_index(recurrence, as_of)
    if deadline is not None:
        index = min(index, period_index(recurrence, deadline))
    if start is not None:
        index = max(index, period_index(recurrence, start))
    months = _MONTHS[recurrence]
    year, month0 = divmod(index * months, 12)
    next_year, next_month0 = divmod(index * months + months, 12)
    if next_year > dt.MAXYEAR:
        return dt.date(year, month0 + 1, 1), dt.date.max
    return dt.date(year, month0 + 1, 1), dt.date(next_year, next_month0 + 1, 1) - _ONE_DAY


def window_of(target: Target, goal: Goal, as_of: dt.date) -> Window:
    """The window of *target* for *goal* at *as_of*."""
    start = goal.begins
    deadline = goal.due
    baseline = target.baseline
    given_date = target.baseline_date
    shown_date = given_date
    first = 0
    if target.recurrence is not None:
        start, deadline = period_bounds(target.recurrence, as_of, start, deadline)
        first = start.toordinal()
        if goal.cumulative:
            baseline = 0.0  # each period's count starts afresh
        shown_date = start
        given_date = None
    elif goal.cumulative:
        if baseline is None:
            baseline = 0.0
        if given_date is not None:
            first = given_date.toordinal() + 1  # the baseline already counts its own day
        elif start is not None:
            first = start.toordinal()
        if shown_date is None:
            shown_date = start
    if start is not None:
        origin: int | None = start.toordinal() - 1
    elif given_date is not None:
        origin = given_date.toordinal()
    else:
        origin = None
    return _new_window(
        Window,
        (
            start,
            deadline,
            baseline,
            shown_date,
            first,
            origin,
            given_date.toordinal() if given_date is not None else origin,
            deadline.toordinal() if deadline is not None else None,
            as_of.toordinal(),
        ),
    )
