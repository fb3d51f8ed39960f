"""The columnar evaluation: normalized frames -> facts -> one rule chain -> a result table.

:func:`prepare` gives every target a dense index ``_ti`` (its row) and every measurement the
index of its target, sorted by (target, day), taking shortcuts when the input is already in
that order (the usual export, and what partitioning by target id produces).
:func:`facts_table` runs the four stages (goal, window, scan, derive) and :func:`evaluate`
adds the rules.  Only the facts the rule set uses are computed, and the costly groups (the
trend, the growth rates, the forecast) only when one of them is used, as in the scalar
engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import attrs
import polars as pl

from goalcheck._columnar._dates import day_number
from goalcheck._columnar._derive import derive
from goalcheck._columnar._goal import goal_and_window
from goalcheck._columnar._input import Frames, Where, unknown_targets
from goalcheck._columnar._rules import compile_chain, conditions, match_count
from goalcheck._columnar._scan import (
    SCANNED,
    scan_actuals,
    scan_first_met,
    scan_forecasts,
    window_actuals,
)
from goalcheck._funding import FUNDING_FACTS
from goalcheck._rollup import rollup_of
from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError, did_you_mean
from goalcheck.periods import Period

__all__ = ["Prepared", "evaluate", "fact_order", "facts_table", "prepare"]

c = pl.col
PROJECTION = frozenset({"projected", "projected_satisfied"})
GROWTH = frozenset({"growth", "growth_required", "growth_ratio", "anticipated_ratio"})
FORECAST = frozenset(
    {
        "forecast",
        "forecast_date",
        "forecast_satisfied",
        "late_forecast",
        "late_forecast_date",
        "expected_late",
    }
)
MET = frozenset({"met_on", "met_late"})
SDG = frozenset({"limit", "limit_coefficient", "target_met", "progress_value", "score"})
KEEP = ("id", "title", "initiative", "area")


@attrs.frozen
class Prepared:
    """Targets with ``_ti``; measurements and checkpoints with their target's ``_ti``."""

    targets: pl.DataFrame
    measurements: pl.DataFrame
    checkpoints: pl.DataFrame


#: The facts the columnar stages compute (a fact added to the vocabulary later must be
#: mirrored here, and the equivalence tests say so).
COMPUTED = frozenset(
    [
        "value",
        "measured_on",
        "n_actual",
        "staleness_days",
        "target",
        "target_high",
        "direction",
        "undetermined",
        "milestone",
        "cumulative",
        "satisfied",
        "baseline",
        "baseline_date",
        "start",
        "deadline",
        "progress",
        "elapsed",
        "elapsed_now",
        "pace",
        "projected",
        "projected_satisfied",
        "forecast",
        "forecast_date",
        "forecast_satisfied",
        "overdue",
        "days_left",
        "years_left",
        "growth",
        "growth_required",
        "growth_ratio",
        "anticipated_ratio",
        "late_forecast",
        "late_forecast_date",
        "expected_late",
        "met_on",
        "met_late",
        "overdue_unreported",
        "limit",
        "limit_coefficient",
        "target_met",
        "progress_value",
        "score",
        # the funding facts: goalcheck._columnar._funding, joined in facts_lazy; null for
        # goals, as the scalar funding_facts gives a goal None
        *FUNDING_FACTS,
    ]
)


def fact_order(names: Collection[str]) -> list[str]:
    """*names* in the vocabulary's order (unknown names raise EvaluationError)."""
    unknown = sorted(set(names) - FACTS.keys())
    if unknown:
        raise EvaluationError(f"unknown fact {unknown[0]!r}" + did_you_mean(unknown[0], FACTS))
    missing = sorted(set(names) - COMPUTED)
    if missing:
        raise EvaluationError(
            f"the columnar backend does not compute the fact {missing[0]!r} yet; "
            "use the scalar engine (goalcheck.evaluate) for this rule set"
        )
    return [name for name in FACTS if name in names]


def _run_index(keys: pl.Series, ids: pl.Series) -> pl.Series:
    """The target index of each row, looked up once per run of equal keys (unknown ids get
    null).  ``rle_id`` numbers the runs in one pass over the strings; the usual export (one
    run per target, in the targets' order) needs no lookup at all, and otherwise only the
    runs' keys are looked up (:func:`_looked_up`).  A target whose rows are split into
    several runs is found by each; the scans sort the rows when they are not in target
    order."""
    run_no = keys.rle_id().cast(pl.Int64)
    starts = (run_no != run_no.shift(1)).fill_null(True)
    run_keys = keys.filter(starts)
    if len(run_keys) == len(ids) and bool((run_keys == ids).all()):
        return run_no.alias("_ti")
    run_ti = _looked_up(run_keys, ids)
    return run_ti.gather(run_no).alias("_ti")


