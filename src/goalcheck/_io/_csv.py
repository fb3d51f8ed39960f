"""The CSV interchange: ``targets.csv`` and ``measurements.csv`` (docs/reference/csv.md).

A file is read as its spreadsheet saved it: UTF-8 with or without a byte-order mark (or
UTF-16 with one), else cp1252 with one warning; the separator (``,``, ``;`` or tab) is
sniffed from the header; CRLF, quoted line breaks and the empty columns Excel leaves at the
right are fine; the number convention is settled once per file (:mod:`._sheet`).  Each row
is built with the same generic builder as a TOML table, so the columns are the model's field
names; problems are located ``row 4, column deadline`` (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goalcheck._io._assemble import TARGET_ID, Located, Loose, Parts, StrPath, assemble, read_loose
from goalcheck._io._number import DECIMALS, Decimal
from goalcheck._io._read import InputWarning, decode_utf8, read_bytes
from goalcheck._io._sheet import Columns, Record, Table, records
from goalcheck._io._structure import CsvRow, Problems, build, field_shapes
from goalcheck._io._xlsx import WORKBOOK_SUFFIXES, read_workbook, sheet_for
from goalcheck.errors import InputError, LimitError, OptionError, PlanError, Problem
from goalcheck.model import Area, Initiative, Measurement, Plan, Target

__all__ = [
    "check_decimal",
    "decode",
    "load_csv",
    "load_tables",
    "load_workbook",
    "measurement_columns",
    "read_csv_table",
    "read_measurements",
    "read_targets",
    "sniff",
    "target_columns",
]

_DELIMITERS = (",", ";", "\t")


#: The prefix of targets.csv columns holding a target's own rule-set parameters.
PARAM_PREFIX = "param."


def target_columns() -> list[str]:
    """The columns targets.csv may have: Target's single-valued fields, in model order.

    Also accepted: ``param.<name>`` columns, one per rule-set parameter a target overrides
    (:data:`PARAM_PREFIX`).
    """
    return [
        name
        for name, shape in field_shapes(Target).items()
        if shape.form == "scalar" and name != "params"
    ]


def measurement_columns() -> list[str]:
    """The columns measurements.csv may have: ``target_id`` and Measurement's fields."""
    return [TARGET_ID, *field_shapes(Measurement)]


def target_sheet() -> Columns:
    required = [name for name, shape in field_shapes(Target).items() if shape.required]
    return Columns.of(Target, target_columns(), required, prefix=PARAM_PREFIX, into="params")


def measurement_sheet() -> Columns:
    return Columns.of(Measurement, measurement_columns(), [TARGET_ID, "date", "value"])


def check_decimal(decimal: object) -> Decimal:
    """*decimal* if it is ``None``, ``"."`` or ``","``; else :class:`OptionError`."""
    if decimal is None or decimal in DECIMALS:
        return decimal  # type: ignore[return-value]
    raise OptionError(
        f"decimal must be '.' or ',' (or None to decide by the file), not {decimal!r}"
    )


def load_csv(
    targets: StrPath,
    measurements: StrPath | None = None,
    *,
    plan_id: str | None = None,
    title: str | None = None,
    decimal: Decimal = None,
    encoding: str | None = None,
) -> Plan:
    """A plan from ``targets.csv`` and, optionally, ``measurements.csv``.

    Targets with an ``initiative`` are grouped into initiatives of that id (in order of
    first appearance, in the area their targets name); the others are the plan's own
    targets.  The plan's id is *plan_id*, or else the name of the directory that holds the
    targets file; *title* is its title.  *decimal* (``"."`` or ``","``) fixes the number
    convention, which is otherwise read from each file's own numbers; *encoding* fixes the
    text encoding (otherwise UTF-8, or cp1252 with an :class:`InputWarning`).  Either file
    may also be a workbook (``.xlsx``, ``.xlsm``, ``.ods``; its sheet of that name, or its
    only sheet).  Raises :class:`~goalcheck.errors.PlanError` listing every problem, each
    located by file, row and column.
    """
    decimal = check_decimal(decimal)
    name = plan_id if plan_id is not None else Path(targets).resolve().parent.name
    plan = Plan(id=name or "plan", title=title or "")
    t_shown = os.fspath(targets)
    t_read = _reader(Path(targets), t_shown, "targets", encoding)
    if measurements is None:
        return load_tables(plan, (t_shown, t_read), None, decimal=decimal)
    m_shown = os.fspath(measurements)
    m_read = _reader(Path(measurements), m_shown, "measurements", encoding)
    return load_tables(plan, (t_shown, t_read), (m_shown, m_read), decimal=decimal)


