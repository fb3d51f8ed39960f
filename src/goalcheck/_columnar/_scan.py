"""Stage 3 of the columnar facts: one group-wise pass over the measurements.

The scalar scan (``goalcheck._facts._scan``) reads a target's measurements in date order and
keeps a slotted aggregate: the count, the last value and date, the running count of a
cumulative metric, the least-squares sums of the trend and the chosen forecast.  Here the same
aggregate is one ``group_by`` over the measurement rows of all targets, sorted by target
index and date, so polars takes its sorted fast path:

* the window filter drops actuals after ``as_of`` or before the target's window start;
* actuals on the same day count once: their amounts added up for a sum, the less
  favourable one for a level or a running total (the lower for higher-is-better, the higher
  for lower-is-better, the one farther outside a band, ties to the smaller value).  Those
  rows are rare, so only they go through a second ``group_by``;
* a sum's running total (``_run``) is the baseline plus the amounts so far, added one
  amount at a time in the scalar model's order (day, then value) by a per-target
  ``cum_sum``, so a sum's value, first day met and trend points agree with the scalar
  engine's to the bit (``0.1 + 0.2 + 0.3`` is not ``0.1 + (0.2 + 0.3)``, and a target of
  ``0.6`` tells them apart);
* the forecast is the one made last, then due last, then the less favourable value.

The trend's least-squares sums are list sums: added in another order than the scalar
engine's (which adds one point at a time), they can differ in the last bits, so the
equivalence tests compare floats within 1e-9 relative.
"""

from __future__ import annotations

import attrs
import polars as pl

from goalcheck._columnar._derive import meets

__all__ = [
    "SCANNED",
    "Actuals",
    "scan_actuals",
    "scan_first_met",
    "scan_forecasts",
    "window_actuals",
]

c = pl.col
#: The per-target columns the scans read (``params`` holds them, one row per target index).
SCANNED = ["_lo", "_code", "_d", "_t", "_hi", "_b", "_blo", "_bhi", "_sum", "_mil", "_dl"]
_NO_DATE = -(10**9)  # a forecast without made_on sorts before every made_on


def _gap(value: pl.Expr) -> pl.Expr:
    """How far *value* lies outside the band [_blo, _bhi] (0 inside it)."""
    return pl.max_horizontal(c("_blo") - value, value - c("_bhi"), pl.lit(0.0))


def _of_target(column: pl.Series) -> pl.Expr:
    """Per row: the value of the per-target *column* (dense by target index) for its target."""
    return pl.lit(column).gather(c("_ti")).alias(column.name)


