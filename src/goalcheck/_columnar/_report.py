"""Report-compatible results for rows of a columnar result table (:func:`report_for`).

The chosen rows become :class:`~goalcheck.report.Result` objects; the rollups are the scalar
engine's (:func:`goalcheck.engine.evaluate` on the plan of the same CSV files) over the
*whole* table: the plan, each area, each initiative, judged by the rule set's rollup method
(:func:`goalcheck._rollup.apply_rollup`).  They are counted with polars ``group_by``: a table
of 10^7 rows gives one Python object per group, not per row.

Where the table's rows sit is the CSV reader's (docs/reference/csv.md, "The plan"): a row's
``initiative`` cell names its initiative, whose area is the first ``area`` its targets name
(an initiative's targets all take it); the areas are the distinct ``area`` cells in order of
first appearance, the initiatives likewise.  The results come in the scalar engine's order:
the plan's own targets (no initiative), then each initiative's, each in table order.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from goalcheck._columnar._engine import fact_order
from goalcheck._columnar._input import Problems, Where, _param, is_param, to_polars
from goalcheck._io._csv import PARAM_PREFIX
from goalcheck._rollup import RollupMethod, rollup_of
from goalcheck.engine import resolve_as_of
from goalcheck.report import Report, Rollup
from goalcheck.rules import RuleSet, load_rules

__all__ = ["placement", "report_for"]

_ROW = "__goalcheck_row"
_KEY = "__goalcheck_key"
_SCORE = "__goalcheck_score"
#: Python 3.12's sum() of floats adds a Neumaier compensation; 3.11's adds left to right.
_COMPENSATED = sys.version_info >= (3, 12)


def _selected(results: pl.DataFrame, rows: Iterable[str] | Any) -> pl.DataFrame:
    if rows is None:
        return results
    if isinstance(rows, pl.Expr):
        return results.filter(rows)
    wanted = list(rows)
    return results.filter(pl.col("id").is_in(wanted))


def _own_parameters(table: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Each target's own parameter values (``param.<name>`` cells), read as evaluation reads
    them (true/false or numbers), by target id; targets without any are left out."""
    columns = [name for name in table.columns if is_param(name)]
    if not columns:
        return {}
    problems = Problems()
    where = Where("targets")
    typed = table.select(
        pl.col("id").cast(pl.String), *(_param(table, c, where, problems) for c in columns)
    )
    problems.raise_if_any()
    own: dict[str, dict[str, Any]] = {}
    for row in typed.iter_rows(named=True):
        values = {
            name.removeprefix(PARAM_PREFIX): value
            for name, value in row.items()
            if name != "id" and value is not None
        }
        if values:
            own[str(row["id"])] = values
    return own


@attrs.frozen
class _Placed:
    """The result table with each row's initiative and area, in the scalar engine's order."""

    table: pl.DataFrame
    areas: tuple[str, ...]  # the plan's areas, in its order
    initiatives: tuple[str, ...]  # the plan's initiatives, in its order


def _distinct(column: pl.Series) -> tuple[str, ...]:
    return tuple(column.drop_nulls().unique(maintain_order=True).to_list())


