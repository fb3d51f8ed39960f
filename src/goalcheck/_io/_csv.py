"""The CSV interchange: ``targets.csv`` and ``measurements.csv`` (docs/reference/csv.md).

Each row is built with the same generic builder as a TOML table, so the columns are the
model's field names and a cell is read exactly like the TOML value it stands for.  Problems
are located as a spreadsheet user sees them: ``row 4, column deadline`` (the header is
row 1).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

from goalcheck._io._plan import TARGET_ID, Located, Parts, StrPath, assemble, read_loose
from goalcheck._io._structure import CsvRow, Problems, build, field_shapes, read_text
from goalcheck.errors import did_you_mean
from goalcheck.model import Area, Initiative, Measurement, Plan, Target

__all__ = ["load_csv", "measurement_columns", "target_columns"]


def target_columns() -> list[str]:
    """The columns targets.csv may have: Target's single-valued fields, in model order."""
    return [name for name, shape in field_shapes(Target).items() if shape.form == "scalar"]


def measurement_columns() -> list[str]:
    """The columns measurements.csv may have: ``target_id`` and Measurement's fields."""
    return [TARGET_ID, *field_shapes(Measurement)]


def load_csv(
    targets: StrPath, measurements: StrPath | None = None, *, plan_id: str | None = None
) -> Plan:
    """A plan from ``targets.csv`` and, optionally, ``measurements.csv``.

    Targets with an ``initiative`` are grouped into initiatives of that id (in order of
    first appearance); the others are the plan's own targets.  The plan's id is *plan_id*,
    or else the name of the directory that holds the targets file.  Raises
    :class:`~goalcheck.errors.PlanError` listing every problem, each located by file, row
    and column.
    """
    parts = Parts()
    shown = os.fspath(targets)
    problems = Problems(shown)
    by_initiative: dict[str, list[tuple[Target, CsvRow]]] = {}
    required = [name for name, shape in field_shapes(Target).items() if shape.required]
    area_ids: set[str] = set()
    for row, data in _rows(Path(targets), problems, target_columns(), required):
        where = CsvRow(row)
        target = _build_target(data, where, problems, parts)
        if target is None:
            continue
        if target.area is not None and target.area not in area_ids:
            # A CSV plan cannot declare areas, so the area column declares them.
            area_ids.add(target.area)
            parts.areas.append(Located(Area(id=target.area), shown, where))
        if target.initiative is None:
            parts.targets.append(Located(target, shown, where))
        else:
            by_initiative.setdefault(target.initiative, []).append((target, where))
    for initiative_id, members in by_initiative.items():
        grouped: Any = tuple(t for t, _ in members)
        initiative = Initiative(id=initiative_id, targets=grouped)
        wheres = tuple(where for _, where in members)
        parts.initiatives.append(Located(initiative, shown, wheres[0], wheres))
    parts.problems += problems.found
    if measurements is not None:
        shown_m = os.fspath(measurements)
        problems = Problems(shown_m)
        for row, data in _rows(
            Path(measurements), problems, measurement_columns(), [TARGET_ID, "date", "value"]
        ):
            parts.measurements += read_loose(data, CsvRow(row), problems, shown_m)
        parts.problems += problems.found
    name = plan_id if plan_id is not None else Path(targets).resolve().parent.name
    parts.plan = Plan(id=name or "plan")
    return assemble(parts)


def _build_target(
    data: dict[str, str], where: CsvRow, problems: Problems, parts: Parts
) -> Target | None:
    target: Target | None = build(Target, data, where, problems)
    if target is None and "id" in data:
        parts.failed_target_ids.add(data["id"])
    return target


def _rows(
    path: Path, problems: Problems, columns: list[str], required: list[str]
) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of a CSV file as (row number, {column: non-empty cell})."""
    text = read_text(path, problems)
    if text is None:
        return []
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.add(f"not valid CSV: {error}", None)
        return []
    if not records or not any(cell.strip() for cell in records[0]):
        problems.add(f"no header row; expected the columns {', '.join(columns)}", "row 1")
        return []
    header = [cell.strip() for cell in records[0]]
    usable: list[str | None] = []
    for name in header:
        where = CsvRow(1)
        if name in columns and usable.count(name) == 0:
            usable.append(name)
            continue
        usable.append(None)
        if name in columns:
            problems.add(f"column {name!r} appears more than once", where.key(name))
        elif not name:
            problems.add("a column has no name", where.whole)
        else:
            problems.add(
                f"unknown column {name!r}"
                + (did_you_mean(name, columns) or f" (expected some of {', '.join(columns)})"),
                where.key(name),
            )
    missing = [name for name in required if name not in header]
    for name in missing:
        problems.add(f"missing required column {name!r}", CsvRow(1).whole)
    if missing:  # every row would lack it too; say it once
        return []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            hint = ""
            if len(record) > len(header):
                hint = '; a number with a decimal comma must be quoted, as in "12,5"'
            problems.add(
                f"has {len(record)} cells, but the header has {len(header)}{hint}",
                CsvRow(number).whole,
            )
            continue
        data = {
            name: cell.strip()
            for name, cell in zip(usable, record, strict=True)
            if name is not None and cell.strip()
        }
        rows.append((number, data))
    return rows
