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

from goalcheck._io._csv import PARAM_PREFIX
from goalcheck.errors import GoalcheckError, PlanError, Problem, did_you_mean
from goalcheck.model import (
    Accumulation,
    Direction,
    FundingKind,
    FundingType,
    Recurrence,
    Relative,
    TargetKind,
)
from goalcheck.periods import to_date

__all__ = [
    "CHOICES",
    "Frames",
    "Problems",
    "Where",
    "bad_rows",
    "is_param",
    "normalize",
    "read_table",
    "to_polars",
    "unknown_targets",
]

TARGET_NUMBERS = ("target", "target_high", "baseline", "limit")
TARGET_DATES: dict[str, Literal["start", "end"]] = {
    "baseline_date": "end",
    "start": "start",
    "deadline": "end",
}
TEXTS = ("id", "title", "initiative", "area")
CHOICES: dict[str, tuple[str, ...]] = {
    "direction": tuple(member.value for member in Direction),
    "relative": tuple(member.value for member in Relative),
    "accumulation": tuple(member.value for member in Accumulation),
    "recurrence": tuple(member.value for member in Recurrence),
    "kind": tuple(member.value for member in TargetKind),
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
    measurements_at: Where = Where("measurements")
    checkpoints_at: Where = Where("checkpoints")
    targets_at: Where = Where("targets")


class Problems:
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
        return pl.from_pandas(table)
    if module == "pyarrow":
        converted = pl.from_arrow(table)
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
    stripped = [pl.col(name).str.strip_chars() for name in frame.columns]
    frame = frame.with_columns(stripped).with_columns(
        [pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in frame.columns]
    )
    return frame, Where(path, 2)


# --- columns ---------------------------------------------------------------------------------


def _check_columns(
    frame: pl.DataFrame,
    allowed: Iterable[str],
    required: Iterable[str],
    where: Where,
    problems: Problems,
) -> None:
    allowed = list(allowed)
    for name in frame.columns:
        if name not in allowed and not is_param(name):
            hint = did_you_mean(name, allowed) or f" (expected some of {', '.join(allowed)})"
            problems.add(f"unknown column {name!r}{hint}", where, None, f"column {name}")
    for name in required:
        if name not in frame.columns:
            problems.add(f"missing required column {name!r}", where, None, "header")


def is_param(name: str) -> bool:
    """Whether *name* is a ``param.<name>`` column (a target's own rule-set parameter)."""
    return name.startswith(PARAM_PREFIX) and name != PARAM_PREFIX


def _param(frame: pl.DataFrame, name: str, where: Where, problems: Problems) -> pl.Series:
    """Column *name* (``param.<name>``): true/false as ``Boolean``, numbers as ``Float64``.

    Text cells are read like the CSV reader's: ``true``/``false`` in any case, else a
    number.  Whether a value suits its parameter is checked against the rule set later
    (:func:`goalcheck._columnar._params.own_parameters`).
    """
    column = frame[name]
    if column.dtype == pl.Boolean:
        return column
    if column.dtype == pl.String:
        text = column.str.strip_chars().str.to_lowercase()
        flags = text.is_in(["true", "false"])
        if bool((flags | text.is_null() | (text == "")).all()) and bool(flags.any()):
            return (text.set(text == "", None) == "true").alias(name)
        if bool(flags.any()):  # true/false and numbers: no parameter takes both
            for i in bad_rows(flags.fill_null(False)):
                message = (
                    f"a parameter's column holds numbers or true/false, not both: {column[i]!r}"
                )
                problems.add(message, where, i, name)
            return _nulls(name, pl.Float64, frame.height)
    return _number(frame, name, where, problems)


def _nulls(name: str, dtype: Any, n: int) -> pl.Series:
    return pl.Series(name, dtype=dtype).extend_constant(None, n)


def _text(frame: pl.DataFrame, name: str) -> pl.Series:
    """Column *name* as text (a null column if absent).

    Cells are taken as they are: a CSV file's cells were stripped, and empty ones made
    null, when it was read (:func:`read_table`).
    """
    if name not in frame.columns:
        return _nulls(name, pl.String, frame.height)
    column = frame[name]
    if column.dtype != pl.String:
        column = column.cast(pl.String)
    return column.alias(name)


def bad_rows(mask: pl.Series) -> list[int]:
    if not mask.any():  # the usual case, without building the row list
        return []
    return mask.arg_true().head(MAX_PROBLEMS).to_list()


def _number(
    frame: pl.DataFrame, name: str, where: Where, problems: Problems, *, required: bool = False
) -> pl.Series:
    if name not in frame.columns:
        values = _nulls(name, pl.Float64, frame.height)
    elif frame[name].dtype.is_numeric():
        values = frame[name].cast(pl.Float64)
    else:
        text = _text(frame, name).str.strip_chars()
        text = text.set(text == "", None)
        comma = text.str.contains(r"^[+-]?\d+,\d+$").fill_null(False)
        text = pl.select(
            pl.when(pl.lit(comma)).then(pl.lit(text).str.replace(",", ".")).otherwise(pl.lit(text))
        ).to_series()
        values = text.cast(pl.Float64, strict=False)
        for i in bad_rows(values.is_null() & text.is_not_null()):
            problems.add(f"expected a number, not {text[i]!r}", where, i, name)
    values = values.alias(name)
    finite = values.is_finite()
    for i in bad_rows(~finite.fill_null(True)) if not finite.fill_null(True).all() else ():
        problems.add(f"{name} must be a finite number, not {values[i]!r}", where, i, name)
    if required:
        for i in bad_rows(values.is_null()):
            problems.add(f"{name} is required", where, i, name)
    return values


def _date(
    frame: pl.DataFrame,
    name: str,
    side: Literal["start", "end"],
    where: Where,
    problems: Problems,
    *,
    required: bool = False,
) -> pl.Series:
    if name not in frame.columns:
        days = _nulls(name, pl.Date, frame.height)
    elif frame[name].dtype == pl.Date:
        days = frame[name]
    elif isinstance(frame[name].dtype, pl.Datetime):
        days = frame[name].dt.date()
    else:
        text = _text(frame, name).str.strip_chars()
        text = text.set(text == "", None)
        days = text.str.to_date("%Y-%m-%d", strict=False)
        rest = (days.is_null() & text.is_not_null()).arg_true()
        if len(rest):
            days = _phrases(text, days, rest, side, where, problems)
    days = days.alias(name)
    if required:
        for i in bad_rows(days.is_null()):
            problems.add(f"{name} is required", where, i, name)
    return days


def _phrases(
    text: pl.Series,
    days: pl.Series,
    rows: pl.Series,
    side: Literal["start", "end"],
    where: Where,
    problems: Problems,
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
    problems: Problems,
    *,
    required: bool = False,
) -> pl.Series:
    raw = _text(frame, name)
    if required:
        for i in bad_rows(raw.is_null()):
            problems.add(f"{name} is required", where, i, name)
    if not bool((~raw.is_in(choices) & raw.is_not_null()).any()):
        return raw  # already canonical (the fast path)
    text = raw.str.strip_chars().str.to_lowercase().str.replace_all(r"[- ]", "_")
    text = text.set(text == "", None)
    for i in bad_rows(~text.is_in(choices).fill_null(True)):
        problems.add(
            f"{name} must be one of {', '.join(choices)}, not {raw[i]!r}"
            + did_you_mean(str(text[i]), choices),
            where,
            i,
            name,
        )
    return text.alias(name)


# --- tables ----------------------------------------------------------------------------------


def _allowed_target_columns() -> list[str]:
    from goalcheck._io._csv import target_columns

    return target_columns()


def _allowed_measurement_columns() -> list[str]:
    from goalcheck._io._csv import measurement_columns

    return measurement_columns()


def _targets(frame: pl.DataFrame, where: Where, problems: Problems) -> pl.DataFrame:
    _check_columns(frame, _allowed_target_columns(), ("id", "direction"), where, problems)
    columns: list[pl.Series] = [_text(frame, name) for name in TEXTS]
    for i in bad_rows(columns[0].is_null()):
        problems.add("id is required", where, i, "id")
    for name, choices in CHOICES.items():
        columns.append(
            _choice(frame, name, choices, where, problems, required=name == "direction")
        )
    columns += [_number(frame, name, where, problems) for name in TARGET_NUMBERS]
    columns += [_date(frame, name, side, where, problems) for name, side in TARGET_DATES.items()]
    columns += [_param(frame, name, where, problems) for name in frame.columns if is_param(name)]
    out = pl.DataFrame(columns)
    if not _unique(out["id"]):
        duplicated = ~out["id"].is_first_distinct() & out["id"].is_not_null()
        for i in bad_rows(duplicated):
            problems.add(f"duplicate target id {out['id'][i]!r}", where, i, "id")
    _target_problems(out, where, problems)
    return out


def _unique(ids: pl.Series) -> bool:
    """Whether no id repeats: distinct hashes prove it (one pass over the strings, then
    over integers); only when two hashes agree are the strings themselves compared."""
    return ids.hash().n_unique() == len(ids) or ids.n_unique() == len(ids)


def _rule_problems(out: pl.DataFrame) -> Mapping[str, tuple[str, pl.Expr]]:
    d = pl.col("direction")
    t, hi, b = pl.col("target"), pl.col("target_high"), pl.col("baseline")
    return {
        "a 'between' target needs target_high": (
            "target_high",
            (d == "between") & t.is_not_null() & hi.is_null(),
        ),
        "between: low is above high": ("target_high", (d == "between") & (t > hi)),
        "target_high is only for 'between' targets": (
            "target_high",
            (d != "between") & hi.is_not_null(),
        ),
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


def _target_problems(out: pl.DataFrame, where: Where, problems: Problems) -> None:
    """The model's own checks of one target (goalcheck.model.Target), row by row."""
    rules = _rule_problems(out)
    masks = out.select(
        [expr.fill_null(False).alias(message) for message, (_, expr) in rules.items()]
    )
    for message, (column, _) in rules.items():
        for i in bad_rows(masks[message]):
            problems.add(message, where, i, column)


def _kind(frame: pl.DataFrame, where: Where, problems: Problems) -> pl.Series:
    """Whether each measurement is a forecast (``kind``: actual, the default, or forecast)."""
    if "kind" not in frame.columns:
        return pl.Series("forecast", dtype=pl.Boolean).extend_constant(False, frame.height)
    raw = _text(frame, "kind")
    forecast = raw == "forecast"
    if bool((forecast | (raw == "actual") | raw.is_null()).all()):
        return forecast.fill_null(False).alias("forecast")
    kind = _choice(frame, "kind", MEASUREMENT_CHOICES["kind"], where, problems)
    return (kind == "forecast").fill_null(False).alias("forecast")


def _measurements(frame: pl.DataFrame, where: Where, problems: Problems) -> pl.DataFrame:
    _check_columns(
        frame, _allowed_measurement_columns(), ("target_id", "date", "value"), where, problems
    )
    target_id = _text(frame, "target_id")
    if target_id.null_count():
        for i in bad_rows(target_id.is_null()):
            problems.add("target_id is required", where, i, "target_id")
    return pl.DataFrame(
        [
            target_id,
            _date(frame, "date", "end", where, problems, required=True),
            _number(frame, "value", where, problems, required=True),
            _kind(frame, where, problems),
            _date(frame, "made_on", "end", where, problems),
        ]
    )


def _checkpoints(frame: pl.DataFrame, where: Where, problems: Problems) -> pl.DataFrame:
    names = ("target_id", "date", "value")
    _check_columns(frame, names, names, where, problems)
    out = pl.DataFrame(
        [
            _text(frame, "target_id"),
            _date(frame, "date", "end", where, problems, required=True),
            _number(frame, "value", where, problems, required=True),
        ]
    )
    duplicated = out.select(pl.struct("target_id", "date").is_duplicated()).to_series()
    for i in bad_rows(duplicated):
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
    problems = Problems()
    target_frame = _targets(to_polars(targets, "targets"), wt, problems)
    if measurements is None:
        measurements = pl.DataFrame(
            schema={"target_id": pl.String, "date": pl.Date, "value": pl.Float64}
        )
    measurement_frame = _measurements(to_polars(measurements, "measurements"), wm, problems)
    if checkpoints is None:
        checkpoints = pl.DataFrame(schema=EMPTY_CHECKPOINTS)
    checkpoint_frame = _checkpoints(to_polars(checkpoints, "checkpoints"), wc, problems)
    problems.raise_if_any()
    return Frames(target_frame, measurement_frame, checkpoint_frame, wm, wc, wt)


def unknown_targets(rows: pl.DataFrame, where: Where) -> None:
    """Raise PlanError for the rows (``_row``, ``target_id``) naming no known target."""
    problems = Problems()
    for index, target_id in rows.head(MAX_PROBLEMS).iter_rows():
        problems.add(f"unknown target {target_id!r}", where, int(index), "target_id")
    problems.raise_if_any()


# --- funding lines -----------------------------------------------------------------------------

#: The columns of a funding table: ``holder`` (the plan's or an initiative's id) and the fields
#: of :class:`goalcheck.model.Funding`, named as the model names them.
FUNDING_COLUMNS = (
    "holder",
    "amount",
    "year",
    "type",
    "kind",
    "date",
    "recipient",
    "account",
    "note",
    "positions",
)
FUNDING_CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    # column: (the model's default, the choices)
    "type": (FundingType.OTHER.value, tuple(member.value for member in FundingType)),
    "kind": (FundingKind.BUDGET.value, tuple(member.value for member in FundingKind)),
}


def _year(frame: pl.DataFrame, where: Where, problems: Problems) -> pl.Series:
    """Column ``year`` as ``Int32``: a whole number from 1 to 9999 (or empty)."""
    if "year" not in frame.columns:
        return _nulls("year", pl.Int32, frame.height)
    values = _number(frame, "year", where, problems)
    whole = (values == values.floor()) & (values >= 1) & (values <= 9999)
    for i in bad_rows(~whole.fill_null(True) & values.is_finite().fill_null(False)):
        problems.add(
            f"year must be a whole number from 1 to 9999, not {values[i]!r}", where, i, "year"
        )
    return (
        pl.select(pl.when(pl.lit(whole)).then(pl.lit(values)).cast(pl.Int32))
        .to_series()
        .alias("year")
    )


def normalize_funding(
    table: Any, where: Where | None = None, problems: Problems | None = None
) -> pl.DataFrame:
    """A funding table (one row per funding line) as typed, checked columns.

    ``holder`` and ``amount`` are required; ``type`` defaults to ``other`` and ``kind`` to
    ``budget`` (read like the model: any case, ``-`` or a space for ``_``).  With *problems*,
    the problems are added to it; else they are raised at once (PlanError).
    """
    where = where or Where("funding")
    own = problems is None
    found = Problems() if problems is None else problems
    frame = to_polars(table, "funding")
    _check_columns(frame, FUNDING_COLUMNS, ("holder", "amount"), where, found)
    holder = _text(frame, "holder")
    if "holder" in frame.columns:
        for i in bad_rows(holder.is_null()):
            found.add("holder is required", where, i, "holder")
    columns = [
        holder,
        _number(frame, "amount", where, found, required="amount" in frame.columns),
        _year(frame, where, found),
    ]
    for name, (default, choices) in FUNDING_CHOICES.items():
        columns.append(_choice(frame, name, choices, where, found).fill_null(default))
    columns.append(_date(frame, "date", "end", where, found))
    columns += [_text(frame, name) for name in ("recipient", "account", "note")]
    columns.append(_number(frame, "positions", where, found))
    if own:
        found.raise_if_any()
    return pl.DataFrame(columns)
