"""The columnar backend: goalcheck's facts and rules as polars expressions over whole tables.

Imported only by :mod:`goalcheck.frame` (and the CLI's ``--engine columnar``), never by
``import goalcheck``; it needs the ``polars`` extra.  The stages mirror the scalar engine's
(:mod:`goalcheck._facts`): :mod:`._input` (tables -> typed frames, located problems),
:mod:`._goal` (goal in force and window), :mod:`._scan` (one group-wise pass over the
measurements), :mod:`._derive` (the derivations as column expressions), :mod:`._rules`
(``RuleSet.trees`` -> one ``when/then`` chain) and :mod:`._engine` (wiring).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

import polars as pl

from goalcheck._columnar._convert import unnest
from goalcheck._columnar._engine import evaluate, prepare
from goalcheck._columnar._funding import budget_prepared
from goalcheck._columnar._input import (
    Frames,
    Problems,
    normalize,
    normalize_funding,
    to_polars,
)
from goalcheck._columnar._params import own_parameters
from goalcheck._columnar._report import report_for
from goalcheck._funding import applies_to
from goalcheck.engine import resolve_as_of
from goalcheck.errors import PlanError
from goalcheck.periods import Period
from goalcheck.rules import RuleSet, load_rules

__all__ = ["evaluate_nested", "evaluate_tables", "report_for"]


def evaluate_tables(
    targets: Any,
    measurements: Any,
    as_of: dt.date | str | None,
    rules: str | os.PathLike[str] | RuleSet,
    *,
    checkpoints: Any = None,
    period: Period | None = None,
    parameters: Mapping[str, Any] | None = None,
    frames: Frames | None = None,
    funding: Any = None,
) -> pl.DataFrame:
    """:func:`goalcheck.frame.evaluate_frame` (or the same for already normalized *frames*).

    A rule set with ``applies_to = "funding"`` judges the budget targets of *funding* (the
    goals, when given, only for their ids: a budget target's id must not be a goal's); any
    other judges the goals, and a funding table given beside them is checked but not judged.
    """
    day = resolve_as_of(as_of)
    ruleset = load_rules(rules)
    parameters = dict(parameters or {})
    ruleset.bind(**parameters)
    budgets = applies_to(ruleset) == "funding"
    lines = None
    if frames is None and (targets is not None or not budgets):
        frames, lines = _normalized(targets, measurements, checkpoints, funding)
    elif funding is not None:  # checked beside the goals even when they are not judged
        lines = normalize_funding(funding)
    if budgets:  # the budget targets, as goalcheck.evaluate with applies_to = "funding"
        ids = frames.targets["id"] if frames is not None else None
        if lines is None:
            lines = normalize_funding(
                pl.DataFrame(schema={"holder": pl.String, "amount": pl.Float64})
            )
        prepared = budget_prepared(lines, ids)
        return evaluate(prepared, day, ruleset, parameters, period).drop("_index")
    assert frames is not None
    own = own_parameters(frames.targets, ruleset, frames.targets_at)
    return evaluate(prepare(frames), day, ruleset, parameters, period, own).drop("_index")


def _normalized(
    targets: Any, measurements: Any, checkpoints: Any, funding: Any
) -> tuple[Frames, pl.DataFrame | None]:
    """The goals' frames and the funding lines, with every problem of all tables at once."""
    problems = Problems()
    frames = lines = None
    try:
        frames = normalize(targets, measurements, checkpoints)
    except PlanError as error:
        problems.found.extend(error.problems)
    if funding is not None:
        lines = normalize_funding(funding, problems=problems)
    problems.raise_if_any()
    assert frames is not None
    return frames, lines


def evaluate_nested(
    batch: Any,
    as_of: dt.date | str,
    rules: str | os.PathLike[str] | RuleSet,
    parameters: Mapping[str, Any],
) -> pl.DataFrame:
    """:func:`goalcheck.frame.evaluate_batch`."""
    if type(batch).__name__ == "RecordBatch":
        import pyarrow as pa  # type: ignore[import-untyped]

        batch = pa.Table.from_batches([batch])
    targets, measurements, checkpoints = unnest(to_polars(batch, "batch"))
    return evaluate_tables(
        targets, measurements, as_of, rules, checkpoints=checkpoints, parameters=parameters
    )
