"""Report-compatible results for rows of a columnar result table (:func:`report_for`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from goalcheck._columnar._engine import fact_order
from goalcheck._columnar._input import Problems, Where, _param, is_param, to_polars
from goalcheck._io._csv import PARAM_PREFIX
from goalcheck._rollup import apply_rollup, rollup_of
from goalcheck.engine import resolve_as_of
from goalcheck.report import Report
from goalcheck.rules import RuleSet, load_rules

__all__ = ["report_for"]


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
    """:func:`goalcheck.frame.explain_rows`: Report-compatible results for some rows."""
    from goalcheck.report import Result, _Context, make_rollup

    ruleset = load_rules(rules)
    overrides = dict(parameters or {})
    ruleset.bind(**overrides)
    default = _Context(ruleset, overrides)
    index_of = {rule.id: i for i, rule in enumerate(ruleset.rules)}
    method = rollup_of(ruleset)
    names = fact_order(set(results.columns) & (ruleset.fact_names | method.facts))
    chosen = _selected(results, rows)
    info: dict[str, dict[str, Any]] = {}
    own: dict[str, dict[str, Any]] = {}
    if targets is not None:
        table = to_polars(targets, "targets")
        keep = [name for name in ("id", "title", "initiative", "area") if name in table.columns]
        table = table.filter(pl.col("id").is_in(chosen["id"].implode()))
        for row in table.select(keep).iter_rows(named=True):
            info[str(row["id"])] = row
        own = _own_parameters(table)
    contexts: dict[frozenset[tuple[str, Any]], _Context] = {}
    out = []
    for row in chosen.iter_rows(named=True):
        extra = info.get(row["id"], {})
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
                extra.get("title") or "",
                extra.get("initiative"),
                extra.get("area"),
                row["status"],
                row["rule"],
                facts,
                index_of.get(row["rule"], -1),
                context,
            )
        )
    day = resolve_as_of(as_of)
    plan_id, title = (plan.id, plan.title) if plan is not None else ("rows", "")
    rollup = make_rollup("plan", plan_id, title, [r.status for r in out], ruleset)
    return Report(day, ruleset, tuple(out), apply_rollup(method, (rollup,), out))
