"""Small inline SVG charts of one target: the card chart and the overview's sparkline.

No scripts, no fonts to fetch, no external references: the chart is part of the HTML file and
prints as it shows.  Actuals are filled dots joined by a line, forecasts hollow diamonds, the
goal a dashed line (a shaded band for ``between`` targets), the trend a dotted line from the
latest actual to the projected value at the deadline, the deadline a vertical line and the
report's date a thin grey one.  Every line has its word in the legend and its own dash
pattern, so colour is never the only cue.

The value axis always includes the baseline, or zero when there is none, so a gap looks its
size (a 4-point gap does not fill the chart).  A flat series, however large its values, gets
a visible span instead of a division by zero.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

import attrs

from goalcheck._export._labels import fmt_number, label
from goalcheck._export._view import Row
from goalcheck.model import MeasurementKind

__all__ = ["render_chart", "render_sparkline"]

_W, _H = 360, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 14, 12, 34

Point = tuple[dt.date, float]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


@attrs.frozen
class _Series:
    """What one target's chart shows, gathered from its row."""

    actuals: tuple[Point, ...]
    forecasts: tuple[Point, ...]
    goal: float | None
    high: float | None
    baseline: Point | None
    projected: float | None
    start: dt.date | None
    deadline: dt.date | None
    as_of: dt.date

    def values(self) -> list[float]:
        values = [v for _, v in self.actuals + self.forecasts]
        values += [v for v in (self.goal, self.high) if v is not None]
        if self.baseline is not None:
            values.append(self.baseline[1])
        else:
            values.append(0.0)  # no baseline: zero anchors the axis
        if self.projected is not None and self.deadline is not None:
            values.append(self.projected)
        return values

    def dates(self) -> list[dt.date]:
        dates = [d for d, _ in self.actuals + self.forecasts] + [self.as_of]
        dates += [d for d in (self.start, self.deadline) if d is not None]
        if self.baseline is not None:
            dates.append(self.baseline[0])
        return dates


def _actuals(
    row: Row, as_of: dt.date, start: dt.date | None, baseline: float | None
) -> tuple[Point, ...]:
    """The actuals to plot: as given for a level or a cumulative metric (whose actuals are
    running totals already), running totals of the amounts for a ``sum`` metric."""
    assert row.target is not None
    points = [
        (m.date, m.value)
        for m in row.target.measurements
        if m.kind is MeasurementKind.ACTUAL and m.date <= as_of
    ]
    if row.target.accumulation.value != "sum":
        return tuple(points)
    total = baseline or 0.0
    running: list[Point] = []
    for day, value in points:
        if start is not None and day < start:
            continue
        total += value
        if running and running[-1][0] == day:
            running[-1] = (day, total)
        else:
            running.append((day, total))
    return tuple(running)


def _series(row: Row, as_of: dt.date) -> _Series | None:
    target = row.target
    if target is None or target.direction.value == "milestone":
        return None
    start = _date(row.fact("start")) or target.start
    baseline_value = row.number("baseline")
    baseline_date = _date(row.fact("baseline_date")) or target.baseline_date
    baseline = (
        (baseline_date, baseline_value)
        if baseline_value is not None and baseline_date is not None
        else None
    )
    forecasts = tuple(
        (m.date, m.value)
        for m in target.measurements
        if m.kind is MeasurementKind.FORECAST
        and (start is None or m.date >= start)
        and (m.made_on is None or m.made_on <= as_of)  # known at the report's date
    )
    return _Series(
        actuals=_actuals(row, as_of, start, baseline[1] if baseline else None),
        forecasts=forecasts,
        goal=row.number("target"),
        high=row.number("target_high"),
        baseline=baseline,
        projected=row.number("projected"),
        start=start,
        deadline=_date(row.fact("deadline")) or target.deadline,
        as_of=as_of,
    )


@attrs.frozen
class _Scale:
    """Dates and values to SVG coordinates inside the plot area."""

    x0: dt.date
    span: int
    y0: float
    y1: float
    low: float
    high: float
    left: float = _LEFT
    top: float = _TOP
    width: float = _W - _LEFT - _RIGHT
    height: float = _H - _TOP - _BOTTOM

    def x(self, day: dt.date) -> float:
        return self.left + self.width * (day - self.x0).days / self.span

    def y(self, value: float) -> float:
        return self.top + self.height * (1 - (value - self.y0) / (self.y1 - self.y0))