def _placed(results: pl.DataFrame, table: pl.DataFrame | None) -> _Placed:
    """*results* with ``initiative`` and ``area`` (the table's own, else *table*'s by id)."""
    frame = results
    wanted = [name for name in ("initiative", "area") if name not in frame.columns]
    if table is not None and "id" in table.columns:
        joined = [name for name in wanted if name in table.columns]
        if joined:
            info = table.select(
                pl.col("id").cast(pl.String), *(pl.col(n).cast(pl.String) for n in joined)
            )
            if info.height == frame.height and info["id"].equals(frame["id"]):
                frame = frame.hstack(info.drop("id"))  # the usual case: the same rows
            else:
                if info["id"].is_duplicated().any():
                    info = info.unique("id", keep="first", maintain_order=True)
                frame = frame.join(info, on="id", how="left", maintain_order="left")
    if "initiative" not in frame.columns:
        areas = _distinct(frame["area"]) if "area" in frame.columns else ()
        return _Placed(frame, areas, ())
    if "area" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("area"))
    areas = _distinct(frame["area"])  # the area cells, before initiatives lend theirs
    initiatives = _distinct(frame["initiative"])
    initiative = pl.col("initiative")
    frame = frame.with_row_index(_ROW).with_columns(
        pl.when(initiative.is_null())
        .then(pl.col("area"))
        .otherwise(pl.col("area").drop_nulls().first().over("initiative"))
        .alias("area"),
        pl.when(initiative.is_null())
        .then(-1)
        .otherwise(pl.col(_ROW).min().over("initiative").cast(pl.Int64))
        .alias(_KEY),
    )
    if not frame[_KEY].is_sorted():  # initiatives interleave: the plan's own targets first
        frame = frame.sort(_KEY, _ROW)
    lent = _distinct(frame["area"])
    if len(lent) != len(areas):  # never for a CSV plan: an initiative's area is a cell
        areas += tuple(a for a in lent if a not in set(areas))
    return _Placed(frame.drop(_ROW, _KEY), areas, initiatives)


def placement(targets: pl.DataFrame) -> tuple[tuple[str, ...], dict[str, str | None]]:
    """The areas of a targets table, and each initiative's area, in the CSV reader's order."""
    columns = [name for name in ("id", "initiative", "area") if name in targets.columns]
    placed = _placed(targets.select(columns), None)
    if not placed.initiatives:
        return placed.areas, {}
    first = placed.table.filter(pl.col("initiative").is_not_null()).unique(
        "initiative", keep="first", maintain_order=True
    )
    area_of = dict(zip(first["initiative"].to_list(), first["area"].to_list(), strict=True))
    return placed.areas, {initiative: area_of[initiative] for initiative in placed.initiatives}


@attrs.frozen
class _Scores:
    """A group's scored results: how many, how many not met, and their scores' sum."""

    n: int = 0
    unmet: int = 0
    total: float = 0.0


def _scores(
    frame: pl.DataFrame, key: str | None, method: RollupMethod
) -> dict[str | None, _Scores]:
    """Each group's :class:`_Scores`, the sum added in table order as Python's ``sum``."""
    if "score" not in frame.columns or not frame["score"].dtype.is_numeric():
        return {}
    x = pl.col(_SCORE)
    t = x.cum_sum()
    s = t.shift(1, fill_value=0.0)
    aggs = [
        pl.len().alias("n"),
        (~pl.col("status").is_in(list(method.met))).sum().alias("unmet"),
        t.last().alias("s"),
        pl.when(s.abs() >= x.abs())
        .then((s - t) + x)
        .otherwise((x - t) + s)
        .cum_sum()
        .last()
        .alias("c"),
    ]
    scored = (
        frame.lazy()
        .select(*([pl.col(key)] if key else []), "status", pl.col("score").cast(pl.Float64))
        .rename({"score": _SCORE})
        .filter(x.is_not_null() & (pl.col(key).is_not_null() if key else True))
    )
    grouped = scored.group_by(key, maintain_order=True).agg(aggs) if key else scored.select(aggs)
    out: dict[str | None, _Scores] = {}
    for row in grouped.collect().iter_rows(named=True):
        if not row["n"]:
            continue
        total = row["s"] + 0.0  # as sum(): 0 + x0 + x1 ... (never -0.0)
        c = row["c"]
        if _COMPENSATED and c and math.isfinite(c):
            total += c
        out[row[key] if key else None] = _Scores(row["n"], row["unmet"], total)
    return out


def _counts(frame: pl.DataFrame, key: str | None) -> dict[str | None, dict[str, int]]:
    """Each group's number of results per status."""
    if key is None:
        tally = frame.group_by("status", maintain_order=True).len()
        return {None: dict(zip(tally["status"].to_list(), tally["len"].to_list(), strict=True))}
    tally = (
        frame.lazy()
        .filter(pl.col(key).is_not_null())
        .group_by(key, "status", maintain_order=True)
        .len()
        .collect()
    )
    out: dict[str | None, dict[str, int]] = {}
    for group, status, n in tally.iter_rows():
        out.setdefault(group, {})[status] = n
    return out


