"""Which facts a caller wants, and the function that computes them (cached per name set).

:data:`RECIPES` wires the stages together: one line per stage or fact, in evaluation order,
saying which plain function computes it from which inputs.  :func:`fact_plan` generates, for
a set of wanted facts, one straight-line function of ``(target, as_of, period)`` with only the
lines those facts need (the trend, the forecast or the growth rates are skipped when nothing
wanted uses them) and a dict display of the wanted facts.  That is the cheapest way to
compute a caller-chosen subset, and it keeps each fact's wiring in one readable line.

The source is generated from :data:`RECIPES` and fact names only (checked against the
vocabulary), never from user text, and registered with :mod:`linecache`, so tracebacks and
debuggers show it; :attr:`FactPlan.source` holds it too.  Every call is positional within a
recipe written here, and the result is a dict display keyed by name, so no argument order
has to match by hand.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import itertools
import linecache
from collections.abc import Callable, Collection

import attrs

from goalcheck._facts import _derive, _goal, _scan, _sdg, _window
from goalcheck._facts._inline import inline
from goalcheck._funding import FUNDING_FACTS, funding_facts
from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError, did_you_mean
from goalcheck.model import Target
from goalcheck.periods import Period, years_between

__all__ = ["ORDER", "RECIPES", "FactPlan", "fact_plan"]

#: Every fact, in the order the builder takes them.
ORDER: tuple[str, ...] = (
    "value",
    "measured_on",
    "n_actual",
    "staleness_days",
    "target",
    "target_high",
    "direction",
    "undetermined",
    "milestone",
    "cumulative",
    "satisfied",
    "baseline",
    "baseline_date",
    "start",
    "deadline",
    "progress",
    "elapsed",
    "elapsed_now",
    "pace",
    "projected",
    "projected_satisfied",
    "forecast",
    "forecast_date",
    "forecast_satisfied",
    "overdue",
    "days_left",
    "years_left",
    "growth",
    "growth_required",
    "growth_ratio",
    "anticipated_ratio",
    "limit",
    "limit_coefficient",
    "target_met",
    "progress_value",
    "score",
    "late_forecast",
    "late_forecast_date",
    "expected_late",
    "met_on",
    "met_late",
    "overdue_unreported",
    *FUNDING_FACTS,  # issue 14: goalcheck._funding
)
if len(ORDER) != len(FACTS) or set(ORDER) != set(FACTS):  # pragma: no cover
    raise ImportError("goalcheck._facts._plan.ORDER is out of step with the fact vocabulary")

#: ``(names assigned, expression)``, in evaluation order.  An expression may use the
#: arguments ``subject`` (the Target), ``as_of`` and ``period``, the names assigned above it
#: and the functions of :data:`_NAMESPACE`; ``TREND`` and ``FORECASTS`` are filled in per
#: plan.  A stage's tuple (Goal, Window) is unpacked into its fields and kept whole too.
RECIPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (_goal.Goal._fields, "resolve_goal(subject, as_of, period)"),
    (_window.Window._fields, "window_of(subject, goal, as_of)"),
    (_scan.Aggregate._fields, "scan(goal, window, subject.measurements, TREND, FORECASTS, as_of)"),
    (("staleness_days",), "as_of_ordinal - last_ordinal if last_ordinal >= 0 else None"),
    (
        ("satisfied",),  # a milestone is met once a counted actual reached 1
        "done if milestone and value is not None"
        " else meets(value, code, target, target_high, baseline)",
    ),
    (
        ("edge", "edge_sign"),
        "band_edge(code, direction, target, target_high, undetermined, baseline)",
    ),
    (
        ("progress",),
        "progress_toward(value, baseline, edge, edge_sign, code, target, target_high)",
    ),
    (
        ("elapsed", "elapsed_now"),
        "elapsed_shares(origin, deadline_ordinal, as_of_ordinal, last_ordinal)",
    ),
    (("pace",), "pace_of(progress, elapsed)"),
    (
        ("projected",),
        "trend_at_deadline(sn, sx, sxx, sy, sxy, deadline_ordinal, as_of_ordinal)",
    ),
    (("projected_satisfied",), "meets(projected, code, target, target_high, baseline)"),
    (
        ("forecast_satisfied",),  # meets(None, ...) is None: skip the call
        "None if forecast is None else meets(forecast, code, target, target_high, baseline)",
    ),
    (("overdue",), "deadline_ordinal is not None and as_of_ordinal > deadline_ordinal"),
    (
        ("days_left",),
        "None if deadline_ordinal is None else deadline_ordinal - as_of_ordinal",
    ),
    (("years_left",), "years_to_deadline(as_of, deadline)"),
    (
        ("growth", "growth_required", "growth_ratio", "anticipated_ratio"),
        "growth_facts(None if milestone or undetermined else value, baseline, edge, edge_sign,"
        " base_day(baseline_ordinal), measured_on, deadline, YEARS)",
    ),
    (
        ("limit", "limit_coefficient", "target_met", "progress_value", "score"),
        "sdg_facts(subject.limit, value, baseline, target, code, direction, satisfied,"
        " base_day(baseline_ordinal), measured_on, deadline, YEARS)",
    ),
    (
        ("expected_late",),  # only a forecast due after the deadline says the goal is met;
        # not for a recurring goal, whose later forecasts are about a later period's count
        "late_forecast is not None and subject.recurrence is None"
        " and meets(late_forecast, code, target, target_high, baseline) is True"
        " and forecast_satisfied is not True",
    ),
    (("met_on",), "first_met(goal, window, subject.measurements)"),
    (
        ("met_late",),  # first met after the deadline: only once overdue, and only if an
        # actual counted after the deadline (else the first day met is not after it)
        "overdue and last_ordinal > deadline_ordinal"
        " and after(first_met(goal, window, subject.measurements), deadline)",
    ),
    (("overdue_unreported",), "overdue and n_actual == 0"),
    (FUNDING_FACTS, "funding_facts(subject, as_of)"),  # issue 14: budget targets
)

_NAMESPACE: dict[str, object] = {
    "resolve_goal": _goal.resolve_goal,
    "band_edge": _goal.band_edge,
    "window_of": _window.window_of,
    "scan": _scan.scan,
    "first_met": _scan.first_met,
    **{name: getattr(_derive, name) for name in _derive.__all__},
    "sdg_facts": _sdg.sdg_facts,  # Open SDG's facts (issue 15)
    "funding_facts": funding_facts,  # budget targets' facts (issue 14)
    "whole_years": _sdg.whole_years,  # YEARS for a rule set's years = "whole"
    "years_between": years_between,  # YEARS otherwise
}
_ARGUMENTS = ("subject", "as_of", "period")  # subject: the Target ("target" is a fact)
_TREND = frozenset({"projected"})
_FORECASTS = frozenset({"forecast", "forecast_date", "late_forecast", "late_forecast_date"})


def _inputs(expression: str) -> frozenset[str]:
    """The names an expression reads."""
    return frozenset(
        node.id
        for node in ast.walk(ast.parse(expression, mode="eval"))
        if isinstance(node, ast.Name)
    )


#: The stages whose tuple is passed on whole (by this name) besides being unpacked.
_RECORDS: dict[tuple[str, ...], str] = {
    _goal.Goal._fields: "goal",
    _window.Window._fields: "window",
    _scan.Aggregate._fields: "agg",
}

_STEPS = tuple((names, expression, _inputs(expression)) for names, expression in RECIPES)


def _check_recipes() -> None:
    """Every fact computed once; every input an argument, a function or assigned above."""
    known = set(_ARGUMENTS) | set(_NAMESPACE) | {"None", "TREND", "FORECASTS", "YEARS"}
    for names, expression, inputs in _STEPS:
        missing = inputs - known
        if names in _RECORDS:
            known.add(_RECORDS[names])
        if missing:  # pragma: no cover
            raise ImportError(
                f"facts recipe {expression!r} reads {sorted(missing)} before they exist"
            )
        if set(names) & (set(_NAMESPACE) | set(_ARGUMENTS)):  # pragma: no cover
            raise ImportError(f"facts recipe for {names} shadows a function or an argument")
        known.update(names)
    produced = [name for names, _, _ in _STEPS for name in names if name in FACTS]
    if sorted(produced) != sorted(FACTS):  # pragma: no cover
        raise ImportError("goalcheck._facts._plan.RECIPES is out of step with the vocabulary")


_check_recipes()

Compute = Callable[[Target, "dt.date", "Period | None"], dict[str, object]]


@attrs.frozen
class FactPlan:
    """How to compute a set of facts: ``compute(target, as_of, period) -> dict``.

    ``names`` are the facts computed, in :data:`ORDER`; ``trend``, ``forecasts`` and
    ``growth`` say whether the costly groups run; ``source`` is the generated function.
    """

    names: tuple[str, ...]
    compute: Compute = attrs.field(repr=False)
    trend: bool
    forecasts: bool
    growth: bool
    source: str = attrs.field(repr=False)


@functools.cache
def _inlined(expression: str) -> str:
    """A recipe's expression with its straight calls inlined (once per process: the recipes
    and the namespace are fixed, and every plan that needs the recipe uses the same text)."""
    return inline(expression, _NAMESPACE)


_PLANS: dict[frozenset[str] | None, FactPlan] = {}
_WHOLE_YEAR_PLANS: dict[frozenset[str] | None, FactPlan] = {}  # a rule set's years = "whole"
_MAX_PLANS = 256
_SERIAL = itertools.count(1)


class _Fill(ast.NodeTransformer):
    """The placeholders of a recipe (``TREND``, ``FORECASTS``, ``YEARS``) as a plan's values:
    names in the recipe's tree, so a derivation inlined into it later is never touched."""

    def __init__(self, values: dict[str, ast.expr]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.values.get(node.id, node)


@functools.cache
def _filled(expression: str, trend: bool, forecasts: bool, years: str | None) -> str:
    """*expression* with its placeholders filled in, then inlined (once per variant)."""
    whole = "whole_years" if years == "whole" else "years_between"
    values: dict[str, ast.expr] = {
        "TREND": ast.Constant(trend),
        "FORECASTS": ast.Constant(forecasts),
        "YEARS": ast.Name(whole, ast.Load()),
    }
    tree = _Fill(values).visit(ast.parse(expression, mode="eval"))
    return _inlined(ast.unparse(tree))


def _generate(wanted: tuple[str, ...], years: str | None = None) -> FactPlan:
    """The plan computing *wanted*: the recipes they need, in order, then their dict."""
    needed = set(wanted)
    steps = []
    for names, expression, inputs in reversed(_STEPS):
        record = _RECORDS.get(names)
        if needed.intersection(names) or (record is not None and record in needed):
            needed.update(inputs)
            steps.append((names, expression, record))
    trend = bool(needed & _TREND)
    forecasts = bool(needed & _FORECASTS)
    lines = []
    for names, expression, record in reversed(steps):
        code = _filled(expression, trend, forecasts, years)  # straight derivations inlined
        if record is not None:  # a stage's tuple: keep it and unpack its fields
            lines.append(f"    {', '.join(names)} = {record} = {code}")
        else:
            lines.append(f"    {', '.join(names)} = {code}")
    body = "\n".join(lines)
    items = "".join(f"        {name!r}: {name},\n" for name in wanted)
    source = f"def compute({', '.join(_ARGUMENTS)}):\n{body}\n    return {{\n{items}    }}\n"
    filename = f"<goalcheck facts plan {next(_SERIAL)}>"
    namespace = dict(_NAMESPACE)
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    compute: Compute = namespace["compute"]  # type: ignore[assignment]
    return FactPlan(wanted, compute, trend, forecasts, "growth" in needed, source)


def _new_plan(names: frozenset[str] | None, years: str | None = None) -> FactPlan:
    if names is None:
        return _generate(ORDER, years)
    unknown = sorted(names - FACTS.keys())
    if unknown:
        raise EvaluationError(f"unknown fact {unknown[0]!r}" + did_you_mean(unknown[0], FACTS))
    return _generate(tuple(name for name in ORDER if name in names), years)


def fact_plan(names: Collection[str] | None = None, *, years: str | None = None) -> FactPlan:
    """The plan for *names* (every fact when None), checked against the vocabulary and cached.

    *years* ``"whole"`` (a rule set's ``years`` option) counts the years between two dates
    as the difference of their years in the growth facts; otherwise they are calendar-exact.
    Raises :class:`~goalcheck.errors.EvaluationError` for an unknown name (with a
    did-you-mean).
    """
    plans = _WHOLE_YEAR_PLANS if years == "whole" else _PLANS
    try:
        return plans[names]  # type: ignore[index]
    except (KeyError, TypeError):  # first use of this name set, or not a frozenset
        key = None if names is None else frozenset(names)
    plan = plans.get(key)
    if plan is None:
        plan = _new_plan(key, years)
        if len(plans) >= _MAX_PLANS:
            plans.clear()
        plans[key] = plan
    return plan
