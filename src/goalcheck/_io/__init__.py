"""Reading and writing plans: TOML files and directories, CSV and workbooks.

One reader for every input file (:mod:`._read`), one atomic writer (:mod:`._atomic`), one
number grammar (:mod:`._number`), one builder for attrs schemas (:mod:`._structure`); the
loaders (:mod:`._plan` for TOML, :mod:`._csv` and :mod:`._xlsx` for spreadsheets via
:mod:`._sheet`) read parts that :mod:`._assemble` merges and checks, and :mod:`._load`
picks the loader for a path.  See docs/reference/plan-format.md and docs/reference/csv.md.
"""

from __future__ import annotations

from goalcheck._io._csv import load_csv, load_workbook
from goalcheck._io._load import load_plan
from goalcheck._io._number import parse_number
from goalcheck._io._plan import loads_plan
from goalcheck._io._toml import dump_plan, write_plan

__all__ = [
    "dump_plan",
    "load_csv",
    "load_plan",
    "load_workbook",
    "loads_plan",
    "parse_number",
    "write_plan",
]
