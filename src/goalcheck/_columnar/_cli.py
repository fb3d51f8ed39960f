"""``goalcheck evaluate --engine columnar``: CSV or parquet files -> the columnar engine -> Report.

The files have the CSV interchange's columns (a parquet file the same columns, typed or as
text).  Problems are located like the CSV reader's (``targets.csv:row 4, column deadline``).
The report is the one the scalar engine gives for the same files, results and rollups: the
plan's (its id the name of the folder that holds the targets file, its title *title*), each
area's and each initiative's, as docs/reference/csv.md ("The plan") places the rows, with the
rule set's rollup method.  So every output format works.

The formats other than JSON also show the facts the rule set did not use, computed from each
target, and ``--compare-to DATE`` evaluates the plan again: for them the plan comes whole
(*whole_plan*, read by the CSV reader from the same files, or from the parquet file's rows).
Without it the plan has its id, title, areas and initiatives only: enough for JSON, and no
model object per target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from goalcheck._columnar import evaluate_tables, report_for
from goalcheck._columnar._input import Where, normalize, read_table
from goalcheck._columnar._report import placement
from goalcheck.model import Area, Initiative, Plan
from goalcheck.report import Report
from goalcheck.rules import RuleSet

__all__ = ["evaluate_files"]


def evaluate_files(
    targets: str,
    measurements: str | None,
    as_of: dt.date | None,
    ruleset: RuleSet,
    parameters: Mapping[str, Any],
    *,
    title: str | None = None,
    whole_plan: bool = True,
) -> tuple[Plan, Report]:
    """The plan and the report of the targets (and measurements) files."""
    target_table, where_t = read_table(targets, what="targets")
    measurement_table = None
    where_m = Where("measurements")
    if measurements is not None:
        measurement_table, where_m = read_table(measurements, what="measurements")
    frames = normalize(
        target_table, measurement_table, None, where=(where_t, where_m, Where("checkpoints"))
    )
    results = evaluate_tables(None, None, as_of, ruleset, parameters=parameters, frames=frames)
    plan_id = Path(targets).resolve().parent.name or "plan"
    if whole_plan:
        plan = _whole_plan(
            plan_id, title or "", (targets, target_table), (measurements, measurement_table)
        )
    else:
        areas, initiatives = placement(frames.targets)
        parts: dict[str, Any] = {
            "areas": tuple(Area(id=area) for area in areas),
            "initiatives": tuple(Initiative(id=i, area=a) for i, a in initiatives.items()),
        }
        plan = Plan(id=plan_id, title=title or "", **parts)
    report = report_for(
        results,
        as_of or dt.date.today(),
        ruleset,
        targets=frames.targets,
        parameters=parameters,
        plan=plan,
    )
    return plan, report


def _whole_plan(
    plan_id: str,
    title: str,
    targets: tuple[str, pl.DataFrame],
    measurements: tuple[str | None, pl.DataFrame | None],
) -> Plan:
    """The scalar reader's plan of the files (a parquet file's cells as a workbook's)."""
    from goalcheck._io._csv import load_csv, load_tables
    from goalcheck._io._sheet import Table

    paths = [targets[0], measurements[0]]
    if all(path is None or not _is_parquet(path) for path in paths):
        return load_csv(targets[0], measurements[0], plan_id=plan_id, title=title)

    def source(path: str, frame: pl.DataFrame) -> tuple[str, Any]:
        if not _is_parquet(path):
            from goalcheck._io._csv import read_csv_table

            return path, lambda: read_csv_table(Path(path), path)
        rows: list[list[Any]] = [list(frame.columns), *map(list, frame.iter_rows())]
        return path, lambda: Table(rows)

    plan = Plan(id=plan_id, title=title)
    m_path, m_frame = measurements
    m_source = None if m_path is None or m_frame is None else source(m_path, m_frame)
    return load_tables(plan, source(*targets), m_source, decimal=None)


def _is_parquet(path: str) -> bool:
    return Path(path).suffix.lower() in (".parquet", ".pq")
