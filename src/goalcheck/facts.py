"""The facts of one target at one date: the vocabulary rules are written in.

:func:`compute_facts` reads a target's measurements once, in date order, and derives every
fact of :data:`goalcheck._vocabulary.FACTS` from the actuals dated on or before ``as_of``
(and, for forecasts, those made on or before it).  It is the hot path of an evaluation, so it
works on day ordinals, keeps running sums instead of lists, and skips the costly groups (the
trend, the growth rates, the forecast) when the caller names the facts it needs.

The semantics, formula by formula, are documented in ``docs/reference/facts.md``; the short
version:

* the *window*: a yearly target is judged within the calendar year that contains ``as_of``
  (1 January to 31 December, only that year's measurements); a trajectory with checkpoints is
  judged against the next checkpoint due on or after ``as_of`` (the last one once all passed);
* a *cumulative* metric is a running count: each actual is the amount added since the one
  before, the value is the baseline (0 unless given) plus their sum; a forecast of a
  cumulative metric is the expected running count at its date;
* actuals on the same date count once: summed (cumulative) or the less favourable one
  (level), so the result does not depend on the order measurements were given in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

from goalcheck._vocabulary import FACTS
from goalcheck.errors import EvaluationError, did_you_mean
from goalcheck.model import Accumulation, Direction, MeasurementKind, Recurrence, Relative, Target
from goalcheck.periods import Period, to_date, years_between

__all__ = ["FACT_NAMES", "compute_facts", "facts_of", "plan_for"]

FACT_NAMES: frozenset[str] = frozenset(FACTS)

_ACTUAL = MeasurementKind.ACTUAL
_CUMULATIVE = Accumulation.CUMULATIVE
_YEARLY = Recurrence.YEARLY
_ABSOLUTE = Relative.ABSOLUTE
_DATE = dt.date

# direction codes, so the hot path compares small ints instead of enum members
_AT_LEAST, _AT_MOST, _BETWEEN, _INCREASE, _DECREASE, _MILESTONE = range(6)
_CODE = {
    Direction.AT_LEAST: _AT_LEAST,
    Direction.AT_MOST: _AT_MOST,
    Direction.BETWEEN: _BETWEEN,
    Direction.INCREASE: _INCREASE,
    Direction.DECREASE: _DECREASE,
    Direction.MILESTONE: _MILESTONE,
}
_SIGN = (1, -1, 0, 1, -1, 1)

_PROJECTION = frozenset({"projected", "projected_satisfied"})
_GROWTH = frozenset({"growth", "growth_required", "growth_ratio", "anticipated_ratio"})
_FORECAST = frozenset({"forecast", "forecast_date", "forecast_satisfied"})


# The order of the values compute_facts builds; must list every fact exactly once.
_ORDER: tuple[str, ...] = (
    "value",
    "measured_on",
    "n_actual",
    "staleness_days",
    "target",
    "target_high",
    "direction",
    "undetermined",
    "milestone",
    "cumulative",
    "satisfied",
    "baseline",
    "baseline_date",
    "start",
    "deadline",
    "progress",
    "elapsed",
    "elapsed_now",
    "pace",
    "projected",
    "projected_satisfied",
    "forecast",
    "forecast_date",
    "forecast_satisfied",
    "overdue",
    "days_left",
    "years_left",
    "growth",
    "growth_required",
    "growth_ratio",
    "anticipated_ratio",
)
if len(_ORDER) != len(FACT_NAMES) or set(_ORDER) != FACT_NAMES:  # pragma: no cover
    raise ImportError("goalcheck.facts._ORDER is out of step with the fact vocabulary")

_Build = Callable[..., dict[str, object]]
_Plan = tuple[_Build, bool, bool, bool, bool]
_PLANS: dict[frozenset[str] | None, _Plan] = {}


def _gap(value: float, low: float | None, high: float | None) -> float:
    """How far *value* lies outside the band [low, high] (0 inside it)."""
    if low is None or high is None:
        return 0.0
    return max(low - value, value - high, 0.0)


def _builder(names: tuple[str, ...]) -> _Build:
    """A function building the dict of *names* from every fact's value, in one dict display.

    Generated from fact names only (checked against the vocabulary), never from user text;
    it is the cheapest way to build a dict of a caller-chosen subset of keys.
    """
    params = ", ".join(_ORDER)
    items = ", ".join(f"{name!r}: {name}" for name in names)
    namespace: dict[str, object] = {}
    exec(f"def build({params}):\n    return {{{items}}}\n", namespace)
    build: _Build = namespace["build"]  # type: ignore[assignment]
    return build


def _plan(names: frozenset[str] | None) -> _Plan:
    """How to build the requested facts, and which costly groups they need (cached)."""
    plan = _PLANS.get(names)
    if plan is not None:
        return plan
    if names is None:
        plan = (_builder(_ORDER), True, True, True, True)
    else:
        unknown = sorted(names - FACT_NAMES)
        if unknown:
            raise EvaluationError(
                f"unknown fact {unknown[0]!r}" + did_you_mean(unknown[0], FACT_NAMES)
            )
        plan = (
            _builder(tuple(name for name in _ORDER if name in names)),
            bool(names & _PROJECTION),
            bool(names & _GROWTH),
            bool(names & _FORECAST),
            "years_left" in names,
        )
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[names] = plan
    return plan


def _finite(x: float) -> float | None:
    """*x*, or None when the arithmetic overflowed to infinity (or NaN)."""
    return x if x - x == 0.0 else None


def _meets(
    x: float | None, code: int, t: float | None, hi: float | None, b: float | None
) -> bool | None:
    """Whether *x* meets the target (None when something needed is missing)."""
    if x is None:
        return None
    if code == _AT_LEAST:
        return None if t is None else x >= t
    if code == _AT_MOST:
        return None if t is None else x <= t
    if code == _BETWEEN:
        return None if t is None or hi is None else t <= x <= hi
    if code == _INCREASE:
        return None if b is None else x > b
    if code == _DECREASE:
        return None if b is None else x < b
    return x >= 1.0  # milestone


def compute_facts(
    target: Target,
    as_of: dt.date | str,
    *,
    names: Collection[str] | None = None,
    period: Period | None = None,
) -> dict[str, object]:
    """Every fact of *target* at *as_of* (or only *names*), from data known at *as_of*.

    *period* supplies a start and deadline for a target that has none (the plan's period).
    Facts that cannot be computed are ``None``.
    """
    if type(as_of) is not _DATE:
        as_of = to_date(as_of)
    return facts_of(target, as_of, plan_for(names), period)


def plan_for(names: Collection[str] | None) -> _Plan:
    """What :func:`facts_of` needs to know about a name set (cached; checks the names)."""
    try:
        return _PLANS[names]  # type: ignore[index]
    except (KeyError, TypeError):  # first use of this name set, or not a frozenset
        return _plan(names if names is None else frozenset(names))


def facts_of(
    target: Target, as_of: dt.date, plan: _Plan, period: Period | None
) -> dict[str, object]:
    """:func:`compute_facts` for a date and a :func:`plan_for` computed once (the hot path)."""
    build, need_projection, need_growth, need_forecast, need_years_left = plan

    code = _CODE[target.direction]
    d = _SIGN[code]
    milestone = code == _MILESTONE
    cumulative = target.accumulation is _CUMULATIVE
    start = target.start
    deadline = target.deadline
    if period is not None:
        if start is None:
            start = period.start
        if deadline is None:
            deadline = period.end
    b = target.baseline
    given_bdate = target.baseline_date
    raw_t = target.target
    raw_hi = target.target_high

    # the threshold in force: the next checkpoint due on or after as_of, else the last one
    checkpoints = target.checkpoints
    if checkpoints:
        chosen = None
        for checkpoint in checkpoints:
            if checkpoint.date >= as_of:
                chosen = checkpoint
                break
        if chosen is not None:
            deadline, raw_t = chosen.date, chosen.value
        elif raw_t is None or deadline is None or deadline <= checkpoints[-1].date:
            deadline, raw_t = checkpoints[-1].date, checkpoints[-1].value

    # relative targets are changes against the baseline
    t = raw_t
    hi = raw_hi
    relative = target.relative
    if relative is not None:
        if b is None:
            t = hi = None
        elif relative is _ABSOLUTE:
            t = None if t is None else b + t
            hi = None if hi is None else b + hi
        else:
            t = None if t is None else b * (1.0 + t / 100.0)
            hi = None if hi is None else b * (1.0 + hi / 100.0)
    if milestone:
        t = 1.0
    undetermined = t is None and code <= _BETWEEN

    # the window: yearly targets restart every calendar year
    lo: int | None = None  # first ordinal an actual may have
    bdate = given_bdate
    if target.recurrence is _YEARLY:
        year = as_of.year
        if deadline is not None and year > deadline.year:
            year = deadline.year
        if start is not None and year < start.year:
            year = start.year
        start = dt.date(year, 1, 1)
        deadline = dt.date(year, 12, 31)
        lo = start.toordinal()
        if cumulative:
            b = 0.0
        bdate = start
        given_bdate = None
    elif cumulative:
        if b is None:
            b = 0.0
        if given_bdate is not None:
            lo = given_bdate.toordinal() + 1
        elif start is not None:
            lo = start.toordinal()
        if bdate is None:
            bdate = start

    as_ord = as_of.toordinal()
    # origin: the end of the day before start (or the baseline's day), where elapsed is 0
    origin: int | None
    if start is not None:
        origin = start.toordinal() - 1
    elif given_bdate is not None:
        origin = given_bdate.toordinal()
    else:
        origin = None
    baseline_x = given_bdate.toordinal() if given_bdate is not None else origin
    dl_ord = deadline.toordinal() if deadline is not None else None

    # one pass over the measurements (the model keeps them sorted by date, kind and value)
    n = 0
    last_ord = -1
    last_date: dt.date | None = None
    # the value on last_date: a level, or the running count (baseline included)
    current = b if cumulative and b is not None else 0.0
    # least-squares sums; day offsets are whole numbers, so sx and sxx are exact
    sn = sx = sxx = 0
    sy = sxy = 0.0
    if need_projection and b is not None and baseline_x is not None:
        x = baseline_x - as_ord
        sn, sx, sxx, sy, sxy = 1, x, x * x, b, x * b
    fc: float | None = None
    fc_date: dt.date | None = None
    fc_key: tuple[int, int, float] | None = None
    worse = -1.0 if d >= 0 else 1.0  # ties between levels keep the less favourable value
    # for a band the less favourable of two values is the one farther outside it
    band_lo, band_hi = (t, hi) if d == 0 and t is not None and hi is not None else (None, None)
    first = lo if lo is not None else 0
    for m in target.measurements:
        if m.kind is _ACTUAL:
            day = m.date
            o = day.toordinal()
            if o > as_ord or o < first:
                continue
            n += 1
            if o == last_ord:  # a second actual on the same day (rare)
                if cumulative:
                    y = current + m.value
                elif (
                    _gap(m.value, band_lo, band_hi) > _gap(current, band_lo, band_hi)
                    if band_lo is not None and band_hi is not None
                    else (m.value - current) * worse > 0
                ):
                    y = m.value
                else:
                    continue
                if need_projection:  # move the day's point
                    sy += y - current
                    sxy += (o - as_ord) * (y - current)
                current = y
                continue
            current = current + m.value if cumulative else m.value
            if need_projection:
                x = o - as_ord
                sn += 1
                sx += x
                sxx += x * x
                sy += current
                sxy += x * current
            last_ord = o
            last_date = day
        elif need_forecast:
            day = m.date
            if day < as_of or (deadline is not None and day > deadline):
                continue
            made = m.made_on
            if made is not None and made > as_of:
                continue
            v = m.value
            rank = (
                _gap(v, band_lo, band_hi)
                if band_lo is not None and band_hi is not None
                else v * worse
            )
            fkey = (made.toordinal() if made is not None else 0, day.toordinal(), rank)
            if fc_key is None or fkey > fc_key:
                fc_key, fc, fc_date = fkey, v, day
    value = (_finite(current) if cumulative else current) if n else None
    done = False
    if milestone and n:  # done once any counted actual reached 1
        for m in target.measurements:
            if m.kind is _ACTUAL and m.value >= 1.0 and first <= m.date.toordinal() <= as_ord:
                done = True
                break

    # the effective goal for arithmetic: the target, or a band's edge nearer the baseline
    t_eff: float | None = None
    d_eff = d
    if undetermined or milestone:
        pass
    elif code == _BETWEEN:
        if b is not None and t is not None and hi is not None:
            if b < t:
                t_eff, d_eff = t, 1
            elif b > hi:
                t_eff, d_eff = hi, -1
    elif code <= _AT_MOST:
        t_eff = t
    if t_eff is not None and (b is None or (t_eff - b) * d_eff <= 0):
        t_eff = None  # no baseline, or the baseline already meets it: no way to go

    progress: float | None = None
    if value is not None and t_eff is not None and b is not None:
        progress = _finite((value - b) / (t_eff - b))
        if (
            code == _BETWEEN
            and hi is not None
            and t is not None
            and ((d_eff > 0 and value > hi) or (d_eff < 0 and value < t))
        ):
            progress = None  # overshot the band: progress toward it is meaningless

    elapsed: float | None = None
    elapsed_now: float | None = None
    if origin is not None and dl_ord is not None and dl_ord > origin:
        span = dl_ord - origin
        elapsed_now = (as_ord - origin) / span
        if last_ord >= 0:
            elapsed = (last_ord - origin) / span
    pace = _finite(progress / elapsed) if progress is not None and elapsed else None
    if pace is not None and elapsed is not None and elapsed < 0:
        pace = None

    satisfied: bool | None
    if undetermined or value is None:
        satisfied = None
    elif code == _AT_LEAST:
        satisfied = value >= t  # type: ignore[operator]
    elif code == _AT_MOST:
        satisfied = value <= t  # type: ignore[operator]
    elif milestone:
        satisfied = done
    else:
        satisfied = _meets(value, code, t, hi, b)

    projected: float | None = None
    if need_projection and sn >= 2 and dl_ord is not None and not milestone:
        denom = sn * sxx - sx * sx
        if denom > 0:
            slope = (sn * sxy - sx * sy) / denom
            projected = _finite((sy - slope * sx) / sn + slope * (dl_ord - as_ord))

    growth = growth_required = growth_ratio = anticipated = years_left = None
    if need_growth and deadline is not None:
        years_left = years_between(as_of, deadline)
        base_day = given_bdate or (start - dt.timedelta(days=1) if start is not None else None)
        cagr: float | None = None
        if (
            not milestone
            and not undetermined
            and value is not None
            and b is not None
            and b > 0
            and value > 0
            and last_date is not None
            and base_day is not None
        ):
            years = years_between(base_day, last_date)
            if years > 0:
                try:
                    cagr = _finite((value / b) ** (1.0 / years) - 1.0)
                except OverflowError:
                    cagr = None
                if cagr is not None and d_eff:
                    growth = d_eff * cagr
        if t_eff is not None and b is not None and t_eff > 0 and b > 0 and base_day is not None:
            years = years_between(base_day, deadline)
            if years > 0:
                try:
                    growth_required = _finite((t_eff / b) ** (1.0 / years) - 1.0)
                except OverflowError:
                    growth_required = None
        if growth is not None and growth_required:
            growth_ratio = _finite(growth / abs(growth_required))
        if (
            cagr is not None
            and value is not None
            and t_eff is not None
            and b is not None
            and last_date is not None
        ):
            try:
                ahead = value * (1.0 + cagr) ** years_between(last_date, deadline)
                anticipated = _finite((ahead - b) / (t_eff - b))
            except (OverflowError, ZeroDivisionError):  # 0.0 ** -x: a rate of -100 % backwards
                anticipated = None
    elif deadline is not None and need_years_left:
        years_left = years_between(as_of, deadline)

    projected_satisfied: bool | None = None
    forecast_satisfied: bool | None = None
    if undetermined:
        t = hi = None
    elif code == _AT_LEAST:
        if projected is not None:
            projected_satisfied = projected >= t  # type: ignore[operator]
        if fc is not None:
            forecast_satisfied = fc >= t  # type: ignore[operator]
    else:
        if projected is not None:
            projected_satisfied = _meets(projected, code, t, hi, b)
        if fc is not None:
            forecast_satisfied = _meets(fc, code, t, hi, b)
    return build(
        value,
        last_date,
        n,
        as_ord - last_ord if last_ord >= 0 else None,
        t,
        hi,
        d,
        undetermined,
        milestone,
        cumulative,
        satisfied,
        b,
        bdate,
        start,
        deadline,
        progress,
        elapsed,
        elapsed_now,
        pace,
        projected,
        projected_satisfied,
        fc,
        fc_date,
        forecast_satisfied,
        dl_ord is not None and as_ord > dl_ord,
        dl_ord - as_ord if dl_ord is not None else None,
        years_left,
        growth,
        growth_required,
        growth_ratio,
        anticipated,
    )
