"""``load_plan``: which loader a path needs (TOML, a plan directory, CSV, a workbook)."""

from __future__ import annotations

import os
from pathlib import Path

from goalcheck._io._assemble import StrPath
from goalcheck._io._csv import check_decimal, load_csv, load_workbook
from goalcheck._io._number import Decimal
from goalcheck._io._plan import load_toml_files
from goalcheck._io._xlsx import WORKBOOK_SUFFIXES
from goalcheck.errors import PlanError, Problem
from goalcheck.model import Plan

__all__ = ["load_plan"]


def load_plan(
    path: StrPath,
    *,
    decimal: Decimal = None,
    encoding: str | None = None,
    title: str | None = None,
) -> Plan:
    """Load a plan from a TOML file, a directory of TOML files, CSV, or a workbook.

    *path* may be a ``.toml`` file; a directory, whose ``*.toml`` files are merged (in name
    order); a directory holding ``targets.csv`` (and optionally ``measurements.csv``); a
    ``targets.csv`` file itself; or a workbook (``.xlsx``, ``.xlsm``, ``.ods``, with the
    ``xlsx`` extra) with sheets ``targets`` and ``measurements``.  *decimal*, *encoding* and
    *title* apply to spreadsheets as in :func:`goalcheck.load_csv`.  Raises
    :class:`~goalcheck.errors.PlanError` listing every problem found, each with its file
    and location.
    """
    decimal = check_decimal(decimal)
    shown = os.fspath(path)
    p = Path(path)
    if p.is_dir():
        return _load_directory(p, shown, decimal=decimal, encoding=encoding, title=title)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        return load_workbook(path, decimal=decimal, title=title)
    if p.suffix.lower() == ".csv" and p.is_file():
        sibling = p.with_name("measurements.csv")
        measurements = sibling if sibling.is_file() and sibling != p else None
        return load_csv(path, measurements, decimal=decimal, encoding=encoding, title=title)
    if not p.exists():
        raise PlanError(Problem("no such file or directory", shown))
    return load_toml_files([(p, shown)], None)


def _load_directory(
    p: Path, shown: str, *, decimal: Decimal, encoding: str | None, title: str | None
) -> Plan:
    tomls = sorted(child for child in p.iterdir() if child.suffix == ".toml")
    csv_targets = p / "targets.csv"
    if csv_targets.is_file():
        if tomls:
            raise PlanError(
                Problem(
                    "holds both targets.csv and .toml files; keep one kind of plan in a directory",
                    shown,
                )
            )
        measurements = p / "measurements.csv"
        return load_csv(
            csv_targets,
            measurements if measurements.is_file() else None,
            decimal=decimal,
            encoding=encoding,
            title=title,
        )
    if not tomls:
        raise PlanError(Problem("no .toml files (nor targets.csv) in this directory", shown))
    return load_toml_files([(f, os.path.join(shown, f.name)) for f in tomls], shown)