def _gathered(rows: pl.DataFrame, params: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """*rows* with the per-target columns *names* of their target (one row gather of
    several columns: faster than as many gathers in a lazy query)."""
    return rows.hstack(params.select(names)[rows["_ti"]])


def _run_starts(ti: pl.Series) -> pl.Series:
    """Whether each row is the first of its target (rows sorted by target index)."""
    return (ti != ti.shift(1)).fill_null(True)


def _spread(table: pl.DataFrame, n: int) -> pl.DataFrame:
    """Per-target rows (``_ti`` ascending, no repeats) as *n* rows, one per target index,
    null for a target without one."""
    names = [name for name in table.columns if name != "_ti"]
    if table.height == n:
        return table.select(names)
    index = table["_ti"]
    return pl.DataFrame(
        [
            pl.Series(name, dtype=table[name].dtype)
            .extend_constant(None, n)
            .scatter(index, table[name])
            for name in names
        ]
    )


def _day_keys(act: pl.DataFrame) -> pl.Series:
    """Per row after the first: how far its (target, day) lies past the row before's, as one
    integer (negative: out of order, 0: the same day of the same target)."""
    key = act["_ti"].cast(pl.Int64) * 2**32 + act["_day"].cast(pl.Int64)
    n = act.height
    return key.slice(1) - key.slice(0, n - 1)


def _ties(act: pl.DataFrame) -> pl.Series | None:
    """Per row after the first, whether it is the same day of the same target as the row
    before (*act* in target, day order); None when no row is."""
    if act.height < 2:
        return None
    ties = _day_keys(act) == 0
    return ties if bool(ties.any()) else None


def _ordered(act: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series | None]:
    """*act* sorted by target, day and value, as the scalar model sorts a target's
    measurements (checked first: the usual input already is), and its :func:`_ties`.
    The value matters: a day's amounts are added up in that order."""
    if act.height < 2:
        return act.with_columns(c("_ti").set_sorted()), None
    step = _day_keys(act)
    ties = step == 0
    unordered = bool((step < 0).any())
    if not unordered and bool(ties.any()):
        v = act["_v"]
        unordered = bool((ties & (v.slice(1) < v.slice(0, act.height - 1))).any())
    if unordered:
        act = act.sort("_ti", "_day", "_v", maintain_order=True)
        return act.with_columns(c("_ti").set_sorted()), _ties(act)
    return act.with_columns(c("_ti").set_sorted()), ties if bool(ties.any()) else None


def _same_day_once(
    act: pl.DataFrame, params: pl.DataFrame, ties: pl.Series | None
) -> tuple[pl.DataFrame, bool]:
    """One row per (target, day), and whether some day had more than one actual (*ties*:
    per row after the first, whether it is the same day as the row before).

    Merged rows carry ``_cnt`` (the day's actuals) and ``_vmax`` (their largest value, for a
    milestone); ``_v`` is the day's value and ``_run`` (when *act* has it) the running total
    after the day's last amount.  A merged day takes the place of its first row, so the rows
    stay in order without sorting them again.
    """
    if ties is None:
        return act, False
    false = pl.Series([False])
    repeat = pl.concat([false, ties])  # the same day as the row before
    involved = repeat | pl.concat([ties, false])
    multi = _gathered(act.filter(involved), params, ["_blo", "_bhi", "_d", "_sum"])
    value = c("_v")
    band = c("_blo").is_not_null() & c("_bhi").is_not_null() & (c("_d") == 0)
    chosen = (
        pl.when(c("_sum").first())
        .then(value.sum())
        .when(band.first())
        .then(value.sort_by([_gap(value), value], descending=[True, False]).first())
        .when(c("_d").first() >= 0)
        .then(value.min())
        .otherwise(value.max())
    )
    held = {}
    if "_run" in act.columns:
        held["_run"] = pl.when(c("_sum").first()).then(c("_run").last()).otherwise(chosen)
    merged = multi.group_by("_ti", "_day", maintain_order=True).agg(
        _v=chosen, _cnt=pl.len().cast(pl.Int64), _vmax=value.max(), **held
    )
    out = act.filter(~repeat).with_columns(_cnt=pl.lit(1, pl.Int64), _vmax=c("_v"))
    at = (involved & ~repeat).filter(~repeat).arg_true()  # each merged day's first row
    for name in merged.columns:
        if name not in ("_ti", "_day"):
            out = out.with_columns(out[name].scatter(at, merged[name].cast(out[name].dtype)))
    return out.with_columns(c("_ti").set_sorted()), True


#: Runs longer than this go through polars' per-group ``cum_sum`` instead of one step per
#: position (each step costs a few small operations, whatever the number of runs).
_STEPPED_RUNS = 512


def _run_sums(values: pl.Series, first: pl.Series) -> pl.Series:
    """The running sums of *values* within each run (a run begins where *first* is true),
    added one value at a time, left to right, as Python adds them.

    One vectorized step per position in a run: step *k* adds each run's *k*-th value to its
    sum so far, over the runs that long (the runs are taken longest first, so those are a
    prefix of the sums so far); the sums are put in place once, at the end.  That is a
    handful of operations on the runs per step instead of polars' per-group
    ``cum_sum().over(...)``, several times slower for many short runs; a very long run
    would take a step per value, so data with one falls back to it."""
    starts = first.arg_true()
    lengths = pl.concat([starts.slice(1), pl.Series([len(values)], dtype=starts.dtype)]) - starts
    if len(starts) == 0 or int(lengths.max()) > _STEPPED_RUNS:  # type: ignore[arg-type]
        frame = pl.DataFrame({"_v": values, "_run": first.cum_sum()})
        return frame.select(c("_v").cum_sum().over("_run")).to_series()
    longest = lengths.arg_sort(descending=True)
    starts, lengths = starts.gather(longest), lengths.gather(longest)
    ascending = lengths.reverse()
    at, total = starts, values.gather(starts)
    places, sums = [at], [total]
    for k in range(1, int(lengths[0])):
        longer = len(lengths) - ascending.search_sorted(k, side="right")  # runs with a k-th
        at = starts.slice(0, longer) + k
        total = total.slice(0, longer) + values.gather(at)
        places.append(at)
        sums.append(total)
    return values.clone().scatter(pl.concat(places), pl.concat(sums))


def _running_totals(act: pl.DataFrame, params: pl.DataFrame) -> pl.DataFrame:
    """*act* with ``_run``, the value the scan holds after each row, when some target adds
    up amounts: a level's is its value, a sum's the baseline plus the amounts so far, added
    one at a time in the scalar scan's order (so the totals agree to the bit); only the
    sums' rows go through the running sums.  Unchanged without a sum."""
    if not bool(params["_sum"].any()):
        return act
    summed = params["_sum"].gather(act["_ti"])
    part = _gathered(act.filter(summed).select("_ti", "_v"), params, ["_b"])
    first = _run_starts(part["_ti"])
    step = part.select(
        pl.when(first).then(c("_b").fill_null(0.0) + c("_v")).otherwise(c("_v"))
    ).to_series()
    running = _run_sums(step, first)
    return act.with_columns(act["_v"].clone().scatter(summed.arg_true(), running).alias("_run"))


def _trend_terms(rows: pl.DataFrame, ys: str) -> pl.DataFrame:
    """Per row: ``_xys``, the same per-row term as the scalar engine's ``sxy``, from the
    day's point *ys* (``_run`` when some target adds up amounts, else ``_v``)."""
    return rows.with_columns(_xys=c("_x").cast(pl.Float64) * c(ys))


@attrs.frozen
class Actuals:
    """The actuals counted (window, as_of), one row per (target, day), in that order.

    ``merged`` says some day had more than one actual: its row then carries ``_cnt`` (the
    day's actuals) and ``_vmax`` (their largest value, for a milestone).
    """

    rows: pl.DataFrame
    merged: bool


def _before_window(act: pl.DataFrame, params: pl.DataFrame) -> bool:
    """Whether some target's actuals start before its window (*act* in target, day order:
    a target's first row is its earliest, so comparing first rows answers for all)."""
    starts = _run_starts(act["_ti"])
    day, ti = act["_day"].filter(starts), act["_ti"].filter(starts)
    return bool((day < params["_lo"].gather(ti)).any())


def window_actuals(measurements: pl.DataFrame, params: pl.DataFrame, as_of: int) -> Actuals:
    """The actuals every scan reads (computed once, shared by the scans): the kind and
    as_of in one (lazy, parallel) filter; the window's start only when some target's
    actuals start before it."""
    keep = ~c("forecast") & (c("_day") <= as_of)
    act = measurements.lazy().filter(keep).select("_ti", "_day", "_v").collect().rechunk()
    act, ties = _ordered(act)
    if params["_lo"].null_count() < params.height and _before_window(act, params):
        lo = params["_lo"].gather(act["_ti"])
        act = act.filter(lo.is_null() | (act["_day"] >= lo))
        ties = _ties(act)
    return Actuals(*_same_day_once(_running_totals(act, params), params, ties))


def scan_actuals(act: Actuals, params: pl.DataFrame, as_of: int, *, trend: bool) -> pl.DataFrame:
    """Per target (one row each, in target order): count, last day and value, milestone
    done, least-squares sums; null for a target without actuals.

    ``_total`` is the running total after the last amount (a sum's value; the last value
    for the others; null when no target adds up amounts); ``_sy`` and ``_sxy`` are the
    trend's sums over the counted days (see :func:`_trend_terms`; the baseline point is
    added in the derivations).  One group-wise pass gathers each target's values into
    lists, whose sums polars takes several times faster than group-wise sums.
    """
    rows = act.rows.with_columns(c("_ti").set_sorted())
    lists = {"_v": c("_v")}  # list name: per-row value
    totals = {}  # output: the list it sums
    if act.merged:
        lists.update(_cnt=c("_cnt"), _vmax=c("_vmax"))
        totals["_n"] = "_cnt"
    running = "_run" in rows.columns
    if trend:
        ys = "_run" if running else "_v"
        rows = _trend_terms(rows.with_columns(_x=(c("_day") - as_of).cast(pl.Int64)), ys)
        lists.update({ys: c(ys), "_x": c("_x"), "_xx": c("_x") * c("_x"), "_xys": c("_xys")})
        totals.update(_sx="_x", _sxx="_xx", _sy=ys, _sxy="_xys")
    top = c("_vmax" if act.merged else "_v")
    out = (
        rows.lazy()
        .group_by("_ti", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("_points"),
            c("_day").last().alias("_last"),
            c("_v").last().alias("_vlast"),
            *([c("_run").last().alias("_total")] if running else []),
            *[value.alias(name) for name, value in lists.items()],
        )
        .with_columns(
            (top.list.max() >= 1.0).alias("_done"),
            *[c(name).list.sum().alias(out) for out, name in totals.items()],
        )
        .drop(list(lists))
    )
    if not act.merged:
        out = out.with_columns(_n=c("_points"))
    if not running:
        out = out.with_columns(_total=pl.lit(None, dtype=pl.Float64))
    return _spread(out.collect(), params.height)


def _first_hits(rows: pl.LazyFrame, value: pl.Expr) -> pl.DataFrame:
    """``_ti, _day`` of each target's first row whose *value* meets its goal."""
    hits = rows.filter(meets(value).fill_null(False)).select("_ti", "_day").collect()
    return hits.filter(_run_starts(hits["_ti"]))


def scan_first_met(act: Actuals, params: pl.DataFrame, only: pl.Series | None) -> pl.Series:
    """Per target (in target order): ``_met``, the first counted day whose value met the
    goal in force (null if none did), for the targets *only* marks (all if None).

    The day's value is the one the scan holds that day (a cumulative metric's baseline plus
    the day values so far, added one day at a time as the scalar ``first_met`` does); a
    milestone is met on the first day an actual reached 1.  Only the running totals need a
    per-target running sum, so only their rows go through one.
    """
    rows = act.rows
    if only is not None:
        rows = rows.lazy().filter(_of_target(only)).collect()
    rows = _gathered(rows, params, ["_code", "_t", "_hi", "_b", "_sum", "_mil"])
    summed = c("_sum") & ~c("_mil")
    top = c("_vmax") if act.merged else c("_v")
    level = _first_hits(
        rows.lazy().filter(~summed), pl.when(c("_mil")).then(top).otherwise(c("_v"))
    )
    found = [level]
    if "_run" in rows.columns:  # some target adds up amounts
        found.append(_first_hits(rows.lazy().filter(summed), c("_run")))
    met = pl.Series("_met", dtype=pl.Int32).extend_constant(None, params.height)
    for hits in found:
        met = met.scatter(hits["_ti"], hits["_day"])
    return met


def scan_forecasts(measurements: pl.DataFrame, params: pl.DataFrame, as_of: int) -> pl.DataFrame:
    """Per target (in target order): the chosen forecast ``_fc`` and the day it is due
    ``_fcd``, and the one due after the deadline (``_lfc``, ``_lfcd``), chosen alike."""
    made = c("_made")
    fc = measurements.filter(
        c("forecast") & (c("_day") >= as_of) & (made.is_null() | (made <= as_of))
    ).select("_ti", "_day", "_v", made.fill_null(_NO_DATE).alias("_made"))
    fc = _gathered(fc, params, ["_dl", "_blo", "_bhi", "_d"])
    late = c("_dl").is_not_null() & (c("_day") > c("_dl"))
    band = c("_blo").is_not_null() & c("_bhi").is_not_null() & (c("_d") == 0)
    worse = pl.when(c("_d") >= 0).then(-1.0).otherwise(1.0)
    rank = pl.when(band).then(_gap(c("_v"))).otherwise(c("_v") * worse)
    fc = fc.with_columns(_rank=rank).sort(
        "_ti", "_made", "_day", "_rank", "_v", descending=[False, False, False, False, True]
    )
    out = fc.group_by("_ti", maintain_order=True).agg(
        c("_v").filter(~late).last().alias("_fc"),
        c("_day").filter(~late).last().alias("_fcd"),
        c("_v").filter(late).last().alias("_lfc"),
        c("_day").filter(late).last().alias("_lfcd"),
    )
    return _spread(out, params.height)
