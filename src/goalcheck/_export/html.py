"""The HTML report: one self-contained file to open in a browser, mail or print.

Everything is inline (CSS, SVG charts); nothing is fetched, no scripts run.  A summary with a
count per status comes first, then a section per area and initiative, and a card per target
with its status badge, a progress bar (with a tick where the time elapsed says it should be),
the explanation and a small chart.  Print CSS keeps cards whole and colours on paper.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from goalcheck._export._labels import fmt_number, fmt_percent, label
from goalcheck._export._view import Group, Row, View
from goalcheck._export.chart import render_chart
from goalcheck._export.table import goal_text, latest_text

__all__ = ["render_html"]

_CSS = """
:root { --good:#1a7f37; --good-bg:#dafbe1; --ok:#0969da; --ok-bg:#ddf4ff;
  --warn:#9a6700; --warn-bg:#fff8c5; --bad:#cf222e; --bad-bg:#ffebe9;
  --none:#57606a; --none-bg:#eaeef2; --line:#d0d7de; --text:#1f2328; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--text); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08em; margin: 18px 0 8px; }
h4 { font-size: 1em; margin: 0; flex: 1; }
.meta, .muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: .82em;
  font-weight: 600; white-space: nowrap; vertical-align: middle;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.tone-good { color: var(--good); background: var(--good-bg); }
.tone-ok { color: var(--ok); background: var(--ok-bg); }
.tone-warn { color: var(--warn); background: var(--warn-bg); }
.tone-bad { color: var(--bad); background: var(--bad-bg); }
.tone-none { color: var(--none); background: var(--none-bg); }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
.count { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.count b { display: block; font-size: 1.6em; line-height: 1.1; }
.stack { display: flex; height: 12px; border-radius: 6px; overflow: hidden;
  background: var(--none-bg); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.stack span { display: block; height: 100%; }
.fill-good { background: var(--good); } .fill-ok { background: var(--ok); }
.fill-warn { background: #d4a72c; } .fill-bad { background: var(--bad); }
.fill-none { background: #afb8c1; }
.target { border: 1px solid var(--line); border-left: 5px solid var(--none); border-radius: 6px;
  padding: 10px 14px; margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
.target.tone-good, .target.tone-ok, .target.tone-warn, .target.tone-bad, .target.tone-none {
  background: none; color: inherit; }
.target.tone-good { border-left-color: var(--good); }
.target.tone-ok { border-left-color: var(--ok); }
.target.tone-warn { border-left-color: #d4a72c; }
.target.tone-bad { border-left-color: var(--bad); }
.head { display: flex; gap: 10px; align-items: baseline; }
.tid { font-weight: 700; color: var(--muted); min-width: 2.5em; }
.body { display: flex; flex-wrap: wrap; gap: 8px 20px; margin-top: 6px; }
.text { flex: 1 1 360px; min-width: 0; }
.text p { margin: 6px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 6px 0; }
dt { color: var(--muted); } dd { margin: 0; }
.bar { position: relative; height: 10px; background: var(--none-bg); border-radius: 5px;
  margin: 6px 0 2px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar > span { display: block; height: 100%; border-radius: 5px; }
.bar > i { position: absolute; top: -3px; width: 2px; height: 16px; background: var(--text); }
.quote { border-left: 3px solid var(--line); padding-left: 10px; color: var(--muted);
  font-size: .92em; }
svg.chart { max-width: 100%; height: auto; font: 10px system-ui, Arial, sans-serif; }
svg .plot { fill: #fafbfc; stroke: var(--line); }
svg .band { fill: var(--good-bg); }
svg .goal, svg .legend-goal { stroke: var(--good); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .goal-label { fill: var(--good); }
svg .deadline, svg .legend-deadline { stroke: var(--bad); stroke-width: 1.2;
  stroke-dasharray: 2 2; }
svg .asof, svg .legend-asof { stroke: #8c959f; stroke-width: 1; }
svg .trend, svg .legend-trend { stroke: var(--ok); stroke-width: 1.5; stroke-dasharray: 1 3;
  stroke-linecap: round; }
svg polyline.actual { fill: none; stroke: var(--text); stroke-width: 1.5; }
svg circle.actual { fill: var(--text); }
svg .legend-actual { stroke: var(--text); stroke-width: 2; }
svg .forecast { fill: #fff; stroke: #8250df; stroke-width: 1.6; }
svg .legend-forecast { stroke: #8250df; stroke-width: 2; stroke-dasharray: 3 2; }
svg .baseline { fill: #8c959f; }
svg .axis, svg .legend { fill: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: .85em; }
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .target { margin: 6px 0; }
  .body { flex-wrap: nowrap; }
  .text { flex: 1 1 auto; }
  .figure { flex: 0 0 290px; }
  svg.chart { width: 290px; }
  @page { margin: 14mm; }
}
"""


def _progress(row: Row, lang: str) -> str:
    share = row.number("progress")
    if share is None or row.fact("milestone") is True:
        return ""
    width = min(max(share, 0.0), 1.0) * 100
    tick = ""
    elapsed = row.number("elapsed_now")
    if elapsed is not None and 0 <= elapsed <= 1:
        tick = f'<i style="left:calc({elapsed * 100:.1f}% - 1px)"></i>'
    text = f"{label('progress', lang)}: {fmt_percent(share, lang)}"
    return (
        f'<div class="bar" role="img" aria-label="{escape(text)}">'
        f'<span class="fill-{row.tone}" style="width:{width:.1f}%"></span>{tick}</div>'
        f'<div class="muted">{escape(text)}</div>'
    )


def _facts(row: Row, view: View) -> str:
    lang = view.lang
    items = [
        (label("latest", lang), latest_text(row, lang)),
        (label("goal", lang), goal_text(row, lang)),
    ]
    if items[-1][1] == "?":
        items[-1] = (items[-1][0], label("not_set", lang))
    elif row.target is not None and row.target.unit:
        items[-1] = (items[-1][0], f"{items[-1][1]} {row.target.unit}")
    deadline = row.fact("deadline")
    if not isinstance(deadline, dt.date) and row.target is not None:
        deadline = row.target.deadline
    if isinstance(deadline, dt.date):
        items.append((label("deadline", lang), deadline.isoformat()))
    forecast = row.number("forecast")
    if forecast is not None:
        items.append((label("forecast", lang).capitalize(), fmt_number(forecast, lang)))
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f"<dl>{cells}</dl>"


def _card(row: Row, view: View) -> str:
    lang = view.lang
    reported = ""
    if row.target is not None and row.target.reported_text:
        reported = (
            f'<p class="quote" lang="da">{escape(label("reported", lang))}: '
            f"“{escape(' '.join(row.target.reported_text.split()))}”</p>"
        )
    chart = render_chart(row, view.as_of, lang)
    return (
        f'<article class="target tone-{row.tone}" id="t-{escape(row.id)}">'
        f'<div class="head"><span class="tid">{escape(row.id)}</span>'
        f"<h4>{escape(row.title or row.id)}</h4>"
        f'<span class="badge tone-{row.tone}">{escape(row.label)}</span></div>'
        f'<div class="body"><div class="text">{_progress(row, lang)}{_facts(row, view)}'
        f"<p>{escape(row.explanation)}</p>{reported}</div>"
        + (f'<div class="figure">{chart}</div>' if chart else "")
        + "</div></article>"
    )


def _group(group: Group, view: View, depth: int) -> str:
    name = f"{group.id} {group.title}" if group.id and group.title != group.id else group.title
    badge = (
        f' <span class="badge tone-{group.tone}">{escape(group.label)}</span>'
        if group.label
        else ""
    )
    tag = f"h{depth}"
    inner = "".join(_card(row, view) for row in group.rows)
    inner += "".join(_group(child, view, depth + 1) for child in group.children)
    return (
        f'<section class="{escape(group.level)}"><{tag}>{escape(name)}{badge}</{tag}>'
        f"{inner}</section>"
    )


def _summary(view: View) -> str:
    lang = view.lang
    total = len(view.rows) or 1
    counts = "".join(
        f'<div class="count"><b>{item.count}</b>'
        f'<span class="badge tone-{item.tone}">{escape(item.label)}</span></div>'
        for item in view.summary
    )
    stack = "".join(
        f'<span class="fill-{item.tone}" style="width:{100 * item.count / total:.2f}%" '
        f'title="{escape(item.label)}: {item.count}"></span>'
        for item in view.summary
        if item.count
    )
    return (
        f'<section class="summary"><h2>{escape(label("summary", lang))}</h2>'
        f'<div class="counts">{counts}</div><div class="stack">{stack}</div>'
        f'<p class="muted">{len(view.rows)} {escape(label("targets", lang))}</p></section>'
    )


def render_html(view: View) -> str:
    """The report as one self-contained HTML document."""
    lang = view.lang
    meta = view.meta()
    body = "".join(_group(group, view, 2) for group in view.groups)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(view.title)} — {view.as_of.isoformat()}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{escape(view.title)}</h1><p class="meta">{escape(meta)}</p></header>\n'
        f"{_summary(view)}\n<main>\n{body}\n</main>\n"
        f"<footer>{escape(label('generated', lang))}</footer>\n</body>\n</html>\n"
    )
