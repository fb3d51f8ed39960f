"""Reading and writing plans: TOML files and directories, and the CSV interchange.

See docs/reference/plan-format.md and docs/reference/csv.md for the formats.
"""

from __future__ import annotations

from goalcheck._io._csv import load_csv
from goalcheck._io._plan import load_plan, loads_plan
from goalcheck._io._structure import parse_number
from goalcheck._io._toml import dump_plan, write_plan

__all__ = ["dump_plan", "load_csv", "load_plan", "loads_plan", "parse_number", "write_plan"]
