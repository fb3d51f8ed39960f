"""Dates and periods (stub: ISO only; the full phrase parser replaces this)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from goalcheck.errors import PeriodError

__all__ = ["Period", "parse_period", "to_date"]


@attrs.frozen
class Period:
    """An inclusive span of days: ``start <= end``."""

    start: dt.date
    end: dt.date


def parse_period(text: str) -> Period:
    """Read a date or period phrase."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"cannot read {text!r} as a date or period") from None
    return Period(day, day)


def to_date(value: dt.date | str, *, side: Literal["start", "end"] = "end") -> dt.date:
    """A date, or the start or end of the period a phrase names."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    period = parse_period(value)
    return period.start if side == "start" else period.end