def _value_range(values: list[float]) -> tuple[float, float] | None:
    """The axis range, widened when flat; ``None`` when no finite range exists."""
    if not values or not all(math.isfinite(v) for v in values):
        return None
    y0, y1 = min(values), max(values)
    if y0 >= 0 and y0 < 0.5 * y1:
        y0 = 0.0
    if y1 - y0 <= abs(y1) * 1e-9:  # flat: ±1, or ±5 % where 1 is lost in rounding
        pad = max(1.0, abs(y0) * 0.05)
        y0, y1 = y0 - pad, y1 + pad
    if not (math.isfinite(y0) and math.isfinite(y1)) or y1 <= y0:
        return None
    return y0, y1


def _scale(series: _Series, **box: float) -> _Scale | None:
    dates = series.dates()
    x0, x1 = min(dates), max(dates)
    if x0 == x1:
        x0, x1 = x0 - dt.timedelta(days=30), x1 + dt.timedelta(days=30)
    margin = dt.timedelta(days=max(1, round((x1 - x0).days * 0.03)))
    try:
        x0, x1 = x0 - margin, x1 + margin
    except OverflowError:
        return None
    found = _value_range(series.values())
    if found is None:
        return None
    low, high = found
    pad = (high - low) * 0.08
    y0, y1 = (low if low == 0 else low - pad), high + pad
    if not y1 > y0:
        return None
    return _Scale(x0, (x1 - x0).days, y0, y1, low, high, **box)


def _frame(s: _Scale, title: str) -> list[str]:
    t = escape(title)
    return [
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" '
        f'aria-label="{t}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{t}</title>",
        f'<rect class="plot" x="{_LEFT}" y="{_TOP}" width="{_num(s.width)}" '
        f'height="{_num(s.height)}"/>',
    ]


def _goal_parts(series: _Series, s: _Scale, lang: str) -> list[str]:
    parts = []
    goal, high = series.goal, series.high
    right = _num(s.left + s.width)
    if goal is not None and high is not None:
        parts.append(
            f'<rect class="band" x="{_LEFT}" y="{_num(s.y(high))}" width="{_num(s.width)}" '
            f'height="{_num(s.y(goal) - s.y(high))}"/>'
        )
    for level in (goal, high):
        if level is not None:
            y = _num(s.y(level))
            parts.append(f'<line class="goal" x1="{_LEFT}" x2="{right}" y1="{y}" y2="{y}"/>')
            parts.append(
                f'<text class="goal-label" x="{_LEFT - 4}" y="{_num(s.y(level) + 3)}" '
                f'text-anchor="end">{escape(fmt_number(level, lang))}</text>'
            )
    return parts


def _time_lines(series: _Series, s: _Scale) -> list[str]:
    bottom = _num(s.top + s.height)
    xa = _num(s.x(series.as_of))
    parts = [f'<line class="asof" x1="{xa}" x2="{xa}" y1="{_TOP}" y2="{bottom}"/>']
    if series.deadline is not None:
        xd = _num(s.x(series.deadline))
        parts.append(f'<line class="deadline" x1="{xd}" x2="{xd}" y1="{_TOP}" y2="{bottom}"/>')
    return parts


def _trend(series: _Series, s: _Scale) -> list[str]:
    last = series.actuals[-1] if series.actuals else series.baseline
    deadline, projected = series.deadline, series.projected
    if projected is None or deadline is None or last is None or deadline <= last[0]:
        return []
    return [
        f'<line class="trend" x1="{_num(s.x(last[0]))}" y1="{_num(s.y(last[1]))}" '
        f'x2="{_num(s.x(deadline))}" y2="{_num(s.y(projected))}"/>'
    ]


def _points(series: _Series, s: _Scale, lang: str) -> list[str]:
    parts = []
    line = ([series.baseline] if series.baseline is not None else []) + list(series.actuals)
    if len(line) > 1:
        points = " ".join(f"{_num(s.x(d))},{_num(s.y(v))}" for d, v in line)
        parts.append(f'<polyline class="actual" points="{points}"/>')
    if series.baseline is not None:
        day, value = series.baseline
        bx, by = s.x(day), s.y(value)
        parts.append(
            f'<rect class="baseline" x="{_num(bx - 3)}" y="{_num(by - 3)}" width="6" height="6">'
            f"<title>{escape(label('baseline', lang))} {day.isoformat()}: "
            f"{escape(fmt_number(value, lang))}</title></rect>"
        )
    for day, value in series.actuals:
        parts.append(
            f'<circle class="actual" cx="{_num(s.x(day))}" cy="{_num(s.y(value))}" r="3.2">'
            f"<title>{day.isoformat()}: {escape(fmt_number(value, lang))}</title></circle>"
        )
    for day, value in series.forecasts:
        cx, cy = s.x(day), s.y(value)
        diamond = (
            f"{_num(cx)},{_num(cy - 4.5)} {_num(cx + 4.5)},{_num(cy)} "
            f"{_num(cx)},{_num(cy + 4.5)} {_num(cx - 4.5)},{_num(cy)}"
        )
        parts.append(
            f'<polygon class="forecast" points="{diamond}">'
            f"<title>{escape(label('forecast', lang))} {day.isoformat()}: "
            f"{escape(fmt_number(value, lang))}</title></polygon>"
        )
    return parts


