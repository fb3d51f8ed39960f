"""Stage 3 of the columnar facts: one group-wise pass over the measurements.

The scalar scan (``goalcheck._facts._scan``) reads a target's measurements in date order and
keeps a slotted aggregate: the count, the last value and date, the running count of a
cumulative metric, the least-squares sums of the trend and the chosen forecast.  Here the same
aggregate is one ``group_by`` over the measurement rows of all targets, sorted by target
index and date, so polars takes its sorted fast path:

* the window filter drops actuals after ``as_of`` or before the target's window start;
* actuals on the same day count once: summed for a cumulative metric, the less favourable
  one for a level (the lower for higher-is-better, the higher for lower-is-better, the one
  farther outside a band, ties to the smaller value).  Those rows are rare, so only they go
  through a second ``group_by``;
* a cumulative metric's running count is the baseline plus a per-target cumulative sum;
* the forecast is the one made last, then due last, then the less favourable value.

Floating-point sums may be added in another order than the scalar engine's (which adds one
value at a time), so they can differ in the last bits: the equivalence tests compare floats
within 1e-9 relative.
"""

from __future__ import annotations

import polars as pl

__all__ = ["scan_actuals", "scan_forecasts"]

c = pl.col
_NO_DATE = -(10**9)  # a forecast without made_on sorts before every made_on


def _gap(value: pl.Expr) -> pl.Expr:
    """How far *value* lies outside the band [_blo, _bhi] (0 inside it)."""
    return pl.max_horizontal(c("_blo") - value, value - c("_bhi"), pl.lit(0.0))


def _gathered(rows: pl.DataFrame, params: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """*rows* with the per-target columns *names* of their target (``params`` is dense)."""
    index = rows["_ti"]
    return rows.with_columns([params[name].gather(index) for name in names])


def _same_day_once(act: pl.DataFrame, params: pl.DataFrame) -> pl.DataFrame:
    """One row per (target, day): ``_cnt`` actuals, the day's value ``_v`` and its max."""
    same = (c("_ti") == c("_ti").shift(1)) & (c("_day") == c("_day").shift(1))
    involved = act.select((same | same.shift(-1)).fill_null(False)).to_series()
    singles = act.with_columns(_cnt=pl.lit(1, pl.UInt32), _vmax=c("_v"))
    if not involved.any():
        return singles
    multi = _gathered(act.filter(involved), params, ["_blo", "_bhi", "_d"])
    value = c("_v")
    band = c("_blo").is_not_null() & c("_bhi").is_not_null() & (c("_d") == 0)
    chosen = (
        pl.when(c("_cum").first())
        .then(value.sum())
        .when(band.first())
        .then(value.sort_by([_gap(value), value], descending=[True, False]).first())
        .when(c("_d").first() >= 0)
        .then(value.min())
        .otherwise(value.max())
    )
    merged = multi.group_by("_ti", "_day", maintain_order=True).agg(
        _v=chosen, _cnt=pl.len(), _vmax=value.max(), _cum=c("_cum").first(), _b=c("_b").first()
    )
    rest = singles.filter(~involved)
    return pl.concat([rest, merged.select(rest.columns)]).sort("_ti", "_day")


def scan_actuals(
    measurements: pl.DataFrame, params: pl.DataFrame, as_of: int, *, trend: bool
) -> pl.DataFrame:
    """Per target index: count, last day and value, milestone done, least-squares sums."""
    act = measurements.filter(~c("forecast") & (c("_day") <= as_of)).select("_ti", "_day", "_v")
    act = _gathered(act, params, ["_lo", "_cum", "_b"])
    act = act.filter(c("_lo").is_null() | (c("_day") >= c("_lo"))).drop("_lo")
    act = _same_day_once(act, params)
    running = c("_b") + c("_v").cum_sum().over("_ti")
    any_cumulative = bool(act["_cum"].any())
    y = pl.when(c("_cum")).then(running).otherwise(c("_v")) if any_cumulative else c("_v")
    act = act.with_columns(_y=y, _x=(c("_day") - as_of).cast(pl.Int64)).with_columns(
        c("_ti").set_sorted()
    )
    aggs = [
        c("_cnt").sum().cast(pl.Int64).alias("_n"),
        pl.len().cast(pl.Int64).alias("_points"),
        c("_day").last().alias("_last"),
        c("_y").last().alias("_cur"),
        (c("_vmax").max() >= 1.0).alias("_done"),
    ]
    if trend:
        aggs += [
            c("_x").sum().alias("_sx"),
            (c("_x") * c("_x")).sum().alias("_sxx"),
            c("_y").sum().alias("_sy"),
            (c("_x").cast(pl.Float64) * c("_y")).sum().alias("_sxy"),
        ]
    return act.group_by("_ti", maintain_order=True).agg(aggs)


def scan_forecasts(measurements: pl.DataFrame, params: pl.DataFrame, as_of: int) -> pl.DataFrame:
    """Per target index: the chosen forecast ``_fc`` and the day it is due ``_fcd``."""
    made = c("made_on").cast(pl.Int32)
    fc = measurements.filter(
        c("forecast") & (c("_day") >= as_of) & (made.is_null() | (made <= as_of))
    ).select("_ti", "_day", "_v", made.fill_null(_NO_DATE).alias("_made"))
    fc = _gathered(fc, params, ["_dl", "_blo", "_bhi", "_d"])
    fc = fc.filter(c("_dl").is_null() | (c("_day") <= c("_dl")))
    band = c("_blo").is_not_null() & c("_bhi").is_not_null() & (c("_d") == 0)
    worse = pl.when(c("_d") >= 0).then(-1.0).otherwise(1.0)
    rank = pl.when(band).then(_gap(c("_v"))).otherwise(c("_v") * worse)
    fc = fc.with_columns(_rank=rank).sort(
        "_ti", "_made", "_day", "_rank", "_v", descending=[False, False, False, False, True]
    )
    return fc.group_by("_ti", maintain_order=True).agg(
        c("_v").last().alias("_fc"), c("_day").last().alias("_fcd")
    )
