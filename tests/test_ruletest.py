"""goalcheck test: rule tests as data, shipped beside the rule sets, runnable from pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalcheck._resources import shipped_rules_dir
from goalcheck.cli import main
from goalcheck.errors import RuleError
from goalcheck.ruletest import assert_rule_tests, run_rule_tests

SHIPPED_TESTS = sorted((shipped_rules_dir() / "tests").glob("*.toml"))


def test_every_shipped_rule_set_has_a_test_file() -> None:
    shipped = {path.stem for path in shipped_rules_dir().glob("*.toml")}
    assert shipped <= {path.stem for path in SHIPPED_TESTS}


@pytest.mark.parametrize("path", SHIPPED_TESTS, ids=lambda path: path.stem)
def test_shipped_rule_tests_pass(path: Path) -> None:
    run = assert_rule_tests(path)
    assert run.passed >= 10


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    return path


MET_FACTS = (
    "{ undetermined = false, milestone = false, value = 9, target = 9, satisfied = true, "
    "cumulative = false, direction = 1 }"
)

GOOD = """
rules = "default"
as_of = "2009-09-30"

[[cases]]
name = "met"
facts = @MET@
expect = "met"

[[cases]]
name = "wrong on purpose"
facts = @MET@
expect = "at_risk"

[[cases]]
name = "wrong rule on purpose"
facts = @MET@
expect = "met"
expect_rule = "milestone-done"

[[cases]]
name = "target case"
expect = "met"
[cases.target]
direction = "at_most"
target = 10
measurements = [{ date = "2009-06-30", value = 8 }]
""".replace("@MET@", MET_FACTS)


def test_failures_are_counted_and_reported(tmp_path: Path) -> None:
    run = run_rule_tests(write(tmp_path, GOOD))
    assert (run.passed, run.failed) == (2, 2)
    report = run.report()
    assert "FAIL wrong on purpose: expected at_risk, got met (rule met)" in report
    assert "FAIL wrong rule on purpose: expected rule milestone-done, got rule met" in report
    assert report.splitlines()[-1] == "2 passed, 2 failed"
    with pytest.raises(AssertionError, match="2 passed, 2 failed"):
        assert_rule_tests(write(tmp_path, GOOD))


def test_cli_prints_the_summary_and_exits_1_on_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["test", str(write(tmp_path, GOOD))]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "2 passed, 2 failed"
    assert main(["test", str(SHIPPED_TESTS[0])]) == 0


BAD = """
rules = "default"

[[cases]]
name = "typos"
facts = { pase = 1 }
expect = "on_trak"
expect_rule = "on-paze"
parameters = { pace_tolerence = 0.5 }
"""


def test_malformed_files_list_every_problem_located(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        run_rule_tests(write(tmp_path, BAD))
    report = caught.value.report()
    assert "cases[0].expect: expect must be one of" in report
    assert "did you mean 'on_track'" in report
    assert "cases[0].expect_rule: no rule 'on-paze'" in report
    assert "cases[0].facts.pase: unknown fact 'pase' (did you mean 'pace'?)" in report
    assert "cases[0].parameters" in report
    assert len(caught.value.problems) == 4


def test_cli_malformed_file_exits_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, BAD)
    assert main(["test", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    with pytest.raises(RuleError) as excinfo:
        run_rule_tests(path)
    assert len(lines) == len(excinfo.value.problems) > 1
    assert all(line.startswith(f"error: {path}:cases[") for line in lines)


def test_target_cases_are_checked_like_plan_targets(tmp_path: Path) -> None:
    text = """
rules = "default"
as_of = "2009-09-30"

[[cases]]
name = "typos in a target"
expect = "met"
[cases.target]
direction = "atleast"
target = 10
measurements = [{ date = "2009-06-30", valeu = 8 }]
"""
    with pytest.raises(RuleError) as caught:
        run_rule_tests(write(tmp_path, text))
    report = caught.value.report()
    assert "cases[0].target.direction" in report
    assert "did you mean 'at_least'" in report
    assert "cases[0].target.measurements[0].valeu: unknown key 'valeu'" in report
    assert "did you mean 'value'" in report
