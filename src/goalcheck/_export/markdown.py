"""Markdown for reports and wikis: a summary table, then a table per area and initiative."""

from __future__ import annotations

from goalcheck._export._labels import label
from goalcheck._export._view import Group, Row, View
from goalcheck._export.table import goal_text, latest_text

__all__ = ["render_markdown"]


def _esc(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rows_table(rows: tuple[Row, ...], lang: str) -> list[str]:
    cols = ("id", "title", "status", "latest", "goal", "explanation")
    out = [
        "| " + " | ".join(label(c, lang) for c in cols) + " |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for row in rows:
        cells = [
            row.id,
            row.title,
            f"**{row.label}**",
            latest_text(row, lang),
            goal_text(row, lang),
            row.explanation,
        ]
        out.append("| " + " | ".join(_esc(c) for c in cells) + " |")
    return out


def _heading(group: Group, depth: int) -> str:
    name = f"{group.id} {group.title}" if group.id and group.title != group.id else group.title
    status = f" — {group.label}" if group.label else ""
    return f"{'#' * depth} {_esc(name)}{status}"


def render_markdown(view: View) -> str:
    """The report as a Markdown document."""
    lang = view.lang
    out = [f"# {_esc(view.title)}", ""]
    rules = f"{label('rules', lang)} `{view.rules_name}` {view.rules_version}".rstrip()
    out += [f"{label('as_of', lang).capitalize()} {view.as_of.isoformat()} · {rules}", ""]
    out += [f"## {label('summary', lang)}", ""]
    out += [f"| {label('status', lang)} | {label('count', lang)} |", "| --- | ---: |"]
    for item in view.summary:
        out.append(f"| {_esc(item.label)} | {item.count} |")
    out.append(f"| *{label('total', lang)}* | {len(view.rows)} |")
    for group in view.groups:
        out += ["", _heading(group, 2)]
        if group.rows:
            out += ["", *_rows_table(group.rows, lang)]
        for child in group.children:
            out += ["", _heading(child, 3), "", *_rows_table(child.rows, lang)]
    out += ["", f"*{label('generated', lang)}*", ""]
    return "\n".join(out)
