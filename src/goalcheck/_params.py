"""Per-target parameters: a target's own values for rule-set parameters.

A target's ``params`` (``Target.params``; a plan file's ``params`` table, CSV columns
``param.<name>``) override the evaluation's parameters, which override the rule set's
defaults, for that target alone, as Open SDG's per-indicator ``progress_thresholds`` do.

:func:`check_plan_params` checks every target of a plan against the rule set's parameter list
before an evaluation starts (one :class:`~goalcheck.errors.PlanError` listing every problem,
located ``initiatives[0].targets[2].params.name``, with a did-you-mean);
:class:`Bindings` hands the engine the classifier and the explanation context of each target,
compiled once per distinct set of overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from goalcheck._rollup import RollupMethod, check_years, rollup_of
from goalcheck.errors import PlanError, Problem, RuleError
from goalcheck.model import Plan, Target
from goalcheck.report import ResultContext
from goalcheck.rules import RuleSet

__all__ = ["Bindings", "check_plan_params", "target_problems"]

Classify = Callable[[Mapping[str, object]], int]
_MAX_BINDINGS = 1024


def target_problems(ruleset: RuleSet, target: Target, where: str) -> list[Problem]:
    """What is wrong with *target*'s own parameters under *ruleset* (empty: nothing)."""
    if not target.params:
        return []
    try:
        ruleset.bind(**target.params)
    except RuleError as error:
        problems = []
        for problem in error.problems:
            name = (problem.location or "").removeprefix("parameters.")
            message = f"target {target.id!r}: {problem.message}"
            problems.append(Problem(message, problem.file, f"{where}.params.{name}"))
        return problems
    return []


def _where(plan: Plan) -> Iterator[tuple[Target, str]]:
    for j, target in enumerate(plan.targets):
        yield target, f"targets[{j}]"
    for i, initiative in enumerate(plan.initiatives):
        for j, target in enumerate(initiative.targets):
            yield target, f"initiatives[{i}].targets[{j}]"


def check_plan_params(ruleset: RuleSet, plan: Plan) -> None:
    """Raise PlanError listing every target parameter the rule set does not have."""
    problems = [
        p for target, where in _where(plan) for p in target_problems(ruleset, target, where)
    ]
    if problems:
        raise PlanError(problems)


class Bindings:
    """The classifier and explanation context of each target, cached per override set."""

    def __init__(self, ruleset: RuleSet, parameters: Mapping[str, Any]) -> None:
        self.ruleset = ruleset
        self.parameters = dict(parameters)
        self.rollup: RollupMethod = rollup_of(ruleset)
        self.years = check_years(getattr(ruleset, "years", None), ruleset.source)
        self.default = (
            ruleset.compile(**self.parameters),
            ResultContext(ruleset, self.parameters),
        )
        self._own: dict[frozenset[tuple[str, Any]], tuple[Classify, ResultContext]] = {}

    @property
    def fact_names(self) -> frozenset[str]:
        """The facts the rules, their reasons and the rollup read."""
        return self.ruleset.fact_names | self.rollup.facts

    def of(self, target: Target) -> tuple[Classify, ResultContext]:
        """The classifier and context for *target* (PlanError for an unknown parameter)."""
        own = target.params
        if not own:
            return self.default
        key = frozenset(own.items())
        found = self._own.get(key)
        if found is None:
            problems = target_problems(self.ruleset, target, "params")
            if problems:
                raise PlanError(problems)
            merged = {**self.parameters, **own}
            context = ResultContext(self.ruleset, merged, dict(own))
            found = (self.ruleset.compile(**merged), context)
            if len(self._own) >= _MAX_BINDINGS:
                self._own.clear()
            self._own[key] = found
        return found
