"""Measurements, measurement histories, checkpoints and funding lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck._strategies import _args as a
from goalcheck._strategies._basic import dates, numbers, optional_texts, sampled
from goalcheck._strategies._define import Args, Definition
from goalcheck.model import Checkpoint, Funding, FundingKind, FundingType, Measurement
from goalcheck.model import MeasurementKind as Kind

MAX_MEASUREMENTS = 6


@attrs.frozen
class MeasurementSpec:
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]
    kind: Kind | None


def _measurement_spec(args: Args) -> MeasurementSpec:
    return MeasurementSpec(
        a.date_range(args["min_date"], args["max_date"]),
        a.value_range(args["min_value"], args["max_value"]),
        a.choice("kind", args["kind"], Kind),
    )


def made_on(draw: st.DrawFn, kind: Kind, span: tuple[dt.date, dt.date]) -> Any:
    if kind is Kind.ACTUAL:
        return None
    return draw(st.none() | dates(*span))


def measurement(
    draw: st.DrawFn, day: dt.date, value: float, kind: Kind, span: tuple[dt.date, dt.date]
) -> Measurement:
    return Measurement(
        date=day,
        value=value,
        kind=kind,
        source=draw(optional_texts()),
        note=draw(optional_texts()),
        made_on=made_on(draw, kind, span),
    )


def _draw_measurement(draw: st.DrawFn, spec: MeasurementSpec) -> Measurement:
    kind = spec.kind or draw(sampled(Kind))
    return measurement(
        draw, draw(dates(*spec.dates)), draw(numbers(*spec.values)), kind, spec.dates
    )


MEASUREMENTS = Definition("measurements", _measurement_spec, _draw_measurement)


@attrs.frozen
class HistorySpec:
    sizes: tuple[int, int]
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]
    with_forecasts: bool | None
    sort: bool
    unique_dates: bool


def _history_spec(args: Args) -> HistorySpec:
    sizes = a.sizes(args["min_size"], args["max_size"], MAX_MEASUREMENTS)
    span = a.date_range(args["min_date"], args["max_date"])
    forecasts = a.optional_bool("with_forecasts", args["with_forecasts"])
    if forecasts and sizes[1] == 0:
        raise a.fail("with_forecasts=True needs max_size >= 1")
    unique = a.flag("unique_dates", args["unique_dates"])
    days = (span[1] - span[0]).days + 1
    if unique and sizes[0] > days:
        raise a.fail(
            f"min_size={sizes[0]} measurements with unique dates do not fit in {days} day(s)"
        )
    return HistorySpec(
        sizes,
        span,
        a.value_range(args["min_value"], args["max_value"]),
        forecasts,
        a.flag("sort", args["sort"]),
        unique,
    )


def _kinds(draw: st.DrawFn, n: int, actuals: bool | None, forecasts: bool | None) -> list[Kind]:
    """*n* kinds; *actuals*/*forecasts* True = at least one of each, False = none."""
    if forecasts is False:
        return [Kind.ACTUAL] * n
    if actuals is False:
        return [Kind.FORECAST] * n
    kinds: list[Kind] = draw(st.lists(sampled(Kind), min_size=n, max_size=n))
    if forecasts and Kind.FORECAST not in kinds:
        kinds[draw(st.integers(0, n - 1))] = Kind.FORECAST
    if actuals and Kind.ACTUAL not in kinds:
        slots = [i for i, k in enumerate(kinds) if k is Kind.FORECAST]
        if forecasts:
            slots = slots[1:]  # keep one forecast
        kinds[draw(st.sampled_from(slots))] = Kind.ACTUAL
    return kinds


def draw_history(
    draw: st.DrawFn,
    *,
    sizes: tuple[int, int],
    span: tuple[dt.date, dt.date],
    values: SearchStrategy[float],
    actuals: bool | None,
    forecasts: bool | None,
    unique_dates: bool = False,
) -> list[Measurement]:
    """Measurements in generation order; *actuals*/*forecasts* True = at least one of each."""
    lo, hi = sizes
    lo = max(lo, int(bool(actuals)) + int(bool(forecasts)))
    if unique_dates:
        hi = min(hi, (span[1] - span[0]).days + 1)
    hi = max(hi, lo)
    when = draw(st.lists(dates(*span), min_size=lo, max_size=hi, unique=unique_dates))
    kinds = _kinds(draw, len(when), actuals, forecasts)
    return [
        measurement(draw, day, draw(values), kind, span)
        for day, kind in zip(when, kinds, strict=True)
    ]


def sort_key(m: Measurement) -> tuple[dt.date, bool]:
    return (m.date, m.kind is not Kind.ACTUAL)


def _draw_histories(draw: st.DrawFn, spec: HistorySpec) -> list[Measurement]:
    history = draw_history(
        draw,
        sizes=spec.sizes,
        span=spec.dates,
        values=numbers(*spec.values),
        actuals=None,
        forecasts=spec.with_forecasts,
        unique_dates=spec.unique_dates,
    )
    if spec.sort:
        return sorted(history, key=sort_key)
    return draw(st.permutations(history))


HISTORIES = Definition("measurement_histories", _history_spec, _draw_histories)


@attrs.frozen
class RangeSpec:
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]


def _range_spec(args: Args) -> RangeSpec:
    return RangeSpec(
        a.date_range(args["min_date"], args["max_date"]),
        a.value_range(args["min_value"], args["max_value"]),
    )


def _draw_checkpoint(draw: st.DrawFn, spec: RangeSpec) -> Checkpoint:
    return Checkpoint(date=draw(dates(*spec.dates)), value=draw(numbers(*spec.values)))


CHECKPOINTS = Definition("checkpoints", _range_spec, _draw_checkpoint)


@attrs.frozen
class FundingSpec:
    amounts: tuple[float, float]
    years: tuple[int, int]


def _funding_spec(args: Args) -> FundingSpec:
    min_year, max_year = args["min_year"], args["max_year"]
    min_value, max_value = args["min_value"], args["max_value"]
    lo = a.DEFAULT_MIN_DATE.year if min_year is None else a.size("min_year", min_year)
    hi = a.DEFAULT_MAX_DATE.year if max_year is None else a.size("max_year", max_year)
    if min_year is not None and max_year is None:
        hi = max(hi, lo)
    if max_year is not None and min_year is None:
        lo = min(lo, hi)
    if lo > hi:
        raise a.fail(f"min_year={lo} is larger than max_year={hi}")
    if max_value is None and (min_value is None or min_value < 1e9):
        max_value = 1e9
    return FundingSpec(a.value_range(min_value, max_value), (lo, hi))


def _draw_funding(draw: st.DrawFn, spec: FundingSpec) -> Funding:
    return Funding(
        amount=draw(numbers(*spec.amounts)),
        year=draw(st.none() | st.integers(*spec.years)),
        type=draw(sampled(FundingType)),
        kind=draw(sampled(FundingKind)),
        account=draw(optional_texts()),
        note=draw(optional_texts()),
        recipient=draw(optional_texts()),
        positions=draw(st.none() | numbers(0, 1000)),
    )


FUNDINGS = Definition("fundings", _funding_spec, _draw_funding)
