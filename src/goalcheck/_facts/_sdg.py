"""The Open SDG progress measure's facts, exactly as sdg-build 2.4 computes them.

Plain scalar functions of the goal, the window and the aggregate (like :mod:`._derive`), for
the facts ``limit``, ``limit_coefficient``, ``target_met``, ``progress_value`` and ``score``.
The method, its edge cases and the sources are in ``docs/explanation/methodologies.md``:

* the progress value is ``sign * d * CAGR_observed`` without a target and
  ``sign * d * CAGR_observed / |CAGR_required|`` with one, ``sign`` being -1 for a negative
  baseline; a baseline or target of 0 is read as 0.001; opposite signs, less than a year or a
  required growth of 0 give None;
* a natural limit scales the direction-only thresholds by ``C(baseline, limit)`` (exponent
  4.44, three cases); beside a numeric target it is ignored (``C = 1``);
* the series score runs from -5 to 5 with sdg-build's constants.

Nothing is rounded; the arithmetic is written in the order sdg-build's is, so results agree
to the last bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from goalcheck._facts._derive import finite
from goalcheck._facts._goal import AT_LEAST, AT_MOST, DECREASE, INCREASE
from goalcheck.periods import years_between

__all__ = [
    "EXPONENT",
    "ZERO",
    "limit_coefficient",
    "progress_value",
    "sdg_facts",
    "series_score",
    "span_function",
    "target_met",
    "whole_years",
]

#: The exponent of the limit coefficient.
EXPONENT = 4.44
#: What sdg-build reads a baseline or target of 0 as.
ZERO = 0.001

Span = Callable[[dt.date, dt.date], float]


def whole_years(a: dt.date, b: dt.date) -> float:
    """The years between two dates counted as the difference of their years (sdg-build)."""
    return b.year - a.year


def span_function(years: str | None) -> Span:
    """How years are counted: ``"whole"`` (year differences) or calendar-exact (default)."""
    return whole_years if years == "whole" else years_between


def limit_coefficient(baseline: float | None, limit: float | None, code: int) -> float | None:
    """C(baseline, limit): 1 far from the limit (or without one), 0 at it.

    Only direction-only targets are scaled; beside a numeric target the limit is ignored.
    """
    if limit is None or code not in (INCREASE, DECREASE):
        return 1.0
    if baseline is None:
        return None
    b, lim = abs(baseline), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - float((b / lim) ** EXPONENT)
    return 1 - float(((2 * lim - b) / lim) ** EXPONENT)


def target_met(
    value: float | None, code: int, target: float | None, satisfied: bool | None
) -> bool | None:
    """sdg-build's met test: a target of 0 reads as 0.001; direction-only is never met.

    Bands and milestones keep goalcheck's ``satisfied``.
    """
    if value is None:
        return None
    if code in (AT_LEAST, AT_MOST):
        if target is None:
            return None
        goal = ZERO if target == 0 else target
        return value >= goal if code == AT_LEAST else value <= goal
    if code in (INCREASE, DECREASE):
        return False
    return satisfied


def _cagr(ratio: float, years: float) -> float | None:
    """(ratio) ** (1 / years) - 1; None for a negative ratio (NaN in sdg-build) or overflow."""
    if ratio < 0:
        return None
    try:
        return finite(ratio ** (1 / years) - 1)
    except OverflowError:
        return None


def progress_value(
    value: float | None,
    baseline: float | None,
    target: float | None,
    code: int,
    direction: int,
    since: dt.date | None,
    measured_on: dt.date | None,
    deadline: dt.date | None,
    span: Span = years_between,
) -> float | None:
    """sdg-build's progress value (R with a target, g without), or None."""
    if value is None or baseline is None or since is None or measured_on is None:
        return None
    if code not in (AT_LEAST, AT_MOST, INCREASE, DECREASE):
        return None
    sign = -1 if baseline < 0 else 1
    b = ZERO if baseline == 0 else baseline
    if (b < 0 < value) or (value < 0 < b):
        return None
    years = span(since, measured_on)
    if years < 1:
        return None
    observed = _cagr(value / b, years)
    if observed is None:
        return None
    if code in (INCREASE, DECREASE):
        return sign * direction * observed
    if target is None or deadline is None:
        return None
    required_years = span(since, deadline)
    if required_years <= 0:
        return None
    required = _cagr((ZERO if target == 0 else target) / b, required_years)
    if not required:  # None (undefined) or 0 (baseline == target): no ratio
        return None
    return finite(sign * direction * observed / abs(required))


def series_score(
    met: bool | None, pv: float | None, coefficient: float | None, with_target: bool
) -> float | None:
    """The series score from -5 to 5 (sdg-build's constants; None without a progress value)."""
    if met:
        return 5.0
    if pv is None or coefficient is None:
        return None
    if with_target:
        if pv >= 0.6:
            return float(min(7.1429 * pv - 4.2857, 5))
        return float(max(4.1667 * pv - 2.5, -5))
    if pv < 0:
        return float(max(125 * pv - 2.5, -5))
    if coefficient == 0:
        return 5.0
    if pv >= 0.015 * coefficient:
        return float(min(500 * pv / coefficient - 5, 5))
    if pv >= 0.005 * coefficient:
        return 250 * pv / coefficient - 1.25
    return 500 * pv / coefficient - 2.5


def sdg_facts(
    limit: float | None,
    value: float | None,
    baseline: float | None,
    target: float | None,
    code: int,
    direction: int,
    satisfied: bool | None,
    since: dt.date | None,
    measured_on: dt.date | None,
    deadline: dt.date | None,
    span: Span = years_between,
) -> tuple[float | None, float | None, bool | None, float | None, float | None]:
    """``limit``, ``limit_coefficient``, ``target_met``, ``progress_value`` and ``score``."""
    coefficient = limit_coefficient(baseline, limit, code)
    met = target_met(value, code, target, satisfied)
    pv = progress_value(
        value, baseline, target, code, direction, since, measured_on, deadline, span
    )
    score = series_score(met, pv, coefficient, code in (AT_LEAST, AT_MOST))
    return limit, coefficient, met, pv, score