def load_workbook(path: StrPath, *, title: str | None = None, decimal: Decimal = None) -> Plan:
    """A plan from one workbook with sheets ``targets`` and (optionally) ``measurements``.

    The plan's id is the file's name without its suffix; see :func:`load_csv`.
    """
    decimal = check_decimal(decimal)
    shown = os.fspath(path)
    tables = read_workbook(Path(path), shown)
    targets = sheet_for(tables, "targets", shown, alone=True) or Table([])
    measurements = sheet_for(tables, "measurements", shown, alone=False)
    plan = Plan(id=Path(path).stem or "plan", title=title or "")
    source: Source = (shown, lambda: targets)
    if measurements is None:
        return load_tables(plan, source, None, decimal=decimal)
    return load_tables(plan, source, (shown, lambda: measurements), decimal=decimal)


#: A file to show in problems, and how to read its table (raising InputError).
Source = tuple[str, Callable[[], Table]]


def _reader(path: Path, shown: str, kind: str, encoding: str | None) -> Callable[[], Table]:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:

        def sheet() -> Table:
            table = sheet_for(read_workbook(path, shown), kind, shown, alone=True)
            return table if table is not None else Table([])

        return sheet
    return lambda: read_csv_table(path, shown, encoding=encoding)


def load_tables(
    plan: Plan, targets: Source, measurements: Source | None, *, decimal: Decimal
) -> Plan:
    """A plan of *plan*'s id and title with the targets and measurements of two tables."""
    parts = Parts(plan=plan)
    shown, read = targets
    problems = Problems(shown)
    table = _table(read, problems, parts)
    if table is not None:
        read_targets(table, shown, problems, parts, decimal=decimal)
    parts.problems += problems.found
    if measurements is not None:
        shown, read = measurements
        problems = Problems(shown)
        table = _table(read, problems, None)
        if table is not None:
            parts.measurements += read_measurements(table, shown, problems, decimal=decimal)
        parts.problems += problems.found
    return assemble(parts)


def _table(read: Callable[[], Table], problems: Problems, parts: Parts | None) -> Table | None:
    """The table *read* gives, or ``None`` after recording why it could not be read."""
    try:
        return read()
    except LimitError:
        raise
    except InputError as error:
        problems.found += error.problems
        if parts is not None:
            parts.targets_unread = True
        return None


# --------------------------------------------------------------------------- text and dialect


