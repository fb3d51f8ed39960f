"""Funding lines on the columnar backend: budget targets and the 13 funding facts.

Mirrors :mod:`goalcheck._funding` over a funding table (one row per funding line, normalized
by :func:`._input.normalize_funding`), with group-wise aggregations instead of a loop over
lines:

* lines without a year and ``requested`` lines are dropped; the rest are grouped by
  ``(holder, recipient, year, type)`` (an empty recipient is not a missing one, as in the
  model); a group's budget, carry-over and (by evaluation date) spending and forecast are
  sums over its lines, added in the scalar engine's order (``cum_sum().last()``: one value at
  a time), so the sums agree to the bit;
* every group with a ``budget`` line is a budget target, one row with a dense index ``_ti``,
  ordered as the scalar engine orders them: by the holder's first line, then by the group's
  first line; ``carried_in`` is the carry-over of the same holder, recipient and type in the
  year before (a join on the year plus one);
* the budget targets are ordinary ``at_most`` targets (threshold the allocation, 1 January to
  31 December, accumulation ``sum``, ``spent`` lines as actuals on their date clamped to 31
  December, ``expected`` lines as forecasts due 31 December made on their date), so the
  ordinary facts come from the ordinary stages;
* :func:`funding_columns` (called by ``_engine.facts_lazy``) adds the funding facts: column
  expressions over the per-target sums; for goals (a plain ``Prepared``) all of them are null.

The ids are the scalar ``<holder>/funding/<year>[/<type>][/<recipient slug>]``; the slug is
computed by :func:`goalcheck._funding._slug` once per distinct recipient (Python's ``re`` and
``str.lower``, which polars' regex engine does not match on every Unicode character).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs
import polars as pl

from goalcheck._columnar._dates import day_number
from goalcheck._columnar._engine import Prepared
from goalcheck._funding import FUNDING_FACTS, _slug
from goalcheck.errors import PlanError, Problem

__all__ = [
    "BOOLEAN_FACTS",
    "BudgetPrepared",
    "budget_prepared",
    "funding_columns",
    "funding_facts_frame",
]

c = pl.col
KEYS = ["holder", "recipient", "year", "type"]
BOOLEAN_FACTS = frozenset({"budget_line", "forecast_given", "grant_year_over"})
_NO_DATE = -(2**31)  # an expected line without a date: made before every dated one


@attrs.frozen
class BudgetPrepared(Prepared):
    """The budget targets as prepared targets, with what the funding facts need.

    ``budgets``: per ``_ti`` the year's first and last day (``_y0``, ``_y1``), ``allocated``,
    ``carried_in`` and ``carried_over``; ``lines``: the groups' ``spent`` and ``expected``
    lines (``_ti``, ``_spent``, ``_day``, ``_made``, ``_v``, ``_row``).
    """

    budgets: pl.DataFrame = attrs.field(kw_only=True)
    lines: pl.DataFrame = attrs.field(kw_only=True)


def _sum(expr: pl.Expr) -> pl.Expr:
    """The sum of *expr* added one value at a time, in row order (null when empty)."""
    return expr.cum_sum().last()


def _groups(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per (holder, recipient, year, type) of the evaluated lines."""
    kind, amount = c("kind"), c("amount")
    return lines.group_by(KEYS, maintain_order=True).agg(
        c("_row").first().alias("_first"),
        c("_hr").first(),
        (kind == "budget").any().alias("_has_budget"),
        _sum(amount.filter(kind == "budget")).fill_null(0.0).alias("_budgeted"),
        _sum(amount.filter(kind == "carry_over")).fill_null(0.0).alias("carried_over"),
    )


def _ids(budgets: pl.DataFrame) -> pl.Series:
    """``<holder>/funding/<year>``, ``/<type>`` unless other, ``/<slug>`` for a recipient."""
    named = budgets["recipient"].drop_nulls().unique(maintain_order=True)
    named = named.filter(named != "")
    slugs = pl.Series("_slug", [_slug(text) for text in named.to_list()], dtype=pl.String)
    slug = c("recipient").replace_strict(named, slugs, default=None, return_dtype=pl.String)
    parts = [
        c("holder"),
        pl.lit("/funding/"),
        c("year").cast(pl.String),
        pl.when(c("type") != "other").then(pl.lit("/") + c("type")).otherwise(pl.lit("")),
        pl.when(slug.is_not_null()).then(pl.lit("/") + slug).otherwise(pl.lit("")),
    ]
    return budgets.select(pl.concat_str(parts).alias("id")).to_series()


