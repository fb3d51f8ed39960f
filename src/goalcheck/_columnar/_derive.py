"""Stage 4 of the columnar facts: the derivations, as column expressions.

One function per group of the scalar derivations (``goalcheck._facts._derive``), each the
same formula with the same operations in the same order, so the results agree to the last bit
wherever the inputs do: the effective goal (a band's nearer edge), progress, elapsed time and
pace, satisfaction, the least-squares projection, the growth rates and the time left.  A
result that is not finite becomes null, as the scalar ``_finite`` makes it ``None``.
"""

from __future__ import annotations

import polars as pl

from goalcheck._columnar._dates import EPOCH, as_date, with_years
from goalcheck._facts._sdg import EXPONENT, ZERO

__all__ = ["derive", "finite", "meets"]

c = pl.col
NULL_F = pl.lit(None, dtype=pl.Float64)
EPOCH_ORDINAL = EPOCH.toordinal()


def divided(x: pl.Expr, by: float) -> pl.Expr:
    """*x* / *by*, rounded as Python (IEEE) rounds the quotient.  polars divides a column by
    a scalar as a product with its reciprocal, ``x * (1 / by)``, one unit in the last place
    off for about a third of the values (``-69 / 100`` gives ``-0.6900000000000001``; kept so
    on purpose, pola-rs/polars#20038); dividing by a column divides, so *by* is made one
    (``x * 0.0 + by``: *x* is finite where it is used, and null stays null)."""
    return x / (x * 0.0 + by)


def finite(x: pl.Expr) -> pl.Expr:
    """*x*, or null when it is infinite or NaN."""
    return pl.when(x.is_finite()).then(x).otherwise(NULL_F)


def meets(x: pl.Expr) -> pl.Expr:
    """Whether *x* meets the target, by direction (null when something needed is missing)."""
    code, t, hi, b = c("_code"), c("_t"), c("_hi"), c("_b")
    return (
        pl.when(x.is_null())
        .then(None)
        .when(code == 0)
        .then(x >= t)
        .when(code == 1)
        .then(x <= t)
        .when(code == 2)
        .then((t <= x) & (x <= hi) & t.is_not_null() & hi.is_not_null())
        .when(code == 3)
        .then(x > b)
        .when(code == 4)
        .then(x < b)
        .otherwise(x >= 1.0)
    )


def _effective_goal(frame: pl.LazyFrame) -> pl.LazyFrame:
    code, t, hi, b = c("_code"), c("_t"), c("_hi"), c("_b")
    skip = c("_und") | c("_mil")
    known = b.is_not_null() & t.is_not_null() & hi.is_not_null()
    t_eff = (
        pl.when(skip)
        .then(NULL_F)
        .when(code == 2)
        .then(pl.when(known & (b < t)).then(t).when(known & (b > hi)).then(hi).otherwise(NULL_F))
        .when(code <= 1)
        .then(t)
        .otherwise(NULL_F)
    )
    d_eff = (
        pl.when(~skip & (code == 2) & known & (b < t))
        .then(1)
        .when(~skip & (code == 2) & known & (b > hi))
        .then(-1)
        .otherwise(c("_d"))
    )
    frame = frame.with_columns(_te=t_eff, _de=d_eff)
    no_way = c("_te").is_not_null() & (b.is_null() | ((c("_te") - b) * c("_de") <= 0))
    return frame.with_columns(_te=pl.when(no_way).then(NULL_F).otherwise(c("_te")))


def _progress_and_pace(frame: pl.LazyFrame, as_of: int) -> pl.LazyFrame:
    v, b, te, t, hi = c("value"), c("_b"), c("_te"), c("_t"), c("_hi")
    overshot = (c("_code") == 2) & hi.is_not_null() & t.is_not_null()
    overshot = overshot & (((c("_de") > 0) & (v > hi)) | ((c("_de") < 0) & (v < t)))
    progress = (
        pl.when(v.is_not_null() & te.is_not_null() & b.is_not_null() & ~overshot.fill_null(False))
        .then(finite((v - b) / (te - b)))
        .otherwise(NULL_F)
    )
    origin, dl = c("_origin"), c("_dl")
    timed = origin.is_not_null() & dl.is_not_null() & (dl > origin)
    span = (dl - origin).cast(pl.Float64)
    frame = frame.with_columns(
        progress=progress,
        elapsed_now=pl.when(timed)
        .then((as_of - origin).cast(pl.Float64) / span)
        .otherwise(NULL_F),
        elapsed=pl.when(timed & (c("_n") > 0))
        .then((c("_last") - origin).cast(pl.Float64) / span)
        .otherwise(NULL_F),
    )
    elapsed = c("elapsed")
    usable = c("progress").is_not_null() & elapsed.is_not_null() & (elapsed != 0)
    pace = pl.when(usable).then(finite(c("progress") / elapsed)).otherwise(NULL_F)
    return frame.with_columns(pace=pl.when(elapsed < 0).then(NULL_F).otherwise(pace))