def decode(data: bytes, shown: str, encoding: str | None) -> str:
    """The text of a CSV file's bytes (see the module doc for what is tried)."""
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise OptionError(f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as error:
            raise PlanError(
                Problem(
                    f"not {encoding} text: byte 0x{data[error.start]:02X} at offset "
                    f"{error.start} cannot be decoded",
                    shown,
                )
            ) from None
        return text.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        decode_utf8(data, shown)  # raises, naming the first byte that is not UTF-8
        raise
    warnings.warn(
        InputWarning(
            f"{shown}: not UTF-8; read as cp1252 (Windows, Western Europe). "
            "If letters look wrong, pass --encoding (encoding=) or save as CSV UTF-8"
        ),
        stacklevel=2,
    )
    return text


def sniff(header_line: str, columns: list[str]) -> str:
    """The separator of a CSV file: the one of ``,``, ``;``, tab that splits its header best.

    Best is the most known column names, then the most cells; ``,`` when nothing splits.
    """

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error:
            return 0, 0
        names = [cell.strip() for cell in cells]
        return sum(name in columns for name in names), len(names)

    return max(_DELIMITERS, key=lambda d: (score(d), d == ","))


def read_csv_table(path: Path, shown: str, *, encoding: str | None = None) -> Table:
    """The cells of a CSV file, or :class:`PlanError` (:class:`LimitError`) saying why not."""
    data = read_bytes(path, shown)
    if data.startswith(b"PK\x03\x04"):
        raise PlanError(Problem("is a workbook (a zip file), not CSV: name it .xlsx", shown))
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanError(Problem("is a binary file, not CSV text (it holds NUL bytes)", shown))
    text = decode(data, shown, encoding)
    first = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = sniff(first, [*target_columns(), *measurement_columns()])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[list[Any]] = list(reader)
    except csv.Error as error:
        raise PlanError(
            Problem(f"not valid CSV: {error}", shown, f"row {reader.line_num}")
        ) from None
    return Table([[_cell(cell) for cell in row] for row in rows], None, delimiter)


def _cell(cell: str) -> str:
    """A cell's text: a line break in it is ``\n`` whatever the file's line ends are, and
    text goalcheck's CSV output neutralised as ``'=...`` (a formula) is restored."""
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n")
    if cell.startswith("'"):
        from goalcheck._export.csv import restore_cell

        cell = restore_cell(cell)
    return cell


# --------------------------------------------------------------------------- building


def read_targets(
    table: Table, shown: str, problems: Problems, parts: Parts, *, decimal: Decimal
) -> None:
    """Build the targets of a sheet into *parts* (initiatives and areas from their columns)."""
    by_initiative: dict[str, list[tuple[Target, CsvRow]]] = {}
    area_ids: set[str] = set()
    first_row: dict[str, tuple[CsvRow, bool]] = {}
    columns = target_sheet()
    for record in records(table, columns, problems, decimal=decimal):
        where = record.where
        if record.unreadable.intersection(columns.required):  # a required column is missing
            parts.targets_unread = True
        target = _build(Target, record, problems)
        _duplicate(record, target is not None, first_row, problems, parts)
        if target is None:
            continue
        if target.area is not None and target.area not in area_ids:
            # A spreadsheet cannot declare areas, so the area column declares them.
            area_ids.add(target.area)
            parts.areas.append(Located(Area(id=target.area), shown, where))
        if target.initiative is None:
            parts.targets.append(Located(target, shown, where))
        else:
            by_initiative.setdefault(target.initiative, []).append((target, where))
    for initiative_id, members in by_initiative.items():
        parts.initiatives.append(_initiative(initiative_id, members, shown, problems))


def _initiative(
    initiative_id: str, members: list[tuple[Target, CsvRow]], shown: str, problems: Problems
) -> Located:
    """An initiative of the targets that name it, in the area they name."""
    areas = {t.area: where for t, where in members if t.area is not None}
    area = next(iter(areas), None)
    if len(areas) > 1:
        (a, a_where), (b, b_where) = list(areas.items())[:2]
        problems.add(
            f"the targets of initiative {initiative_id!r} name different areas: {a!r} "
            f"({a_where.whole}) and {b!r}; an initiative belongs to one area",
            b_where.key("area"),
        )
    grouped: Any = tuple(t for t, _ in members)
    initiative = Initiative(id=initiative_id, area=area, targets=grouped)
    wheres = tuple(where for _, where in members)
    return Located(initiative, shown, wheres[0], wheres)


def _duplicate(
    record: Record,
    built: bool,
    first_row: dict[str, tuple[CsvRow, bool]],
    problems: Problems,
    parts: Parts,
) -> None:
    """Report a duplicate id where a row failed to build (validate_plan reports the rest)."""
    target_id = record.data.get("id")
    if not isinstance(target_id, str):
        return
    if not built:
        parts.failed_target_ids.add(target_id)
    if target_id not in first_row:
        first_row[target_id] = (record.where, built)
        return
    where, first_built = first_row[target_id]
    if not (built and first_built):
        problems.add(
            f"duplicate target id {target_id!r} (first at {where.key('id')})",
            record.where.key("id"),
        )


def _build(cls: type, record: Record, problems: Problems, **options: Any) -> Any:
    """Build one row; a cell already reported as unreadable is not also called missing."""
    before = len(problems.found)
    built = build(cls, record.data, record.where, problems, **options)
    if record.unreadable:
        missing = {(record.where.key(n), record.where.missing(n)) for n in record.unreadable}
        problems.found[before:] = [
            p for p in problems.found[before:] if (p.location, p.message) not in missing
        ]
        return None
    return built


def read_measurements(
    table: Table, shown: str, problems: Problems, *, decimal: Decimal
) -> list[Loose]:
    """The loose measurements of a sheet (each names its target in ``target_id``)."""
    loose: list[Loose] = []
    for record in records(table, measurement_sheet(), problems, decimal=decimal):
        if record.unreadable:
            _build(Measurement, record, problems, extra_keys=frozenset({TARGET_ID}))
            continue
        loose += read_loose(record.data, record.where, problems, shown)
    return loose
