"""Hypothesis strategies for goalcheck's model, for testing rule sets and code that uses them.

Needs the ``hypothesis`` extra (``pip install goalcheck[test]``); the rest of goalcheck never
imports this module.  Use it as ``from goalcheck import strategies as gst``.

The strategies follow Hypothesis's own API style: every option is keyword-only, ``None``
means "any", sizes are ``min_size``/``max_size``, and impossible combinations raise
:class:`hypothesis.errors.InvalidArgument` when the strategy is created.  Options that pin a
value take a value (``direction="at_most"``); to vary over a few values, ``flatmap`` over
``st.sampled_from(...)``.  Yes/no options are three-valued: ``None`` lets Hypothesis choose,
``True`` always, ``False`` never.  Every generated object is a valid model object (its
constructor and :func:`goalcheck.model.validate_plan` accept it).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from goalcheck.errors import GoalcheckError
from goalcheck.model import (
    Accumulation,
    Area,
    Checkpoint,
    Direction,
    Funding,
    FundingKind,
    FundingType,
    Initiative,
    Measurement,
    MeasurementKind,
    Plan,
    Recurrence,
    Relative,
    Target,
    TargetGroup,
    TargetKind,
)
from goalcheck.periods import Period
from goalcheck.rules import Rule, RuleSet, StatusInfo, load_rules

__all__ = [
    "DEFAULT_MAX_DATE",
    "DEFAULT_MIN_DATE",
    "DEFAULT_VALUE_RANGE",
    "checkpoints",
    "fundings",
    "initiatives",
    "measurement_histories",
    "measurements",
    "plans",
    "rule_sets",
    "targets",
    "targets_with_status",
]

#: Dates are drawn from this range unless ``min_date``/``max_date`` say otherwise.
DEFAULT_MIN_DATE = dt.date(2000, 1, 1)
DEFAULT_MAX_DATE = dt.date(2030, 12, 31)
#: Values (measurements, baselines, absolute thresholds) are drawn from this range by default.
DEFAULT_VALUE_RANGE = (0.0, 1_000_000.0)
_DEFAULT_DAYS = (DEFAULT_MAX_DATE - DEFAULT_MIN_DATE).days
_NUMERIC = (Direction.AT_LEAST, Direction.AT_MOST, Direction.BETWEEN)
_UNITS = ("", "%", "persons", "participants", "DKK", "days", "pct. points")
_MAX_MEASUREMENTS = 6

T = TypeVar("T")


# --- argument checking -------------------------------------------------------------------


def _fail(message: str) -> InvalidArgument:
    return InvalidArgument(message)


def _check_optional_bool(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise _fail(f"{name}={value!r} must be True, False or None")
    return value


def _check_size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{name}={value!r} must be an integer")
    if value < 0:
        raise _fail(f"{name}={value!r} must not be negative")
    return value


def _sizes(min_size: object, max_size: object, default_max: int) -> tuple[int, int]:
    lo = _check_size("min_size", min_size)
    if max_size is None:
        return lo, max(lo, default_max)
    hi = _check_size("max_size", max_size)
    if hi < lo:
        raise _fail(f"min_size={lo} is larger than max_size={hi}")
    return lo, hi


def _check_date(name: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _fail(f"{name}={value!r} must be a datetime.date (not a datetime or a string)")
    return value


def _date_range(min_date: object, max_date: object) -> tuple[dt.date, dt.date]:
    lo = _check_date("min_date", min_date)
    hi = _check_date("max_date", max_date)
    if lo is not None and hi is not None and lo > hi:
        raise _fail(f"min_date={lo} is after max_date={hi}")
    if lo is None:
        lo = (
            DEFAULT_MIN_DATE
            if hi is None or hi >= DEFAULT_MIN_DATE
            else _shift(hi, -_DEFAULT_DAYS)
        )
    if hi is None:
        hi = DEFAULT_MAX_DATE if lo <= DEFAULT_MAX_DATE else _shift(lo, _DEFAULT_DAYS)
    return lo, hi


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _check_number(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{name}={value!r} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise _fail(f"{name}={value!r} must be finite")
    return number


def _value_range(min_value: object, max_value: object) -> tuple[float, float]:
    lo = _check_number("min_value", min_value)
    hi = _check_number("max_value", max_value)
    default_lo, default_hi = DEFAULT_VALUE_RANGE
    span = default_hi - default_lo
    if lo is not None and hi is not None and lo > hi:
        raise _fail(f"min_value={lo!r} is larger than max_value={hi!r}")
    if lo is None:
        lo = default_lo if hi is None or hi >= default_lo else hi - span
    if hi is None:
        hi = default_hi if lo <= default_hi else lo + span
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise _fail(f"the value range [{lo!r}, {hi!r}] must be finite")
    return lo, hi


def _choice(name: str, value: object, cls: Any) -> Any:
    if value is None:
        return None
    try:
        return cls.parse(value, field=name)
    except GoalcheckError as error:
        raise _fail(str(error)) from None


def _check_text(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _fail(f"{name}={value!r} must be a string")
    return value


def _check_strategy(name: str, value: object) -> SearchStrategy[Any] | None:
    if value is not None and not isinstance(value, SearchStrategy):
        raise _fail(f"{name}={value!r} must be a Hypothesis strategy (wrap a value in st.just)")
    return value


def _strategy_function(name: str, validate: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a ``draw``-function as a composite strategy named *name*, validated eagerly.

    The composite receives the user's own keyword arguments, so its repr reads like the call
    (``targets(direction='at_most')``); *validate* turns them into a spec, once per call.
    """

    def decorate(draw_function: Callable[..., T]) -> Callable[..., SearchStrategy[T]]:
        cached = functools.lru_cache(maxsize=256)(validate)

        def drawer(draw: st.DrawFn, /, **kwargs: Any) -> T:
            return draw_function(draw, _spec(cached, kwargs))

        drawer.__name__ = drawer.__qualname__ = name
        composite = st.composite(drawer)

        @functools.wraps(draw_function)
        def strategy(**kwargs: Any) -> SearchStrategy[T]:
            _spec(cached, kwargs)  # raise InvalidArgument now, not at the first draw
            return composite(**kwargs)

        return strategy

    return decorate