def _projection(frame: pl.LazyFrame, as_of: int) -> pl.LazyFrame:
    base = c("_b").is_not_null() & c("_bx").is_not_null()
    x0 = (c("_bx") - as_of).cast(pl.Int64)
    b = c("_b")
    frame = frame.with_columns(
        _sn=pl.when(base).then(c("_points") + 1).otherwise(c("_points")),
        _sx=pl.when(base).then(x0 + c("_sx")).otherwise(c("_sx")),
        _sxx=pl.when(base).then(x0 * x0 + c("_sxx")).otherwise(c("_sxx")),
        _sy=pl.when(base).then(b + c("_sy")).otherwise(c("_sy")),
        _sxy=pl.when(base).then(x0.cast(pl.Float64) * b + c("_sxy")).otherwise(c("_sxy")),
    )
    sn, sx = c("_sn").cast(pl.Float64), c("_sx").cast(pl.Float64)
    denom = c("_sn") * c("_sxx") - c("_sx") * c("_sx")
    slope = (sn * c("_sxy") - sx * c("_sy")) / denom.cast(pl.Float64)
    at = (c("_dl") - as_of).cast(pl.Float64)
    projected = finite((c("_sy") - slope * sx) / sn + slope * at)
    usable = (c("_sn") >= 2) & c("_dl").is_not_null() & ~c("_mil") & (denom > 0)
    return frame.with_columns(projected=pl.when(usable).then(projected).otherwise(NULL_F))


def _cagr(base: pl.Expr, top: pl.Expr, years: pl.Expr) -> pl.Expr:
    return finite((top / base) ** (1.0 / years) - 1.0)


def _growth(frame: pl.LazyFrame, whole: bool) -> pl.LazyFrame:
    """The growth rates (``_derive.growth_facts``); *whole* counts whole years."""
    v, b, te, dl, last = c("value"), c("_b"), c("_te"), c("_dl"), c("_last")
    frame = frame.with_columns(_base_day=c("_gbd").fill_null(c("_start") - 1))
    base_day = c("_base_day")
    frame = _span(frame, "_y_obs", base_day, last, whole)
    frame = _span(frame, "_y_need", base_day, dl, whole)
    frame = _span(frame, "_y_ahead", last, dl, whole)
    observed, needed = c("_y_obs"), c("_y_need")
    ok = ~c("_mil") & ~c("_und") & v.is_not_null() & b.is_not_null() & (b > 0) & (v > 0)
    ok = ok & last.is_not_null() & base_day.is_not_null() & dl.is_not_null()
    ok_required = te.is_not_null() & b.is_not_null() & (te > 0) & (b > 0)
    ok_required = ok_required & base_day.is_not_null() & dl.is_not_null()
    frame = frame.with_columns(
        _cagr=pl.when(ok & (observed > 0)).then(_cagr(b, v, observed)).otherwise(NULL_F),
        growth_required=pl.when(ok_required & (needed > 0))
        .then(_cagr(b, te, needed))
        .otherwise(NULL_F),
    )
    cagr = c("_cagr")
    growth = pl.when(cagr.is_not_null() & (c("_de") != 0)).then(c("_de") * cagr)
    frame = frame.with_columns(_ahead=v * (1.0 + cagr) ** c("_y_ahead"))
    anticipated = pl.when(cagr.is_not_null() & te.is_not_null() & b.is_not_null())
    frame = frame.with_columns(
        growth=growth.otherwise(NULL_F),
        anticipated_ratio=anticipated.then(finite((c("_ahead") - b) / (te - b))).otherwise(NULL_F),
    )
    gr = c("growth_required")
    ratio = pl.when(c("growth").is_not_null() & gr.is_not_null() & (gr != 0))
    return frame.with_columns(
        growth_ratio=ratio.then(finite(c("growth") / gr.abs())).otherwise(NULL_F)
    )


