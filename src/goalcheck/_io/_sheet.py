"""Spreadsheet tables (a CSV file or a workbook sheet) as rows of typed cells.

Both readers hand a :class:`Table` of raw cells (strings from CSV; strings, numbers, dates
and booleans from a workbook) to :func:`records`, which checks the header once, drops the
empty columns Excel leaves at the right, settles the file's number convention from all
its number cells (:func:`settle_decimal`), and yields each row as ``{column: value}`` for the
generic builder.  Problems are located as a spreadsheet user sees them:
``row 4, column deadline`` (``sheet targets, row 4, column deadline`` in a workbook).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from typing import Any

import attrs

from goalcheck._io._number import Decimal, ambiguity, classify, parse_number
from goalcheck._io._structure import CsvRow, Problems, field_shapes
from goalcheck.errors import did_you_mean

__all__ = ["Record", "Table", "records"]


@attrs.frozen
class Table:
    """The cells of one sheet: ``rows[0]`` is the header (spreadsheet row 1)."""

    rows: list[list[Any]]
    sheet: str | None = None
    #: The CSV separator, when the table came from CSV (for hints); ``;`` is also evidence
    #: of the ``,`` decimal mark when no number says otherwise.
    delimiter: str | None = None


@attrs.frozen
class Record:
    """One row: its location, its non-empty cells, and the columns whose cell was unreadable."""

    where: CsvRow
    data: dict[str, Any]
    unreadable: frozenset[str] = frozenset()


@attrs.frozen
class Columns:
    """What a kind of sheet may hold: every column, the required ones, and their types."""

    names: list[str]
    required: list[str]
    types: dict[str, Any]
    #: Columns ``<prefix><name>`` (numbers or true/false) are gathered into the field *into*
    #: as ``{name: value}`` (a target's ``param.<name>`` columns into ``params``).
    prefix: str | None = None
    into: str | None = None

    @classmethod
    def of(
        cls,
        model: type,
        names: list[str],
        required: list[str],
        *,
        prefix: str | None = None,
        into: str | None = None,
    ) -> Columns:
        shapes = field_shapes(model)
        types = {name: shapes[name].type if name in shapes else str for name in names}
        return cls(names, required, types, prefix, into)

    def expected(self) -> list[str]:
        """The column names to list in a message (``param.<name>`` for the prefixed ones)."""
        return [*self.names, f"{self.prefix}<name>"] if self.prefix else list(self.names)

    def prefixed(self, name: str) -> bool:
        return self.prefix is not None and name.startswith(self.prefix) and name != self.prefix

    def numeric(self, usable: list[str | None]) -> list[str]:
        own = [name for name, kind in self.types.items() if kind in (int, float)]
        return own + [name for name in usable if name is not None and self.prefixed(name)]


_NONE: frozenset[str] = frozenset()


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(row: list[Any]) -> list[Any]:
    """*row* without the empty cells at its end (Excel writes them for formatted columns)."""
    end = len(row)
    while end and _blank(row[end - 1]):
        end -= 1
    return row[:end]


def _header(
    table: Table, columns: Columns, problems: Problems
) -> tuple[list[str | None], list[str]] | None:
    """The column each header cell names (``None`` for unusable ones) and the missing
    required columns; ``None`` when there is no header at all."""
    where = CsvRow(1, table.sheet)
    if not table.rows or not _trim(table.rows[0]):
        problems.add(
            f"no header row; expected the columns {', '.join(columns.names)}", where.whole
        )
        return None
    header = [str(cell).strip() if cell is not None else "" for cell in _trim(table.rows[0])]
    usable: list[str | None] = []
    meant: set[str] = set()
    for name in header:
        if (name in columns.names or columns.prefixed(name)) and name not in usable:
            usable.append(name)
            continue
        usable.append(None)
        if name in columns.names or columns.prefixed(name):
            problems.add(f"column {name!r} appears more than once", where.key(name))
        elif not name:
            problems.add("a column has no name", where.whole)
        else:
            hint = did_you_mean(name, columns.names)
            meant.update(difflib.get_close_matches(name, columns.names, n=1, cutoff=0.6))
            problems.add(
                f"unknown column {name!r}"
                + (hint or f" (expected some of {', '.join(columns.expected())})"),
                where.key(name),
            )
    missing = [name for name in columns.required if name not in header]
    for name in missing:
        if name not in meant:  # an unknown column already said "did you mean" it
            problems.add(f"missing required column {name!r}", where.whole)
    return usable, missing


def _cells(
    table: Table, usable: list[str | None], problems: Problems
) -> Iterator[tuple[CsvRow, dict[str, Any]]]:
    """Each non-blank row's non-empty cells by column; rows of the wrong length are problems."""
    width = len(usable)
    for number, raw in enumerate(table.rows[1:], start=2):
        where = CsvRow(number, table.sheet)
        row = _trim(raw) if len(raw) > width else raw
        if not any(not _blank(cell) for cell in row):
            continue
        if table.delimiter is not None and len(row) != width:
            hint = ""
            if len(row) > width and table.delimiter == ",":
                hint = '; a number with a decimal comma must be quoted, as in "12,5"'
            problems.add(f"has {len(row)} cells, but the header has {width}{hint}", where.whole)
            continue
        data = {}
        for name, cell in zip(usable, row, strict=False):
            if name is not None and not _blank(cell):
                data[name] = cell.strip() if isinstance(cell, str) else cell
        yield where, data


