"""The HTML report in a real browser: nothing overflows a 400 px phone or a 1400 px desktop.

Headless Chromium loads the report with a small measuring script appended; the script writes
what it found into the page, and ``--dump-dom`` hands the page back.  Skipped only where
Chromium is not installed (CI installs it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import goalcheck
from goalcheck.engine import evaluate
from goalcheck.output import compare, render

HERE = Path(__file__).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# Every visible element must lie inside the viewport; the page must not scroll sideways.
MEASURE = """
<script>
(function () {
  var width = window.innerWidth, bad = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) { return; }
    if (r.right > width + 0.5 || r.left < -0.5) {
      bad.push({tag: el.tagName, cls: String(el.className.baseVal !== undefined
        ? el.className.baseVal : el.className), text: (el.textContent || "").slice(0, 40),
        left: Math.round(r.left), right: Math.round(r.right)});
    }
  });
  parent.postMessage(JSON.stringify({width: width,
    scroll: document.documentElement.scrollWidth, bad: bad.slice(0, 20), count: bad.length}), "*");
})();
</script>
"""

# Chromium's smallest window is 500 px wide, so the report is measured inside an iframe of
# the wanted width; the frame posts its findings to this page, which --dump-dom prints.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<pre id="measured"></pre>
<iframe src="{src}" style="width:{width}px;height:1800px;border:0"></iframe>
<script>
window.addEventListener("message", function (e) {{
  document.getElementById("measured").textContent = e.data;
}});
</script></body></html>
"""


def _measure(html: str, width: int, tmp_path: Path) -> dict[str, object]:
    report = tmp_path / f"report-{width}.html"
    report.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    page = tmp_path / f"frame-{width}.html"
    page.write_text(FRAME.format(src=report.name, width=width), encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--window-size=1600,2000",
                "--virtual-time-budget=3000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.+?)</pre>', done.stdout, re.DOTALL)
    assert found, "the measuring script did not run"
    text = found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    result: dict[str, object] = json.loads(text.replace("&amp;", "&"))
    return result


def _reports() -> list[tuple[str, str]]:
    plan = goalcheck.load_plan(HERE / "data" / "cli-plan")
    report = evaluate(plan, dt.date(2010, 6, 30))
    earlier = evaluate(plan, dt.date(2010, 3, 31))
    demo = goalcheck.load_plan(goalcheck._resources.examples_dir() / "beskaeftigelsesaftale-2009")
    demo_report = evaluate(demo, "2009-09-30")
    return [
        ("cli-plan da, compared", render(compare(report, earlier), "html", "da", plan=plan)),
        ("demo da", render(demo_report, "html", "da", plan=demo)),
        ("demo en", render(demo_report, "html", "en", plan=demo)),
    ]


@pytest.mark.parametrize("width", [400, 1400])
def test_nothing_overflows_the_viewport(width: int, tmp_path: Path) -> None:
    for name, html in _reports():
        measured = _measure(html, width, tmp_path)
        assert measured["width"] == width, measured
        assert measured["scroll"] <= width, f"{name} at {width}px scrolls sideways: {measured}"
        assert measured["count"] == 0, f"{name} at {width}px: elements overflow: {measured}"


def test_the_measurement_can_fail(tmp_path: Path) -> None:
    """A page with a 600 px wide box is caught at 400 px."""
    html = "<!DOCTYPE html><html><body><div style='width:600px'>wide</div></body></html>"
    measured = _measure(html, 400, tmp_path)
    assert measured["count"] >= 1