def _value(frame: pl.LazyFrame, as_of: int) -> pl.LazyFrame:
    cur = c("_cur")
    value = pl.when(c("_n") > 0).then(pl.when(c("_sum")).then(finite(cur)).otherwise(cur))
    return frame.with_columns(
        value=value.otherwise(NULL_F),
        measured_on=pl.when(c("_n") > 0).then(as_date(c("_last"))),
        n_actual=c("_n"),
        staleness_days=pl.when(c("_n") > 0).then((as_of - c("_last")).cast(pl.Int64)),
    )


def _satisfaction(frame: pl.LazyFrame) -> pl.LazyFrame:
    und = c("_und")
    satisfied = (
        pl.when(und | c("value").is_null())
        .then(None)
        .when(c("_mil"))
        .then(c("_done"))
        .otherwise(meets(c("value")))
    )
    frame = frame.with_columns(
        satisfied=satisfied,
        projected_satisfied=pl.when(und).then(None).otherwise(meets(c("projected"))),
        forecast_satisfied=pl.when(und).then(None).otherwise(meets(c("forecast"))),
    )
    # a recurring goal's later forecasts are about a later period, never this one late
    late_met = (
        pl.when(und | c("_months").is_not_null())
        .then(None)
        .otherwise(meets(c("late_forecast")))
        .fill_null(False)
    )
    return frame.with_columns(expected_late=late_met & ~c("forecast_satisfied").fill_null(False))