def _spec(validate: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    try:
        hash(tuple(kwargs.items()))
    except TypeError:
        return validate.__wrapped__(**kwargs)  # type: ignore[attr-defined]
    return validate(**kwargs)


# --- small building blocks ---------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _dates(lo: dt.date, hi: dt.date) -> SearchStrategy[dt.date]:
    """Cached: building (and validating) a fresh strategy per draw is most of the cost."""
    return st.dates(lo, hi)


@functools.lru_cache(maxsize=64)
def _sampled(values: Iterable[Any]) -> SearchStrategy[Any]:
    return st.sampled_from(tuple(values))


@functools.lru_cache(maxsize=512)
def _numbers(lo: float, hi: float) -> SearchStrategy[float]:
    """Finite floats in [lo, hi], often whole numbers (counts are common in plans)."""
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    ilo, ihi = math.ceil(lo), math.floor(hi)
    if ilo > ihi:
        return floats
    return st.one_of(st.integers(ilo, ihi).map(float), floats)


@functools.lru_cache(maxsize=512)
def _ids() -> SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,9}", fullmatch=True)


@functools.lru_cache(maxsize=512)
def _texts(*, min_size: int = 0) -> SearchStrategy[str]:
    """Printable text without surrounding space (as a file would keep it)."""
    chars = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
    return (
        st.text(chars, min_size=min_size, max_size=30)
        .map(str.strip)
        .filter(lambda s: len(s) >= min_size)
    )


@functools.lru_cache(maxsize=512)
def _optional_texts() -> SearchStrategy[str | None]:
    return st.none() | _texts(min_size=1)


def _seq(items: Iterable[Any]) -> Any:
    """A tuple for a model field (typed ``Any``: mypy cannot type attrs' ``converter=tuple``)."""
    return tuple(items)


def _rarely(draw: st.DrawFn) -> bool:
    """True about one time in eight; shrinks to False."""
    return draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans())


def _decide(draw: st.DrawFn, choice: bool | None, *, rare: bool = False) -> bool:
    if choice is not None:
        return choice
    return _rarely(draw) if rare else draw(st.booleans())


def _unique_ids(ids: list[str], taken: set[str] | None = None) -> list[str]:
    """*ids* with a ``-2``, ``-3``, ... suffix on each one already used (or in *taken*)."""
    taken = set() if taken is None else taken
    result = []
    for base in ids:
        new, k = base, 1
        while new in taken:
            k += 1
            new = f"{base}-{k}"
        taken.add(new)
        result.append(new)
    return result


def _dedupe_ids(items: list[Target], taken: set[str]) -> list[Target]:
    """Give every target an id not in *taken* (adding the new ids to it)."""
    ids = _unique_ids([item.id for item in items], taken)
    return [
        item if item.id == new else attrs.evolve(item, id=new)
        for item, new in zip(items, ids, strict=True)
    ]


# --- measurements ------------------------------------------------------------------------


@attrs.frozen
class _MeasurementSpec:
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]
    kind: MeasurementKind | None


def _measurement_spec(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    kind: MeasurementKind | str | None = None,
) -> _MeasurementSpec:
    return _MeasurementSpec(
        _date_range(min_date, max_date),
        _value_range(min_value, max_value),
        _choice("kind", kind, MeasurementKind),
    )


def _draw_measurement(
    draw: st.DrawFn,
    dates: tuple[dt.date, dt.date],
    values: SearchStrategy[float],
    kind: MeasurementKind,
) -> Measurement:
    return Measurement(
        date=draw(_dates(*dates)),
        value=draw(values),
        kind=kind,
        source=draw(_optional_texts()),
        note=draw(_optional_texts()),
        made_on=_made_on(draw, kind, dates),
    )


@_strategy_function("measurements", _measurement_spec)
def _measurements(draw: st.DrawFn, spec: _MeasurementSpec) -> Measurement:
    kind = spec.kind or draw(_sampled(MeasurementKind))
    return _draw_measurement(draw, spec.dates, _numbers(*spec.values), kind)


def measurements(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    kind: MeasurementKind | str | None = None,
) -> SearchStrategy[Measurement]:
    """Single :class:`~goalcheck.model.Measurement` objects.

    Dates lie in ``[min_date, max_date]`` (default 2000-01-01 to 2030-12-31), values in
    ``[min_value, max_value]`` (default 0 to 1,000,000); *kind* pins ``"actual"`` or
    ``"forecast"``.
    """
    return _measurements(  # type: ignore[no-any-return]
        **_given(
            min_date=min_date,
            max_date=max_date,
            min_value=min_value,
            max_value=max_value,
            kind=kind,
        )
    )


def _given(**kwargs: Any) -> dict[str, Any]:
    """The arguments the caller actually set, so reprs show only those."""
    return {key: value for key, value in kwargs.items() if value is not None}


@attrs.frozen
class _HistorySpec:
    sizes: tuple[int, int]
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]
    with_forecasts: bool | None
    sort: bool
    unique_dates: bool


def _history_spec(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    with_forecasts: bool | None = None,
    sort: bool = True,
    unique_dates: bool = False,
) -> _HistorySpec:
    sizes = _sizes(min_size, max_size, _MAX_MEASUREMENTS)
    dates = _date_range(min_date, max_date)
    forecasts = _check_optional_bool("with_forecasts", with_forecasts)
    if forecasts and sizes[1] == 0:
        raise _fail("with_forecasts=True needs max_size >= 1")
    if not isinstance(sort, bool):
        raise _fail(f"sort={sort!r} must be True or False")
    if not isinstance(unique_dates, bool):
        raise _fail(f"unique_dates={unique_dates!r} must be True or False")
    days = (dates[1] - dates[0]).days + 1
    if unique_dates and sizes[0] > days:
        raise _fail(
            f"min_size={sizes[0]} measurements with unique dates do not fit in {days} day(s)"
        )
    return _HistorySpec(
        sizes, dates, _value_range(min_value, max_value), forecasts, sort, unique_dates
    )


