"""The columnar backend's public face: whole tables of targets evaluated at once.

``goalcheck.evaluate_frame(targets, measurements, as_of, rules=...)`` takes polars, pandas or
Arrow tables in the CSV interchange's columns (docs/reference/csv.md) and returns a polars
DataFrame with one row per target: ``id``, ``status``, ``rule`` and every fact the rule set
uses.  It gives the same verdicts as :func:`goalcheck.evaluate` (see
docs/explanation/backends.md for how that is kept true), one to two orders of magnitude
faster on large tables.

This module imports polars only when one of its functions is called, so ``import goalcheck``
never does; without the extra, calling them raises
:class:`~goalcheck.errors.MissingDependencyError` naming ``pip install 'goalcheck[polars]'``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from goalcheck.errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from goalcheck.periods import Period
    from goalcheck.report import Report
    from goalcheck.rules import RuleSet

__all__ = ["evaluate_batch", "evaluate_frame", "explain_rows"]


def _need_polars() -> None:
    try:
        import polars  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "the columnar backend needs polars: pip install 'goalcheck[polars]'"
        ) from None


def evaluate_frame(
    targets: Any = None,
    measurements: Any = None,
    as_of: dt.date | str | None = None,
    rules: str | os.PathLike[str] | RuleSet = "default",
    *,
    checkpoints: Any = None,
    period: Period | None = None,
    funding: Any = None,
    **parameters: Any,
) -> pl.DataFrame:
    """Judge every target of a table at *as_of*; one result row per target, in input order.

    *targets* has the columns of ``targets.csv`` (``id`` and ``direction`` required),
    *measurements* those of ``measurements.csv`` (``target_id``, ``date``, ``value``),
    *checkpoints* (optional) ``target_id, date, value``.  Each may be a polars DataFrame or
    LazyFrame, a pandas DataFrame or an Arrow table; dates may be dates or text (ISO or any
    period phrase), numbers may be numbers or text.  *as_of* is a date or a period phrase
    (its end), by default today.  Keyword arguments override the rule set's parameters.
    *period* gives targets without a start or deadline those of a plan.

    *funding* (optional) has one row per funding line: ``holder`` (the plan's or an
    initiative's id) and the fields of :class:`~goalcheck.model.Funding` (``amount``, ``year``,
    ``type``, ``kind``, ``date``, ``recipient``, ``account``, ``note``, ``positions``).  With a
    rule set that declares ``applies_to = "funding"`` (the shipped ``funding``), the result
    has one row per budget target derived from it, as :func:`goalcheck.evaluate` judges a
    plan's budget targets (docs/how-to/evaluate-funding.md), and no goal rows; *targets*
    may then be left out (given, a budget target id that is also a goal's is refused).  With
    any other rule set the goals are judged and the funding facts are null.

    Raises :class:`~goalcheck.errors.PlanError` listing every problem in the tables, each
    located by table, row and column; :class:`~goalcheck.errors.EvaluationError` when no
    rule matches a target (or, under hit policy ``unique``, two do).
    """
    _need_polars()
    from goalcheck._columnar import evaluate_tables

    return evaluate_tables(
        targets,
        measurements,
        as_of,
        rules,
        checkpoints=checkpoints,
        period=period,
        parameters=parameters,
        funding=funding,
    )


def evaluate_batch(
    batch: Any,
    as_of: dt.date | str,
    rules: str | os.PathLike[str] | RuleSet = "default",
    **parameters: Any,
) -> pl.DataFrame:
    """Judge one batch of targets in the *nested* layout (for Dask, Spark, Ray).

    A nested batch has one row per target (the columns of ``targets.csv``) and a
    ``measurements`` column holding a list of ``{date, value, kind, made_on}`` structs (and
    optionally ``checkpoints``, a list of ``{date, value}``), so any partitioning by target
    keeps a target and its measurements together.  *batch* may be a polars or pandas
    DataFrame or an Arrow table or record batch; the result is the table
    :func:`evaluate_frame` returns for those targets.
    """
    _need_polars()
    from goalcheck._columnar import evaluate_nested

    return evaluate_nested(batch, as_of, rules, parameters)


def explain_rows(
    results: pl.DataFrame,
    as_of: dt.date | str,
    rules: str | os.PathLike[str] | RuleSet = "default",
    *,
    rows: Iterable[str] | Any = None,
    targets: Any = None,
    **parameters: Any,
) -> Report:
    """A :class:`~goalcheck.report.Report` for some rows of an :func:`evaluate_frame` result.

    *rows* is a polars expression (``pl.col("status") == "at_risk"``), an iterable of target
    ids, or ``None`` for every row.  Each :class:`~goalcheck.report.Result` explains itself
    (``result.explanation``, ``result.explain("da")``) from the facts in the table, exactly
    as the scalar engine's would, without evaluating anything again.  *targets* (optional,
    the input table) supplies titles, initiatives, areas and each target's own parameters
    (``param.<name>`` columns), which its explanation uses and names as the scalar engine's
    does.  Pass the same *rules* and parameters as to :func:`evaluate_frame`.

    The rollups are those of the *whole* table, whichever rows are chosen (as
    :meth:`Report.filter <goalcheck.report.Report.filter>` keeps them): the plan's (id
    ``"rows"``), each area's and each initiative's, placed as the CSV reader places rows and
    judged by the rule set's rollup method, counted in polars (one Python object per group).
    The results come in the scalar engine's order (the plan's own targets, then each
    initiative's), so with *targets* the report equals :func:`goalcheck.evaluate` on the plan
    of the same CSV rows, filtered to the chosen ones.
    """
    _need_polars()
    from goalcheck._columnar import report_for

    return report_for(results, as_of, rules, rows=rows, targets=targets, parameters=parameters)
