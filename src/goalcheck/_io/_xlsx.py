"""Workbooks as input: ``.xlsx``, ``.xlsm`` and ``.ods``, with the ``xlsx`` extra.

A workbook holds the same two tables as the CSV interchange, as sheets named ``targets``
and ``measurements`` (the header in row 1); cells keep their types, so a date cell is a
date and a number cell a number, and text cells are read like CSV cells.  The reader is
python-calamine (Rust, no macros or formulas evaluated), imported only when a workbook is
read: the core never needs it.

A workbook is a zip file, so before it is opened its directory is checked against
:data:`MAX_UNPACKED_BYTES` and :data:`MAX_MEMBERS` (a zip bomb ends in one
:class:`~goalcheck.errors.LimitError` line, not in memory exhaustion).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from goalcheck._io._read import read_bytes
from goalcheck._io._sheet import Table
from goalcheck.errors import LimitError, MissingDependencyError, PlanError, Problem

__all__ = [
    "MAX_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "WORKBOOK_SUFFIXES",
    "read_workbook",
    "sheet_for",
]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods")
#: The most a workbook may unpack to (256 MiB), and the most files its zip may hold.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 10_000

_EXTRA = "reading workbooks needs the xlsx extra: pip install 'goalcheck[xlsx]'"


def _calamine() -> Any:
    try:
        import python_calamine
    except ImportError:
        raise MissingDependencyError(_EXTRA) from None
    return python_calamine


def _check_zip(data: bytes, shown: str) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        hint = (
            " (an old .xls workbook? save it as .xlsx)" if data[:4] == b"\xd0\xcf\x11\xe0" else ""
        )
        raise PlanError(Problem(f"not a workbook: it is not a zip file{hint}", shown)) from None
    if len(members) > MAX_MEMBERS:
        raise LimitError(
            Problem(
                f"the workbook holds more than {MAX_MEMBERS} files, more than goalcheck reads",
                shown,
            )
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LimitError(
            Problem(
                f"the workbook unpacks to {unpacked // 2**20} MiB, more than the "
                f"{MAX_UNPACKED_BYTES // 2**20} MiB goalcheck reads",
                shown,
            )
        )


def read_workbook(path: Path, shown: str) -> dict[str, Table]:
    """Every sheet of the workbook *path*, by name (raises PlanError/LimitError naming it)."""
    calamine = _calamine()
    data = read_bytes(path, shown)
    _check_zip(data, shown)
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {
            name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names
        }
    except Exception as error:
        raise PlanError(Problem(f"not a readable workbook: {error}", shown)) from None
    return {name: Table([list(row) for row in rows], name) for name, rows in sheets.items()}


def sheet_for(tables: dict[str, Table], kind: str, shown: str, *, alone: bool) -> Table | None:
    """The sheet named *kind* (any case); when *alone*, a workbook's only sheet will do.

    ``None`` when there is no such sheet and *kind* is optional (``measurements``).
    """
    for name, table in tables.items():
        if name.strip().lower() == kind:
            return table
    if alone and len(tables) == 1:
        return next(iter(tables.values()))
    if kind == "measurements":
        return None
    names = ", ".join(repr(name) for name in tables) or "none"
    raise PlanError(
        Problem(f"the workbook has no sheet named {kind!r} (its sheets: {names})", shown)
    )
