"""The HTML report: one self-contained file to open in a browser, mail or print.

Everything is inline (CSS, SVG charts, a few lines of script to sort the overview); nothing is
fetched.  A summary with a count per status comes first, then a one-screen overview (a dense
table: id, title, status, latest, goal, the change since an earlier report, a sparkline;
grouped by area and initiative; sortable by clicking a heading), then a section per area and
initiative with a card per target: its status badge, a progress bar (with a tick where the
time elapsed says it should be), the explanation and a small chart.

The layout works from a 400 px phone to a desktop (nothing cut off, no horizontal scroll:
tested in headless Chromium); print CSS keeps cards whole and colours on paper.  Colour is
never the only cue: every badge has its word, every change its mark and word, every chart
line its legend entry and dash pattern.  The footer names goalcheck's version, the rule set
and the evaluation date.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from goalcheck._export._labels import change_text, fmt_number, fmt_percent, label
from goalcheck._export._view import Group, Row, View
from goalcheck._export.chart import render_chart, render_sparkline
from goalcheck._export.funding import funding_html
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
body { overflow-wrap: break-word; }
.head { flex-wrap: wrap; }
h4 { flex: 1 1 14em; min-width: 0; }
dd { min-width: 0; overflow-wrap: anywhere; }
.change { display: inline-block; font-size: .82em; font-weight: 600; white-space: nowrap;
  border: 1px solid currentColor; border-radius: 999px; padding: 0 7px; vertical-align: middle; }
.change-worsened { color: var(--bad); } .change-improved { color: var(--good); }
.change-changed, .change-new { color: var(--ok); } .change-unchanged { color: var(--muted); }
.since { font-weight: 600; }
table.overview { width: 100%; border-collapse: collapse; font-size: .9em; }
.overview th, .overview td { padding: 3px 6px; text-align: left; vertical-align: middle;
  border-bottom: 1px solid var(--line); }
.overview thead th { position: sticky; top: 0; background: #fff; white-space: nowrap; }
.overview th button { font: inherit; font-weight: 600; color: inherit; background: none;
  border: 0; padding: 0; cursor: pointer; }
.overview th[aria-sort="ascending"] button::after { content: " ▲"; }
.overview th[aria-sort="descending"] button::after { content: " ▼"; }
.overview tr.grp th { background: #f6f8fa; font-weight: 600; }
.overview td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.overview td.tid a { color: inherit; font-weight: 700; }
svg.spark { display: block; }
svg.spark .goal { stroke: var(--good); stroke-width: 1; stroke-dasharray: 3 2; }
svg.spark polyline.actual { fill: none; stroke: var(--text); stroke-width: 1.3; }
svg.spark circle.actual { fill: var(--text); }
@media (max-width: 640px) {
  body { padding: 12px; font-size: 14px; }
  .overview thead { display: none; }
  .overview table, .overview tbody, .overview tr, .overview td, .overview th { display: block; }
  table.overview { display: block; }
  .overview tr.row { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 10px;
    padding: 6px 0; border-bottom: 1px solid var(--line); }
  .overview tr.row td { border: 0; padding: 0; }
  .overview td.title { flex: 1 1 100%; }
  .overview td.num::before { content: attr(data-label) " "; color: var(--muted); }
  .overview tr.grp th { padding: 6px; }
  .figure { max-width: 100%; }
}
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .target { margin: 6px 0; }
  .body { flex-wrap: nowrap; }
  .text { flex: 1 1 auto; }
  .figure { flex: 0 0 290px; }
  svg.chart { width: 290px; }
  .overview th button::after { content: none !important; }
  .overview thead th { position: static; }
  @page { margin: 14mm; }
}
"""


