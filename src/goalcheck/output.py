"""Reports for people and programs: render a Report as text in any format, write it safely.

For analysts in Python::

    report = goalcheck.evaluate(plan, "2009-09-30")
    html = goalcheck.output.render(report, "html", lang="da", plan=plan)
    goalcheck.output.write_text("status.html", html)

``plan`` is optional; with it the HTML report draws a chart per target and every format can
show facts the rule set did not use (such as progress).  Formats: ``table`` (terminal, 80
columns), ``json`` (the schema-versioned contract), ``csv`` (one row per target),
``markdown`` and ``html`` (one self-contained file).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from goalcheck.errors import GoalcheckError, did_you_mean
from goalcheck.model import Plan
from goalcheck.report import Report

__all__ = ["FORMATS", "explain", "format_for_path", "render", "write_text"]

FORMATS: tuple[str, ...] = ("table", "json", "csv", "markdown", "html")
"""The output formats, as ``--format`` names them."""

_SUFFIXES = {
    ".txt": "table",
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def _check(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        raise GoalcheckError(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}"
            + did_you_mean(fmt, FORMATS)
        )
    if lang not in ("en", "da"):
        raise GoalcheckError(f"language must be 'en' or 'da', not {lang!r}")


def render(
    report: Report,
    format: str = "table",
    lang: str = "en",
    *,
    plan: Plan | None = None,
    color: bool = False,
    width: int = 80,
) -> str:
    """*report* as text in *format* (see :data:`FORMATS`) and *lang* (``en`` or ``da``)."""
    _check(format, lang)
    if format == "json":
        from goalcheck._export.json import render_json

        return render_json(report, lang)
    from goalcheck._export._view import build_view

    view = build_view(report, lang, plan)
    if format == "table":
        from goalcheck._export.table import render_table

        return render_table(view, color=color, width=width)
    if format == "csv":
        from goalcheck._export.csv import render_csv

        return render_csv(view)
    if format == "markdown":
        from goalcheck._export.markdown import render_markdown

        return render_markdown(view)
    from goalcheck._export.html import render_html

    return render_html(view)


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file name suggests (``report.html`` -> ``html``), or ``None``."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write *text* to *path* atomically: readers see the old file or the whole new one.

    The text goes to a temporary file in the same directory, is flushed to disk, and then
    replaces *path* in one step; on any error the temporary file is removed.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def explain(
    plan: Plan,
    target_id: str,
    as_of: dt.date | str | None = None,
    rules: object = "default",
    lang: str = "en",
    **params: object,
) -> str:
    """What ``goalcheck explain`` prints: facts, every rule's outcome, and the verdict."""
    _check("table", lang)
    from goalcheck._export.explain import Explanation, render_explanation
    from goalcheck.engine import evaluate
    from goalcheck.facts import compute_facts
    from goalcheck.rules import load_rules

    rs = load_rules(rules)  # type: ignore[arg-type]
    target = plan.target(target_id)
    report = evaluate(plan, as_of, rules=rs, **params)
    result = report[target_id]
    facts = compute_facts(target, report.as_of, period=plan.period)
    trace = rs.trace(facts, **params)
    ex = Explanation(target, result, report.as_of, rs, facts, trace)
    return render_explanation(ex, lang)
