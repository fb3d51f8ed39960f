"""Funding beside the goals: one row per budget target (holder, year, type) in every format.

A report carries its plan's funding as a second report judged by the ``funding`` rule set
(:func:`goalcheck.output.with_funding`); the view turns it into a sub-view, and these
helpers print that sub-view as a compact table: what was allocated, spent and expected, and
the verdict (within budget, overspend or underspend risk).
"""

from __future__ import annotations

from html import escape

from goalcheck._export._labels import fmt_number, fmt_percent
from goalcheck._export._view import Row, View

__all__ = ["funding_cells", "funding_html", "funding_lines", "funding_markdown"]

_HEADINGS = {
    "en": ("Funding", "budget line", "status", "allocated", "spent", "spent %", "forecast"),
    "da": ("Økonomi", "budgetlinje", "status", "bevilget", "forbrugt", "forbrug %", "forventet"),
}


def _money(row: Row, name: str, lang: str) -> str:
    value = row.number(name)
    return "—" if value is None else fmt_number(value, lang, digits=0)


def funding_cells(row: Row, lang: str) -> tuple[str, ...]:
    """The cells of one budget row: title, status, allocated, spent, share spent, forecast."""
    share = row.number("spent_share")
    return (
        row.title or row.id,
        row.label,
        _money(row, "allocated", lang),
        _money(row, "spent", lang),
        "—" if share is None else fmt_percent(share, lang),
        _money(row, "forecast_spend", lang),
    )


def funding_lines(view: View, width: int) -> list[str]:
    """The funding section of the terminal table (nothing when the report has none)."""
    if view.funding is None or not view.funding.rows:
        return []
    head = _HEADINGS.get(view.lang, _HEADINGS["en"])
    cells = [funding_cells(row, view.lang) for row in view.funding.rows]
    numbers = [max(len(head[i + 1]), *(len(c[i]) for c in cells)) for i in range(1, 6)]
    room = max(20, width - sum(numbers) - 2 * len(numbers))

    def line(values: tuple[str, ...]) -> str:
        # the numbers first, aligned; the line's title last, where it may run to the edge
        title = values[0] if len(values[0]) <= room else values[0][: room - 1] + "…"
        cells = [values[1].ljust(numbers[0])]
        cells += [value.rjust(size) for value, size in zip(values[2:], numbers[1:], strict=True)]
        return "  ".join([*cells, title]).rstrip()

    return ["", head[0], line(head[1:]), *(line(c) for c in cells)]


def funding_markdown(view: View, escape_text: object) -> list[str]:
    """The funding section as Markdown lines; *escape_text* escapes a cell."""
    if view.funding is None or not view.funding.rows:
        return []
    esc = escape_text if callable(escape_text) else str
    head = _HEADINGS.get(view.lang, _HEADINGS["en"])
    out = ["", f"## {head[0]}", "", "| " + " | ".join(head[1:]) + " |"]
    out.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for row in view.funding.rows:
        out.append("| " + " | ".join(esc(c) for c in funding_cells(row, view.lang)) + " |")
    return out


def funding_html(view: View) -> str:
    """The funding section as an HTML table (empty when the report has none)."""
    if view.funding is None or not view.funding.rows:
        return ""
    head = _HEADINGS.get(view.lang, _HEADINGS["en"])
    th = "".join(f"<th>{escape(h)}</th>" for h in head[1:])
    body = []
    for row in view.funding.rows:
        cells = funding_cells(row, view.lang)
        status = f'<span class="badge tone-{escape(row.tone)}">{escape(cells[1])}</span>'
        tds = [f"<td>{escape(cells[0])}</td>", f"<td>{status}</td>"]
        tds += [f'<td class="num">{escape(c)}</td>' for c in cells[2:]]
        body.append(f'<tr title="{escape(row.explanation)}">{"".join(tds)}</tr>')
    return (
        f'<section class="funding"><h2>{escape(head[0])}</h2>'
        f'<div class="scroll"><table class="overview"><thead><tr>{th}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div></section>"
    )
