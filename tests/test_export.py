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

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import goalcheck
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
