"""The command line: every command, every bad input (exit 2, one ``error:`` line), exit codes.

The fixture plan (tests/data/cli-plan) is evaluated at 2010-06-30; its statuses under the
default rule set are fixed by tests/golden (see test_export.py), so these tests only check
what the command line adds: wiring, exit status, filtering, files and error lines.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalcheck import __version__
from goalcheck._export.progress import progress
from goalcheck._io._csv import target_columns
from goalcheck.cli import main
from goalcheck.output import write_text

DATA = Path(__file__).parent / "data"
PLAN = str(DATA / "cli-plan")
TARGETS = str(DATA / "cli-targets.csv")
MEASUREMENTS = str(DATA / "cli-measurements.csv")
AS_OF = ["--as-of", "2010-06-30"]
COMMANDS = ["evaluate", "explain", "lint", "test", "rules", "period", "demo"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error(err: str, *fragments: str) -> None:
    """Exactly one line on stderr, starting ``error:``, no traceback, naming the fragments."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


# -- commands ---------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"goalcheck {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "example:" in out
    assert f"goalcheck {command}" in out.split("example:")[1]


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert_one_error(err, "evaluate", "demo")  # names the commands


def test_evaluate_table_fits_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "evaluate", PLAN, *AS_OF)
    assert code == 0
    assert err == ""
    assert "\x1b[" not in out  # not a terminal: no colour
    assert max(len(line) for line in out.splitlines()) <= 80
    for target_id in ("P1", "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3"):
        assert any(line.startswith(f"{target_id} ") for line in out.splitlines())


def test_evaluate_json_is_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["as_of"] == "2010-06-30"
    assert data["rules"]["name"] == "default"
    assert [r["id"] for r in data["results"]][:2] == ["P1", "1.1"]
    assert sum(data["summary"].values()) == len(data["results"]) == 8


def test_evaluate_in_danish(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--lang", "da")
    assert code == 0
    assert "Overblik" in out
    assert "Målværdi" in out


@pytest.mark.parametrize(
    "status_args", [["--status", "met"], ["--status", "met", "--status", "at_risk"]]
)
def test_status_filters(capsys: pytest.CaptureFixture[str], status_args: list[str]) -> None:
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--format", "json", *status_args)
    assert code == 0
    wanted = set(status_args[1::2])
    statuses = {r["status"] for r in json.loads(out)["results"]}
    assert statuses == wanted


def test_status_accepts_a_comma_separated_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "evaluate", PLAN, *AS_OF, "--format", "json", "--status", "met,on_track"
    )
    assert code == 0
    assert {r["status"] for r in json.loads(out)["results"]} == {"met", "on_track"}