def _titles(budgets: pl.DataFrame) -> pl.Expr:
    """The scalar title, with the holder's id for its title (a table has no holder titles)."""
    who = pl.when(c("recipient").is_not_null() & (c("recipient") != "")).then(c("recipient"))
    kind = pl.when(c("type") != "other").then(pl.lit(" (") + c("type") + pl.lit(")"))
    return pl.concat_str(
        who.otherwise(c("holder")),
        pl.lit(" "),
        c("year").cast(pl.String),
        kind.otherwise(pl.lit("")),
    ).str.strip_chars()


def _target_rows(budgets: pl.DataFrame) -> pl.DataFrame:
    """The budget targets in the columns of a normalized targets table (and ``_ti``)."""
    none = pl.lit(None, dtype=pl.String)
    return budgets.select(
        c("id"),
        _titles(budgets).alias("title"),
        none.alias("initiative"),
        none.alias("area"),
        pl.lit("at_most").alias("direction"),
        none.alias("relative"),
        pl.lit("sum").alias("accumulation"),
        none.alias("recurrence"),
        none.alias("kind"),
        c("allocated").alias("target"),
        *(pl.lit(None, dtype=pl.Float64).alias(n) for n in ("target_high", "baseline", "limit")),
        pl.lit(None, dtype=pl.Date).alias("baseline_date"),
        c("_y0").cast(pl.Date).alias("start"),
        c("_y1").cast(pl.Date).alias("deadline"),
        c("_ti"),
    )


def _clashes(ids: pl.Series, goal_ids: pl.Series | None) -> None:
    if goal_ids is None or not len(ids):
        return
    clashes = ids.filter(ids.is_in(goal_ids.implode()))
    if len(clashes):
        raise PlanError(
            [
                Problem(f"the budget target id {name!r} is also a goal's id: rename the goal")
                for name in clashes.to_list()
            ]
        )


def budget_prepared(funding: pl.DataFrame, goal_ids: pl.Series | None = None) -> BudgetPrepared:
    """The budget targets of a normalized funding table, prepared for evaluation.

    *goal_ids* are the goals' ids: a budget target id that is also one raises PlanError.
    """
    rows = funding.with_row_index("_row").with_columns(
        _hr=c("_row").min().over("holder")  # the holder's first line orders its groups
    )
    lines = rows.filter(c("year").is_not_null() & (c("kind") != "requested"))
    groups = _groups(lines)
    before = groups.select(
        "holder",
        "recipient",
        (c("year") + 1).alias("year"),
        "type",
        c("carried_over").alias("carried_in"),
    )
    budgets = (
        groups.filter(c("_has_budget"))
        .join(before, on=KEYS, how="left", nulls_equal=True, maintain_order="left")
        .sort("_hr", "_first", maintain_order=True)
        .with_columns(c("carried_in").fill_null(0.0))
        .with_columns(
            allocated=c("_budgeted") + c("carried_in"),
            _y0=pl.date(c("year"), 1, 1).cast(pl.Int32),
            _y1=pl.date(c("year"), 12, 31).cast(pl.Int32),
        )
        .with_row_index("_ti")
        .with_columns(c("_ti").cast(pl.Int64))
    )
    budgets = budgets.with_columns(_ids(budgets))
    _clashes(budgets["id"], goal_ids)
    used = lines.filter(c("kind").is_in(["spent", "expected"])).join(
        budgets.select(*KEYS, "_ti", "_y1"), on=KEYS, how="inner", nulls_equal=True
    )
    spent = c("kind") == "spent"
    day = c("date").cast(pl.Int32)
    used = used.sort("_row").select(
        "_ti",
        spent.alias("_spent"),
        pl.when(spent)
        .then(pl.min_horizontal(day, c("_y1")).fill_null(c("_y1")))
        .otherwise(c("_y1"))
        .cast(pl.Int32)
        .alias("_day"),
        pl.when(spent).then(None).otherwise(day).cast(pl.Int32).alias("_made"),
        c("amount").alias("_v"),
        "_row",
    )
    measurements = used.select(
        "_ti", "_day", "_v", (~c("_spent")).alias("forecast"), "_made"
    ).sort("_ti", "_day", maintain_order=True)
    checkpoints = pl.DataFrame(
        schema={"target_id": pl.String, "date": pl.Date, "value": pl.Float64, "_ti": pl.Int64}
    )
    return BudgetPrepared(
        _target_rows(budgets),
        measurements,
        checkpoints,
        budgets=budgets.select("_ti", "_y0", "_y1", "allocated", "carried_in", "carried_over"),
        lines=used,
    )