def _draw_history(
    draw: st.DrawFn,
    *,
    sizes: tuple[int, int],
    dates: tuple[dt.date, dt.date],
    values: SearchStrategy[float],
    actuals: bool | None,
    forecasts: bool | None,
    unique_dates: bool,
) -> list[Measurement]:
    """Measurements in generation order; *actuals*/*forecasts* True = at least one of each."""
    lo, hi = sizes
    lo = max(lo, int(bool(actuals)) + int(bool(forecasts)))
    if unique_dates:
        hi = min(hi, (dates[1] - dates[0]).days + 1)
    hi = max(hi, lo)
    days = st.lists(_dates(*dates), min_size=lo, max_size=hi, unique=unique_dates)
    when = draw(days)
    kinds: list[MeasurementKind]
    if forecasts is False:
        kinds = [MeasurementKind.ACTUAL] * len(when)
    elif actuals is False:
        kinds = [MeasurementKind.FORECAST] * len(when)
    else:
        kinds = draw(st.lists(_sampled(MeasurementKind), min_size=len(when), max_size=len(when)))
        if forecasts and MeasurementKind.FORECAST not in kinds:
            kinds[draw(st.integers(0, len(kinds) - 1))] = MeasurementKind.FORECAST
        if actuals and MeasurementKind.ACTUAL not in kinds:
            slots = [i for i, k in enumerate(kinds) if k is MeasurementKind.FORECAST]
            if forecasts:
                slots = slots[1:]  # keep one forecast
            kinds[draw(st.sampled_from(slots))] = MeasurementKind.ACTUAL
    return [
        Measurement(
            date=day,
            value=draw(values),
            kind=kind,
            source=draw(_optional_texts()),
            note=draw(_optional_texts()),
            made_on=_made_on(draw, kind, dates),
        )
        for day, kind in zip(when, kinds, strict=True)
    ]


def _made_on(draw: st.DrawFn, kind: MeasurementKind, dates: tuple[dt.date, dt.date]) -> Any:
    if kind is MeasurementKind.ACTUAL:
        return None
    return draw(st.none() | _dates(*dates))


def _sort_key(m: Measurement) -> tuple[dt.date, bool]:
    return (m.date, m.kind is not MeasurementKind.ACTUAL)


@_strategy_function("measurement_histories", _history_spec)
def _measurement_histories(draw: st.DrawFn, spec: _HistorySpec) -> list[Measurement]:
    history = _draw_history(
        draw,
        sizes=spec.sizes,
        dates=spec.dates,
        values=_numbers(*spec.values),
        actuals=None,
        forecasts=spec.with_forecasts,
        unique_dates=spec.unique_dates,
    )
    if spec.sort:
        return sorted(history, key=_sort_key)
    return draw(st.permutations(history))


def measurement_histories(
    *,
    min_size: int = 0,
    max_size: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    with_forecasts: bool | None = None,
    sort: bool = True,
    unique_dates: bool = False,
) -> SearchStrategy[list[Measurement]]:
    """Lists of measurements of one metric, as a target's ``measurements`` would hold.

    ``sort=True`` returns them in date order (actuals before forecasts on the same day, as
    :class:`~goalcheck.model.Target` keeps them); ``sort=False`` in any order.
    *with_forecasts* ``False`` gives actuals only, ``True`` at least one forecast.
    *unique_dates* keeps at most one measurement per day.  Other options as in
    :func:`measurements`.
    """
    return _measurement_histories(  # type: ignore[no-any-return]
        **_given(
            min_date=min_date,
            max_date=max_date,
            min_value=min_value,
            max_value=max_value,
            with_forecasts=with_forecasts,
            max_size=max_size,
        ),
        **({"min_size": min_size} if min_size != 0 else {}),
        **({"sort": sort} if sort is not True else {}),
        **({"unique_dates": unique_dates} if unique_dates is not False else {}),
    )


# --- checkpoints and funding -------------------------------------------------------------


@attrs.frozen
class _RangeSpec:
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]