_SCRIPT = """
document.querySelectorAll("table.overview").forEach(function (table) {
  table.querySelectorAll("thead th[data-type]").forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var col = th.cellIndex, num = th.dataset.type === "num";
      function key(row) {
        var cell = row.cells[col], v = cell.dataset.sort;
        return v === undefined ? cell.textContent.trim() : v;
      }
      table.querySelectorAll("tbody").forEach(function (body) {
        var rows = Array.prototype.slice.call(body.querySelectorAll("tr.row"));
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === "" || y === "") { return (x === "") - (y === ""); }
          var d = num ? parseFloat(x) - parseFloat(y)
            : x.localeCompare(y, undefined, {numeric: true});
          return up ? d : -d;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
});
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


def _badge(row: Row) -> str:
    return f'<span class="badge tone-{row.tone}">{escape(row.label)}</span>'


def _change(row: Row, lang: str) -> str:
    if row.change is None:
        return ""
    text = change_text(row.change, row.earlier_label, lang)
    return f'<span class="change change-{escape(row.change)}">{escape(text)}</span>'


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
        f"{_badge(row)}{_change(row, lang)}</div>"
        f'<div class="body"><div class="text">{_progress(row, lang)}{_facts(row, view)}'
        f"<p>{escape(row.explanation)}</p>{reported}</div>"
        + (f'<div class="figure">{chart}</div>' if chart else "")
        + "</div></article>"
    )


def _group_badge(group: Group) -> str:
    if not group.label:
        return ""
    detail = f' <span class="muted">{escape(group.detail)}</span>' if group.detail else ""
    return f' <span class="badge tone-{group.tone}">{escape(group.label)}</span>{detail}'


def _group(group: Group, view: View, depth: int) -> str:
    tag = f"h{depth}"
    inner = "".join(_card(row, view) for row in group.rows)
    inner += "".join(_group(child, view, depth + 1) for child in group.children)
    return (
        f'<section class="{escape(group.level)}"><{tag}>{escape(group.name)}'
        f"{_group_badge(group)}</{tag}>{inner}</section>"
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


def _leaves(groups: tuple[Group, ...], prefix: str = "") -> list[tuple[str, Group]]:
    """Every group that holds rows, with its full name (``1 Jobplan › 1.1 Aktivering``)."""
    out: list[tuple[str, Group]] = []
    for group in groups:
        name = f"{prefix} › {group.name}" if prefix else group.name
        if group.rows:
            out.append((name, group))
        out += _leaves(group.children, name)
    return out


def _overview_row(row: Row, view: View, compared: bool, severity: dict[str, int]) -> str:
    lang = view.lang
    value, goal = row.number("value"), row.number("target")
    latest, goal_shown = escape(latest_text(row, lang)), escape(goal_text(row, lang))
    cells = [
        f'<td class="tid"><a href="#t-{escape(row.id)}">{escape(row.id)}</a></td>',
        f'<td class="title">{escape(row.title or row.id)}</td>',
        f'<td data-sort="{severity.get(row.status, 0)}">{_badge(row)}</td>',
        f'<td class="num" data-label="{escape(label("latest", lang))}" '
        f'data-sort="{"" if value is None else repr(value)}">{latest}</td>',
        f'<td class="num" data-label="{escape(label("goal", lang))}" '
        f'data-sort="{"" if goal is None else repr(goal)}">{goal_shown}</td>',
    ]
    if compared:
        cells.append(f"<td>{_change(row, lang)}</td>")
    cells.append(f'<td class="spark">{render_sparkline(row, view.as_of, lang)}</td>')
    return f'<tr class="row">{"".join(cells)}</tr>'


def _overview(view: View) -> str:
    lang = view.lang
    compared = view.changes is not None
    order = {item.status: i for i, item in enumerate(view.summary)}
    heads = [("id", "text"), ("title", "text"), ("status", "num"), ("latest", "num")]
    heads.append(("goal", "num"))
    if compared:
        heads.append(("change", "text"))
    columns = "".join(
        f'<th scope="col" data-type="{kind}"><button type="button">'
        f"{escape(label(key, lang))}</button></th>"
        for key, kind in heads
    )
    columns += f'<th scope="col">{escape(label("trend", lang).capitalize())}</th>'
    span = len(heads) + 1
    bodies = []
    for name, group in _leaves(view.groups):
        head = (
            f'<tr class="grp"><th colspan="{span}">{escape(name)}{_group_badge(group)}</th></tr>'
        )
        rows = "".join(_overview_row(row, view, compared, order) for row in group.rows)
        bodies.append(f"<tbody>{head}{rows}</tbody>")
    return (
        f'<section class="overview"><h2>{escape(label("overview", lang))}</h2>'
        f'<p class="muted">{escape(label("sort_hint", lang))}</p>'
        f'<table class="overview"><thead><tr>{columns}</tr></thead>{"".join(bodies)}</table>'
        "</section>"
    )


def render_html(view: View) -> str:
    """The report as one self-contained HTML document."""
    lang = view.lang
    change = view.change_line()
    since = f'<p class="since">{escape(change)}</p>' if change else ""
    body = "".join(_group(group, view, 3) for group in view.groups)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(view.title)} — {view.as_of.isoformat()}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{escape(view.title)}</h1><p class="meta">{escape(view.meta())}</p>'
        f"{since}</header>\n"
        f"{_summary(view)}\n{_overview(view)}\n<main>\n"
        f"<h2>{escape(label('details', lang))}</h2>\n{body}\n{funding_html(view)}\n</main>\n"
        f"<footer>{escape(view.footer())}</footer>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
