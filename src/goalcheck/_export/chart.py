"""A small inline SVG chart of one target: actuals, forecasts, goal, trend and deadline.

No scripts, no fonts to fetch, no external references: the chart is part of the HTML file and
prints as it shows.  Actuals are filled dots joined by a line, forecasts hollow diamonds, the
goal a dashed line (a shaded band for ``between`` targets), the trend a dotted line from the
latest actual to the projected value at the deadline, the deadline a vertical line and the
report's date a thin grey one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape

from goalcheck._export._labels import fmt_number, label
from goalcheck._export._view import Row
from goalcheck.model import MeasurementKind

__all__ = ["render_chart"]

_W, _H = 360, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 14, 12, 34


def _num(text: float) -> str:
    return f"{text:.1f}".rstrip("0").rstrip(".")


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _actuals(
    row: Row, as_of: dt.date, start: dt.date | None, baseline: float | None
) -> list[tuple[dt.date, float]]:
    """The actuals to plot: as given for a level, running totals for a cumulative metric."""
    assert row.target is not None
    points = [
        (m.date, m.value)
        for m in row.target.measurements
        if m.kind is MeasurementKind.ACTUAL and m.date <= as_of
    ]
    if row.target.accumulation.value != "cumulative":
        return points
    total = baseline or 0.0
    running: list[tuple[dt.date, float]] = []
    for day, value in points:
        if start is not None and day < start:
            continue
        total += value
        if running and running[-1][0] == day:
            running[-1] = (day, total)
        else:
            running.append((day, total))
    return running


def _y_labels(
    y0: float, y1: float, taken: list[float], y: Callable[[float], float], lang: str
) -> list[str]:
    """Labels for the bottom and top of the value axis, unless a goal label sits there."""
    out = []
    digits = 0 if abs(y1 - y0) >= 10 else 1 if abs(y1 - y0) >= 1 else 3
    for value in (y0, y1):
        pos = y(value)
        if all(abs(pos - other) > 11 for other in taken):
            out.append(
                f'<text class="axis" x="{_LEFT - 4}" y="{_num(pos + 3)}" text-anchor="end">'
                f"{escape(fmt_number(value, lang, digits=digits))}</text>"
            )
    return out


def render_chart(row: Row, as_of: dt.date, lang: str) -> str:
    """The SVG element for *row*, or ``""`` when there is nothing to draw."""
    target = row.target
    if target is None or target.direction.value == "milestone":
        return ""
    start = _date(row.fact("start")) or target.start
    deadline = _date(row.fact("deadline")) or target.deadline
    goal, high = row.number("target"), row.number("target_high")
    baseline = row.number("baseline")
    baseline_date = _date(row.fact("baseline_date")) or target.baseline_date
    if baseline_date is None:
        baseline = None
    projected = row.number("projected")
    actuals = _actuals(row, as_of, start, baseline)
    forecasts = [
        (m.date, m.value)
        for m in target.measurements
        if m.kind is MeasurementKind.FORECAST and (start is None or m.date >= start)
    ]
    if not actuals and not forecasts:
        return ""

    dates = [d for d, _ in actuals + forecasts] + [as_of]
    dates += [d for d in (start, deadline, baseline_date) if d is not None]
    values = [v for _, v in actuals + forecasts]
    values += [v for v in (goal, high) if v is not None]
    if baseline is not None and baseline_date is not None:
        values.append(baseline)
    if projected is not None and deadline is not None:
        values.append(projected)
    first_day, last_day = x0, x1 = min(dates), max(dates)
    if x0 == x1:
        x0, x1 = x0 - dt.timedelta(days=30), x1 + dt.timedelta(days=30)
    margin = dt.timedelta(days=max(1, round((x1 - x0).days * 0.03)))
    x0, x1 = x0 - margin, x1 + margin
    y0, y1 = min(values), max(values)
    if y0 >= 0 and y0 < 0.5 * y1:
        y0 = 0.0
    if y0 == y1:
        y0, y1 = y0 - 1, y1 + 1
    low, high_value = y0, y1
    pad = (y1 - y0) * 0.08
    y0, y1 = (y0 if y0 == 0 else y0 - pad), y1 + pad
    span = (x1 - x0).days
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(day: dt.date) -> float:
        return _LEFT + plot_w * (day - x0).days / span

    def y(value: float) -> float:
        return _TOP + plot_h * (1 - (value - y0) / (y1 - y0))

    t = escape(row.title or row.id)
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" role="img" '
        f'aria-label="{t}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{t}</title>",
        f'<rect class="plot" x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}"/>',
    ]
    if goal is not None and high is not None:
        parts.append(
            f'<rect class="band" x="{_LEFT}" y="{_num(y(high))}" width="{plot_w}" '
            f'height="{_num(y(goal) - y(high))}"/>'
        )
    for level in (goal, high):
        if level is not None:
            parts.append(
                f'<line class="goal" x1="{_LEFT}" x2="{_LEFT + plot_w}" '
                f'y1="{_num(y(level))}" y2="{_num(y(level))}"/>'
            )
            parts.append(
                f'<text class="goal-label" x="{_LEFT - 4}" y="{_num(y(level) + 3)}" '
                f'text-anchor="end">{escape(fmt_number(level, lang))}</text>'
            )
    parts.append(
        f'<line class="asof" x1="{_num(x(as_of))}" x2="{_num(x(as_of))}" y1="{_TOP}" '
        f'y2="{_TOP + plot_h}"/>'
    )
    if deadline is not None:
        xd = _num(x(deadline))
        parts.append(
            f'<line class="deadline" x1="{xd}" x2="{xd}" y1="{_TOP}" y2="{_TOP + plot_h}"/>'
        )
    last = actuals[-1] if actuals else None
    if last is None and baseline is not None and baseline_date is not None:
        last = (baseline_date, baseline)
    if projected is not None and deadline is not None and last is not None and deadline > last[0]:
        parts.append(
            f'<line class="trend" x1="{_num(x(last[0]))}" y1="{_num(y(last[1]))}" '
            f'x2="{_num(x(deadline))}" y2="{_num(y(projected))}"/>'
        )
    line = (
        [(baseline_date, baseline)] if baseline is not None and baseline_date else []
    ) + actuals
    if len(line) > 1:
        points = " ".join(f"{_num(x(d))},{_num(y(v))}" for d, v in line if d is not None)
        parts.append(f'<polyline class="actual" points="{points}"/>')
    if baseline is not None and baseline_date is not None:
        bx, by = x(baseline_date), y(baseline)
        parts.append(
            f'<rect class="baseline" x="{_num(bx - 3)}" y="{_num(by - 3)}" width="6" height="6">'
            f"<title>{escape(label('baseline', lang))} {baseline_date.isoformat()}: "
            f"{escape(fmt_number(baseline, lang))}</title></rect>"
        )
    for day, value in actuals:
        parts.append(
            f'<circle class="actual" cx="{_num(x(day))}" cy="{_num(y(value))}" r="3.2">'
            f"<title>{day.isoformat()}: {escape(fmt_number(value, lang))}</title></circle>"
        )
    for day, value in forecasts:
        cx, cy = x(day), y(value)
        diamond = (
            f"{_num(cx)},{_num(cy - 4.5)} {_num(cx + 4.5)},{_num(cy)} "
            f"{_num(cx)},{_num(cy + 4.5)} {_num(cx - 4.5)},{_num(cy)}"
        )
        parts.append(
            f'<polygon class="forecast" points="{diamond}">'
            f"<title>{escape(label('forecast', lang))} {day.isoformat()}: "
            f"{escape(fmt_number(value, lang))}</title></polygon>"
        )
    base = _TOP + plot_h
    parts.append(
        f'<text class="axis" x="{_num(x(first_day))}" y="{base + 12}">'
        f"{first_day.isoformat()}</text>"
    )
    parts.append(
        f'<text class="axis" x="{_num(x(last_day))}" y="{base + 12}" text-anchor="end">'
        f"{last_day.isoformat()}</text>"
    )
    goal_marks = [y(v) for v in (goal, high) if v is not None]
    parts += _y_labels(low, high_value, goal_marks, y, lang)
    legend = []
    if actuals:
        legend.append(("actual", "legend-actual"))
    if forecasts:
        legend.append(("forecast", "legend-forecast"))
    if goal is not None:
        legend.append(("goal_line", "legend-goal"))
    if projected is not None and deadline is not None:
        legend.append(("trend", "legend-trend"))
    if deadline is not None:
        legend.append(("deadline", "legend-deadline"))
    legend.append(("as_of", "legend-asof"))
    lx, ly = 4, base + 25
    for key, cls in legend:
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
    parts.append("</svg>")
    return "".join(parts)