def test_status_before_the_plan_does_not_swallow_it(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["evaluate", *AS_OF, "--format", "json", "--status", "met", "on_track", PLAN]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert {r["id"] for r in json.loads(out)["results"]} == {"1.2", "2.1", "3.1", "3.3"}


def test_fail_on_exits_1_when_the_status_occurs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--fail-on", "at_risk")
    assert code == 1
    assert "1.1" in out  # the report is still printed


def test_fail_on_looks_at_every_target_not_only_the_shown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--status", "met", "--fail-on", "at_risk")
    assert code == 1


def test_fail_on_exits_0_when_the_status_does_not_occur(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["evaluate", "--targets", TARGETS, "--measurements", MEASUREMENTS, *AS_OF]
    code, out, _ = run(capsys, *args, "--format", "json")
    assert code == 0
    assert "not_evaluable" not in {r["status"] for r in json.loads(out)["results"]}
    code, _, _ = run(capsys, *args, "--fail-on", "not_evaluable")
    assert code == 0


def test_evaluate_csv_interchange(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "evaluate",
        "--targets",
        TARGETS,
        "--measurements",
        MEASUREMENTS,
        *AS_OF,
        "--format",
        "csv",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("id,title,initiative,area,status,")
    assert [line.split(",")[0] for line in lines[1:]] == ["T1", "T2", "T3"]


def test_output_file_format_from_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--output", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp files


def test_output_dash_is_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--format", "csv", "-o", "-")
    assert code == 0
    assert out.startswith("id,title,")
    assert not Path("-").exists()


def test_output_html(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "status.html"
    code, _, _ = run(capsys, "evaluate", PLAN, *AS_OF, "--lang", "da", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in text


def test_output_is_not_written_on_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", PLAN, "--as-of", "not a date", "-o", str(target))
    assert code == 2
    assert_one_error(err, "--as-of")
    assert target.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    fresh = tmp_path / "fresh.json"
    code, _, _ = run(capsys, "evaluate", PLAN, "--rules", "no-such-rules", "-o", str(fresh))
    assert code == 2
    assert not fresh.exists()


def test_write_text_leaves_the_old_file_when_replacing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def broken(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_colour_only_on_a_terminal_without_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("goalcheck.cli._stdout_is_color_terminal", lambda: True)
    code, out, _ = run(capsys, "evaluate", PLAN, *AS_OF)
    assert code == 0
    assert "\x1b[31m" in out  # at risk in red


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    from goalcheck import cli

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._stdout_is_color_terminal()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cli._stdout_is_color_terminal()


def test_param_overrides_a_rule_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["evaluate", PLAN, *AS_OF, "--format", "json"]
    _, out, _ = run(capsys, *base)
    before = {r["id"]: r["status"] for r in json.loads(out)["results"]}
    code, out, _ = run(capsys, *base, "--param", "max_staleness_days=-1")
    after = {r["id"]: r["status"] for r in json.loads(out)["results"]}
    assert code == 0
    assert before["1.2"] == "on_track"
    assert after["1.2"] == "not_evaluable"  # every measurement now counts as stale


def test_explain_shows_facts_rules_and_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    from goalcheck._vocabulary import FACTS
    from goalcheck.rules import load_rules

    code, out, _ = run(capsys, "explain", PLAN, "1.1", *AS_OF)
    assert code == 0
    for name in FACTS:
        assert f"  {name} " in out
    for rule in load_rules("default").rules:
        assert f". {rule.id} " in out
    assert "Verdict: at risk" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_explain_in_danish(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", PLAN, "1.1", *AS_OF, "--lang", "da")
    assert code == 0
    assert "Vurdering: i risiko" in out
    assert "Fakta:" in out


def test_rules_lists_the_shipped_rule_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert any(line.split()[0] == "default" for line in out.splitlines())


def test_period_prints_start_and_end(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "period", "2009-09-30")
    assert code == 0
    assert out == "2009-09-30 2009-09-30\n"


def test_demo_runs_without_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo")
    assert code == 0, err
    assert "2009-09-30" in out
    assert any(line.startswith("1.1 ") for line in out.splitlines())


@pytest.mark.parametrize(("command", "module"), [("lint", "lint"), ("test", "ruletest")])
def test_lint_and_test_are_wired(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, module: str
) -> None:
    missing = tmp_path / "missing.toml"
    code, _, err = run(capsys, command, str(missing))
    assert code == 2
    if importlib.util.find_spec(f"goalcheck.{module}") is None:
        assert_one_error(err, "not available")
    else:
        assert_one_error(err, "missing.toml")


# -- bad input: exit 2, one line, no traceback -------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["evaluate", "no/such/plan.toml"], ["no/such/plan.toml", "no such file"]),
        (["evaluate", "--targets", "no-such.csv"], ["no-such.csv"]),
        (["evaluate", "--targets", TARGETS, "--measurements", "nope.csv"], ["nope.csv"]),
        (["evaluate", PLAN, "--rules", "defualt"], ["defualt", "did you mean 'default'"]),
        (["evaluate", PLAN, "--as-of", "someday"], ["--as-of", "someday"]),
        (["evaluate", PLAN, *AS_OF, "--fail-on", "at-risk"], ["at-risk", "at_risk"]),
        (["evaluate", PLAN, *AS_OF, "--status", "mett"], ["--status", "did you mean 'met'"]),
        (["evaluate", PLAN, *AS_OF, "--param", "tolerance"], ["NAME=VALUE"]),
        (["evaluate", PLAN, *AS_OF, "--param", "no_such=1"], ["no_such"]),
        (["evaluate", PLAN, "--format", "pdf"], ["pdf"]),
        (["evaluate", PLAN, "--targets", TARGETS], ["not both"]),
        (["evaluate"], ["PLAN"]),
        (["evaluate", PLAN, "--bogus"], ["--bogus"]),
        (["explain", PLAN, "1.11", *AS_OF], ["'1.11'", "did you mean"]),
        (["explain", "missing-plan", "1.1"], ["missing-plan"]),
        (["period", "sometime soon"], ["sometime soon"]),
        (["frobnicate"], ["frobnicate"]),
    ],
)
def test_bad_input_is_one_error_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragments: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert_one_error(err, *fragments)


def test_unreadable_csv_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "targets.csv"
    binary.write_bytes(b"\xff\xfe\x00id,title\n\x00\x81garbage")
    code, _, err = run(capsys, "evaluate", "--targets", str(binary))
    assert code == 2
    assert_one_error(err)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,colour\nT1,red\n", encoding="utf-8")
    code, _, err = run(capsys, "evaluate", "--targets", str(wrong))
    assert code == 2
    # two problems, each on its own line, sorted by location
    assert [line.removeprefix(f"error: {wrong}:") for line in err.splitlines()] == [
        "row 1: missing required column 'direction'",
        "row 1, column colour: unknown column 'colour' (expected some of "
        + ", ".join(target_columns())
        + ", param.<name>)",
    ]


def test_a_directory_that_cannot_be_read_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "evaluate", PLAN, *AS_OF, "-o", str(tmp_path / "no" / "x.json"))
    assert code == 2
    assert_one_error(err, "no such file")


def test_a_terminal_that_cannot_show_the_text_is_one_error_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Latin1(io.StringIO):
        def write(self, text: str) -> int:
            text.encode("latin-1")
            return super().write(text)

    monkeypatch.setattr("sys.stdout", Latin1())
    code = main(["evaluate", PLAN, *AS_OF])
    _, err = capsys.readouterr()
    assert code == 2
    assert_one_error(err, "PYTHONIOENCODING=utf-8", "--output")


def test_an_internal_error_is_one_line_unless_debugging(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> str:
        raise ZeroDivisionError("planted")

    monkeypatch.setattr("goalcheck.output.render", boom)
    monkeypatch.delenv("GOALCHECK_DEBUG", raising=False)
    code, _, err = run(capsys, "evaluate", PLAN, *AS_OF)
    assert code == 2
    assert_one_error(err, "internal error", "ZeroDivisionError", "planted")
    monkeypatch.setenv("GOALCHECK_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["evaluate", PLAN, *AS_OF])


def test_the_demo_example_is_where_the_package_looks() -> None:
    from goalcheck._resources import examples_dir

    assert (examples_dir() / "beskaeftigelsesaftale-2009").is_dir()


_TOKENS = st.sampled_from(
    [
        *COMMANDS,
        PLAN,
        TARGETS,
        "1.1",
        "nope",
        "--as-of",
        "2010-06-30",
        "3. kvartal 2009",
        "--rules",
        "default",
        "--format",
        "json",
        "html",
        "--lang",
        "da",
        "--status",
        "met",
        "--fail-on",
        "at_risk",
        "--param",
        "pace_tolerance=0.5",
        "x=",
        "--targets",
        "--measurements",
        MEASUREMENTS,
        "--",
        "-",
        "",
        "\x00",
        "ø",
    ]
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_TOKENS, max_size=7))
def test_any_command_line_ends_in_a_known_exit_status(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:  # every problem one line, at most 50 and a count
        lines = err.splitlines()
        assert 1 <= len(lines) <= 51
        assert all(line.startswith("error: ") for line in lines)
    if code in (0, 1) and argv and argv[0] in ("evaluate", "demo", "explain"):
        assert out


# -- progress ---------------------------------------------------------------------------------


def test_progress_is_silent_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with progress("working", stream=stream, delay=0):
        pass
    assert stream.getvalue() == ""


def test_progress_shows_and_erases_itself_on_a_terminal() -> None:
    stream = io.StringIO()
    with progress("evaluating 5 targets", stream=stream, delay=0, force=True):
        pass
    text = stream.getvalue()
    assert "evaluating 5 targets" in text
    assert text.endswith("\r\x1b[2K")
