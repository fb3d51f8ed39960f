"""Stage 1 and 2 of the columnar facts: the goal in force and the window, one row per target.

Mirrors the scalar engine's goal and window stages (``goalcheck._facts._goal`` and
``_window``; :func:`goalcheck.facts.facts_of` before them) expression by expression: the
plan period fills a missing start or deadline; the next checkpoint due on or after ``as_of``
(else the last one) gives the threshold and deadline in force; relative targets are resolved
against the baseline; a yearly target is judged within the calendar year of ``as_of``
(clamped into its start and deadline); a cumulative one counts from its baseline date or
start.  Dates are ``Int32`` day numbers; internal columns start with ``_``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from goalcheck._columnar._dates import day_number
from goalcheck._columnar._derive import divided
from goalcheck.model import Accumulation
from goalcheck.periods import Period

__all__ = ["CODES", "goal_and_window"]

# direction codes as in goalcheck.facts: at_least, at_most, between, increase, decrease, milestone
CODES = {"at_least": 0, "at_most": 1, "between": 2, "increase": 3, "decrease": 4, "milestone": 5}
SIGNS = {0: 1, 1: -1, 2: 0, 3: 1, 4: -1, 5: 1}

#: Months per period of a recurrence.
MONTHS = {"yearly": 12, "quarterly": 3, "monthly": 1}
#: The accumulations whose actuals are amounts that add up.  Before the model had ``sum``,
#: ``cumulative`` meant that; since, ``cumulative`` actuals are running totals as reported.
SUMMED = ["sum"] if hasattr(Accumulation, "SUM") else ["cumulative"]

c = pl.col


def _days(name: str) -> pl.Expr:
    return c(name).cast(pl.Int32)


def _checkpoint_choice(checkpoints: pl.DataFrame, as_of: int) -> pl.DataFrame:
    """Per target index: the next checkpoint due on or after as_of, and the last one."""
    frame = checkpoints.select("_ti", _days("date").alias("_cd"), c("value").alias("_cv")).sort(
        "_ti", "_cd"
    )
    last = frame.group_by("_ti").agg(
        c("_cd").last().alias("_cp_ld"), c("_cv").last().alias("_cp_lv")
    )
    upcoming = (
        frame.filter(c("_cd") >= as_of)
        .group_by("_ti")
        .agg(c("_cd").first().alias("_cp_nd"), c("_cv").first().alias("_cp_nv"))
    )
    return last.join(upcoming, on="_ti", how="left", maintain_order="left")


def _threshold(frame: pl.LazyFrame, checkpoints: pl.DataFrame | None, as_of: int) -> pl.LazyFrame:
    """The threshold and deadline in force (checkpoints), and relative targets resolved."""
    if checkpoints is not None and checkpoints.height:
        frame = frame.join(
            _checkpoint_choice(checkpoints, as_of).lazy(),
            on="_ti",
            how="left",
            maintain_order="left",
        )
        chosen = c("_cp_nd").is_not_null()
        use_last = (
            ~chosen
            & c("_cp_ld").is_not_null()
            & (c("_raw_t").is_null() | c("_dl").is_null() | (c("_dl") <= c("_cp_ld")))
        )
        frame = frame.with_columns(
            _dl=pl.when(chosen)
            .then(c("_cp_nd"))
            .when(use_last)
            .then(c("_cp_ld"))
            .otherwise(c("_dl")),
            _raw_t=pl.when(chosen)
            .then(c("_cp_nv"))
            .when(use_last)
            .then(c("_cp_lv"))
            .otherwise(c("_raw_t")),
        )
    b = c("_b0")

    def resolve(raw: pl.Expr) -> pl.Expr:
        return (
            pl.when(c("relative").is_null())
            .then(raw)
            .when(b.is_null())
            .then(None)
            .when(c("relative") == "absolute")
            .then(b + raw)
            .otherwise(b * (1.0 + divided(raw, 100.0)))
        )

    return frame.with_columns(
        _t=pl.when(c("_mil")).then(pl.lit(1.0)).otherwise(resolve(c("_raw_t"))),
        _hi=resolve(c("target_high")),
    ).with_columns(_und=c("_t").is_null() & (c("_code") <= 2))


def _period_index(year: pl.Expr, month: pl.Expr, months: pl.Expr) -> pl.Expr:
    return (year * 12 + month - 1) // months


def _period(frame: pl.LazyFrame, as_of: dt.date) -> pl.LazyFrame:
    """The first and last day of the period (year, quarter, month) containing as_of,
    clamped to the periods containing the start and the deadline (``_ps``, ``_pe``)."""
    months = c("_months")
    dl, st = c("_dl").cast(pl.Date), c("_start").cast(pl.Date)
    index = _period_index(pl.lit(as_of.year), pl.lit(as_of.month), months)
    upper = _period_index(dl.dt.year().cast(pl.Int64), dl.dt.month().cast(pl.Int64), months)
    lower = _period_index(st.dt.year().cast(pl.Int64), st.dt.month().cast(pl.Int64), months)
    index = pl.when(c("_dl").is_not_null() & (upper < index)).then(upper).otherwise(index)
    index = pl.when(c("_start").is_not_null() & (lower > index)).then(lower).otherwise(index)
    frame = frame.with_columns(_pi=index * months)
    first = pl.date(c("_pi") // 12, c("_pi") % 12 + 1, 1).cast(pl.Int32)
    after = pl.date((c("_pi") + months) // 12, (c("_pi") + months) % 12 + 1, 1).cast(pl.Int32)
    return frame.with_columns(_ps=first, _pe=after - 1)


def _window(frame: pl.LazyFrame, as_of: dt.date, recurs: bool) -> pl.LazyFrame:
    """Recurring targets restart every period; cumulative ones count from their start.

    *recurs* says some target recurs (else the periods are not computed).
    """
    recurring = c("_months").is_not_null()
    if recurs:
        frame = _period(frame, as_of)
    else:
        frame = frame.with_columns(_ps=pl.lit(None, pl.Int32), _pe=pl.lit(None, pl.Int32))
    first, last = c("_ps"), c("_pe")
    gbd = c("_gbd0")
    cum_lo = pl.when(gbd.is_not_null()).then(gbd + 1).otherwise(c("_start"))
    frame = frame.with_columns(
        _lo=pl.when(recurring).then(first).when(c("_cum")).then(cum_lo).otherwise(None),
        _b=pl.when(recurring & c("_cum"))
        .then(pl.lit(0.0))
        .when(~recurring & c("_cum"))
        .then(c("_b0").fill_null(0.0))
        .otherwise(c("_b0")),
        _bdate=pl.when(recurring)
        .then(first)
        .when(c("_cum"))
        .then(gbd.fill_null(c("_start")))
        .otherwise(gbd),
        _gbd=pl.when(recurring).then(None).otherwise(gbd),
        _start=pl.when(recurring).then(first).otherwise(c("_start")),
        _dl=pl.when(recurring).then(last).otherwise(c("_dl")),
    )
    origin = pl.when(c("_start").is_not_null()).then(c("_start") - 1).otherwise(c("_gbd"))
    return frame.with_columns(_origin=origin).with_columns(_bx=c("_gbd").fill_null(c("_origin")))


def goal_and_window(
    targets: pl.DataFrame,
    checkpoints: pl.DataFrame | None,
    as_of: dt.date,
    period: Period | None,
) -> pl.LazyFrame:
    """The per-target columns every later stage reads (one row per target, ``_ti`` order)."""
    start, deadline = _days("start"), _days("deadline")
    if period is not None:
        start = start.fill_null(day_number(period.start))
        deadline = deadline.fill_null(day_number(period.end))
    code = c("direction").replace_strict(CODES, return_dtype=pl.Int8)
    frame = targets.lazy().with_columns(
        _code=code,
        _d=code.replace_strict(SIGNS, return_dtype=pl.Int64),
        _mil=code == 5,
        _cum=c("accumulation").is_in(["cumulative", "sum"]).fill_null(False),
        _sum=c("accumulation").is_in(SUMMED).fill_null(False),
        _months=c("recurrence").replace_strict(MONTHS, default=None, return_dtype=pl.Int64),
        _start=start,
        _dl=deadline,
        _b0=c("baseline"),
        _gbd0=_days("baseline_date"),
        _raw_t=c("target"),
    )
    frame = _threshold(frame, checkpoints, day_number(as_of))
    return _window(frame, as_of, targets["recurrence"].null_count() < targets.height)
