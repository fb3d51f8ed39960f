"""The names a rule may use: facts of one target at one date.

This table is the single source of truth shared by the expression checker (which rejects
unknown names when a rule set loads), the fact computation (which must produce exactly these),
lint (which uses the types) and the reference docs (which are generated from it).
"""

from __future__ import annotations

import attrs

__all__ = ["FACTS", "FactInfo"]


@attrs.frozen
class FactInfo:
    """What a fact is: its type (``number``, ``bool`` or ``date``), meaning and formula."""

    name: str
    type: str
    meaning: str
    formula: str = ""


def _facts(*rows: tuple[str, str, str, str]) -> dict[str, FactInfo]:
    return {name: FactInfo(name, kind, meaning, formula) for name, kind, meaning, formula in rows}


FACTS: dict[str, FactInfo] = _facts(
    ("value", "number", "latest actual value on or before as_of", "last actual by date"),
    ("measured_on", "date", "date of the latest actual", ""),
    ("target", "number", "the threshold due now (relative targets resolved)", ""),
    ("target_high", "number", "upper bound of a 'between' band", ""),
    ("direction", "number", "+1 higher is better, -1 lower is better, 0 band", ""),
    ("satisfied", "bool", "value meets the target", "value >= target, <= target, in band"),
    ("baseline", "number", "starting value (0 at start for cumulative targets)", ""),
    ("baseline_date", "date", "date of the baseline", ""),
    ("progress", "number", "share of the way from baseline to target", "(v - b) / (t - b)"),
    ("elapsed", "number", "share of start to deadline elapsed at measured_on", ""),
    ("elapsed_now", "number", "share of start to deadline elapsed at as_of", ""),
    ("pace", "number", "progress relative to elapsed time", "progress / elapsed"),
    ("projected", "number", "least-squares linear trend at the deadline", ""),
    ("projected_satisfied", "bool", "projected meets the target", ""),
    ("forecast", "number", "latest forecast made on or before as_of", ""),
    ("forecast_satisfied", "bool", "forecast meets the target", ""),
    ("overdue", "bool", "as_of is after the deadline", "as_of > deadline"),
    ("days_left", "number", "days from as_of to the deadline", "deadline - as_of"),
    ("growth", "number", "direction-adjusted CAGR from baseline to value", ""),
    ("growth_required", "number", "CAGR needed from baseline to target by the deadline", ""),
    ("growth_ratio", "number", "observed over required growth", "d * growth / |required|"),
    (
        "anticipated_ratio",
        "number",
        "anticipated share of the way at the deadline",
        "(v * (1 + CAGR)^years_left - b) / (t - b)",
    ),
    ("n_actual", "number", "number of actuals on or before as_of", ""),
    ("staleness_days", "number", "days since the latest actual", "as_of - measured_on"),
    ("undetermined", "bool", "the target needs a number the plan does not give", ""),
    ("milestone", "bool", "the target is a milestone", ""),
)