def _looked_up(keys: pl.Series, ids: pl.Series) -> pl.Series:
    """The index in *ids* of each of *keys* (null for an unknown key).  Joined on the
    strings' 64-bit hashes (faster than a join on the text), then checked against the text;
    should two ids share a hash, the join on the text decides."""
    index = pl.Series("_ti", range(len(ids)), dtype=pl.Int64)
    joined = pl.DataFrame({"_h": keys.hash()}).join(
        pl.DataFrame({"_h": ids.hash(), "_ti": index}), on="_h", how="left", maintain_order="left"
    )
    if joined.height == len(keys):  # no id's hash met twice
        found = joined["_ti"].drop_nulls()
        if bool((ids.gather(found) == keys.filter(joined["_ti"].is_not_null())).all()):
            return joined["_ti"]
    lookup = pl.DataFrame({"id": ids, "_ti": index})
    return (
        pl.DataFrame({"id": keys})
        .join(lookup, on="id", how="left", maintain_order="left")
        .get_column("_ti")
    )


def _indexed(rows: pl.DataFrame, ids: pl.Series, where: Where) -> pl.DataFrame:
    """*rows* with ``_ti``, the index of the target each names (unknown ids raise)."""
    if rows.height == 0:
        return rows.with_columns(_ti=pl.lit(None, dtype=pl.Int64)).head(0)
    rows = rows.with_columns(_run_index(rows["target_id"], ids))
    if rows["_ti"].null_count():
        unknown = rows.with_row_index("_row").filter(c("_ti").is_null())
        unknown_targets(unknown.select("_row", "target_id"), where)
    return rows


def _numeric(rows: pl.DataFrame) -> pl.DataFrame:
    """The measurement columns the scan reads, without the text (the scan orders them)."""
    return rows.select(
        "_ti",
        c("date").cast(pl.Int32).alias("_day"),
        c("value").alias("_v"),
        "forecast",
        c("made_on").cast(pl.Int32).alias("_made"),
    )


def prepare(frames: Frames) -> Prepared:
    """Index and order the normalized frames for :func:`facts_table`."""
    targets = frames.targets.with_columns(
        _ti=pl.Series(range(frames.targets.height), dtype=pl.Int64)
    )
    ids = targets["id"]
    measurements = _numeric(_indexed(frames.measurements, ids, frames.measurements_at))
    checkpoints = _indexed(frames.checkpoints, ids, frames.checkpoints_at)
    return Prepared(targets, measurements, checkpoints)


def _params(goal: pl.DataFrame) -> pl.DataFrame:
    band = (c("_d") == 0) & c("_t").is_not_null() & c("_hi").is_not_null()
    return goal.with_columns(
        _blo=pl.when(band).then(c("_t")),
        _bhi=pl.when(band).then(c("_hi")),
    )


def _scanned(
    prepared: Prepared, params: pl.DataFrame, as_of: int, names: frozenset[str]
) -> pl.LazyFrame:
    """*params* with the scans' columns beside them (every scan gives one row per target)."""
    trend = bool(names & PROJECTION)
    keys = params.select(SCANNED).rechunk()  # one chunk each: the scans gather row by row
    act = window_actuals(prepared.measurements, keys, as_of)
    counted = scan_actuals(act, keys, as_of, trend=trend)
    parts = [params, counted]
    if names & MET:
        parts.append(
            scan_first_met(act, keys, _can_be_late(keys, counted, as_of, names)).to_frame()
        )
    if names & FORECAST:
        parts.append(scan_forecasts(prepared.measurements, keys, as_of))
    frame = pl.concat(parts, how="horizontal").lazy()
    return _completed(frame, names, trend)


def _can_be_late(
    keys: pl.DataFrame, counted: pl.DataFrame, as_of: int, names: frozenset[str]
) -> pl.Series | None:
    """The targets whose first met day is needed: all for ``met_on``; for ``met_late`` alone
    only those where it can be late, overdue targets with an actual counted after their
    deadline (the scalar engine looks for it on those alone, too)."""
    if "met_on" in names:
        return None
    deadline = keys["_dl"]
    return ((deadline < as_of) & (counted["_last"] > deadline)).fill_null(False)


