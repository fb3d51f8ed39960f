"""Per-target parameters in the columnar backend: ``param.<name>`` columns.

A target's own value of a rule-set parameter (``Target.params`` in the scalar engine; the CSV
columns ``param.<name>``) beats the evaluation's override, which beats the rule set's
default.  In a table that is a column: a rule reads ``param.<name>`` where the target gives
one and the bound value elsewhere (``fill_null``), instead of a literal
(:mod:`._rules`).  :func:`own_parameters` checks the columns against the rule set first,
refusing what the scalar engine refuses (an unknown parameter, a value of the wrong kind)
with its wording, each problem located at its row and column.
"""

from __future__ import annotations

import polars as pl

from goalcheck._columnar._input import Problems, Where, bad_rows, is_param
from goalcheck._io._csv import PARAM_PREFIX
from goalcheck._lang.types import Kind
from goalcheck.errors import RuleError
from goalcheck.rules import RuleSet
from goalcheck.rules._check import parameter_kind

__all__ = ["own_parameters"]


def _refusal(ruleset: RuleSet, name: str, value: object) -> str:
    """What the rule set says about *value* for parameter *name* (as the scalar engine)."""
    try:
        ruleset.bind(**{name: value})
    except RuleError as error:
        return str(error.problems[0].message)
    return f"parameter {name!r} does not take {value!r}"  # pragma: no cover - refused above


def _fits(ruleset: RuleSet, name: str, column: pl.Series) -> bool:
    if name not in ruleset.parameters:
        return False
    boolean = parameter_kind(ruleset.parameters[name]) is Kind.BOOL
    return boolean == (column.dtype == pl.Boolean)


def own_parameters(targets: pl.DataFrame, ruleset: RuleSet, where: Where) -> list[str]:
    """The parameters some target gives its own value for, checked against *ruleset*.

    A column without any value is ignored (an empty cell keeps the rule set's value), as
    the scalar engine ignores a target without ``params``.  Raises
    :class:`~goalcheck.errors.PlanError` listing every refused value.
    """
    problems = Problems()
    names = []
    for column in [name for name in targets.columns if is_param(name)]:
        values = targets[column]
        if values.null_count() == len(values):
            continue
        name = column.removeprefix(PARAM_PREFIX)
        if _fits(ruleset, name, values):
            names.append(name)
            continue
        for i in bad_rows(values.is_not_null()):
            message = _refusal(ruleset, name, values[i])
            problems.add(f"target {targets['id'][i]!r}: {message}", where, i, column)
    problems.raise_if_any()
    return names
