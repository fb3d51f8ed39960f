"""The columnar backend's input layer: tables in the CSV interchange's columns -> polars.

:func:`normalize` takes polars, pandas or Arrow tables (or polars LazyFrames) with the columns
of ``targets.csv`` and ``measurements.csv`` (docs/reference/csv.md), plus an optional
checkpoints table (``target_id, date, value``), and returns typed polars DataFrames: numbers
as ``Float64`` (a ``,`` decimal mark accepted as in the CSV reader), dates as ``Date`` (ISO
text fast, any period phrase goalcheck understands through :func:`goalcheck.periods.to_date`),
choices checked.  Every problem is collected and raised at once as a
:class:`~goalcheck.errors.PlanError` whose problems are located like the CSV reader's:
``targets.csv:row 4, column deadline`` (for a file; the header is row 1) or
``targets:index 2, column deadline`` (for an in-memory table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs
import polars as pl

from goalcheck.errors import GoalcheckError, PlanError, Problem, did_you_mean
from goalcheck.periods import to_date

__all__ = [
    "CHOICES",
    "Frames",
    "Where",
    "normalize",
    "read_table",
    "to_polars",
]

TARGET_NUMBERS = ("target", "target_high", "baseline")
TARGET_DATES: dict[str, Literal["start", "end"]] = {
    "baseline_date": "end",
    "start": "start",
    "deadline": "end",
}
TEXTS = ("id", "title", "initiative", "area")
CHOICES: dict[str, tuple[str, ...]] = {
    "direction": ("at_least", "at_most", "between", "increase", "decrease", "milestone"),
    "relative": ("absolute", "percent"),
    "accumulation": ("level", "cumulative"),
    "recurrence": ("yearly",),
    "kind": ("effort", "result"),
}
MEASUREMENT_CHOICES = {"kind": ("actual", "forecast")}
MAX_PROBLEMS = 50


@attrs.frozen
class Where:
    """How to name a table and its rows in problems: a file's rows or a frame's index."""

    shown: str
    offset: int = 0  # row number of index 0 (2 for a CSV file: the header is row 1)

    def at(self, index: int, column: str) -> str:
        if self.offset:
            return f"row {index + self.offset}, column {column}"
        return f"index {index}, column {column}"


@attrs.frozen
class Frames:
    """Normalized input: targets (one row each), measurements and checkpoints."""

    targets: pl.DataFrame
    measurements: pl.DataFrame
    checkpoints: pl.DataFrame


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, message: str, where: Where, index: int | None, column: str | None) -> None:
        if len(self.found) >= MAX_PROBLEMS:
            return
        location = where.at(index, column or "") if index is not None else column
        self.found.append(Problem(message, where.shown, location))

    def raise_if_any(self) -> None:
        if self.found:
            raise PlanError(self.found)


def to_polars(table: object, what: str) -> pl.DataFrame:
    """A polars DataFrame from a polars, pandas or Arrow table (or a polars LazyFrame)."""
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pl.LazyFrame):
        return table.collect()
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        return pl.from_pandas(table)  # type: ignore[arg-type]
    if module == "pyarrow":
        converted = pl.from_arrow(table)  # type: ignore[arg-type]
        if isinstance(converted, pl.DataFrame):
            return converted
    raise GoalcheckError(
        f"{what} must be a polars, pandas or Arrow table, not {type(table).__name__}"
    )


def read_table(path: str, *, what: str) -> tuple[pl.DataFrame, Where]:
    """A CSV or parquet file as a polars DataFrame (CSV cells as text), and how to locate it."""
    from pathlib import Path

    file = Path(path)
    if not file.is_file():
        raise PlanError(Problem(f"no such file: {path}", path))
    try:
        if file.suffix.lower() in (".parquet", ".pq"):
            return pl.read_parquet(file), Where(path)
        frame = pl.read_csv(file, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PlanError(Problem(f"cannot read {what}: {first}", path)) from None
    frame = frame.rename({name: name.strip().lstrip("\ufeff") for name in frame.columns})
    return frame, Where(path, 2)


# --- columns ---------------------------------------------------------------------------------


def _check_columns(
    frame: pl.DataFrame,
    allowed: Iterable[str],
    required: Iterable[str],
    where: Where,
    problems: _Problems,
) -> None:
    allowed = list(allowed)
    for name in frame.columns:
        if name not in allowed:
            hint = did_you_mean(name, allowed) or f" (expected some of {', '.join(allowed)})"
            problems.add(f"unknown column {name!r}{hint}", where, None, f"column {name}")
    for name in required:
        if name not in frame.columns:
            problems.add(f"missing required column {name!r}", where, None, "header")


def _text(frame: pl.DataFrame, name: str) -> pl.Series:
    """Column *name* as stripped text, empty cells as null (a null column if absent)."""
    if name not in frame.columns:
        return pl.Series(name, [None] * frame.height, dtype=pl.String)
    column = frame[name]
    if column.dtype != pl.String:
        column = column.cast(pl.String)
    column = column.str.strip_chars()
    return column.set(column == "", None).alias(name)  # type: ignore[arg-type]


def _bad_rows(mask: pl.Series) -> list[int]:
    return mask.arg_true().head(MAX_PROBLEMS).to_list()


def _number(
    frame: pl.DataFrame, name: str, where: Where, problems: _Problems, *, required: bool = False
) -> pl.Series:
    if name in frame.columns and frame[name].dtype.is_numeric():
        values = frame[name].cast(pl.Float64)
    else:
        text = _text(frame, name)
        comma = text.str.contains(r"^[+-]?\d+,\d+$").fill_null(False)
        text = pl.select(
            pl.when(pl.lit(comma)).then(pl.lit(text).str.replace(",", ".")).otherwise(pl.lit(text))
        ).to_series()
        values = text.cast(pl.Float64, strict=False)
        for i in _bad_rows(values.is_null() & text.is_not_null()):
            problems.add(f"expected a number, not {text[i]!r}", where, i, name)
    values = values.alias(name)
    for i in _bad_rows(~values.is_finite().fill_null(True)):
        problems.add(f"{name} must be a finite number, not {values[i]!r}", where, i, name)
    if required:
        for i in _bad_rows(values.is_null()):
            problems.add(f"{name} is required", where, i, name)
    return values


def _date(
    frame: pl.DataFrame,
    name: str,
    side: Literal["start", "end"],
    where: Where,
    problems: _Problems,
    *,
    required: bool = False,
) -> pl.Series:
    if name in frame.columns and frame[name].dtype == pl.Date:
        days = frame[name]
    elif name in frame.columns and isinstance(frame[name].dtype, pl.Datetime):
        days = frame[name].dt.date()
    else:
        text = _text(frame, name)
        days = text.str.to_date("%Y-%m-%d", strict=False)
        rest = (days.is_null() & text.is_not_null()).arg_true()
        if len(rest):
            days = _phrases(text, days, rest, side, where, problems)
    days = days.alias(name)
    if required:
        for i in _bad_rows(days.is_null()):
            problems.add(f"{name} is required", where, i, name)
    return days


def _phrases(
    text: pl.Series,
    days: pl.Series,
    rows: pl.Series,
    side: Literal["start", "end"],
    where: Where,
    problems: _Problems,
) -> pl.Series:
    """Dates for the cells that are not ISO dates: period phrases, each distinct one once."""
    parsed: dict[str, dt.date | None] = {}
    values = days.to_list()
    for i in rows.to_list():
        cell = text[i]
        if cell not in parsed:
            try:
                parsed[cell] = to_date(cell, side=side)
            except GoalcheckError as error:
                parsed[cell] = None
                message = str(error.problems[0].message) if hasattr(error, "problems") else ""
                problems.add(message or str(error), where, i, text.name)
        values[i] = parsed[cell]
    return pl.Series(text.name, values, dtype=pl.Date)


def _choice(
    frame: pl.DataFrame,
    name: str,
    choices: tuple[str, ...],
    where: Where,
    problems: _Problems,
    *,
    required: bool = False,
) -> pl.Series:
    raw = _text(frame, name)
    text = raw.str.to_lowercase().str.replace_all(r"[- ]", "_")
    for i in _bad_rows(~text.is_in(choices).fill_null(True)):
        cell = raw[i]
        problems.add(
            f"{name} must be one of {', '.join(choices)}, not {cell!r}"
            + did_you_mean(str(text[i]), choices),
            where,
            i,
            name,
        )
    if required:
        for i in _bad_rows(text.is_null()):
            problems.add(f"{name} is required", where, i, name)
    return text.alias(name)


# --- tables ----------------------------------------------------------------------------------


def _allowed_target_columns() -> list[str]:
    from goalcheck._io._csv import target_columns

    return target_columns()


def _allowed_measurement_columns() -> list[str]:
    from goalcheck._io._csv import measurement_columns

    return measurement_columns()


def _targets(frame: pl.DataFrame, where: Where, problems: _Problems) -> pl.DataFrame:
    _check_columns(frame, _allowed_target_columns(), ("id", "direction"), where, problems)
    columns: list[pl.Series] = [_text(frame, name) for name in TEXTS]
    for i in _bad_rows(columns[0].is_null()):
        problems.add("id is required", where, i, "id")
    for name, choices in CHOICES.items():
        columns.append(
            _choice(frame, name, choices, where, problems, required=name == "direction")
        )
    columns += [_number(frame, name, where, problems) for name in TARGET_NUMBERS]
    columns += [_date(frame, name, side, where, problems) for name, side in TARGET_DATES.items()]
    out = pl.DataFrame(columns)
    duplicated = out["id"].is_duplicated() & ~out["id"].is_first_distinct()
    for i in _bad_rows(duplicated.fill_null(False)):
        problems.add(f"duplicate target id {out['id'][i]!r}", where, i, "id")
    _target_problems(out, where, problems)
    return out


def _rule_problems(out: pl.DataFrame) -> Mapping[str, tuple[str, pl.Expr]]:
    d = pl.col("direction")
    t, hi, b = pl.col("target"), pl.col("target_high"), pl.col("baseline")
    return {
        "a 'between' target needs target_high": ("target_high", (d == "between") & t.is_not_null() & hi.is_null()),
        "between: low is above high": ("target_high", (d == "between") & (t > hi)),
        "target_high is only for 'between' targets": ("target_high", (d != "between") & hi.is_not_null()),
        "a direction-only target (increase, decrease) has no target: drop it": (
            "target",
            d.is_in(["increase", "decrease"]) & t.is_not_null(),
        ),
        "a relative target needs a baseline to be relative to": (
            "baseline",
            pl.col("relative").is_not_null() & b.is_null(),
        ),
        "relative makes no sense for milestone, increase or decrease": (
            "relative",
            pl.col("relative").is_not_null() & d.is_in(["milestone", "increase", "decrease"]),
        ),
        "deadline is before start": ("deadline", pl.col("deadline") < pl.col("start")),
    }


def _target_problems(out: pl.DataFrame, where: Where, problems: _Problems) -> None:
    """The model's own checks of one target (goalcheck.model.Target), row by row."""
    rules = _rule_problems(out)
    masks = out.select(
        [expr.fill_null(False).alias(message) for message, (_, expr) in rules.items()]
    )
    for message, (column, _) in rules.items():
        for i in _bad_rows(masks[message]):
            problems.add(message, where, i, column)


