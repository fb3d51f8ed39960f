"""The terminal table: one line or two per target, never wider than the terminal (80 columns).

Titles wrap onto a second line and are cut with an ellipsis after that; colour marks the
status only when the caller says the output is a terminal (and ``NO_COLOR`` is unset).
"""

from __future__ import annotations

import textwrap

from goalcheck._export._labels import fmt_number, label
from goalcheck._export._view import Row, View

__all__ = ["goal_text", "latest_text", "render_table"]

_ANSI = {"good": "32", "ok": "36", "warn": "33", "bad": "31", "none": "2"}


def goal_text(row: Row, lang: str) -> str:
    """The goal in a few characters: ``≥ 90``, ``≤ 18``, ``60–70``, ``↑``, a milestone mark."""
    direction = row.target.direction.value if row.target is not None else None
    target = row.number("target")
    high = row.number("target_high")
    if direction == "milestone" or row.fact("milestone") is True:
        return label("milestone", lang)
    if direction in ("increase", "decrease"):
        return "↑" if direction == "increase" else "↓"
    if target is None:
        return "?"
    if high is not None:
        return f"{fmt_number(target, lang)}–{fmt_number(high, lang)}"
    sign = row.number("direction")
    if direction == "at_most" or (direction is None and sign is not None and sign < 0):
        return f"≤ {fmt_number(target, lang)}"
    return f"≥ {fmt_number(target, lang)}"


def latest_text(row: Row, lang: str) -> str:
    """The latest actual value, or the forecast in parentheses, or a dash."""
    value = row.number("value")
    if value is not None:
        return fmt_number(value, lang)
    forecast = row.number("forecast")
    if forecast is not None:
        return f"({fmt_number(forecast, lang)})"
    return label("none", lang)


def _cell(text: str, width: int) -> str:
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text.ljust(width)


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    wrapped = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], rest[: width - 1] + "…"]
    return wrapped


def render_table(view: View, *, color: bool = False, width: int = 80) -> str:
    """The report as a plain-text table at most *width* columns wide."""
    lang = view.lang
    width = max(width, 60)
    id_w = min(max([len(label("id", lang)), *(len(r.id) for r in view.rows)]), 10)
    status_w = min(max([len(label("status", lang)), *(len(r.label) for r in view.rows)]), 18)
    num_w = 9
    title_w = width - (id_w + status_w + 2 * num_w + 4 * 2)

    def paint(text: str, tone: str) -> str:
        if not color:
            return text
        return f"\x1b[{_ANSI.get(tone, '0')}m{text}\x1b[0m"

    out = textwrap.wrap(view.title, width) + textwrap.wrap(view.meta(), width)
    out.append("")
    head = [
        _cell(label("id", lang), id_w),
        _cell(label("title", lang), title_w),
        _cell(label("status", lang), status_w),
        label("latest", lang).rjust(num_w),
        label("goal", lang).rjust(num_w),
    ]
    out.append("  ".join(head).rstrip())
    out.append("  ".join("─" * w for w in (id_w, title_w, status_w, num_w, num_w)))
    for row in view.rows:
        title = _wrap(row.title or row.id, title_w)
        first = "  ".join(
            [
                _cell(row.id, id_w),
                title[0].ljust(title_w),
                paint(_cell(row.label, status_w), row.tone),
                _cell(latest_text(row, lang), num_w).strip().rjust(num_w),
                _cell(goal_text(row, lang), num_w).strip().rjust(num_w),
            ]
        )
        out.append(first.rstrip())
        for more in title[1:]:
            out.append((" " * (id_w + 2) + more).rstrip())
    out.append("")
    words = [f"{label('summary', lang)}:"]
    tones = [""]
    for item in view.summary:
        if item.count:
            words.append(f"{item.label} {item.count}")
            tones.append(item.tone)
    words.append(f"({len(view.rows)} {label('targets', lang)})")
    tones.append("")
    line, length = "", 0
    for i, (word, tone) in enumerate(zip(words, tones, strict=True)):
        sep = "" if not line else (" · " if 1 < i < len(words) - 1 else " ")
        if length and length + len(sep) + len(word) > width:
            out.append(line)
            line, length, sep = "  ", 2, ""
        line += sep + (paint(word, tone) if tone else word)
        length += len(sep) + len(word)
    out.append(line)
    return "\n".join(out) + "\n"
