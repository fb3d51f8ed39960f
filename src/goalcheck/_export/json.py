"""The JSON report: ``Report.to_dict()`` (the contract, ``schema_version`` 1) as text.

Keys keep the contract's order (facts sorted by name), so the same report always gives the
same bytes; ``ensure_ascii=False`` keeps Danish letters readable.
"""

from __future__ import annotations

import json

from goalcheck.report import Report

__all__ = ["render_json"]


def render_json(report: Report, lang: str = "en") -> str:
    """The report as indented JSON, explanations in *lang*."""
    return json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
