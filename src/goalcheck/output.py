"""Reports for people and programs: render a Report in any format, write it safely.

For analysts in Python::

    report = goalcheck.evaluate(plan, "2009-09-30")
    html = goalcheck.output.render(report, "html", lang="da", plan=plan)
    goalcheck.output.write_text("status.html", html)

    earlier = goalcheck.output.compare(report, "last-quarter.json")   # change since then
    data = goalcheck.output.render_bytes(earlier, "xlsx", plan=plan)  # needs goalcheck[xlsx]

``plan`` is optional; with it the HTML report draws a chart per target and every format can
show facts the rule set did not use (such as progress).  Formats: ``table`` (terminal, 80
columns unless *width* says otherwise), ``json`` (the schema-versioned contract), ``csv`` (one
row per target; ``decimal``, ``delimiter`` and ``bom`` suit it to a spreadsheet), ``markdown``,
``html`` (one self-contained file) and ``xlsx`` (an Excel workbook, bytes only).

Each text format has one escaping policy: the table and ``explain`` show control characters
as ``\\x1b`` instead of sending them to the terminal; CSV and xlsx neutralise formula-like
text cells (a leading ``'``); Markdown escapes HTML and table syntax; HTML escapes everything.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from goalcheck._text import Lang, check_lang
from goalcheck.errors import OptionError, did_you_mean
from goalcheck.model import Plan
from goalcheck.report import Report, compare

__all__ = [
    "FORMATS",
    "TEXT_FORMATS",
    "Lang",
    "check_lang",
    "compare",
    "compare_to",
    "explain",
    "format_for_path",
    "render",
    "render_bytes",
    "with_funding",
    "write_text",
]

TEXT_FORMATS: tuple[str, ...] = ("table", "json", "csv", "markdown", "html")
"""The formats :func:`render` returns as text."""

FORMATS: tuple[str, ...] = (*TEXT_FORMATS, "xlsx")
"""The output formats, as ``--format`` names them (``xlsx`` is binary: :func:`render_bytes`)."""

_SUFFIXES = {
    ".txt": "table",
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
}


def check_format(fmt: object) -> str:
    """*fmt* if it is one of :data:`FORMATS`, else an :class:`~goalcheck.errors.OptionError`."""
    if fmt not in FORMATS:
        raise OptionError(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}"
            + did_you_mean(str(fmt), FORMATS)
        )
    return str(fmt)


def _csv_options(decimal: str, delimiter: str) -> None:
    if decimal not in (".", ","):
        raise OptionError(f"decimal must be '.' or ',', not {decimal!r}")
    if delimiter not in (",", ";", "\t"):
        raise OptionError(f"delimiter must be ',', ';' or a tab, not {delimiter!r}")
    if decimal == delimiter:
        raise OptionError("decimal and delimiter must differ: use delimiter=';' with decimal=','")


def render(
    report: Report,
    format: str = "table",
    lang: str = "en",
    *,
    plan: Plan | None = None,
    color: bool = False,
    width: int | None = None,
    decimal: str = ".",
    delimiter: str = ",",
    bom: bool = False,
) -> str:
    """*report* as text in *format* (see :data:`TEXT_FORMATS`) and *lang* (``en`` or ``da``).

    *width* is the table's width (default 80).  *decimal*, *delimiter* and *bom* shape CSV
    for a spreadsheet: ``decimal=",", delimiter=";", bom=True`` is what Danish Excel opens
    with æøå and numbers intact.  ``xlsx`` is binary: use :func:`render_bytes`.
    """
    fmt = check_format(format)
    language = check_lang(lang)
    _csv_options(decimal, delimiter)
    if fmt == "xlsx":
        raise OptionError("xlsx is a binary format: use render_bytes(), or --output FILE.xlsx")
    if fmt == "json":
        from goalcheck._export.json import render_json

        return render_json(report, language)
    from goalcheck._export._view import build_view

    view = build_view(report, language, plan)
    if fmt == "table":
        from goalcheck._export.table import render_table

        return render_table(view, color=color, width=width or 80)
    if fmt == "csv":
        from goalcheck._export.csv import render_csv

        return ("\ufeff" if bom else "") + render_csv(view, decimal=decimal, delimiter=delimiter)
    if fmt == "markdown":
        from goalcheck._export.markdown import render_markdown

        return render_markdown(view)
    from goalcheck._export.html import render_html

    return render_html(view)


def render_bytes(
    report: Report,
    format: str = "table",
    lang: str = "en",
    *,
    plan: Plan | None = None,
    **options: Any,
) -> bytes:
    """*report* in any of :data:`FORMATS` as bytes: text formats UTF-8, ``xlsx`` a workbook.

    Keywords as for :func:`render`.  ``xlsx`` needs the ``xlsx`` extra
    (``pip install 'goalcheck[xlsx]'``): one row per target with status cells coloured by
    status, and a summary sheet.
    """
    fmt = check_format(format)
    language = check_lang(lang)
    if fmt != "xlsx":
        return render(report, fmt, language, plan=plan, **options).encode("utf-8")
    from goalcheck._export._view import build_view
    from goalcheck._export.xlsx import render_xlsx

    unknown = set(options) - {"color", "width", "decimal", "delimiter", "bom"}
    if unknown:
        raise OptionError(f"unknown option {sorted(unknown)[0]!r} for xlsx")
    return render_xlsx(build_view(report, language, plan))


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file name suggests (``report.html`` -> ``html``), or ``None``."""
    return _SUFFIXES.get(Path(path).suffix.lower())


