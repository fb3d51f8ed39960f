"""Hypothesis strategies for goalcheck's model, for testing rule sets and code that uses them.

Needs the ``hypothesis`` extra (``pip install goalcheck[test]``); the rest of goalcheck never
imports this module.  Use it as ``from goalcheck import strategies as gst``.

The strategies follow Hypothesis's own API style: every option is keyword-only, ``None``
means "any", sizes are ``min_size``/``max_size``, and impossible combinations raise
:class:`hypothesis.errors.InvalidArgument` when the strategy is created.  Options that pin a
value take a value (``direction="at_most"``); to vary over a few values, ``flatmap`` over
``st.sampled_from(...)``.  Yes/no options are three-valued: ``None`` lets Hypothesis choose,
``True`` always, ``False`` never.  Every generated object is a valid model object (its
constructor and :func:`goalcheck.model.validate_plan` accept it), and its ``repr`` is
Python you can paste (given ``import datetime`` and the model's names).

Each signature below is the only one: the implementation (``goalcheck._strategies``) reads
its defaults from here.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis.strategies import SearchStrategy

from goalcheck._strategies._args import DEFAULT_MAX_DATE, DEFAULT_MIN_DATE, DEFAULT_VALUE_RANGE
from goalcheck._strategies._measures import CHECKPOINTS, FUNDINGS, HISTORIES, MEASUREMENTS
from goalcheck._strategies._plans import INITIATIVES, PLANS
from goalcheck._strategies._rule_sets import RULE_SETS
from goalcheck._strategies._status import TARGETS_WITH_STATUS
from goalcheck._strategies._targets import DATES_WITHIN, TARGETS
from goalcheck.model import (
    Accumulation,
    Checkpoint,
    Direction,
    Funding,
    Initiative,
    Measurement,
    MeasurementKind,
    Plan,
    Recurrence,
    Relative,
    Target,
    TargetKind,
)
from goalcheck.rules import RuleSet

__all__ = [
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "DEFAULT_VALUE_RANGE",
    "checkpoints",
    "dates_within",
    "fundings",
    "initiatives",
    "measurement_histories",
    "measurements",
    "plans",
    "rule_sets",
    "targets",
    "targets_with_status",
]


@MEASUREMENTS.public
def measurements(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    kind: MeasurementKind | str | None = None,
) -> SearchStrategy[Measurement]:
    """Single :class:`~goalcheck.model.Measurement` objects.

    Dates lie in ``[min_date, max_date]`` (default 2000-01-01 to 2030-12-31), values in
    ``[min_value, max_value]`` (default 0 to 1,000,000); *kind* pins ``"actual"`` or
    ``"forecast"``.
    """
    return MEASUREMENTS.strategy(locals())


@HISTORIES.public
def measurement_histories(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    with_forecasts: bool | None = None,
    sort: bool = True,
    unique_dates: bool = False,
) -> SearchStrategy[list[Measurement]]:
    """Lists of measurements of one metric, as a target's ``measurements`` would hold.

    ``sort=True`` returns them in date order (actuals before forecasts on the same day, as
    :class:`~goalcheck.model.Target` keeps them); ``sort=False`` in any order.
    *with_forecasts* ``False`` gives actuals only, ``True`` at least one forecast.
    *unique_dates* keeps at most one measurement per day.  Other options as in
    :func:`measurements`.
    """
    return HISTORIES.strategy(locals())


@CHECKPOINTS.public
def checkpoints(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> SearchStrategy[Checkpoint]:
    """Single :class:`~goalcheck.model.Checkpoint` objects (a value due by a date)."""
    return CHECKPOINTS.strategy(locals())


@FUNDINGS.public
def fundings(
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    min_year: int | None = None,
    max_year: int | None = None,
) -> SearchStrategy[Funding]:
    """Single :class:`~goalcheck.model.Funding` lines: an amount in DKK (default 0 to 10⁹),
    an optional year in ``[min_year, max_year]`` (default 2000 to 2030), any type and kind."""
    return FUNDINGS.strategy(locals())


@TARGETS.public
def targets(
    *,
    direction: Direction | str | None = None,
    accumulation: Accumulation | str | None = None,
    kind: TargetKind | str | None = None,
    unit: str | None = None,
    target: float | None = None,
    relative: bool | Relative | str | None = None,
    recurrence: bool | Recurrence | str | None = None,
    undetermined: bool | None = None,
    with_baseline: bool | None = None,
    with_checkpoints: bool | None = None,
    with_measurements: bool | None = None,
    with_forecasts: bool | None = None,
    max_measurements: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    as_of: dt.date | None = None,
) -> SearchStrategy[Target]:
    """:class:`~goalcheck.model.Target` objects of every direction and accumulation.

    *direction*, *accumulation*, *kind* and *unit* pin that field.  *target* pins the
    threshold (the lower bound of a ``between`` band; the change, for a relative target).
    *relative*: ``False`` absolute thresholds only, ``True`` changes against the baseline
    only, ``"absolute"``/``"percent"`` that kind.  *recurrence*: ``True`` or ``"yearly"``
    always yearly, ``False`` never.  *undetermined*: ``True`` only targets whose number is
    missing ("højst [XX]"), ``False`` never.  *with_baseline*, *with_checkpoints*: whether
    there is a baseline, checkpoints.  *with_measurements*: ``True`` at least one actual,
    ``False`` no measurements at all, ``None`` (default) at least one actual as a rule and
    rarely none.  *with_forecasts*: ``True`` at least one forecast, ``False`` none.
    *max_measurements* caps the history (default 6).  Dates and values lie in the ranges
    given as in :func:`measurements`; percent changes lie in [-100, 100].

    *as_of* (a date in the date range): every target has data at that date, an actual that
    counts there (its ``value`` fact is known), and its period has begun by then.  To draw
    the evaluation date from the target instead, use :func:`dates_within`.

    Options that need a number (*target*, *relative*, ``undetermined=True``,
    ``with_checkpoints=True``) restrict an unpinned direction to at_least, at_most and
    between, and raise :class:`~hypothesis.errors.InvalidArgument` with a direction-only one.
    """
    return TARGETS.strategy(locals())


@DATES_WITHIN.public
def dates_within(target: Target) -> SearchStrategy[dt.date]:
    """Dates at which *target* has data: an actual that counts, or a forecast in force.

    Use it to evaluate a generated target where the evaluation says something::

        @given(st.data())
        def test_something(data):
            target = data.draw(gst.targets())
            as_of = data.draw(gst.dates_within(target))

    or ``gst.targets().flatmap(lambda t: st.tuples(st.just(t), gst.dates_within(t)))``.
    A target without any measurement gets dates in its own span (start to deadline).
    """
    return DATES_WITHIN.strategy(locals())


@INITIATIVES.public
def initiatives(
    *,
    targets: SearchStrategy[Target] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
) -> SearchStrategy[Initiative]:
    """:class:`~goalcheck.model.Initiative` objects holding between *min_size* and
    *max_size* targets drawn from *targets* (default :func:`targets`), with unique target
    ids, each target's ``initiative`` set to the initiative's id, and some funding lines."""
    return INITIATIVES.strategy(locals())


@PLANS.public
def plans(
    *,
    targets: SearchStrategy[Target] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
    max_initiatives: int | None = None,
) -> SearchStrategy[Plan]:
    """:class:`~goalcheck.model.Plan` objects with between *min_size* and *max_size* targets
    in all (drawn from *targets*, default :func:`targets`), spread over the plan itself and
    up to *max_initiatives* initiatives (default 3), plus areas and funding.

    Initiatives and targets sometimes name an area, a plan-level target sometimes the
    initiative it belongs to.  Ids are unique (areas, initiatives, and targets across the
    whole plan), every reference resolves (a target's ``contributes_to`` names an earlier
    result target), and :func:`~goalcheck.model.validate_plan` finds no problem.
    """
    return PLANS.strategy(locals())


@RULE_SETS.public
def rule_sets(
    *,
    statuses: list[str] | tuple[str, ...] | None = None,
    min_size: int = 1,
    max_size: int | None = None,
    hit_policy: str = "first",
    catch_all: bool = True,
    max_parameters: int = 2,
) -> SearchStrategy[RuleSet]:
    """Small valid :class:`~goalcheck.rules.RuleSet` objects over the fact vocabulary.

    Each has between *min_size* and *max_size* rules (default 1 to 5) with random conditions
    (comparisons of facts with constants or parameters, arithmetic, ``min``/``max``/``abs``,
    ``is None``, ``and``/``or``/``not``), plus, with *catch_all*, a last rule that matches
    whatever the others leave, so every target gets a status.  *statuses* pins the status
    ids (severity in list order); by default one to four are drawn.  Up to *max_parameters*
    numeric parameters ``p_1``, ``p_2``, ... are defined and used.  Under
    ``hit_policy="unique"`` the conditions are made mutually exclusive (each guarded against
    ``None`` and excluding the ones before it), so evaluation never raises; such a rule set
    has single comparisons as conditions and at most six rules (default four).
    """
    return RULE_SETS.strategy(locals())


@TARGETS_WITH_STATUS.public
def targets_with_status(
    status: str,
    *,
    as_of: dt.date,
    rules: str | os.PathLike[str] | RuleSet = "default",
    targets: SearchStrategy[Target] | None = None,
    **parameters: Any,
) -> SearchStrategy[Target]:
    """Targets that the rule set *rules* classifies as *status* at *as_of*.

    *rules* is anything :func:`goalcheck.load_rules` takes (a shipped name, a path, a
    :class:`~goalcheck.rules.RuleSet`); keyword *parameters* override its parameters, as in
    :func:`goalcheck.evaluate`.  Every target returned has been evaluated and has the status.

    Without *targets*, targets are built, for any rule set: before the first example the
    strategy tries a few hundred scenarios (a seeded sample of period, elapsed time, progress
    towards the target, staleness, forecasts, per direction and accumulation), keeps those
    that get the status, and then draws scenarios like them; after a few misses a draw falls
    back on a scenario known to get the status, so no draw is filtered out.  Scenarios are
    plain targets (no checkpoints, not yearly).  With *targets* (a strategy), candidates are
    drawn from it and filtered; so they are too when no scenario reaches the status.

    An unknown status, or one no rule gives, raises
    :class:`~hypothesis.errors.InvalidArgument` at once.  Filtered candidates that reach the
    status too rarely make Hypothesis fail its ``filter_too_much`` health check; pass
    *targets* closer to what the rules want.
    """
    return TARGETS_WITH_STATUS.strategy(locals())
