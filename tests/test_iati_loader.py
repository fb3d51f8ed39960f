"""goalcheck.load_iati: IATI activity files (2.01-2.03) streamed, hostile XML refused."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import goalcheck
from goalcheck.cli import main
from goalcheck.errors import InputError, LimitError

DATA = Path(__file__).parent / "data" / "iati"
EXAMPLE = DATA / "activity-standard-example-annotated.xml"
ACTIVITY = DATA / "activity.xml"


def _load(path: Path) -> goalcheck.Plan:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return goalcheck.load_iati(path)


def test_the_standards_example_activity() -> None:
    plan = _load(EXAMPLE)
    (activity,) = plan.initiatives
    assert activity.id == "AA-AAA-123456789-ABC123"
    assert activity.title == "Activity title"  # the activity's xml:lang, en
    # every indicator period a target (the example has one result, one indicator, one period)
    (target,) = activity.targets
    assert target.id == "AA-AAA-123456789-ABC123/r1/i1/p1"
    assert target.direction is goalcheck.Direction.AT_LEAST  # ascending="1"
    assert target.target == 10
    assert target.baseline == 10
    assert target.baseline_date == dt.date(2012, 1, 1)  # iso-date wins over year
    assert target.start == dt.date(2013, 1, 1)
    assert target.deadline == dt.date(2013, 3, 31)
    assert [(m.date, m.value) for m in target.measurements] == [(dt.date(2013, 3, 31), 11)]
    assert target.tags == ("result:1", "aggregation-status:1")
    assert target.description == "Result title"
    # its budget is a funding line; its transaction is incoming funds (type 1), not spending
    (line,) = activity.funding
    assert line.kind is goalcheck.FundingKind.BUDGET
    assert line.amount == 3000
    assert line.year == 2014
    assert line.note == "budget (original), EUR"


def test_periods_directions_measures_and_spending() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = goalcheck.load_iati(ACTIVITY)
    (activity,) = plan.initiatives
    targets = {t.id: t for t in activity.targets}
    prefix = "AA-AAA-123456789-ABC123/r1"
    assert list(targets) == [f"{prefix}/i1/p1", f"{prefix}/i1/p2", f"{prefix}/i2/p1"]
    second = targets[f"{prefix}/i1/p2"]
    assert second.target == 30
    assert second.measurements[0].value == 25
    assert second.baseline_date == dt.date(2022, 12, 31)
    share = targets[f"{prefix}/i2/p1"]
    assert share.direction is goalcheck.Direction.AT_MOST  # ascending="0"
    assert share.unit == "%"  # measure 2
    assert share.baseline_date == dt.date(2022, 12, 31)  # @year alone: its end
    # the qualitative indicator (measure 5) is skipped with a located note
    assert any(
        "indicator[2]" in str(w.message) and "qualitative" in str(w.message) for w in caught
    )
    kinds = [(f.kind.value, f.amount, f.year) for f in activity.funding]
    assert kinds == [
        ("budget", 3000, 2024),
        ("budget", 4500, 2025),
        ("spent", 1200, 2024),  # disbursement (3)
        ("spent", 800, 2024),  # expenditure (4); the commitment (2) is not spending
    ]


def test_funding_rule_set_reads_the_lines() -> None:
    report = goalcheck.evaluate(_load(ACTIVITY), "2024-12-31", rules="funding")
    spent = {r.target_id: r for r in report}
    first = spent["AA-AAA-123456789-ABC123/funding/2024"]
    assert "2,000" in first.explanation  # 1,200 disbursed + 800 expenditure
    assert "3,000" in first.explanation


def test_narratives_in_the_activitys_language(tmp_path: Path) -> None:
    # a narrative without xml:lang is in the activity's language; labelled ones are chosen
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace('<iati-activity xml:lang="en"', '<iati-activity xml:lang="fr"')
        .replace("<narrative>Activity title<", '<narrative xml:lang="en">Activity title<')
    )
    path = tmp_path / "fr.xml"
    path.write_text(text, encoding="utf-8")
    assert _load(path).initiatives[0].title == "Titre de l'activité"


@pytest.mark.parametrize("version", ["2.01", "2.02", "2.03"])
def test_versions(tmp_path: Path, version: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('version="2.03"', f'version="{version}"')
    path = tmp_path / "a.xml"
    path.write_text(text, encoding="utf-8")
    assert len(list(_load(path).iter_targets())) == 1


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<iati-activities version="2.03"><iati-activity><title>&lol9;</title></iati-activity>
</iati-activities>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><title>&xxe;</title></iati-activity>
</iati-activities>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/evil.dtd">
<iati-activities version="2.03"><iati-activity/></iati-activities>
"""
DEEP = "<iati-activities>" + "<a>" * 10_000 + "</a>" * 10_000 + "</iati-activities>"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("laughs.xml", BILLION_LAUGHS, "DOCTYPE declaration is refused"),
        ("external.xml", EXTERNAL, "DOCTYPE declaration is refused"),
        ("dtd.xml", EXTERNAL_DTD, "DOCTYPE declaration is refused"),
        ("deep.xml", DEEP, "nested deeper than 64 levels"),
        ("broken.xml", "<iati-activities><iati-activity>", "XML syntax error"),
        ("empty.xml", "<iati-activities/>", "no iati-activity element"),
    ],
)
def test_hostile_xml_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, words: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        goalcheck.load_iati(path)
    assert words in str(error.value)
    assert main(["evaluate", "--iati", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:")
    assert words in lines[0]
    if name != "empty.xml":
        assert ":line " in lines[0]


def test_deep_nesting_is_a_limit_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_text(DEEP, encoding="utf-8")
    with pytest.raises(LimitError, match="line 1, column"):
        goalcheck.load_iati(path)


def test_cli_json_and_exclusive_sources(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["evaluate", "--iati", str(EXAMPLE), "--as-of", "2013-12-31", "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in report["results"]] == ["AA-AAA-123456789-ABC123/r1/i1/p1"]
    assert report["results"][0]["status"] == "met"
    assert main(["evaluate", "--iati", str(EXAMPLE), "--opensdg", str(DATA)]) == 2
    assert "one of PLAN" in capsys.readouterr().err


def test_round_trip_to_toml(tmp_path: Path) -> None:
    plan = _load(ACTIVITY)
    goalcheck.write_plan(plan, tmp_path / "plan.toml")
    again = goalcheck.load_plan(tmp_path / "plan.toml")
    assert [t.id for t in again.iter_targets()] == [t.id for t in plan.iter_targets()]
    assert again.initiatives[0].funding == plan.initiatives[0].funding


_ACTIVITY = """ <iati-activity xml:lang="en" default-currency="EUR">
  <iati-identifier>XM-GEN-{n}</iati-identifier>
  <title><narrative>Generated activity {n}</narrative></title>
  <description type="1"><narrative>A generated activity.</narrative></description>
{filler}
  <budget type="1"><period-start iso-date="2024-01-01"/><value>1000</value></budget>
  <result type="1"><title><narrative>Result</narrative></title>
   <indicator measure="1" ascending="1"><title><narrative>Indicator</narrative></title>
    <baseline year="2023" value="1"/>
    <period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
     <target value="10"/><actual value="{n}"/></period>
   </indicator>
  </result>
 </iati-activity>
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM (Linux)")
def test_a_large_file_streams(tmp_path: Path) -> None:
    """A 24 MB file is read in far less memory than its tree takes: one activity at a time."""
    path = tmp_path / "big.xml"
    # elements goalcheck does not keep (the bulk of a real activity file)
    filler = '  <sector vocabulary="2" code="111" percentage="1"/>\n' * 100
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        n = 0
        while out.tell() < 24 * 1024 * 1024:
            out.write(_ACTIVITY.format(n=n, filler=filler))
            n += 1
        out.write("</iati-activities>\n")
    peaks = {}
    for name, read in (
        ("import", ""),
        (
            "load_iati",
            "assert len(goalcheck.load_iati(sys.argv[1]).initiatives) == int(sys.argv[2])",
        ),
        ("whole tree", "xml.etree.ElementTree.parse(sys.argv[1])"),
    ):
        # VmHWM: the peak of this process's own memory (ru_maxrss would include the memory
        # of the pytest process it was forked from, on Linux)
        script = (
            "import sys, xml.etree.ElementTree, goalcheck\n"
            f"{read}\n"
            "lines = open('/proc/self/status').read().splitlines()\n"
            "print([int(x.split()[1]) for x in lines if x.startswith('VmHWM:')][0])\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(path), str(n)],
            capture_output=True,
            text=True,
            check=True,
        )
        peaks[name] = int(done.stdout) // 1024  # MiB
    size = path.stat().st_size // (1024 * 1024)
    grown = peaks["load_iati"] - peaks["import"]
    tree = peaks["whole tree"] - peaks["import"]
    # streaming holds one activity's tree at a time: far below the file's size and its tree's
    assert grown < size / 2, peaks
    assert tree > 2 * size, peaks  # the comparison means something: a whole tree is big
    assert 10 * grown < tree, peaks
    assert peaks["load_iati"] < 300, peaks
