"""Markdown for reports and wikis: a summary table, then a table per area and initiative.

Escaping policy: text from the plan or the rule set cannot become markup.  ``<``, ``>`` and
``&`` are written as HTML entities (no tag reaches a renderer that allows HTML), and the
Markdown punctuation that could start a link, emphasis, code or a table cell (``\\ ` * _ [ ]
|``) is backslash-escaped; whitespace, line breaks included, collapses to one space.
"""

from __future__ import annotations

import re

from goalcheck._export._labels import label
from goalcheck._export._view import Group, Row, View
from goalcheck._export.funding import funding_markdown
from goalcheck._export.table import earlier_text, goal_text, latest_text

__all__ = ["escape_markdown", "render_markdown"]

_PUNCT = re.compile(r"([\\`*_\[\]|])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """*text* as literal Markdown inline text, safe inside a table cell."""
    flat = " ".join(text.split())
    flat = _PUNCT.sub(r"\\\1", flat)
    return re.sub(r"[&<>]", lambda m: _ENTITIES[m.group()], flat)


_esc = escape_markdown


def _rows_table(rows: tuple[Row, ...], lang: str, compared: bool) -> list[str]:
    cols = ["id", "title", "status", "latest", "goal"]
    align = ["---", "---", "---", "---:", "---:"]
    if compared:
        cols.append("earlier")
        align.append("---")
    cols.append("explanation")
    align.append("---")
    out = [
        "| " + " | ".join(label(c, lang) for c in cols) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in rows:
        cells = [
            _esc(row.id),
            _esc(row.title),
            f"**{_esc(row.label)}**",
            _esc(latest_text(row, lang)),
            _esc(goal_text(row, lang)),
        ]
        if compared:
            cells.append(_esc(earlier_text(row, lang)))
        cells.append(_esc(row.explanation))
        out.append("| " + " | ".join(cells) + " |")
    return out


def _heading(group: Group, depth: int) -> str:
    status = f" — {_esc(group.status_text)}" if group.label else ""
    return f"{'#' * depth} {_esc(group.name)}{status}"


def render_markdown(view: View) -> str:
    """The report as a Markdown document."""
    lang = view.lang
    compared = view.changes is not None
    out = [f"# {_esc(view.title)}", ""]
    rules = f"{label('rules', lang)} {_esc(view.rules_name)} {_esc(view.rules_version)}".rstrip()
    out += [f"{label('as_of', lang).capitalize()} {view.as_of.isoformat()} · {rules}", ""]
    change = view.change_line()
    if change:
        out += [f"**{_esc(change)}**", ""]
    out += [f"## {label('summary', lang)}", ""]
    out += [f"| {label('status', lang)} | {label('count', lang)} |", "| --- | ---: |"]
    for item in view.summary:
        out.append(f"| {_esc(item.label)} | {item.count} |")
    out.append(f"| *{label('total', lang)}* | {len(view.rows)} |")
    for group in view.groups:
        out += ["", _heading(group, 2)]
        if group.rows:
            out += ["", *_rows_table(group.rows, lang, compared)]
        for child in group.children:
            out += ["", _heading(child, 3), "", *_rows_table(child.rows, lang, compared)]
    out += funding_markdown(view, _esc)
    out += ["", f"*{_esc(view.footer())}*", ""]
    return "\n".join(out)
