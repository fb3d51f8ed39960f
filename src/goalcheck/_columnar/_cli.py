"""``goalcheck evaluate --engine columnar``: CSV or parquet files -> the columnar engine -> Report.

The files have the CSV interchange's columns (a parquet file the same columns, typed or as
text).  Problems are located like the CSV reader's (``targets.csv:row 4, column deadline``).
The report is the one the scalar engine would give, so every output format works; its only
rollup is the plan's (a CSV plan has no areas or initiatives of its own here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from goalcheck._columnar import evaluate_tables, report_for
from goalcheck._columnar._input import Where, normalize, read_table
from goalcheck.model import Plan
from goalcheck.report import Report
from goalcheck.rules import RuleSet

__all__ = ["evaluate_files"]


def evaluate_files(
    targets: str,
    measurements: str | None,
    as_of: dt.date | None,
    ruleset: RuleSet,
    parameters: Mapping[str, Any],
) -> tuple[Plan, Report]:
    """The plan (id only) and the report of the targets (and measurements) files."""
    target_table, where_t = read_table(targets, what="targets")
    measurement_table = None
    where_m = Where("measurements")
    if measurements is not None:
        measurement_table, where_m = read_table(measurements, what="measurements")
    frames = normalize(
        target_table, measurement_table, None, where=(where_t, where_m, Where("checkpoints"))
    )
    results = evaluate_tables(None, None, as_of, ruleset, parameters=parameters, frames=frames)
    plan = Plan(id=Path(targets).resolve().parent.name or "plan")
    report = report_for(
        results,
        as_of or dt.date.today(),
        ruleset,
        targets=frames.targets,
        parameters=parameters,
        plan=plan,
    )
    return plan, report
