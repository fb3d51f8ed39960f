"""An Excel workbook: a ``targets`` sheet with one row per target, and a ``summary`` sheet.

Needs the ``xlsx`` extra (XlsxWriter, imported only here and only when asked for).  Cells
keep their types: numbers are numbers, dates are dates, yes/no are booleans, and every text
is written as a string cell, never as a formula, so a title such as ``=HYPERLINK(...)`` is
shown as text and cannot run.  Status cells are coloured by status and hold the status's
label, so colour is never the only cue.  The same report gives the same bytes: the
workbook's creation date is the report's date, not the clock.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from goalcheck._export._labels import label
from goalcheck._export._view import View
from goalcheck._export.csv import COMPARE_COLUMNS, FACT_COLUMNS
from goalcheck.errors import MissingDependencyError

__all__ = ["render_xlsx"]

_TONES = {
    "good": ("#1a7f37", "#dafbe1"),
    "ok": ("#0969da", "#ddf4ff"),
    "warn": ("#9a6700", "#fff8c5"),
    "bad": ("#cf222e", "#ffebe9"),
    "none": ("#57606a", "#eaeef2"),
}


def _workbook(buffer: io.BytesIO) -> Any:
    try:
        import xlsxwriter  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingDependencyError(
            "--format xlsx needs XlsxWriter: pip install 'goalcheck[xlsx]'"
        ) from None
    return xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


class _Writer:
    def __init__(self, book: Any) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.tones = {
            tone: book.add_format({"font_color": fg, "bg_color": bg, "bold": True})
            for tone, (fg, bg) in _TONES.items()
        }

    def cell(self, sheet: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, float(value), fmt)
        elif isinstance(value, dt.date):
            moment = dt.datetime(value.year, value.month, value.day)
            sheet.write_datetime(row, col, moment, fmt or self.date)
        else:
            sheet.write_string(row, col, str(value), fmt)


def _targets(w: _Writer, view: View) -> None:
    sheet = w.book.add_worksheet("targets")
    columns = ["id", "title", "initiative", "area", "status", "label", "rule"]
    if view.changes is not None:
        columns += COMPARE_COLUMNS
    columns += [*FACT_COLUMNS, "explanation"]
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, w.bold)
    label_col = columns.index("label")
    for r, row in enumerate(view.rows, start=1):
        values: list[object] = [
            row.id,
            row.title,
            row.initiative,
            row.area,
            row.status,
            row.label,
            row.rule,
        ]
        if view.changes is not None:
            values += [row.earlier_status, row.change]
        values += [row.fact(name) for name in FACT_COLUMNS]
        values.append(row.explanation)
        for col, value in enumerate(values):
            fmt = w.tones.get(row.tone) if col == label_col else None
            w.cell(sheet, r, col, value, fmt)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(view.rows), len(columns) - 1)
    sheet.set_column(1, 1, 48)
    sheet.set_column(label_col, label_col, 18)
    sheet.set_column(len(columns) - 1, len(columns) - 1, 80)


def _summary(w: _Writer, view: View) -> None:
    lang = view.lang
    sheet = w.book.add_worksheet("summary")
    rows: list[tuple[object, object]] = [
        (label("report", lang), view.title),
        (label("as_of", lang), view.as_of),
        (label("rules", lang), f"{view.rules_name} {view.rules_version}".strip()),
    ]
    change = view.change_line()
    if change:
        rows.append((label("change", lang), change))
    for r, (key, value) in enumerate(rows):
        sheet.write_string(r, 0, str(key), w.bold)
        w.cell(sheet, r, 1, value)
    top = len(rows) + 1
    sheet.write_string(top, 0, label("status", lang), w.bold)
    sheet.write_string(top, 1, label("count", lang), w.bold)
    sheet.write_string(top, 2, "status", w.bold)
    for i, item in enumerate(view.summary, start=top + 1):
        sheet.write_string(i, 0, item.label, w.tones.get(item.tone))
        sheet.write_number(i, 1, item.count)
        sheet.write_string(i, 2, item.status)
    end = top + len(view.summary) + 1
    sheet.write_string(end, 0, label("total", lang), w.bold)
    sheet.write_number(end, 1, len(view.rows))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 40)


def render_xlsx(view: View) -> bytes:
    """The report as the bytes of an .xlsx workbook."""
    buffer = io.BytesIO()
    book = _workbook(buffer)
    moment = dt.datetime(view.as_of.year, view.as_of.month, view.as_of.day)
    book.set_properties({"title": view.title, "created": moment})
    w = _Writer(book)
    _targets(w, view)
    _summary(w, view)
    book.close()
    return buffer.getvalue()
