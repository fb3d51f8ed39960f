"""The facts of one target at one date: the vocabulary rules are written in.

:func:`compute_facts` derives every fact of :data:`goalcheck._vocabulary.FACTS` from the
actuals dated on or before ``as_of`` (and, for forecasts, those made on or before it).  It runs
the stages of :mod:`goalcheck._facts` in order — the goal in force, the window, one scan over
the measurements, the derivations — and skips the costly groups (the trend, the growth rates,
the forecast) when the caller names the facts it needs.

The semantics, formula by formula, are documented in ``docs/reference/facts.md``; the short
version:

* the *window*: a yearly target is judged within the calendar year that contains ``as_of``
  (1 January to 31 December, only that year's measurements); a trajectory with checkpoints is
  judged against the next checkpoint due on or after ``as_of`` (the last one once all passed);
* a *cumulative* metric is a running count: each actual is the amount added since the one
  before, the value is the baseline (0 unless given) plus their sum; a forecast of a
  cumulative metric is the expected running count at its date;
* actuals on the same date count once: summed (cumulative) or the less favourable one
  (level), so the result does not depend on the order measurements were given in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from goalcheck._facts._plan import ORDER, FactPlan, fact_plan
from goalcheck.model import Target
from goalcheck.periods import Period, to_date

__all__ = ["FACT_NAMES", "FactPlan", "compute_facts", "fact_plan", "facts_of"]

FACT_NAMES: frozenset[str] = frozenset(ORDER)

_DATE = dt.date


def compute_facts(
    target: Target,
    as_of: dt.date | str,
    *,
    names: Collection[str] | None = None,
    period: Period | None = None,
) -> dict[str, object]:
    """Every fact of *target* at *as_of* (or only *names*), from data known at *as_of*.

    *period* supplies a start and deadline for a target that has none (the plan's period).
    Facts that cannot be computed are ``None``.  Raises
    :class:`~goalcheck.errors.EvaluationError` for an unknown fact name.
    """
    if type(as_of) is not _DATE:
        as_of = to_date(as_of)
    return fact_plan(names).compute(target, as_of, period)


def facts_of(
    target: Target, as_of: dt.date, plan: FactPlan, period: Period | None
) -> dict[str, object]:
    """:func:`compute_facts` for a date and a :func:`fact_plan` computed once (the hot path)."""
    return plan.compute(target, as_of, period)
