"""Model objects <-> tables: targets as the CSV interchange's columns, and the nested layout.

:func:`tables_from_targets` turns :class:`~goalcheck.model.Target` objects into the three
flat tables the columnar backend reads (targets, measurements, checkpoints), which is how the
tests compare the two backends on the same input.  :func:`nest` and :func:`unnest` convert
between the flat tables and the *nested* layout used for partitioned data and the batch
function: one row per target with its measurements (and checkpoints) in list columns, so a
partition of targets always carries all of their measurements.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from goalcheck._io._csv import PARAM_PREFIX
from goalcheck.model import MeasurementKind, Target

__all__ = ["MEASUREMENT_FIELDS", "nest", "tables_from_targets", "unnest"]

TARGET_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String,
    "title": pl.String,
    "initiative": pl.String,
    "area": pl.String,
    "direction": pl.String,
    "target": pl.Float64,
    "target_high": pl.Float64,
    "relative": pl.String,
    "baseline": pl.Float64,
    "limit": pl.Float64,
    "baseline_date": pl.Date,
    "start": pl.Date,
    "deadline": pl.Date,
    "accumulation": pl.String,
    "recurrence": pl.String,
}
MEASUREMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "target_id": pl.String,
    "date": pl.Date,
    "value": pl.Float64,
    "kind": pl.String,
    "made_on": pl.Date,
}
CHECKPOINT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "target_id": pl.String,
    "date": pl.Date,
    "value": pl.Float64,
}
MEASUREMENT_FIELDS = ("date", "value", "kind", "made_on")


def _value(value: object) -> object:
    return getattr(value, "value", value)  # enums as their text


def tables_from_targets(
    targets: Iterable[Target],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The targets, measurements and checkpoints tables of *targets*.

    A target's own parameters become ``param.<name>`` columns (null for the others).
    """
    targets = list(targets)
    rows: dict[str, list[object]] = {name: [] for name in TARGET_SCHEMA}
    measurements: dict[str, list[object]] = {name: [] for name in MEASUREMENT_SCHEMA}
    checkpoints: dict[str, list[object]] = {name: [] for name in CHECKPOINT_SCHEMA}
    for target in targets:
        for name in TARGET_SCHEMA:
            rows[name].append(_value(getattr(target, name)))
        for m in target.measurements:
            measurements["target_id"].append(target.id)
            measurements["date"].append(m.date)
            measurements["value"].append(m.value)
            measurements["kind"].append(
                "forecast" if m.kind is MeasurementKind.FORECAST else "actual"
            )
            measurements["made_on"].append(m.made_on)
        for checkpoint in target.checkpoints:
            checkpoints["target_id"].append(target.id)
            checkpoints["date"].append(checkpoint.date)
            checkpoints["value"].append(checkpoint.value)
    names = sorted({name for target in targets for name in target.params})
    own = [pl.Series(PARAM_PREFIX + name, [t.params.get(name) for t in targets]) for name in names]
    return (
        pl.DataFrame(rows, schema=TARGET_SCHEMA).hstack(own),
        pl.DataFrame(measurements, schema=MEASUREMENT_SCHEMA),
        pl.DataFrame(checkpoints, schema=CHECKPOINT_SCHEMA),
    )


def nest(
    targets: pl.DataFrame,
    measurements: pl.DataFrame,
    checkpoints: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per target, its measurements (and checkpoints) as list-of-struct columns."""
    fields = [name for name in MEASUREMENT_FIELDS if name in measurements.columns]
    grouped = measurements.group_by("target_id", maintain_order=True).agg(
        pl.struct(fields).alias("measurements")
    )
    out = targets.join(
        grouped, left_on="id", right_on="target_id", how="left", maintain_order="left"
    )
    if checkpoints is not None and checkpoints.height:
        cps = checkpoints.group_by("target_id", maintain_order=True).agg(
            pl.struct("date", "value").alias("checkpoints")
        )
        out = out.join(cps, left_on="id", right_on="target_id", how="left", maintain_order="left")
    return out


def unnest(batch: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """The flat targets, measurements and checkpoints tables of a nested batch."""
    nested = [name for name in ("measurements", "checkpoints") if name in batch.columns]
    targets = batch.drop(nested)
    tables: list[pl.DataFrame | None] = []
    for name in ("measurements", "checkpoints"):
        if name not in batch.columns:
            tables.append(None)
            continue
        long = (
            batch.select(pl.col("id").alias("target_id"), pl.col(name))
            .explode(name)
            .drop_nulls(name)
            .unnest(name)
        )
        tables.append(long)
    measurements = tables[0]
    if measurements is None:
        measurements = pl.DataFrame(
            schema={"target_id": pl.String, "date": pl.Date, "value": pl.Float64}
        )
    return targets, measurements, tables[1]
