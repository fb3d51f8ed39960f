"""The terminal table: one line or two per target, never wider than the terminal.

The width is the terminal's when the CLI has one (80 columns otherwise).  Areas and
initiatives are headings above their targets; a short reason column appears when the line
has room for it (120 columns or more), and an ``Earlier`` column when the report is compared
with an earlier one.  Titles wrap onto a second line and are cut with an ellipsis after that.
Colour marks the status only when the caller says the output is a terminal (and
``NO_COLOR`` is unset); it is never the only cue.  Control characters in the plan's text are
shown escaped (``\\x1b``), never sent to the terminal.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator

import attrs

from goalcheck._export._labels import CHANGE_MARKS, fmt_number, label
from goalcheck._export._view import Group, Row, View
from goalcheck._export.funding import funding_lines
from goalcheck._text import visible

__all__ = ["goal_text", "latest_text", "render_table"]

_ANSI = {"good": "32", "ok": "36", "warn": "33", "bad": "31", "none": "2"}
_SENTENCE = re.compile(r"[.:;]\s+(?=[A-ZÆØÅ])")  # not "pr. 2010" or "pct. får"
_REASON_FROM = 120  # a reason column from this width on
_GAP = 2


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
    if direction is None and sign is None:  # neither the target nor the facts say which way
        return fmt_number(target, lang)
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


def earlier_text(row: Row, lang: str) -> str:
    """``▼ on track``: how the status moved, and what it was (``+ new`` for a new target)."""
    if row.change is None:
        return ""
    mark = CHANGE_MARKS.get(row.change, "")
    if row.change == "unchanged":
        return mark
    return f"{mark} {row.earlier_label or label(row.change, lang)}"


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


@attrs.frozen
class _Layout:
    """Column widths for one table."""

    id: int
    title: int
    status: int
    num: int
    earlier: int
    reason: int

    @property
    def widths(self) -> tuple[int, ...]:
        cols = (self.id, self.title, self.status, self.num, self.num, self.earlier, self.reason)
        return tuple(w for w in cols if w)


def _layout(view: View, width: int) -> _Layout:
    lang = view.lang
    id_w = min(max([len(label("id", lang)), *(len(visible(r.id)) for r in view.rows)]), 10)
    status_w = min(max([len(label("status", lang)), *(len(r.label) for r in view.rows)]), 18)
    num_w = 9
    earlier_w = 0
    if view.changes is not None:
        texts = [earlier_text(r, lang) for r in view.rows]
        earlier_w = min(max([len(label("earlier", lang)), *map(len, texts)]), 14)
    fixed = id_w + status_w + 2 * num_w + earlier_w
    columns = 5 + (1 if earlier_w else 0)
    rest = width - fixed - _GAP * (columns - 1)
    reason_w = 0
    if width >= _REASON_FROM:
        title_w = min(max(rest // 2, 30), 50)
        reason_w = rest - title_w - _GAP
    else:
        title_w = rest
    return _Layout(id_w, title_w, status_w, num_w, earlier_w, reason_w)


def _short(text: str, width: int) -> str:
    """The first sentence of a reason, cut to *width*."""
    first = " ".join(text.split())
    end = _SENTENCE.search(first)
    if end is not None:
        first = first[: end.start() + 1]
    return _cell(first, width).rstrip()


def _heading_lines(group: Group, depth: int, width: int) -> Iterator[str]:
    status = f" — {group.status_text}" if group.label else ""
    pad = "  " * depth
    mark = "■" if depth == 0 else "▪"
    text = f"{mark} {visible(group.name)}{status}"
    yield from textwrap.wrap(text, width, initial_indent=pad, subsequent_indent=pad + "  ")


class _Table:
    def __init__(self, view: View, color: bool, width: int) -> None:
        self.view = view
        self.lang = view.lang
        self.color = color
        self.width = width
        self.lay = _layout(view, width)

    def paint(self, text: str, tone: str) -> str:
        if not self.color:
            return text
        return f"\x1b[{_ANSI.get(tone, '0')}m{text}\x1b[0m"

    def head(self) -> list[str]:
        lang, lay = self.lang, self.lay
        cells = [
            _cell(label("id", lang), lay.id),
            _cell(label("title", lang), lay.title),
            _cell(label("status", lang), lay.status),
            label("latest", lang).rjust(lay.num),
            label("goal", lang).rjust(lay.num),
        ]
        if lay.earlier:
            cells.append(_cell(label("earlier", lang), lay.earlier))
        if lay.reason:
            cells.append(_cell(label("reason", lang), lay.reason))
        return ["  ".join(cells).rstrip(), "  ".join("─" * w for w in lay.widths)]

    def row(self, row: Row) -> list[str]:
        lang, lay = self.lang, self.lay
        title = _wrap(visible(row.title or row.id), lay.title)
        cells = [
            _cell(visible(row.id), lay.id),
            title[0].ljust(lay.title),
            self.paint(_cell(row.label, lay.status), row.tone),
            _cell(latest_text(row, lang), lay.num).strip().rjust(lay.num),
            _cell(goal_text(row, lang), lay.num).strip().rjust(lay.num),
        ]
        if lay.earlier:
            cells.append(_cell(earlier_text(row, lang), lay.earlier))
        if lay.reason:
            cells.append(_short(visible(row.explanation), lay.reason))
        out = ["  ".join(cells).rstrip()]
        out += [(" " * (lay.id + _GAP) + more).rstrip() for more in title[1:]]
        return out

    def groups(self, groups: tuple[Group, ...]) -> list[str]:
        out: list[str] = []
        headed = not (len(groups) == 1 and groups[0].level == "plan" and not groups[0].children)
        for group in groups:
            out += self.group(group, 0, headed)
        return out

    def group(self, group: Group, depth: int, headed: bool) -> list[str]:
        out = list(_heading_lines(group, depth, self.width)) if headed else []
        for row in group.rows:
            out += self.row(row)
        for child in group.children:
            out += self.group(child, depth + 1, headed)
        return out

    def summary(self) -> list[str]:
        lang = self.lang
        words = [f"{label('summary', lang)}:"]
        tones = [""]
        for item in self.view.summary:
            if item.count:
                words.append(f"{item.label} {item.count}")
                tones.append(item.tone)
        words.append(f"({len(self.view.rows)} {label('targets', lang)})")
        tones.append("")
        return _flow(words, tones, self.width, self.paint)


def _flow(
    words: list[str], tones: list[str], width: int, paint: Callable[[str, str], str]
) -> list[str]:
    out: list[str] = []
    line, length = "", 0
    for i, (word, tone) in enumerate(zip(words, tones, strict=True)):
        sep = "" if not line else (" · " if 1 < i < len(words) - 1 else " ")
        if length and length + len(sep) + len(word) > width:
            out.append(line)
            line, length, sep = "  ", 2, ""
        line += sep + (paint(word, tone) if tone else word)
        length += len(sep) + len(word)
    out.append(line)
    return out


def render_table(view: View, *, color: bool = False, width: int = 80) -> str:
    """The report as a plain-text table at most *width* columns wide (at least 60)."""
    width = max(width, 60)
    table = _Table(view, color, width)
    out = textwrap.wrap(visible(view.title), width) + textwrap.wrap(view.meta(), width)
    change = view.change_line()
    if change:
        out += textwrap.wrap(change, width)
    out.append("")
    out += table.head()
    out += table.groups(view.groups)
    out.append("")
    out += table.summary()
    out += funding_lines(view, width)
    return "\n".join(out) + "\n"