def _rollups(placed: _Placed, ruleset: RuleSet, plan_id: str, title: str) -> tuple[Rollup, ...]:
    """The plan's, each area's and each initiative's rollup, as the scalar engine's."""
    from goalcheck.report import make_rollup

    method = rollup_of(ruleset)
    frame = placed.table
    levels: list[tuple[str, str | None, Sequence[str | None]]] = [("plan", None, [plan_id])]
    if placed.areas:
        levels.append(("area", "area", placed.areas))
    if placed.initiatives:
        levels.append(("initiative", "initiative", placed.initiatives))
    out: list[Rollup] = []
    for level, key, ids in levels:
        counts = _counts(frame, key)
        scores = _scores(frame, key, method) if method.method == "mean_score" else {}
        for group in ids:
            found = counts.get(None if key is None else group, {})
            rollup = make_rollup(level, str(group), title if key is None else "", found, ruleset)
            if method.method != "worst":
                got = scores.get(None if key is None else group, _Scores())
                status, score = method.decide(found, got.n, got.unmet, got.total)
                rollup = attrs.evolve(rollup, status=status, method=method.method, score=score)
            out.append(rollup)
    return tuple(out)


def report_for(
    results: pl.DataFrame,
    as_of: dt.date | str,
    rules: str | os.PathLike[str] | RuleSet,
    *,
    rows: Iterable[str] | Any = None,
    targets: Any = None,
    parameters: Mapping[str, Any] | None = None,
    plan: Any = None,
) -> Report:
    """:func:`goalcheck.frame.explain_rows`: Report-compatible results for some rows.

    The rollups are the whole table's, whichever *rows* are chosen (as
    :meth:`~goalcheck.report.Report.filter` keeps a report's); the plan's has *plan*'s id and
    title (``"rows"`` without one).
    """
    from goalcheck.report import Result, _Context

    ruleset = load_rules(rules)
    overrides = dict(parameters or {})
    ruleset.bind(**overrides)
    default = _Context(ruleset, overrides)
    index_of = {rule.id: i for i, rule in enumerate(ruleset.rules)}
    method = rollup_of(ruleset)
    names = fact_order(set(results.columns) & (ruleset.fact_names | method.facts))
    table = to_polars(targets, "targets") if targets is not None else None
    if table is not None and table.schema.get("id", pl.String) != pl.String:
        table = table.with_columns(pl.col("id").cast(pl.String))
    placed = _placed(results, table)
    chosen = _selected(placed.table, rows)
    titles: dict[str, str] = {}
    own: dict[str, dict[str, Any]] = {}
    if table is not None:
        table = table.filter(pl.col("id").is_in(chosen["id"].implode()))
        if "title" in table.columns:
            for target_id, text in table.select("id", "title").iter_rows():
                titles.setdefault(str(target_id), text or "")
        own = _own_parameters(table)
    grouped = "initiative" in chosen.columns
    contexts: dict[frozenset[tuple[str, Any]], _Context] = {}
    out = []
    for row in chosen.iter_rows(named=True):
        params = own.get(row["id"])
        if params:  # as the scalar engine: the target's values beat the overrides
            key = frozenset(params.items())
            if key not in contexts:
                contexts[key] = _Context(ruleset, {**overrides, **params}, dict(params))
            context = contexts[key]
        else:
            context = default
        facts = {name: row[name] for name in names}
        out.append(
            Result(
                row["id"],
                titles.get(row["id"], ""),
                row["initiative"] if grouped else None,
                row.get("area"),
                row["status"],
                row["rule"],
                facts,
                index_of.get(row["rule"], -1),
                context,
            )
        )
    day = resolve_as_of(as_of)
    plan_id, title = (plan.id, plan.title) if plan is not None else ("rows", "")
    return Report(day, ruleset, tuple(out), _rollups(placed, ruleset, plan_id, title))