def _measurements(
    frame: pl.DataFrame, ids: pl.Series, where: Where, problems: _Problems
) -> pl.DataFrame:
    _check_columns(
        frame, _allowed_measurement_columns(), ("target_id", "date", "value"), where, problems
    )
    target_id = _text(frame, "target_id")
    for i in _bad_rows(target_id.is_null()):
        problems.add("target_id is required", where, i, "target_id")
    kind = _choice(frame, "kind", MEASUREMENT_CHOICES["kind"], where, problems)
    out = pl.DataFrame(
        [
            target_id,
            _date(frame, "date", "end", where, problems, required=True),
            _number(frame, "value", where, problems, required=True),
            (kind == "forecast").fill_null(False).alias("forecast"),
            _date(frame, "made_on", "end", where, problems),
        ]
    )
    unknown = ~out["target_id"].is_in(ids.implode()) & out["target_id"].is_not_null()
    for i in _bad_rows(unknown):
        cell = str(out["target_id"][i])
        problems.add(
            f"unknown target {cell!r}" + did_you_mean(cell, ids.head(10_000).to_list()),
            where,
            i,
            "target_id",
        )
    return out


def _checkpoints(
    frame: pl.DataFrame, ids: pl.Series, where: Where, problems: _Problems
) -> pl.DataFrame:
    names = ("target_id", "date", "value")
    _check_columns(frame, names, names, where, problems)
    out = pl.DataFrame(
        [
            _text(frame, "target_id"),
            _date(frame, "date", "end", where, problems, required=True),
            _number(frame, "value", where, problems, required=True),
        ]
    )
    unknown = ~out["target_id"].is_in(ids.implode()) & out["target_id"].is_not_null()
    for i in _bad_rows(unknown):
        problems.add(f"unknown target {out['target_id'][i]!r}", where, i, "target_id")
    duplicated = out.select(pl.struct("target_id", "date").is_duplicated()).to_series()
    for i in _bad_rows(duplicated):
        problems.add("two checkpoints of one target on the same date", where, i, "date")
    return out


EMPTY_CHECKPOINTS = {"target_id": pl.String, "date": pl.Date, "value": pl.Float64}


def normalize(
    targets: Any,
    measurements: Any = None,
    checkpoints: Any = None,
    *,
    where: tuple[Where, Where, Where] | None = None,
) -> Frames:
    """Typed, checked polars frames from tables in the CSV interchange's columns."""
    wt, wm, wc = where or (Where("targets"), Where("measurements"), Where("checkpoints"))
    problems = _Problems()
    target_frame = _targets(to_polars(targets, "targets"), wt, problems)
    ids = target_frame["id"].drop_nulls()
    if measurements is None:
        measurements = pl.DataFrame(
            schema={"target_id": pl.String, "date": pl.Date, "value": pl.Float64}
        )
    measurement_frame = _measurements(to_polars(measurements, "measurements"), ids, wm, problems)
    if checkpoints is None:
        checkpoints = pl.DataFrame(schema=EMPTY_CHECKPOINTS)
    checkpoint_frame = _checkpoints(to_polars(checkpoints, "checkpoints"), ids, wc, problems)
    problems.raise_if_any()
    return Frames(target_frame, measurement_frame, checkpoint_frame)
