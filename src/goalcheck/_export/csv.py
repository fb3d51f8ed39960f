"""CSV for spreadsheets: one row per target, the main facts as columns.

Column names are fixed English identifiers in both languages (so formulas and scripts keep
working); ``label`` and ``explanation`` follow ``--lang``.  By default numbers use ``.`` as
decimal mark and ``,`` separates cells, like the CSV interchange; ``decimal=","`` with
``delimiter=";"`` (and a BOM, added by the caller) is what Danish Excel expects.  Dates are
ISO.  The language never changes the dialect: a script reading ``--lang da`` CSV keeps working.

Escaping policy: a text cell that a spreadsheet would run as a formula (it starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets one leading ``'``, as OWASP
recommends, even when it looks like a number (a title ``+1``); number cells such as a value
of ``-10`` are written as numbers and never prefixed.
:func:`restore_cell` undoes the prefix, so the text reads back exactly.  Line breaks inside
a cell are quoted, and a bare carriage return is written as a line feed, so no reader
splits a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from goalcheck._export._view import View

__all__ = [
    "COLUMNS",
    "COMPARE_COLUMNS",
    "FACT_COLUMNS",
    "neutralise",
    "render_csv",
    "restore_cell",
]

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
COMPARE_COLUMNS = ("earlier_status", "change")
"""Added after ``rule`` when the report is compared with an earlier one."""

_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """*text* safe in a spreadsheet: one ``'`` before a formula-like start.

    Only text cells go through here; number cells (``-10``) are written as numbers.
    """
    if _FORMULA.match(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The text :func:`neutralise` was given: one ``'`` less before a formula-like start."""
    if text.startswith("'") and _FORMULA.match(text[1:]):
        return text[1:]
    return text


def _text(value: str) -> str:
    return neutralise(value).replace("\r\n", "\n").replace("\r", "\n")


def _cell(value: object, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(value, ".10g")
        return text.replace(".", ",") if decimal == "," else text
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(str(value))


def render_csv(view: View, *, decimal: str = ".", delimiter: str = ",") -> str:
    """The report's rows as CSV text (header first, ``\\n`` line ends)."""
    compared = view.changes is not None
    columns = list(COLUMNS)
    if compared:
        at = columns.index("rule") + 1
        columns[at:at] = COMPARE_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", delimiter=delimiter)
    writer.writerow(columns)
    for row in view.rows:
        cells: list[object] = [
            row.id,
            row.title,
            row.initiative,
            row.area,
            row.status,
            row.label,
            row.rule,
        ]
        if compared:
            cells += [row.earlier_status, row.change]
        cells += [row.fact(name) for name in FACT_COLUMNS]
        cells.append(row.explanation)
        writer.writerow([_cell(v, decimal) for v in cells])
    return buffer.getvalue()