def funding_facts_frame(prepared: BudgetPrepared, as_of: int) -> pl.DataFrame:
    """Per ``_ti``: the 13 funding facts at day number *as_of* (goalcheck._funding's formulas)."""
    lines = prepared.lines
    spent = (
        lines.filter(c("_spent") & (c("_day") <= as_of))
        .sort("_ti", "_day", "_v", maintain_order=True)  # the model's order of the actuals
        .group_by("_ti", maintain_order=True)
        .agg(_sum(c("_v")).alias("spent"))
    )
    made = c("_made").fill_null(_NO_DATE)
    given = (
        lines.filter(~c("_spent") & (c("_made").is_null() | (c("_made") <= as_of)))
        .with_columns(_mk=made)
        .filter(c("_mk") == c("_mk").max().over("_ti"))  # the latest forecast made by as_of
        .group_by("_ti", maintain_order=True)
        .agg(_sum(c("_v")).alias("_given"))  # rows in line order, as the scalar sum
    )
    table = (
        prepared.budgets.join(spent, on="_ti", how="left", maintain_order="left")
        .join(given, on="_ti", how="left", maintain_order="left")
        .lazy()
    )
    y0, y1, alloc = c("_y0"), c("_y1"), c("allocated")
    elapsed = (
        pl.when(pl.lit(as_of) < y0)
        .then(0.0)
        .when(pl.lit(as_of) >= y1)
        .then(1.0)
        .otherwise((pl.lit(as_of) - y0 + 1).cast(pl.Float64) / (y1 - y0 + 1).cast(pl.Float64))
    )
    table = table.with_columns(expected_share=elapsed, grant_year_over=pl.lit(as_of) >= y1)
    over, share = c("grant_year_over"), c("expected_share")
    forecast = (
        pl.when(over)
        .then(c("spent"))
        .when(c("_given").is_not_null())
        .then(c("_given"))
        .when(c("spent").is_null() | (share <= 0))
        .then(None)
        .otherwise(c("spent") / share)
    )
    table = table.with_columns(
        forecast_spend=forecast,
        forecast_given=~over & c("_given").is_not_null(),
    )
    table = table.with_columns(unspent=alloc - c("forecast_spend"))
    rest = c("unspent") - c("carried_over")
    table = table.with_columns(
        budget_line=pl.lit(True),
        spent_share=pl.when(alloc > 0).then(c("spent") / alloc),
        forecast_share=pl.when(alloc > 0).then(c("forecast_spend") / alloc),
        repayable=pl.when(rest > 0).then(rest).when(rest.is_not_null()).then(0.0),
    )
    return table.select("_ti", *FUNDING_FACTS).collect()


def funding_columns(
    frame: pl.LazyFrame, prepared: Prepared, as_of: dt.date, names: Collection[str]
) -> pl.LazyFrame:
    """*frame* (the facts, with ``_ti``) with the funding facts among *names* beside them.

    Budget targets (a :class:`BudgetPrepared`) get their values; goals get null in all of
    them, as the scalar ``funding_facts`` gives a goal ``None``.
    """
    wanted = [name for name in FUNDING_FACTS if name in names]
    if not wanted:
        return frame
    if not isinstance(prepared, BudgetPrepared):
        return frame.with_columns(
            pl.lit(None, dtype=pl.Boolean if name in BOOLEAN_FACTS else pl.Float64).alias(name)
            for name in wanted
        )
    facts = funding_facts_frame(prepared, day_number(as_of)).select("_ti", *wanted)
    return frame.join(facts.lazy(), on="_ti", how="left", maintain_order="left")