def _completed(frame: pl.LazyFrame, names: frozenset[str], trend: bool) -> pl.LazyFrame:
    """The scans' columns filled where a target had no rows, and those left out added."""
    fills: dict[str, Any] = {"_n": 0, "_points": 0, "_done": False}
    if trend:
        fills.update(_sx=0, _sxx=0, _sy=0.0, _sxy=0.0)
    frame = frame.with_columns([c(name).fill_null(value) for name, value in fills.items()])
    cumulative = c("_sum")  # amounts that add up
    frame = frame.with_columns(_cur=pl.when(cumulative).then(c("_total")).otherwise(c("_vlast")))
    if not names & MET:
        frame = frame.with_columns(_met=pl.lit(None, dtype=pl.Int32))
    if names & FORECAST:
        return frame
    return frame.with_columns(
        _fc=pl.lit(None, dtype=pl.Float64),
        _fcd=pl.lit(None, dtype=pl.Int32),
        _lfc=pl.lit(None, dtype=pl.Float64),
        _lfcd=pl.lit(None, dtype=pl.Int32),
    )


def facts_lazy(
    prepared: Prepared,
    as_of: dt.date,
    names: Collection[str],
    period: Period | None,
    years: str | None = None,
) -> pl.LazyFrame:
    """A lazy table: the kept target columns, ``_ti`` and the facts *names*.

    *years* is the rule set's option: ``"whole"`` counts the years of the Open SDG and the
    growth facts as the difference of the years.
    """
    wanted = frozenset(fact_order(names))
    whole = years == "whole"
    goal = goal_and_window(prepared.targets, prepared.checkpoints, as_of, period).collect()
    day = day_number(as_of)
    frame = _scanned(prepared, _params(goal), day, wanted)
    frame = derive(
        frame,
        day,
        trend=bool(wanted & PROJECTION),
        growth=bool(wanted & GROWTH),
        sdg=bool(wanted & SDG),
        whole_years=whole,
    )
    # the funding facts join by target index (imported here: _funding builds on Prepared)
    from goalcheck._columnar._funding import funding_columns

    return funding_columns(frame, prepared, as_of, wanted)


def facts_table(
    prepared: Prepared, as_of: dt.date, names: Collection[str], period: Period | None
) -> pl.DataFrame:
    """``id`` and the facts *names* of every target, in target order."""
    order = fact_order(names)
    return facts_lazy(prepared, as_of, order, period).select("id", *order).collect()


def _check_matches(table: pl.DataFrame, ruleset: Any, unique: bool) -> None:
    ids = [rule.id for rule in ruleset.rules]
    if unique:
        clash = table.filter(c("_count") > 1)
        if clash.height:
            first, second = (int(i) for i in clash["_pair"][0])
            raise EvaluationError(
                f"rules {ids[first]!r} and {ids[second]!r} of rule set {ruleset.name!r} both "
                "match, but its hit policy is 'unique'"
            )
    unmatched = table.filter(c("_index") < 0)
    if unmatched.height:
        raise EvaluationError(
            f"no rule of rule set {ruleset.name!r} matched target {unmatched['id'][0]!r}; "
            'end the rule set with a catch-all rule (when = "true")'
        )


def evaluate(
    prepared: Prepared,
    as_of: dt.date,
    ruleset: Any,
    parameters: Mapping[str, Any],
    period: Period | None,
    own: Collection[str] = (),
) -> pl.DataFrame:
    """``id, status, rule`` and every fact the rule set uses, one row per target.

    *own* names the parameters targets give their own values for (``param.<name>``
    columns of the targets, checked by :func:`._params.own_parameters`).
    """
    bound = ruleset.bind(**parameters)
    order = fact_order(ruleset.fact_names | rollup_of(ruleset).facts)  # as the scalar engine
    conds = conditions(ruleset.trees, bound, own)
    frame = facts_lazy(prepared, as_of, order, period, getattr(ruleset, "years", None))
    unique = ruleset.hit_policy == "unique"
    extra = [compile_chain(conds).alias("_index")]
    if unique:
        matched = [pl.when(cond.fill_null(False)).then(pl.lit(i)) for i, cond in enumerate(conds)]
        extra += [
            match_count(conds).alias("_count"),
            pl.concat_list(matched).list.drop_nulls().list.head(2).alias("_pair"),
        ]
    names = [e.meta.output_name() for e in extra]
    table = frame.with_columns(extra).select("id", *order, *names).collect()
    _check_matches(table, ruleset, unique)
    rule_ids = [rule.id for rule in ruleset.rules]
    statuses = [rule.status for rule in ruleset.rules]
    index = c("_index")
    labels = [
        index.replace_strict(list(range(len(rule_ids))), statuses, return_dtype=pl.String).alias(
            "status"
        ),
        index.replace_strict(list(range(len(rule_ids))), rule_ids, return_dtype=pl.String).alias(
            "rule"
        ),
    ]
    return table.select("id", *labels, *order, "_index")