def _range_spec(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> _RangeSpec:
    return _RangeSpec(_date_range(min_date, max_date), _value_range(min_value, max_value))


@_strategy_function("checkpoints", _range_spec)
def _checkpoints(draw: st.DrawFn, spec: _RangeSpec) -> Checkpoint:
    return Checkpoint(date=draw(_dates(*spec.dates)), value=draw(_numbers(*spec.values)))


def checkpoints(
    *,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> SearchStrategy[Checkpoint]:
    """Single :class:`~goalcheck.model.Checkpoint` objects (a value due by a date)."""
    return _checkpoints(  # type: ignore[no-any-return]
        **_given(min_date=min_date, max_date=max_date, min_value=min_value, max_value=max_value)
    )


@attrs.frozen
class _FundingSpec:
    amounts: tuple[float, float]
    years: tuple[int, int]


def _funding_spec(
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    min_year: int | None = None,
    max_year: int | None = None,
) -> _FundingSpec:
    lo = DEFAULT_MIN_DATE.year if min_year is None else _check_size("min_year", min_year)
    hi = DEFAULT_MAX_DATE.year if max_year is None else _check_size("max_year", max_year)
    if min_year is not None and max_year is None:
        hi = max(hi, lo)
    if max_year is not None and min_year is None:
        lo = min(lo, hi)
    if lo > hi:
        raise _fail(f"min_year={lo} is larger than max_year={hi}")
    amounts = _value_range(
        min_value,
        1e9 if max_value is None and (min_value is None or min_value < 1e9) else max_value,
    )
    return _FundingSpec(amounts, (lo, hi))


@_strategy_function("fundings", _funding_spec)
def _fundings(draw: st.DrawFn, spec: _FundingSpec) -> Funding:
    return Funding(
        amount=draw(_numbers(*spec.amounts)),
        year=draw(st.none() | st.integers(*spec.years)),
        type=draw(_sampled(FundingType)),
        kind=draw(_sampled(FundingKind)),
        account=draw(_optional_texts()),
        note=draw(_optional_texts()),
        recipient=draw(_optional_texts()),
        positions=draw(st.none() | _numbers(0, 1000)),
    )


def fundings(
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    min_year: int | None = None,
    max_year: int | None = None,
) -> SearchStrategy[Funding]:
    """Single :class:`~goalcheck.model.Funding` lines: an amount in DKK (default 0 to 10⁹),
    an optional year in ``[min_year, max_year]`` (default 2000 to 2030), any type and kind."""
    return _fundings(  # type: ignore[no-any-return]
        **_given(min_value=min_value, max_value=max_value, min_year=min_year, max_year=max_year)
    )


# --- targets -----------------------------------------------------------------------------


@attrs.frozen
class _TargetSpec:
    directions: tuple[Direction, ...]
    accumulation: Accumulation | None
    kind: TargetKind | None
    unit: str | None
    target: float | None
    relatives: tuple[Relative | None, ...]
    recurrence: bool | None
    undetermined: bool | None
    with_baseline: bool | None
    with_checkpoints: bool | None
    with_measurements: bool | None
    with_forecasts: bool | None
    max_measurements: int
    dates: tuple[dt.date, dt.date]
    values: tuple[float, float]


def _target_spec(
    *,
    direction: Direction | str | None = None,
    accumulation: Accumulation | str | None = None,
    kind: TargetKind | str | None = None,
    unit: str | None = None,
    target: float | None = None,
    relative: bool | Relative | str | None = None,
    recurrence: bool | Recurrence | str | None = None,
    undetermined: bool | None = None,
    with_baseline: bool | None = None,
    with_checkpoints: bool | None = None,
    with_measurements: bool | None = None,
    with_forecasts: bool | None = None,
    max_measurements: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> _TargetSpec:
    pinned = _choice("direction", direction, Direction)
    directions: tuple[Direction, ...] = (pinned,) if pinned is not None else tuple(Direction)
    pinned_target = _check_number("target", target)
    und = _check_optional_bool("undetermined", undetermined)
    baseline = _check_optional_bool("with_baseline", with_baseline)
    cps = _check_optional_bool("with_checkpoints", with_checkpoints)
    actuals = _check_optional_bool("with_measurements", with_measurements)
    forecasts = _check_optional_bool("with_forecasts", with_forecasts)

    relatives: tuple[Relative | None, ...]
    if relative is None:
        relatives = (None, Relative.ABSOLUTE, Relative.PERCENT)
    elif relative is False:
        relatives = (None,)
    elif relative is True:
        relatives = (Relative.ABSOLUTE, Relative.PERCENT)
    else:
        relatives = (_choice("relative", relative, Relative),)
    is_relative = None not in relatives

    if recurrence is None or isinstance(recurrence, bool):
        rec = recurrence
    else:
        _choice("recurrence", recurrence, Recurrence)
        rec = True

    # Each of these needs a number to compare against, which direction-only targets lack.
    for needs_number, why in (
        (pinned_target is not None, f"target={pinned_target!r}"),
        (und is True, "undetermined=True"),
        (is_relative, f"relative={relative!r}"),
        (cps is True, "with_checkpoints=True"),
    ):
        if needs_number:
            directions = tuple(d for d in directions if d in _NUMERIC)
            if not directions:
                raise _fail(
                    f"{why} needs a direction with a number (at_least, at_most or between), "
                    f"not direction={direction!r}"
                )
    if pinned_target is not None and und:
        raise _fail("target=... gives the number that undetermined=True says is missing")
    if is_relative and baseline is False:
        raise _fail(f"relative={relative!r} needs a baseline, but with_baseline=False")
    if cps:
        if is_relative:
            raise _fail("with_checkpoints=True is only generated for targets with relative=False")
        relatives = (None,)
        directions = tuple(d for d in directions if d is not Direction.BETWEEN)
        if not directions:
            raise _fail("with_checkpoints=True needs direction at_least or at_most")
    if forecasts and actuals is False:
        raise _fail("with_forecasts=True needs measurements, but with_measurements=False")
    if max_measurements is None:
        most = max(_MAX_MEASUREMENTS, int(bool(actuals)) + int(bool(forecasts)))
    else:
        most = _check_size("max_measurements", max_measurements)
        need = int(bool(actuals)) + int(bool(forecasts))
        if most < need:
            raise _fail(f"max_measurements={most} leaves no room for the required measurements")
    return _TargetSpec(
        directions=directions,
        accumulation=_choice("accumulation", accumulation, Accumulation),
        kind=_choice("kind", kind, TargetKind),
        unit=_check_text("unit", unit),
        target=pinned_target,
        relatives=relatives,
        recurrence=rec,
        undetermined=und,
        with_baseline=baseline,
        with_checkpoints=cps,
        with_measurements=actuals,
        with_forecasts=forecasts,
        max_measurements=most,
        dates=_date_range(min_date, max_date),
        values=_value_range(min_value, max_value),
    )


def _band(
    draw: st.DrawFn, numbers: SearchStrategy[float], low: float | None
) -> tuple[float, float]:
    if low is None:
        a, b = draw(numbers), draw(numbers)
        return (a, b) if a <= b else (b, a)
    high = low + draw(st.floats(0, 1_000_000, allow_nan=False, allow_subnormal=False))
    return low, (high if math.isfinite(high) else low)


@_strategy_function("targets", _target_spec)
def _targets(draw: st.DrawFn, spec: _TargetSpec) -> Target:
    direction = draw(st.sampled_from(spec.directions))
    values = _numbers(*spec.values)
    numeric = direction in _NUMERIC
    undetermined = numeric and _decide(draw, spec.undetermined, rare=True)
    if spec.target is not None:
        undetermined = False

    relative: Relative | None = None
    kinds = [r for r in spec.relatives if r is not None]
    if numeric and kinds and (None not in spec.relatives or _rarely(draw)):
        relative = draw(st.sampled_from(kinds))
    has_baseline = relative is not None or _decide(draw, spec.with_baseline)
    baseline = draw(values) if has_baseline else None
    baseline_date = draw(st.none() | _dates(*spec.dates)) if has_baseline else None

    # Targets: absolute thresholds lie in the value range; absolute changes are such a
    # threshold minus the baseline; percent changes lie in [-100, 100].
    target: float | None = None
    target_high: float | None = None
    if numeric and not undetermined:
        if relative is Relative.PERCENT:
            numbers = _numbers(-100.0, 100.0)
        elif relative is Relative.ABSOLUTE:
            assert baseline is not None
            numbers = values.map(lambda t: t - baseline)
        else:
            numbers = values
        if direction is Direction.BETWEEN:
            target, target_high = _band(draw, numbers, spec.target)
        else:
            target = spec.target if spec.target is not None else draw(numbers)

    days = sorted(draw(st.lists(_dates(*spec.dates), min_size=2, max_size=2)))
    start = days[0] if draw(st.booleans()) else None
    deadline = days[1] if not _rarely(draw) else None

    if spec.recurrence is None:
        recurrence = Recurrence.YEARLY if _rarely(draw) else None
    else:
        recurrence = Recurrence.YEARLY if spec.recurrence else None

    checkpoint_list: list[Checkpoint] = []
    if (
        direction in (Direction.AT_LEAST, Direction.AT_MOST)
        and relative is None
        and _decide(draw, spec.with_checkpoints, rare=True)
    ):
        lo_day = start or spec.dates[0]
        hi_day = deadline or spec.dates[1]
        when = draw(st.lists(_dates(lo_day, hi_day), min_size=1, max_size=3, unique=True))
        checkpoint_list = [Checkpoint(day, draw(values)) for day in sorted(when)]

    if spec.with_measurements is False:
        history: list[Measurement] = []
    else:
        milestone_values = st.sampled_from([0.0, 1.0]) | values
        history = _draw_history(
            draw,
            sizes=(0, spec.max_measurements),
            dates=spec.dates,
            values=milestone_values if direction is Direction.MILESTONE else values,
            actuals=spec.with_measurements,
            forecasts=spec.with_forecasts,
            unique_dates=False,
        )

    return Target(
        id=draw(_ids()),
        direction=direction,
        title=draw(_texts()),
        kind=spec.kind or draw(_sampled(TargetKind)),
        target=target,
        target_high=target_high,
        relative=relative,
        unit=spec.unit if spec.unit is not None else draw(_sampled(_UNITS)),
        baseline=baseline,
        baseline_date=baseline_date,
        start=start,
        deadline=deadline,
        accumulation=spec.accumulation or draw(_sampled(Accumulation)),
        recurrence=recurrence,
        checkpoints=_seq(checkpoint_list),
        measurements=_seq(history),
        description=draw(_texts()),
        reported_status=draw(_optional_texts()),
        reported_text=draw(_optional_texts()),
        tags=_seq(draw(st.lists(_ids(), max_size=2, unique=True))),
    )


def targets(
    *,
    direction: Direction | str | None = None,
    accumulation: Accumulation | str | None = None,
    kind: TargetKind | str | None = None,
    unit: str | None = None,
    target: float | None = None,
    relative: bool | Relative | str | None = None,
    recurrence: bool | Recurrence | str | None = None,
    undetermined: bool | None = None,
    with_baseline: bool | None = None,
    with_checkpoints: bool | None = None,
    with_measurements: bool | None = None,
    with_forecasts: bool | None = None,
    max_measurements: int | None = None,
    min_date: dt.date | None = None,
    max_date: dt.date | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> SearchStrategy[Target]:
    """:class:`~goalcheck.model.Target` objects of every direction and accumulation.

    *direction*, *accumulation*, *kind* and *unit* pin that field.  *target* pins the
    threshold (the lower bound of a ``between`` band; the change, for a relative target).
    *relative*: ``False`` absolute thresholds only, ``True`` changes against the baseline
    only, ``"absolute"``/``"percent"`` that kind.  *recurrence*: ``True`` or ``"yearly"``
    always yearly, ``False`` never.  *undetermined*: ``True`` only targets whose number is
    missing ("højst [XX]"), ``False`` never.  *with_baseline*, *with_checkpoints*: whether
    there is a baseline, checkpoints.  *with_measurements*: ``True`` at least one actual,
    ``False`` no measurements at all; *with_forecasts*: ``True`` at least one forecast,
    ``False`` none.  *max_measurements* caps the history (default 6).  Dates and values
    lie in the ranges given as in :func:`measurements`; percent changes lie in [-100, 100].

    Options that need a number (*target*, *relative*, ``undetermined=True``,
    ``with_checkpoints=True``) restrict an unpinned direction to at_least, at_most and
    between, and raise :class:`~hypothesis.errors.InvalidArgument` with a direction-only one.
    """
    return _targets(  # type: ignore[no-any-return]
        **_given(
            direction=direction,
            accumulation=accumulation,
            kind=kind,
            unit=unit,
            target=target,
            relative=relative,
            recurrence=recurrence,
            undetermined=undetermined,
            with_baseline=with_baseline,
            with_checkpoints=with_checkpoints,
            with_measurements=with_measurements,
            with_forecasts=with_forecasts,
            max_measurements=max_measurements,
            min_date=min_date,
            max_date=max_date,
            min_value=min_value,
            max_value=max_value,
        )
    )


# --- initiatives and plans ---------------------------------------------------------------


@attrs.frozen
class _CollectionSpec:
    targets: SearchStrategy[Target]
    sizes: tuple[int, int]
    max_initiatives: int


def _collection_spec(
    *,
    targets: SearchStrategy[Target] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
    max_initiatives: int | None = None,
) -> _CollectionSpec:
    strategy = _check_strategy("targets", targets)
    most = 3 if max_initiatives is None else _check_size("max_initiatives", max_initiatives)
    return _CollectionSpec(
        strategy if strategy is not None else _default_targets(),
        _sizes(min_size, max_size, 4),
        most,
    )


def _default_targets() -> SearchStrategy[Target]:
    return targets()


def _draw_initiative(
    draw: st.DrawFn, spec: _CollectionSpec, taken: set[str], areas: list[str]
) -> Initiative:
    initiative_id = draw(_ids())
    items = draw(st.lists(spec.targets, min_size=spec.sizes[0], max_size=spec.sizes[1]))
    items = [attrs.evolve(t, initiative=initiative_id) for t in _dedupe_ids(items, taken)]
    size = draw(st.none() | _numbers(0, 1_000_000))
    group = draw(
        st.none()
        | st.builds(
            TargetGroup,
            description=_texts(),
            size=st.just(size),
            size_date=st.none() | _dates(DEFAULT_MIN_DATE, DEFAULT_MAX_DATE),
        )
    )
    return Initiative(
        id=initiative_id,
        title=draw(_texts()),
        area=draw(st.none() | st.sampled_from(areas)) if areas else None,
        basis=draw(_optional_texts()),
        target_group=group,
        owner=draw(_optional_texts()),
        description=draw(_texts()),
        funding=_seq(draw(st.lists(fundings(), max_size=2))),
        targets=_seq(items),
        tags=_seq(draw(st.lists(_ids(), max_size=2, unique=True))),
    )


@_strategy_function("initiatives", _collection_spec)
def _initiatives(draw: st.DrawFn, spec: _CollectionSpec) -> Initiative:
    return _draw_initiative(draw, spec, set(), [])


def initiatives(
    *,
    targets: SearchStrategy[Target] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
) -> SearchStrategy[Initiative]:
    """:class:`~goalcheck.model.Initiative` objects holding between *min_size* and
    *max_size* targets drawn from *targets* (default :func:`targets`), with unique target
    ids, each target's ``initiative`` set to the initiative's id, and some funding lines."""
    return _initiatives(  # type: ignore[no-any-return]
        **_given(targets=targets, max_size=max_size),
        **({"min_size": min_size} if min_size != 0 else {}),
    )


@_strategy_function("plans", _collection_spec)
def _plans(draw: st.DrawFn, spec: _CollectionSpec) -> Plan:
    area_ids = draw(st.lists(_ids(), max_size=3, unique=True))
    areas = [
        Area(
            id=area_id,
            title=draw(_texts()),
            budget=draw(st.none() | _numbers(0, 1e9)),
            description=draw(_texts()),
        )
        for area_id in area_ids
    ]
    total = draw(st.integers(*spec.sizes))
    n_initiatives = draw(st.integers(0, spec.max_initiatives))
    # Each target goes to the plan itself (slot 0) or to one of the initiatives.
    slots = draw(st.lists(st.integers(0, n_initiatives), min_size=total, max_size=total))
    taken: set[str] = set()
    items = _dedupe_ids([draw(spec.targets) for _ in range(total)], taken)
    result_ids: list[str] = []
    linked: list[Target] = []
    for item in items:
        if item.kind is TargetKind.EFFORT and result_ids and draw(st.booleans()):
            item = attrs.evolve(item, contributes_to=draw(st.sampled_from(result_ids)))
        elif item.contributes_to is not None and item.contributes_to not in taken:
            item = attrs.evolve(item, contributes_to=None)
        if item.kind is TargetKind.RESULT:
            result_ids.append(item.id)
        linked.append(item)
    initiative_ids = _unique_ids(
        draw(st.lists(_ids(), min_size=n_initiatives, max_size=n_initiatives))
    )
    areas_or_none = st.none() | st.sampled_from(area_ids) if area_ids else st.none()
    initiatives_: list[Initiative] = []
    for number, initiative_id in enumerate(initiative_ids, start=1):
        mine = [
            attrs.evolve(t, initiative=initiative_id, area=draw(areas_or_none))
            for t, slot in zip(linked, slots, strict=True)
            if slot == number
        ]
        empty = attrs.evolve(spec, targets=st.nothing(), sizes=(0, 0))
        initiative = _draw_initiative(draw, empty, set(), area_ids)
        initiatives_.append(
            attrs.evolve(
                initiative,
                id=initiative_id,
                targets=_seq(mine),
                contributes_to=draw(st.none() | st.sampled_from(result_ids))
                if result_ids
                else None,
            )
        )
    # plan-level targets may name an initiative (and an area) they belong to
    owners = st.none() | st.sampled_from(initiative_ids) if initiative_ids else st.none()
    own = [
        attrs.evolve(t, initiative=draw(owners), area=draw(areas_or_none))
        for t, slot in zip(linked, slots, strict=True)
        if slot == 0
    ]
    start, end = sorted(
        draw(st.lists(_dates(DEFAULT_MIN_DATE, DEFAULT_MAX_DATE), min_size=2, max_size=2))
    )
    return Plan(
        id=draw(_ids()),
        title=draw(_texts()),
        owner=draw(_optional_texts()),
        period=Period(start=start, end=end) if draw(st.booleans()) else None,
        date=draw(st.none() | _dates(DEFAULT_MIN_DATE, DEFAULT_MAX_DATE)),
        source=draw(_optional_texts()),
        description=draw(_texts()),
        areas=_seq(areas),
        initiatives=_seq(initiatives_),
        targets=_seq(own),
        funding=_seq(draw(st.lists(fundings(), max_size=2))),
    )


def plans(
    *,
    targets: SearchStrategy[Target] | None = None,
    min_size: int = 0,
    max_size: int | None = None,
    max_initiatives: int | None = None,
) -> SearchStrategy[Plan]:
    """:class:`~goalcheck.model.Plan` objects with between *min_size* and *max_size* targets
    in all (drawn from *targets*, default :func:`targets`), spread over the plan itself and
    up to *max_initiatives* initiatives (default 3), plus areas and funding.

    Initiatives and targets sometimes name an area, a plan-level target sometimes the
    initiative it belongs to.  Ids are unique (areas, initiatives, and targets across the
    whole plan), every reference resolves (a target's ``contributes_to`` names an earlier
    result target), and :func:`~goalcheck.model.validate_plan` finds no problem.
    """
    return _plans(  # type: ignore[no-any-return]
        **_given(targets=targets, max_size=max_size, max_initiatives=max_initiatives),
        **({"min_size": min_size} if min_size != 0 else {}),
    )


# --- rule sets ---------------------------------------------------------------------------

_STATUS_POOL = ("met", "on_track", "at_risk", "not_evaluable", "improving", "worsening")
_COMPARE = ("<", "<=", ">", ">=", "==", "!=")
_STATUS_ID = r"[a-z][a-z0-9_]{0,19}"
_MAX_UNIQUE = 6


def _facts_of(kind: str) -> tuple[str, ...]:
    from goalcheck._vocabulary import FACTS

    return tuple(sorted(name for name, info in FACTS.items() if info.type == kind))


@attrs.frozen
class _RuleSetSpec:
    statuses: tuple[str, ...] | None
    sizes: tuple[int, int]
    hit_policy: str
    catch_all: bool
    max_parameters: int


def _rule_set_spec(
    *,
    statuses: tuple[str, ...] | list[str] | None = None,
    min_size: int = 1,
    max_size: int | None = None,
    hit_policy: str = "first",
    catch_all: bool = True,
    max_parameters: int = 2,
) -> _RuleSetSpec:
    import re

    fixed: tuple[str, ...] | None = None
    if statuses is not None:
        if isinstance(statuses, str) or not all(isinstance(s, str) for s in statuses):
            raise _fail(f"statuses={statuses!r} must be a list of status ids")
        fixed = tuple(statuses)
        if not fixed:
            raise _fail("statuses=[] leaves the rules nothing to give")
        if len(set(fixed)) != len(fixed):
            raise _fail(f"statuses={statuses!r} repeats an id")
        bad = [s for s in fixed if not re.fullmatch(_STATUS_ID, s)]
        if bad:
            raise _fail(f"status id {bad[0]!r} must match {_STATUS_ID}")
    if hit_policy not in ("first", "unique"):
        raise _fail(f"hit_policy={hit_policy!r} must be 'first' or 'unique'")
    sizes = _sizes(min_size, max_size, 5 if hit_policy == "first" else 4)
    if hit_policy == "unique" and sizes[1] > _MAX_UNIQUE:
        raise _fail(
            f"max_size={sizes[1]}: a 'unique' rule set is built as a partition, whose last "
            f"conditions grow with the number of rules; at most {_MAX_UNIQUE} rules fit the "
            "rule language's size limit"
        )
    if not isinstance(catch_all, bool):
        raise _fail(f"catch_all={catch_all!r} must be True or False")
    if not catch_all and sizes[1] == 0:
        raise _fail("max_size=0 with catch_all=False gives a rule set without rules")
    return _RuleSetSpec(
        fixed, sizes, hit_policy, catch_all, _check_size("max_parameters", max_parameters)
    )


def _constants() -> SearchStrategy[str]:
    nice = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0, 1.5, 2.0, 10.0, 100.0, 365.0, -1.0])
    return (nice | st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)).map(repr)


def _atoms(draw: st.DrawFn, parameters: list[str], guarded: bool) -> str:
    """One condition that is true or false (never unknown when *guarded*)."""
    numbers, bools, dates = _facts_of("number"), _facts_of("bool"), _facts_of("date")
    kind = draw(st.sampled_from(["compare", "bool", "none", "arith", "function"]))
    if kind == "none":
        name = draw(st.sampled_from(numbers + bools + dates))
        return f"{name} is {draw(st.sampled_from(['', 'not ']))}None"
    if kind == "bool":
        name = draw(st.sampled_from(bools))
        text = f"{draw(st.sampled_from(['', 'not ']))}{name}"
        return f"({name} is not None and {text})" if guarded else text
    right = draw(st.sampled_from(parameters) | _constants()) if parameters else draw(_constants())
    op = draw(st.sampled_from(_COMPARE))
    names = draw(st.lists(st.sampled_from(numbers), min_size=2, max_size=2))
    if kind == "arith":
        left = f"{names[0]} {draw(st.sampled_from(['+', '-', '*', '/']))} {names[1]}"
        used = names
    elif kind == "function":
        function = draw(st.sampled_from(["min", "max", "abs"]))
        used = names[:1] if function == "abs" else names
        left = f"{function}({', '.join(used)})"
    else:
        left, used = names[0], names[:1]
    text = f"{left} {op} {right}"
    if guarded:
        guards = " and ".join(f"{name} is not None" for name in dict.fromkeys(used))
        text = f"({guards} and {text})"
    return text


def _conditions(draw: st.DrawFn, parameters: list[str], guarded: bool, depth: int = 0) -> str:
    if depth >= 2 or not draw(st.booleans()):
        return _atoms(draw, parameters, guarded)
    shape = draw(st.sampled_from(["and", "or", "not"]))
    left = _conditions(draw, parameters, guarded, depth + 1)
    if shape == "not":
        return f"not ({left})"
    right = _conditions(draw, parameters, guarded, depth + 1)
    return f"({left}) {shape} ({right})"


@_strategy_function("rule_sets", _rule_set_spec)
def _rule_sets(draw: st.DrawFn, spec: _RuleSetSpec) -> RuleSet:
    ids = spec.statuses
    if ids is None:
        ids = tuple(
            draw(st.lists(st.sampled_from(_STATUS_POOL), min_size=1, max_size=4, unique=True))
        )
    statuses = [
        StatusInfo(s, s.replace("_", " "), s.replace("_", " "), i) for i, s in enumerate(ids)
    ]
    n_parameters = draw(st.integers(0, spec.max_parameters))
    parameters = {f"p_{i}": float(draw(_numbers(-10, 10))) for i in range(1, n_parameters + 1)}
    unique = spec.hit_policy == "unique"
    n = draw(st.integers(*spec.sizes))
    depth = 2 if unique else 0  # unique: single comparisons, so the partition stays small
    conditions = [_conditions(draw, list(parameters), unique, depth) for _ in range(n)]
    if unique:
        # a partition: rule i also requires every earlier condition to be false; the guards
        # keep conditions two-valued, so at most one rule matches (and the catch-all: none)
        whens = [
            " and ".join([f"({c})", *(f"not ({p})" for p in conditions[:i])])
            for i, c in enumerate(conditions)
        ]
        if spec.catch_all and conditions:
            whens.append(" and ".join(f"not ({c})" for c in conditions))
        elif spec.catch_all:
            whens.append("true")
    else:
        whens = conditions + (["true"] if spec.catch_all else [])
    templates = ["", "value {value}", "pace {pace:.2f}", "target {target}"]
    rules = [
        Rule(
            id=f"r{i}",
            when=when,
            status=draw(st.sampled_from(ids)),
            reason_en=draw(st.sampled_from(templates)),
            reason_da=draw(st.sampled_from(templates)),
        )
        for i, when in enumerate(whens, start=1)
    ]
    return RuleSet(
        name="generated",
        version="1",
        description="generated by goalcheck.strategies.rule_sets",
        statuses=statuses,
        parameters=parameters,
        hit_policy=spec.hit_policy,
        rules=rules,
    )


def rule_sets(
    *,
    statuses: list[str] | tuple[str, ...] | None = None,
    min_size: int = 1,
    max_size: int | None = None,
    hit_policy: str = "first",
    catch_all: bool = True,
    max_parameters: int = 2,
) -> SearchStrategy[RuleSet]:
    """Small valid :class:`~goalcheck.rules.RuleSet` objects over the fact vocabulary.

    Each has between *min_size* and *max_size* rules (default 1 to 5) with random conditions
    (comparisons of facts with constants or parameters, arithmetic, ``min``/``max``/``abs``,
    ``is None``, ``and``/``or``/``not``), plus, with *catch_all*, a last rule that matches
    whatever the others leave, so every target gets a status.  *statuses* pins the status
    ids (severity in list order); by default one to four are drawn.  Up to *max_parameters*
    numeric parameters ``p_1``, ``p_2``, ... are defined and used.  Under
    ``hit_policy="unique"`` the conditions are made mutually exclusive (each guarded against
    ``None`` and excluding the ones before it), so evaluation never raises; such a rule set
    has single comparisons as conditions and at most six rules (default four).
    """
    return _rule_sets(  # type: ignore[no-any-return]
        **_given(statuses=statuses, max_size=max_size),
        **({"min_size": min_size} if min_size != 1 else {}),
        **({"hit_policy": hit_policy} if hit_policy != "first" else {}),
        **({"catch_all": catch_all} if catch_all is not True else {}),
        **({"max_parameters": max_parameters} if max_parameters != 2 else {}),
    )


# --- targets a rule set classifies a given way -------------------------------------------

_ATTEMPTS = 10  # candidates per draw before the draw is rejected


@attrs.frozen(eq=False)
class _StatusSpec:
    status: str
    as_of: dt.date
    rules: Any
    parameters: tuple[tuple[str, Any], ...]
    candidates: SearchStrategy[Target]


def _status_spec(
    status: str,
    *,
    as_of: dt.date,
    rules: Any = "default",
    targets: SearchStrategy[Target] | None = None,
    **parameters: Any,
) -> _StatusSpec:
    day = _check_date("as_of", as_of)
    if day is None:
        raise _fail("as_of must be a datetime.date")
    try:
        rule_set = load_rules(rules)
        rule_set.bind(**parameters)
    except GoalcheckError as error:
        raise _fail(f"rules={rules!r}: {error}") from None
    known = [info.id for info in rule_set.statuses]
    if status not in known:
        from goalcheck.errors import did_you_mean

        raise _fail(
            f"rule set {rule_set.name!r} has no status {status!r}{did_you_mean(status, known)}; "
            f"its statuses are {', '.join(known)}"
        )
    if not any(rule.status == status for rule in rule_set.rules):
        raise _fail(f"no rule of rule set {rule_set.name!r} gives status {status!r}")
    strategy = _check_strategy("targets", targets)
    if strategy is None:
        strategy = _hinted(status, day) if rule_set.name == "default" else _near(day)
    return _StatusSpec(status, day, rule_set, tuple(parameters.items()), strategy)


def _near(as_of: dt.date) -> SearchStrategy[Target]:
    """Targets whose dates lie within five years either side of *as_of*."""
    return targets(min_date=_shift(as_of, -5 * 365), max_date=_shift(as_of, 5 * 365))


def _hinted(status: str, as_of: dt.date) -> SearchStrategy[Target]:
    """Candidates built to get *status* from the default rules (then checked like any other)."""
    lo, hi = _shift(as_of, -3 * 365), _shift(as_of, 3 * 365)
    plain: dict[str, Any] = {
        "accumulation": "level",
        "recurrence": False,
        "with_checkpoints": False,
    }
    if status == "not_evaluable":
        return targets(undetermined=True, min_date=lo, max_date=hi) | targets(
            with_measurements=False, min_date=lo, max_date=hi
        )
    if status == "met":
        return st.builds(
            _with_latest,
            targets(undetermined=False, min_date=lo, max_date=as_of, **plain),
            st.just(as_of),
            st.just(True),
            _numbers(0, 100),
        )
    if status == "at_risk":
        before = _shift(as_of, -1)
        return st.builds(
            _with_latest,
            targets(
                undetermined=False, min_date=lo, max_date=before, with_forecasts=False, **plain
            ).filter(lambda t: t.deadline is not None),
            st.just(as_of),
            st.just(False),
            _numbers(1, 100),
        )
    if status == "on_track":
        return st.builds(
            _with_forecast,
            targets(
                undetermined=False, min_date=lo, max_date=hi, with_forecasts=False, **plain
            ).filter(lambda t: t.deadline is not None and t.deadline > as_of),
            st.just(as_of),
            _numbers(0, 100),
        )
    return _near(as_of)


def _threshold(target: Target, as_of: dt.date) -> tuple[float | None, float | None, float | None]:
    from goalcheck.facts import compute_facts

    facts = compute_facts(target, as_of, names=("target", "target_high", "baseline"))
    return facts["target"], facts["target_high"], facts["baseline"]  # type: ignore[return-value]


def _good_value(target: Target, as_of: dt.date, meets: bool, slack: float) -> float | None:
    """A value that meets (or misses, by at least 1 + slack) the target in force at as_of."""
    t, hi, b = _threshold(target, as_of)
    d = target.direction
    gap = 1.0 + slack
    if d is Direction.MILESTONE:
        return 1.0 if meets else 0.0
    if d in (Direction.INCREASE, Direction.DECREASE):
        if b is None:
            return None
        better = gap if meets else -gap
        return b + better * d.sign
    if t is None:
        return None
    if d is Direction.BETWEEN:
        if hi is None or hi < t:
            return None
        return (t + (hi - t) / 2) if meets else hi + gap
    return t + (slack if meets else -gap) * d.sign


def _with_latest(target: Target, as_of: dt.date, meets: bool, slack: float) -> Target:
    """*target* with an actual on as_of that meets (or misses) it; unchanged if impossible."""
    value = _good_value(target, as_of, meets, slack)
    if value is None or not math.isfinite(value):
        return target
    kept = [m for m in target.measurements if m.date != as_of]
    return attrs.evolve(target, measurements=_seq([*kept, Measurement(as_of, value)]))


def _with_forecast(target: Target, as_of: dt.date, slack: float) -> Target:
    """*target*, missed on as_of, with a forecast made on as_of that meets it by the deadline."""
    missed = _with_latest(target, as_of, False, slack)
    value = _good_value(missed, as_of, True, slack)
    if value is None or target.deadline is None or not math.isfinite(value):
        return target
    forecast = Measurement(target.deadline, value, kind=MeasurementKind.FORECAST, made_on=as_of)
    return attrs.evolve(missed, measurements=_seq([*missed.measurements, forecast]))


def _status_of(spec: _StatusSpec, target: Target) -> str:
    from goalcheck.engine import evaluate_iter

    (result,) = evaluate_iter([target], spec.as_of, spec.rules, **dict(spec.parameters))
    return result.status


def _draw_with_status(draw: st.DrawFn, spec: _StatusSpec) -> Target:
    from hypothesis import assume

    for _ in range(_ATTEMPTS):
        candidate = draw(spec.candidates)
        if _status_of(spec, candidate) == spec.status:
            return candidate
    assume(False)
    raise AssertionError("unreachable")  # pragma: no cover


def targets_with_status(
    status: str,
    *,
    as_of: dt.date,
    rules: str | os.PathLike[str] | RuleSet = "default",
    targets: SearchStrategy[Target] | None = None,
    **parameters: Any,
) -> SearchStrategy[Target]:
    """Targets that the rule set *rules* classifies as *status* at *as_of*.

    *rules* is anything :func:`goalcheck.load_rules` takes (a shipped name, a path, a
    :class:`~goalcheck.rules.RuleSet`); keyword *parameters* override its parameters, as in
    :func:`goalcheck.evaluate`.  For the ``default`` rule set, candidates are built to get the
    status (a latest value that meets or misses the target, a passed deadline, a forecast
    that reaches it); otherwise, or when *targets* supplies the candidates, they are drawn
    and filtered.  Every target returned has been evaluated and has the status.

    An unknown status, or one no rule gives, raises
    :class:`~hypothesis.errors.InvalidArgument` at once.  A status the candidates reach too
    rarely (or never) makes Hypothesis fail its ``filter_too_much`` health check; pass
    *targets* closer to what the rules want.
    """
    if not isinstance(status, str):
        raise _fail(f"status={status!r} must be a status id (a string)")
    kwargs: dict[str, Any] = {"status": status, "as_of": as_of}
    if not (isinstance(rules, str) and rules == "default"):
        kwargs["rules"] = rules
    if targets is not None:
        kwargs["targets"] = targets
    return _targets_with_status(**kwargs, **parameters)  # type: ignore[no-any-return]


_targets_with_status = _strategy_function("targets_with_status", _status_spec)(_draw_with_status)