def _late(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The late forecast, the day first met, met late and overdue unreported."""
    dl, met = c("_dl"), c("_met")
    return frame.with_columns(
        late_forecast=c("_lfc"),
        late_forecast_date=as_date(c("_lfcd")),
        met_on=as_date(met),
        met_late=(c("overdue") & met.is_not_null() & (met > dl)).fill_null(False),
        overdue_unreported=c("overdue") & (c("_n") == 0),
    )


def _plain(frame: pl.LazyFrame, as_of: int) -> pl.LazyFrame:
    dl = c("_dl")
    und = c("_und")
    return frame.with_columns(
        target=pl.when(und).then(NULL_F).otherwise(c("_t")),
        target_high=pl.when(und).then(NULL_F).otherwise(c("_hi")),
        direction=c("_d").cast(pl.Int64),
        undetermined=und,
        milestone=c("_mil"),
        cumulative=c("_cum"),
        baseline=c("_b"),
        baseline_date=as_date(c("_bdate")),
        start=as_date(c("_start")),
        deadline=as_date(dl),
        forecast=c("_fc"),
        forecast_date=as_date(c("_fcd")),
        overdue=(dl.is_not_null() & (as_of > dl)).fill_null(False),
        days_left=(dl - as_of).cast(pl.Int64),
    ).pipe(with_years, "years_left", pl.lit(as_of), dl)


def _span(frame: pl.LazyFrame, out: str, a: pl.Expr, b: pl.Expr, whole: bool) -> pl.LazyFrame:
    """Years from day *a* to day *b*: whole (the difference of the years) or calendar-exact."""
    if whole:
        years = as_date(b).dt.year().cast(pl.Int64) - as_date(a).dt.year().cast(pl.Int64)
        return frame.with_columns(years.cast(pl.Float64).alias(out))
    return with_years(frame, out, a, b)


def _sdg_cagr(ratio: pl.Expr, years: pl.Expr) -> pl.Expr:
    """(ratio) ** (1 / years) - 1; null for a negative ratio or overflow (``_sdg._cagr``)."""
    return pl.when(ratio < 0).then(NULL_F).otherwise(finite(ratio ** (1.0 / years) - 1.0))


def _limit_coefficient() -> pl.Expr:
    b, lim = c("_b").abs(), c("limit").abs()
    return (
        pl.when(c("limit").is_null() | ~c("_code").is_in([3, 4]))
        .then(pl.lit(1.0))
        .when(c("_b").is_null())
        .then(NULL_F)
        .when(b >= 2 * lim)
        .then(pl.lit(1.0))
        .when(b <= lim)
        .then(1 - (b / lim) ** EXPONENT)
        .otherwise(1 - ((2 * lim - b) / lim) ** EXPONENT)
    )


def _target_met() -> pl.Expr:
    v, t, code = c("value"), c("_t"), c("_code")
    goal = pl.when(t == 0).then(pl.lit(ZERO)).otherwise(t)
    return (
        pl.when(v.is_null())
        .then(None)
        .when(code == 0)
        .then(v >= goal)
        .when(code == 1)
        .then(v <= goal)
        .when(code.is_in([3, 4]))
        .then(pl.lit(False))
        .otherwise(c("satisfied"))
    )


def _sdg(frame: pl.LazyFrame, whole: bool) -> pl.LazyFrame:
    """``limit``, ``limit_coefficient``, ``target_met`` and ``progress_value`` (``_sdg``)."""
    frame = frame.with_columns(
        _since=pl.when(c("_bx") >= 1 - EPOCH_ORDINAL).then(c("_bx")),
        _sb=pl.when(c("_b") == 0).then(pl.lit(ZERO)).otherwise(c("_b")),
        _sign=pl.when(c("_b") < 0).then(-1).otherwise(1).cast(pl.Int64),
    )
    frame = _span(frame, "_sy_obs", c("_since"), c("_last"), whole)
    frame = _span(frame, "_sy_req", c("_since"), c("_dl"), whole)
    v, bb, code, t = c("value"), c("_sb"), c("_code"), c("_t")
    frame = frame.with_columns(
        _sobs=_sdg_cagr(v / bb, c("_sy_obs")),
        _sreq=_sdg_cagr(pl.when(t == 0).then(pl.lit(ZERO)).otherwise(t) / bb, c("_sy_req")),
    )
    signed = (c("_sign") * c("_d")).cast(pl.Float64) * c("_sobs")
    ok = v.is_not_null() & c("_b").is_not_null() & c("_since").is_not_null()
    ok = ok & (c("_n") > 0) & code.is_in([0, 1, 3, 4])
    ok = ok & ~(((bb < 0) & (v > 0)) | ((v < 0) & (bb > 0))) & (c("_sy_obs") >= 1)
    ok = (ok & c("_sobs").is_not_null()).fill_null(False)
    with_target = t.is_not_null() & c("_dl").is_not_null() & (c("_sy_req") > 0)
    with_target = (with_target & c("_sreq").is_not_null() & (c("_sreq") != 0)).fill_null(False)
    pv = (
        pl.when(~ok)
        .then(NULL_F)
        .when(code.is_in([3, 4]))
        .then(signed)
        .when(with_target)
        .then(finite(signed / c("_sreq").abs()))
        .otherwise(NULL_F)
    )
    frame = frame.with_columns(
        limit=c("limit"),
        limit_coefficient=_limit_coefficient(),
        target_met=_target_met(),
        progress_value=pv,
    )
    return frame.with_columns(score=_score())


def _score() -> pl.Expr:
    """sdg-build's series score from -5 to 5 (``_sdg.series_score``)."""
    pv, k = c("progress_value"), c("limit_coefficient")
    with_target = pl.min_horizontal(7.1429 * pv - 4.2857, pl.lit(5.0))
    below = pl.max_horizontal(4.1667 * pv - 2.5, pl.lit(-5.0))
    return (
        pl.when(c("target_met").fill_null(False))
        .then(pl.lit(5.0))
        .when(pv.is_null() | k.is_null())
        .then(NULL_F)
        .when(c("_code").is_in([0, 1]))
        .then(pl.when(pv >= 0.6).then(with_target).otherwise(below))
        .when(pv < 0)
        .then(pl.max_horizontal(125 * pv - 2.5, pl.lit(-5.0)))
        .when(k == 0)
        .then(pl.lit(5.0))
        .when(pv >= 0.015 * k)
        .then(pl.min_horizontal(500 * pv / k - 5, pl.lit(5.0)))
        .when(pv >= 0.005 * k)
        .then(250 * pv / k - 1.25)
        .otherwise(500 * pv / k - 2.5)
    )


def derive(
    frame: pl.LazyFrame,
    as_of: int,
    *,
    trend: bool,
    growth: bool,
    sdg: bool = False,
    whole_years: bool = False,
) -> pl.LazyFrame:
    """Every fact as a column (polars prunes the ones the final selection does not read)."""
    frame = _value(frame, as_of)
    frame = _effective_goal(frame)
    frame = _progress_and_pace(frame, as_of)
    frame = _projection(frame, as_of) if trend else frame.with_columns(projected=NULL_F)
    if growth:
        frame = _growth(frame, whole_years)
    else:
        frame = frame.with_columns(
            growth=NULL_F, growth_required=NULL_F, growth_ratio=NULL_F, anticipated_ratio=NULL_F
        )
    frame = _satisfaction(_late(_plain(frame, as_of)))
    return _sdg(frame, whole_years) if sdg else frame
