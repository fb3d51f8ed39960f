"""Moved to :mod:`goalcheck._progress` (the CLI's progress line is not an export format).

Kept as a re-export for callers not yet updated; to be deleted.
"""

from __future__ import annotations

from goalcheck._progress import progress

__all__ = ["progress"]