def write_text(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write *text* (or bytes) to *path* atomically: readers see the old file or the new one.

    See :func:`goalcheck._io._atomic.write_text`, the one atomic writer.
    """
    from goalcheck._io._atomic import write_text as atomic_write

    atomic_write(path, text)


def compare_to(
    report: Report,
    earlier: str | os.PathLike[str] | dt.date | Report | Mapping[str, Any],
    plan: Plan | None = None,
    rules: object = None,
    **params: object,
) -> Report:
    """*report* compared with an earlier one (``evaluate --compare-to``).

    *earlier* is a Report or parsed JSON report, the path of a JSON report file, or a date
    or period phrase: then *plan* is evaluated again at that date with the same rule set
    (*rules*, default the report's own) and parameters.
    """
    if isinstance(earlier, Report | Mapping):
        return compare(report, earlier)
    if not isinstance(earlier, dt.date) and Path(earlier).is_file():
        return compare(report, earlier)
    if isinstance(earlier, os.PathLike) or (
        isinstance(earlier, str) and earlier.endswith(".json")
    ):
        raise OptionError(f"--compare-to: no such report file {os.fspath(earlier)!r}")
    if plan is None:
        raise OptionError("comparing with a date needs the plan to evaluate again")
    from goalcheck.engine import evaluate, resolve_as_of

    day = resolve_as_of(earlier)
    if day > report.as_of:
        raise OptionError(
            f"--compare-to {day.isoformat()} is after the report's date {report.as_of.isoformat()}"
        )
    ruleset: Any = rules if rules is not None else report.rules
    before = evaluate(plan, day, rules=ruleset, **params)
    return compare(report, before)


def has_spending(plan: Plan) -> bool:
    """Whether *plan* reports money spent or expected on any of its funding lines."""
    from goalcheck.model import FundingKind

    lines = [*plan.funding, *(f for a in plan.areas for f in getattr(a, "funding", ()))]
    lines += [f for i in plan.initiatives for f in i.funding]
    return any(f.kind in (FundingKind.SPENT, FundingKind.EXPECTED) for f in lines)


def with_funding(report: Report, plan: Plan, rules: Any = "funding") -> Report:
    """*report* with *plan*'s funding beside the goals: budget targets judged by *rules*.

    Every format then adds a funding section (per initiative, year and budget type: allocated,
    spent, expected and the verdict), and the JSON report a ``funding`` list.  A plan without
    budget lines, or a report that already judges funding, is returned unchanged.
    """
    from goalcheck._funding import budget_targets
    from goalcheck.engine import evaluate

    if getattr(report.rules, "applies_to", None) == "funding" or not budget_targets(plan):
        return report
    funding = evaluate(plan, report.as_of, rules=rules)
    return attrs.evolve(report, funding=funding)


def explain(
    plan: Plan,
    target_id: str,
    as_of: dt.date | str | None = None,
    rules: object = "default",
    lang: str = "en",
    **params: object,
) -> str:
    """What ``goalcheck explain`` prints: facts, every rule's outcome, and the verdict.

    Only *target_id* is evaluated, not the whole plan.
    """
    language = check_lang(lang)
    from goalcheck._export.explain import Explanation, render_explanation
    from goalcheck.engine import evaluate_target, resolve_as_of
    from goalcheck.facts import compute_facts
    from goalcheck.rules import load_rules

    rs = load_rules(rules)  # type: ignore[arg-type]
    if getattr(rs, "applies_to", None) == "funding":  # a budget target (issue 14)
        from goalcheck._funding import budget_item

        target = budget_item(plan, target_id)[0]
    else:
        target = plan.target(target_id)
    day = resolve_as_of(as_of, plan)
    result = evaluate_target(plan, target_id, day, rs, **params)
    facts = compute_facts(target, day, period=plan.period)
    trace = rs.trace(facts, **params)
    ex = Explanation(target, result, day, rs, facts, trace)
    return render_explanation(ex, language)
