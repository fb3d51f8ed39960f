"""Eager argument checks: impossible options raise :class:`InvalidArgument` at once."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from goalcheck.errors import GoalcheckError

#: Dates are drawn from this range unless ``min_date``/``max_date`` say otherwise.
DEFAULT_MIN_DATE = dt.date(2000, 1, 1)
DEFAULT_MAX_DATE = dt.date(2030, 12, 31)
#: Values (measurements, baselines, absolute thresholds) are drawn from this range by default.
DEFAULT_VALUE_RANGE = (0.0, 1_000_000.0)
_DEFAULT_DAYS = (DEFAULT_MAX_DATE - DEFAULT_MIN_DATE).days


def fail(message: str) -> InvalidArgument:
    return InvalidArgument(message)


def optional_bool(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise fail(f"{name}={value!r} must be True, False or None")
    return value


def flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise fail(f"{name}={value!r} must be True or False")
    return value


def size(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{name}={value!r} must be an integer")
    if value < 0:
        raise fail(f"{name}={value!r} must not be negative")
    return value


def sizes(min_size: object, max_size: object, default_max: int) -> tuple[int, int]:
    lo = size("min_size", min_size)
    if max_size is None:
        return lo, max(lo, default_max)
    hi = size("max_size", max_size)
    if hi < lo:
        raise fail(f"min_size={lo} is larger than max_size={hi}")
    return lo, hi


def date(name: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise fail(f"{name}={value!r} must be a datetime.date (not a datetime or a string)")
    return value


def required_date(name: str, value: object) -> dt.date:
    day = date(name, value)
    if day is None:
        raise fail(f"{name} must be a datetime.date")
    return day


def date_range(min_date: object, max_date: object) -> tuple[dt.date, dt.date]:
    lo = date("min_date", min_date)
    hi = date("max_date", max_date)
    if lo is not None and hi is not None and lo > hi:
        raise fail(f"min_date={lo} is after max_date={hi}")
    if lo is None:
        lo = (
            DEFAULT_MIN_DATE if hi is None or hi >= DEFAULT_MIN_DATE else shift(hi, -_DEFAULT_DAYS)
        )
    if hi is None:
        hi = DEFAULT_MAX_DATE if lo <= DEFAULT_MAX_DATE else shift(lo, _DEFAULT_DAYS)
    return lo, hi


def shift(day: dt.date, days: int) -> dt.date:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def number(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"{name}={value!r} must be a number")
    result = float(value)
    if not math.isfinite(result):
        raise fail(f"{name}={value!r} must be finite")
    return result


def value_range(min_value: object, max_value: object) -> tuple[float, float]:
    lo = number("min_value", min_value)
    hi = number("max_value", max_value)
    default_lo, default_hi = DEFAULT_VALUE_RANGE
    span = default_hi - default_lo
    if lo is not None and hi is not None and lo > hi:
        raise fail(f"min_value={lo!r} is larger than max_value={hi!r}")
    if lo is None:
        lo = default_lo if hi is None or hi >= default_lo else hi - span
    if hi is None:
        hi = default_hi if lo <= default_hi else lo + span
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise fail(f"the value range [{lo!r}, {hi!r}] must be finite")
    return lo, hi


def choice(name: str, value: object, cls: Any) -> Any:
    if value is None:
        return None
    try:
        return cls.parse(value, field=name)
    except GoalcheckError as error:
        raise fail(str(error)) from None


def text(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise fail(f"{name}={value!r} must be a string")
    return value


def strategy(name: str, value: object) -> SearchStrategy[Any] | None:
    if value is not None and not isinstance(value, SearchStrategy):
        raise fail(f"{name}={value!r} must be a Hypothesis strategy (wrap a value in st.just)")
    return value
