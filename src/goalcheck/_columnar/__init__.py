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
from goalcheck._columnar._input import Frames, normalize, to_polars
from goalcheck._columnar._params import own_parameters
from goalcheck._columnar._report import report_for
from goalcheck.engine import resolve_as_of
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
) -> pl.DataFrame:
    """:func:`goalcheck.frame.evaluate_frame` (or the same for already normalized *frames*)."""
    day = resolve_as_of(as_of)
    ruleset = load_rules(rules)
    parameters = dict(parameters or {})
    ruleset.bind(**parameters)
    if frames is None:
        frames = normalize(targets, measurements, checkpoints)
    own = own_parameters(frames.targets, ruleset, frames.targets_at)
    return evaluate(prepare(frames), day, ruleset, parameters, period, own).drop("_index")


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
