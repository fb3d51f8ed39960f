"""Calendar arithmetic as polars expressions: day numbers and calendar-exact years.

Dates travel through the columnar backend as ``Int32`` day numbers (days since 1970-01-01,
polars' own ``Date`` representation), so windows and spans are integer arithmetic.
:func:`years_between` mirrors :func:`goalcheck.periods.years_between` exactly: whole
anniversaries (29 February's anniversary in a common year is 28 February), then the days left
as a share of the following anniversary year.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

__all__ = ["EPOCH", "as_date", "day_number", "with_years"]

EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """*day* as days since 1970-01-01 (what polars stores for a ``Date``)."""
    return (day - EPOCH).days


def as_date(days: pl.Expr) -> pl.Expr:
    """An ``Int32`` day-number expression as a ``Date``."""
    return days.cast(pl.Int32).cast(pl.Date)


def _leap(year: pl.Expr) -> pl.Expr:
    return ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)


def _shift_years(year: pl.Expr, month: pl.Expr, day: pl.Expr, years: pl.Expr) -> pl.Expr:
    """The day number of (year + years, month, day), 29 February falling back to the 28th."""
    y = year + years
    d = pl.when((month == 2) & (day == 29) & ~_leap(y)).then(28).otherwise(day)
    return pl.date(y, month, d).cast(pl.Int32)


def with_years(frame: pl.LazyFrame, out: str, a: pl.Expr, b: pl.Expr) -> pl.LazyFrame:
    """*frame* with column *out*: calendar-exact years from day number *a* to *b*.

    Negative when *b* is before *a*.  Built in steps over temporary columns, so that the
    expression trees stay small (polars does not share repeated subexpressions).
    """
    t = f"_{out}_"
    frame = frame.with_columns(a.cast(pl.Int32).alias(t + "a"), b.cast(pl.Int32).alias(t + "b"))
    ca, cb = pl.col(t + "a"), pl.col(t + "b")
    back = cb < ca
    frame = frame.with_columns(
        pl.when(back).then(cb).otherwise(ca).alias(t + "lo"),
        pl.when(back).then(ca).otherwise(cb).alias(t + "hi"),
        back.alias(t + "back"),
    )
    lo, hi = as_date(pl.col(t + "lo")), pl.col(t + "hi")
    frame = frame.with_columns(
        lo.dt.year().alias(t + "y"),
        lo.dt.month().alias(t + "m"),
        lo.dt.day().alias(t + "d"),
        (as_date(hi).dt.year() - lo.dt.year()).alias(t + "w0"),
    )
    y, m, d = pl.col(t + "y"), pl.col(t + "m"), pl.col(t + "d")
    w0 = pl.col(t + "w0")
    frame = frame.with_columns(
        pl.when(_shift_years(y, m, d, w0) > hi).then(w0 - 1).otherwise(w0).alias(t + "w")
    )
    w = pl.col(t + "w")
    frame = frame.with_columns(
        _shift_years(y, m, d, w).alias(t + "an"), _shift_years(y, m, d, w + 1).alias(t + "fo")
    )
    anchor, following = pl.col(t + "an"), pl.col(t + "fo")
    years = w.cast(pl.Float64) + (hi - anchor).cast(pl.Float64) / (following - anchor).cast(
        pl.Float64
    )
    frame = frame.with_columns(years.alias(t + "yr"))
    result = pl.when(pl.col(t + "back")).then(-pl.col(t + "yr")).otherwise(pl.col(t + "yr"))
    temps = [
        t + name
        for name in ("a", "b", "lo", "hi", "back", "y", "m", "d", "w0", "w", "an", "fo", "yr")
    ]
    return frame.with_columns(result.alias(out)).drop(temps)
