"""Stage 2: the window — which actuals count, the baseline, and where the clock starts.

A yearly target is judged within the calendar year that contains ``as_of`` (clamped to the
years of its start and deadline); a cumulative one counts the amounts reported after its
baseline date (or from its start).  Everything the scan compares is a day ordinal.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from goalcheck._facts._goal import Goal
from goalcheck.model import Recurrence, Target

__all__ = ["Window", "window_of", "yearly_bounds"]

_YEARLY = Recurrence.YEARLY


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


def yearly_bounds(
    as_of: dt.date, start: dt.date | None, deadline: dt.date | None
) -> tuple[dt.date, dt.date]:
    """1 January and 31 December of the year containing *as_of*, within start..deadline."""
    year = as_of.year
    if deadline is not None and year > deadline.year:
        year = deadline.year
    if start is not None and year < start.year:
        year = start.year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def window_of(target: Target, goal: Goal, as_of: dt.date) -> Window:
    """The window of *target* for *goal* at *as_of*."""
    start = goal.begins
    deadline = goal.due
    baseline = target.baseline
    given_date = target.baseline_date
    shown_date = given_date
    first = 0
    if target.recurrence is _YEARLY:
        start, deadline = yearly_bounds(as_of, start, deadline)
        first = start.toordinal()
        if goal.cumulative:
            baseline = 0.0  # each year's count starts afresh
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
