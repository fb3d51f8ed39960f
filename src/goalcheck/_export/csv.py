"""CSV for spreadsheets: one row per target, the main facts as columns.

Column names are fixed English identifiers in both languages (so formulas and scripts keep
working); ``label`` and ``explanation`` follow ``--lang``.  Numbers use ``.`` as decimal mark,
like the CSV interchange, and dates are ISO.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from goalcheck._export._view import View

__all__ = ["COLUMNS", "FACT_COLUMNS", "render_csv"]

FACT_COLUMNS = (
    "value",
    "measured_on",
    "target",
    "target_high",
    "baseline",
    "progress",
    "pace",
    "projected",
    "forecast",
    "days_left",
    "overdue",
)
COLUMNS = (
    "id",
    "title",
    "initiative",
    "area",
    "status",
    "label",
    "rule",
    *FACT_COLUMNS,
    "explanation",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".10g")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_csv(view: View) -> str:
    """The report's rows as CSV text (header first, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in view.rows:
        fixed = [row.id, row.title, row.initiative, row.area, row.status, row.label, row.rule]
        facts = [row.fact(name) for name in FACT_COLUMNS]
        writer.writerow([_cell(v) for v in [*fixed, *facts, row.explanation]])
    return buffer.getvalue()