def settle_decimal(
    rows: list[tuple[CsvRow, dict[str, Any]]],
    numeric: list[str],
    decimal: Decimal,
    table: Table,
    problems: Problems,
) -> tuple[Decimal, bool]:
    """The decimal mark of a file, from the evidence of its number cells (see _number).

    Returns ``(mark, True)``, where the mark is ``None`` when no cell needs one (integers
    only); or ``(None, False)`` after recording one problem when the evidence conflicts or
    only ambiguous cells (``1.800``) say anything.
    """
    if decimal is not None:
        return decimal, True
    first: dict[str, tuple[CsvRow, str, str]] = {}
    for where, data in rows:
        for name in numeric:
            text = data.get(name)
            if isinstance(text, str):
                evidence = classify(text)
                if evidence in (".", ",", "?") and evidence not in first:
                    first[evidence] = (where, name, text)
    if "." in first and "," in first:
        (a_where, a_name, a), (b_where, b_name, b) = sorted(
            (first["."], first[","]), key=lambda item: item[0].row
        )
        mark_a, mark_b = classify(a), classify(b)
        problems.add(
            f"{b!r} is written with {mark_b!r} as the decimal mark, but {a!r} "
            f"({a_where.key(a_name)}) with {mark_a!r}; use one decimal mark in a file, "
            f"or say which with --decimal (decimal=)",
            b_where.key(b_name),
        )
        return None, False
    if "." in first:
        return ".", True
    if "," in first:
        return ",", True
    if "?" in first:
        if table.delimiter == ";":  # Danish and German Excel: ';' goes with a decimal comma
            return ",", True
        where, name, text = first["?"]
        problems.add(
            f"{ambiguity(text)}, and no other number in the file says which: "
            'pass --decimal , (decimal=",") or --decimal . (decimal=".")',
            where.key(name),
        )
        return None, False
    return None, True


def _typed(value: Any, kind: Any, decimal: Decimal, settled: bool) -> Any:
    """A workbook's or CSV's cell as the builder expects it for a field of type *kind*."""
    if kind in (int, float) and isinstance(value, str) and value.lower() in ("true", "false"):
        return value  # a parameter may be true/false; a number field refuses it later
    if kind in (int, float) and isinstance(value, str):
        return parse_number(value, decimal if settled else ".")
    if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if kind is dt.date and isinstance(value, dt.datetime):
        return value.date()
    if kind is str and isinstance(value, dt.date):
        return value.isoformat()
    return value


def records(
    table: Table, columns: Columns, problems: Problems, *, decimal: Decimal = None
) -> Iterator[Record]:
    """The rows of *table*, typed for the builder; problems recorded in *problems*.

    A cell that cannot be read under the file's convention is reported here and left out of
    the row, whose :attr:`Record.unreadable` names it (so the builder does not also call it
    missing); so does a required column missing from the header, reported once.  When the
    convention cannot be settled the file has one problem, and number cells are read with
    ``.`` only so that the rest of the file is still checked.
    """
    header = _header(table, columns, problems)
    if header is None:
        return
    usable, missing = header
    rows = list(_cells(table, usable, problems))
    mark, settled = settle_decimal(rows, columns.numeric(usable), decimal, table, problems)
    for where, data in rows:
        bad = set()
        for name, value in list(data.items()):
            kind = float if columns.prefixed(name) else columns.types.get(name)
            if isinstance(value, str) and kind not in (int, float):
                continue  # text for a text, date or choice field: the builder reads it
            try:
                data[name] = _typed(value, kind, mark, settled)
            except ValueError as error:
                if settled or not isinstance(value, str) or classify(value) is None:
                    problems.add(str(error), where.key(name))
                bad.add(name)
                del data[name]
        if columns.prefix is not None:
            _gather(data, columns)
        yield Record(where, data, frozenset(bad | set(missing)) if bad or missing else _NONE)


def _gather(data: dict[str, Any], columns: Columns) -> None:
    """Move the ``<prefix><name>`` cells of a row into one table under ``columns.into``."""
    if columns.prefix is None or columns.into is None:
        return
    gathered = {
        name.removeprefix(columns.prefix): data.pop(name)
        for name in [n for n in data if columns.prefixed(n)]
    }
    if gathered:
        data[columns.into] = gathered
