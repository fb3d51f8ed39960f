"""Load-time checks of what the facts will read: dates a target can never be judged in, and
running totals that go down.

Called by :func:`goalcheck.model.validate_plan` (so by every loader and by ``evaluate()`` for a
plan built in Python).  This module imports nothing from the model at run time, so the model
may import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from goalcheck._facts._window import period_index

if TYPE_CHECKING:
    from goalcheck.model import Target
    from goalcheck.periods import Period

__all__ = ["DecreasingTotalWarning", "check_inherited_dates", "warn_decreasing_totals"]


class DecreasingTotalWarning(UserWarning):
    """A cumulative target's running total goes down (its actuals look like per-period amounts)."""


def check_inherited_dates(
    period: Period | None, located: Iterable[tuple[str, Target]]
) -> Iterator[tuple[str, str]]:
    """``(message, location)`` for each target whose start (own or the plan's) is after its
    deadline (own or the plan's): such a target could never be judged."""
    if period is None:
        return
    for where, target in located:
        own_start, own_deadline = target.start, target.deadline
        if own_start is not None and own_deadline is not None:
            continue  # the target's own dates are checked with the target
        start = own_start or period.start
        deadline = own_deadline or period.end
        if start > deadline:
            whose_start = "its" if own_start is not None else "the plan period's"
            whose_deadline = "its" if own_deadline is not None else "the plan period's"
            yield (
                f"{whose_start} start {start} is after {whose_deadline} deadline {deadline}: "
                "the target could never be judged (give the target its own start or deadline)",
                f"{where}.deadline" if own_deadline is not None else f"{where}.start",
            )


def _decrease(target: Target) -> tuple[dt.date, float, dt.date, float] | None:
    """The first fall of a cumulative target's running total within one window, if any."""
    from goalcheck.model import Accumulation, MeasurementKind

    if target.accumulation is not Accumulation.CUMULATIVE:
        return None
    after, start = target.baseline_date, target.start  # the actuals the window counts
    previous: tuple[int, dt.date, float] | None = None  # window, day, the day's highest value
    for m in target.measurements:
        if m.kind is not MeasurementKind.ACTUAL:
            continue
        if (after is not None and m.date <= after) or (start is not None and m.date < start):
            continue
        window = period_index(target.recurrence, m.date)
        same_window = previous is not None and previous[0] == window
        if same_window and previous[1] < m.date and m.value < previous[2]:  # type: ignore[index]
            return previous[1], previous[2], m.date, m.value  # type: ignore[index]
        if previous is None or previous[1] != m.date or previous[0] != window:
            previous = (window, m.date, m.value)
        else:
            previous = (window, m.date, max(previous[2], m.value))
    return None


def warn_decreasing_totals(
    located: Iterable[tuple[str, Target]],
    at: Callable[[str], tuple[str | None, str | None]],
) -> None:
    """A located :class:`DecreasingTotalWarning` for each cumulative target whose running
    total goes down within a window (``at`` turns a key path into a file and location)."""
    for where, target in located:
        fall = _decrease(target)
        if fall is None:
            continue
        file, location = at(f"{where}.measurements")
        place = ":".join(part for part in (file, location) if part)
        before, high, day, low = fall
        warnings.warn(
            DecreasingTotalWarning(
                f"{place}: target {target.id!r} is cumulative (each actual the running total "
                f"to its date), but its total falls from {high:g} on {before} to {low:g} on "
                f'{day}; if the actuals are per-period amounts, write accumulation = "sum"'
            ),
            stacklevel=2,
        )