def _axes(series: _Series, s: _Scale, lang: str) -> list[str]:
    dates = series.dates()
    first, last = min(dates), max(dates)
    base = _num(s.top + s.height + 12)
    parts = [
        f'<text class="axis" x="{_num(s.x(first))}" y="{base}">{first.isoformat()}</text>',
        f'<text class="axis" x="{_num(s.x(last))}" y="{base}" text-anchor="end">'
        f"{last.isoformat()}</text>",
    ]
    taken = [s.y(v) for v in (series.goal, series.high) if v is not None]
    span = abs(s.high - s.low)
    digits = 0 if span >= 10 else 1 if span >= 1 else 3
    for value in (s.low, s.high):
        pos = s.y(value)
        if all(abs(pos - other) > 11 for other in taken):
            parts.append(
                f'<text class="axis" x="{_LEFT - 4}" y="{_num(pos + 3)}" text-anchor="end">'
                f"{escape(fmt_number(value, lang, digits=digits))}</text>"
            )
    return parts


def _legend_keys(series: _Series) -> list[tuple[str, str]]:
    keys = []
    if series.actuals:
        keys.append(("actual", "legend-actual"))
    if series.forecasts:
        keys.append(("forecast", "legend-forecast"))
    if series.goal is not None:
        keys.append(("goal_line", "legend-goal"))
    if series.projected is not None and series.deadline is not None:
        keys.append(("trend", "legend-trend"))
    if series.deadline is not None:
        keys.append(("deadline", "legend-deadline"))
    keys.append(("as_of", "legend-asof"))
    return keys


def _legend(series: _Series, lang: str) -> list[str]:
    parts = []
    lx, ly = 4, _H - _BOTTOM + 25
    for key, cls in _legend_keys(series):
        word = label(key, lang).lower()
        if cls == "legend-actual":
            mark = f'<circle class="actual" cx="{lx + 6}" cy="{ly}" r="3"/>'
        elif cls == "legend-forecast":
            mark = (
                f'<polygon class="forecast" points="{lx + 6},{ly - 4} {lx + 10},{ly} '
                f'{lx + 6},{ly + 4} {lx + 2},{ly}"/>'
            )
        else:
            mark = f'<line class="{cls}" x1="{lx}" x2="{lx + 12}" y1="{ly}" y2="{ly}"/>'
        text = f'<text class="legend" x="{lx + 15}" y="{ly + 3}">{escape(word)}</text>'
        parts.append(mark + text)
        lx += 24 + 6 * len(word)
    return parts


def render_chart(row: Row, as_of: dt.date, lang: str) -> str:
    """The SVG element for *row*, or ``""`` when there is nothing to draw."""
    series = _series(row, as_of)
    if series is None or not (series.actuals or series.forecasts):
        return ""
    s = _scale(series)
    if s is None:
        return ""
    parts = _frame(s, row.title or row.id)
    parts += _goal_parts(series, s, lang)
    parts += _time_lines(series, s)
    parts += _trend(series, s)
    parts += _points(series, s, lang)
    parts += _axes(series, s, lang)
    parts += _legend(series, lang)
    parts.append("</svg>")
    return "".join(parts)


def render_sparkline(row: Row, as_of: dt.date, lang: str) -> str:
    """A word-sized SVG of the actuals against the goal, for the overview table."""
    series = _series(row, as_of)
    if series is None or not series.actuals:
        return ""
    s = _scale(series, left=1, top=2, width=78, height=16)
    if s is None:
        return ""
    values = ", ".join(fmt_number(v, lang) for _, v in series.actuals[-6:])
    parts = [
        f'<svg class="spark" viewBox="0 0 80 20" width="80" height="20" role="img" '
        f'aria-label="{escape(label("trend_line", lang))}: {escape(values)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    if series.goal is not None:
        y = _num(s.y(series.goal))
        parts.append(f'<line class="goal" x1="1" x2="79" y1="{y}" y2="{y}"/>')
    line = ([series.baseline] if series.baseline is not None else []) + list(series.actuals)
    points = " ".join(f"{_num(s.x(d))},{_num(s.y(v))}" for d, v in line)
    parts.append(f'<polyline class="actual" points="{points}"/>')
    day, value = series.actuals[-1]
    parts.append(f'<circle class="actual" cx="{_num(s.x(day))}" cy="{_num(s.y(value))}" r="2"/>')
    parts.append("</svg>")
    return "".join(parts)
