"""Evaluation: facts of each target at a date -> the rule set's compiled classifier -> Results.

:func:`evaluate` judges a whole plan and rolls the results up per initiative, area and plan;
:func:`evaluate_iter` judges any iterable of targets lazily, one at a time, holding nothing, for
streams too large for memory.  Both compute only the facts the rule set uses, compile the
rules once, and leave explanations to be rendered when a result is asked for one.

Evaluation is deterministic: the same plan, date, rule set and parameters give the same
report, whatever order the measurements were given in (see :mod:`goalcheck.facts`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any

from goalcheck._params import Bindings, check_plan_params
from goalcheck._rollup import apply_rollup, rollup_of
from goalcheck.errors import EvaluationError
from goalcheck.facts import fact_plan
from goalcheck.model import Plan, Target
from goalcheck.periods import Period, to_date
from goalcheck.report import Report, Result, Rollup, make_rollup, new_result
from goalcheck.rules import RuleSet, load_rules

__all__ = ["evaluate", "evaluate_iter", "evaluate_target", "resolve_as_of"]

RulesArg = str | os.PathLike[str] | RuleSet


def resolve_as_of(as_of: dt.date | str | None, plan: Plan | None = None) -> dt.date:
    """The evaluation date: a date, a period phrase's end, else the plan's date, else today."""
    if as_of is None:
        if plan is not None and plan.date is not None:
            return plan.date
        return dt.date.today()
    return to_date(as_of, side="end")


def _judge(
    items: Iterable[Any],  # Placed items, or (not placed) Targets
    as_of: dt.date,
    ruleset: RuleSet,
    parameters: Mapping[str, Any],
    period: Period | None,
    *,
    placed: bool = True,
) -> Iterator[Result]:
    """The Result of each item: ``(target, initiative, area)``, or (not *placed*) a target
    whose own fields say its initiative and area (no tuple per target on the streaming path).
    """
    bindings = Bindings(ruleset, parameters)  # and each target's own parameters (issue 15)
    compute_facts = fact_plan(bindings.fact_names, years=bindings.years).compute
    rule_ids = [rule.id for rule in ruleset.rules]
    statuses = [rule.status for rule in ruleset.rules]
    for item in items:
        target: Target
        if placed:
            target, initiative, area = item
        else:
            target = item
            initiative = target.initiative
            area = target.area
        facts = compute_facts(target, as_of, period)
        classify, context = bindings.of(target)
        index = classify(facts)
        if index < 0:
            raise EvaluationError(
                f"no rule of rule set {ruleset.name!r} matched target {target.id!r}; "
                'end the rule set with a catch-all rule (when = "true")'
            )
        yield new_result(
            target.id,
            target.title,
            initiative,
            area,
            statuses[index],
            rule_ids[index],
            facts,
            index,
            context,
        )


def evaluate_iter(
    targets: Iterable[Target],
    as_of: dt.date | str,
    rules: RulesArg = "default",
    *,
    period: Period | None = None,
    **parameters: Any,
) -> Iterator[Result]:
    """Judge *targets* one at a time at *as_of* (streaming: nothing is kept).

    A result's ``initiative`` and ``area`` are the target's own fields; *period* gives
    targets without a start or deadline those of a plan.  Unknown parameters raise
    :class:`~goalcheck.errors.RuleError` before the first target is read.
    """
    day = resolve_as_of(as_of)
    ruleset = load_rules(rules)
    ruleset.bind(**parameters)  # fail early, not at the first next()
    return _judge(targets, day, ruleset, parameters, period, placed=False)


def _located(plan: Plan) -> Iterator[tuple[Target, str | None, str | None]]:
    area_of = {initiative.id: initiative.area for initiative in plan.initiatives}
    for target in plan.targets:
        area = target.area or area_of.get(target.initiative or "")
        yield target, target.initiative, area
    for initiative in plan.initiatives:
        for target in initiative.targets:
            yield target, initiative.id, initiative.area


def _items_of(plan: Plan, ruleset: RuleSet) -> Iterator[tuple[Target, str | None, str | None]]:
    """The goals, or the budget targets for a rule set with ``applies_to = "funding"``."""
    from goalcheck._funding import items_for

    return items_for(plan, ruleset, _located)


def evaluate(
    plan: Plan,
    as_of: dt.date | str | None = None,
    rules: RulesArg = "default",
    **parameters: Any,
) -> Report:
    """Judge every target of *plan* at *as_of* with a rule set, and roll the results up.

    *as_of* is a date or a period phrase (its end: "3. kvartal 2009" is 30 September 2009);
    by default the plan's date, else today.  *rules* is a shipped rule set's name, a path or a
    :class:`~goalcheck.rules.RuleSet`; keyword arguments override its parameters
    (``evaluate(plan, pace_tolerance=0.8)``).  Targets without a start or deadline take the
    plan's period.  A plan built in Python is checked like a loaded one
    (:func:`goalcheck.model.check_plan`: duplicate ids, unknown references raise PlanError).
    """
    from goalcheck.model import check_plan

    check_plan(plan)
    day = resolve_as_of(as_of, plan)
    ruleset = load_rules(rules)
    ruleset.bind(**parameters)
    check_plan_params(ruleset, plan)  # every target's own parameters, before the first
    # The cyclic garbage collector is left alone: pausing it is process-wide and unsafe with
    # threads, and since Python 3.8 a full collection waits until the survivors have grown by a
    # quarter, so keeping n results costs O(n) collector work in total.
    results = tuple(_judge(_items_of(plan, ruleset), day, ruleset, parameters, plan.period))
    rollups = apply_rollup(rollup_of(ruleset), _rollups(plan, results, ruleset), results)
    return Report(day, ruleset, results, rollups)


def evaluate_target(
    plan: Plan,
    target_id: str,
    as_of: dt.date | str | None = None,
    rules: RulesArg = "default",
    **parameters: Any,
) -> Result:
    """Judge one target of *plan*, as :func:`evaluate` would, without evaluating the rest.

    The result's initiative and area are the ones the plan gives the target (an initiative's
    targets take its id and area), and the target takes the plan's period.  Raises
    :class:`~goalcheck.errors.TargetNotFoundError` (with a did-you-mean) for an unknown id.
    """
    ruleset = load_rules(rules)
    if getattr(ruleset, "applies_to", None) == "funding":  # a budget target (issue 14)
        from goalcheck._funding import budget_item

        item = budget_item(plan, target_id)
    else:
        target = plan.target(target_id)  # TargetNotFoundError, with a did-you-mean
        item = next(item for item in _located(plan) if item[0] is target)
    day = resolve_as_of(as_of, plan)
    ruleset.bind(**parameters)
    return next(_judge((item,), day, ruleset, parameters, plan.period))


_GROUP = attrgetter("initiative", "area", "status")


def _rollups(plan: Plan, results: tuple[Result, ...], ruleset: RuleSet) -> tuple[Rollup, ...]:
    """The plan, then each area, then each initiative, in the plan's order."""
    by_initiative: dict[str, Counter[str]] = {}
    by_area: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    for (initiative, area, status), n in Counter(map(_GROUP, results)).items():
        total[status] += n
        if initiative is not None:
            by_initiative.setdefault(initiative, Counter())[status] += n
        if area is not None:
            by_area.setdefault(area, Counter())[status] += n
    rollups = [make_rollup("plan", plan.id, plan.title, total, ruleset)]
    area_titles = {area.id: area.title for area in plan.areas}
    for initiative in plan.initiatives:  # areas named by initiatives but never declared
        if initiative.area is not None:
            area_titles.setdefault(initiative.area, "")
    for area_id, title in area_titles.items():
        rollups.append(make_rollup("area", area_id, title, by_area.get(area_id, {}), ruleset))
    for item in plan.initiatives:
        counts: Mapping[str, int] = by_initiative.get(item.id, {})
        rollups.append(make_rollup("initiative", item.id, item.title, counts, ruleset))
    return tuple(rollups)
