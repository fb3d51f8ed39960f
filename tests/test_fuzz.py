"""Bounded fuzzing in the normal suite (issue 18): hostile input ends in a result or a clean error.

Any bytes, and structure-aware mutations of the valid seeds in ``examples/``, ``rules/`` and
the test data, given as a plan TOML, a CSV pair, a rule set, a rule test file, a period phrase
or a command line must end in a result or a :class:`~goalcheck.errors.GoalcheckError` (the
command line: exit 0, 1 or 2, stderr only ``error: ...``/``warning: ...`` lines, never a
traceback or "internal error").  Only the public API is used.  The Hypothesis profile ``ci``
keeps each test to a few dozen examples; ``HYPOTHESIS_PROFILE=dev`` runs a thousand, and
``benchmarks/fuzz.py`` is the long campaign.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import goalcheck
from goalcheck.cli import main
from goalcheck.errors import GoalcheckError
from goalcheck.output import explain, render
from goalcheck.periods import to_date
from goalcheck.ruletest import run_rule_tests

ROOT = Path(__file__).resolve().parent.parent
SECURITY = Path(__file__).resolve().parent / "data" / "security"
SHIPPED = ("default", "eurostat", "open-sdg", "un-progress-2023")
_COUNTER = itertools.count()

# Advice to users (InputWarning, "a cumulative total falls") is not what these tests check,
# and the suite turns warnings into errors; every other warning still fails a test.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# -- seeds and the dictionary of tricky tokens ---------------------------------------------------


def _seeds(*patterns: str) -> list[bytes]:
    paths = sorted({p for pattern in patterns for p in ROOT.glob(pattern) if p.is_file()})
    return [p.read_bytes() for p in paths]


def _rule_test_seed(path: Path) -> bytes:
    """A shipped rule test pointed at its rule set by name (it runs from a scratch folder)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return "\n".join(
        f'rules = "{path.stem}"' if line.startswith("rules =") else line for line in lines
    ).encode()


PLAN_SEEDS = _seeds("examples/*/*.toml", "tests/data/cli-plan/plan.toml")
RULE_SEEDS = _seeds("rules/*.toml", "tests/data/rules/*.toml")
TEST_SEEDS = [_rule_test_seed(p) for p in sorted((ROOT / "rules" / "tests").glob("*.toml"))]
TARGET_SEEDS = _seeds("tests/data/cli-targets.csv", "tests/data/security/07-targets.csv")
MEASUREMENT_SEEDS = _seeds("tests/data/cli-measurements.csv")
PERIOD_SEEDS = [
    "2009-09-30",
    "26.11.09",
    "maj 2012",
    "1. marts 2007",
    "March 1 2007",
    "2013-16",
    "3. kvartal 2009",
    "Q3 2009",
    "1. halvår 2013",
    "H2 2013",
    "ultimo 2013",
    "sommeren 2009",
    "inden udgangen af 2009",
    "senest 1. marts 2007",
    "by end of 2009",
    "2009-07-01/2009-09-30",
    "31.12.9999",
    "ultimo 9999",
    "primo 0001",
]
TOKENS = [
    "9" * 4301,
    "1" + "0" * 400,
    "-0",
    "-0.0",
    "1e308",
    "1.7976931348623157e308",
    "nan",
    "inf",
    "-inf",
    "0001-01-01",
    "9999-12-31",
    "9768-01-01",
    "2009-02-29",
    "1979-05-27T07:32:00Z",
    "[" * 1200 + "]" * 1200,
    "{a = " * 300 + "1" + "}" * 300,
    '"=1+1"',
    '"@SUM(A1)"',
    '"\\u0000"',
    '"\\u001b[2J"',
    '"a\\rb"',
    '"\\ufeff"',
    '"𝓿𝓪𝓵𝓾𝓮"',
    '"' + "x" * 300 + '"',
    '"/etc/passwd"',
    '"../default.toml"',
    '"value * 1e308 * 1e308 > 1e308"',
    '"' + "(" * 40 + "value" + ")" * 40 + ' > 0"',
    '"not ' + "not " * 150 + 'true"',
    "true",
    "[]",
    "{}",
    '""',
]
CELLS = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(A1)",
    "-10",
    "1,5",
    "1.800",
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "31.12.9999",
    '"a\rb"',
    '"',
    "\x00",
    "\ufeff",
    "9" * 400,
    "",
    "at_least",
    "between",
    "forecast",
]
ASCII_BYTES = b"\x00\xff\r\n\t\"'[]{}=.,#\\-+0\xef\xbb\xbf"

# -- structured mutation ------------------------------------------------------------------------


def _replace_value(data: bytes, line_at: float, token: str) -> bytes:
    lines = data.split(b"\n")
    keyed = [i for i, line in enumerate(lines) if b" = " in line]
    if not keyed:
        return data
    i = keyed[int(line_at * len(keyed)) % len(keyed)]
    lines[i] = lines[i].split(b" = ", 1)[0] + b" = " + token.encode("utf-8")
    return b"\n".join(lines)


def _replace_cell(data: bytes, line_at: float, cell_at: float, token: str) -> bytes:
    lines = data.split(b"\n")
    i = int(line_at * len(lines)) % len(lines)
    cells = lines[i].split(b",")
    cells[int(cell_at * len(cells)) % len(cells)] = token.encode("utf-8")
    lines[i] = b",".join(cells)
    return b"\n".join(lines)


def _apply(data: bytes, op: tuple[Any, ...], csv: bool) -> bytes:
    kind, at, other, token, byte = op
    pos = int(at * (len(data) + 1))
    if kind == "token":
        if csv:
            return _replace_cell(data, at, other, token[1])
        return _replace_value(data, at, token[0])
    if kind == "insert":
        return data[:pos] + (token[1] if csv else token[0]).encode("utf-8") + data[pos:]
    if kind == "byte":
        return data[:pos] + bytes([byte]) + data[pos + 1 :]
    if kind == "delete":
        return data[:pos] + data[pos + int(other * 64) + 1 :]
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data[:pos]  # truncate


_OPS = st.tuples(
    st.sampled_from(["token", "token", "insert", "byte", "delete", "bom", "cr", "crlf", "cut"]),
    st.floats(0, 1, exclude_max=True),
    st.floats(0, 1, exclude_max=True),
    st.tuples(st.sampled_from(TOKENS), st.sampled_from(CELLS)),
    st.sampled_from(ASCII_BYTES),
)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], csv: bool = False) -> bytes:
    data = draw(st.sampled_from(seeds))
    for op in draw(st.lists(_OPS, min_size=1, max_size=4)):
        data = _apply(data, op, csv)
    return data


def inputs(seeds: list[bytes], csv: bool = False) -> st.SearchStrategy[bytes]:
    """Raw bytes, or a valid seed mutated by the dictionary of tricky tokens."""
    return st.binary(max_size=400) | mutated(seeds, csv)


# -- the contract -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def small_plan() -> goalcheck.Plan:
    return goalcheck.load_plan(ROOT / "tests" / "data" / "cli-plan")


def _file(scratch: Path, name: str, data: bytes) -> Path:
    """A fresh folder per example: the rule-set cache keys on path, size and mtime."""
    folder = scratch / f"ex{next(_COUNTER)}"
    folder.mkdir()
    path = folder / name
    path.write_bytes(data)
    return path


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    from goalcheck._io._read import InputWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # "read as cp1252" is advice, not a crash
        yield


def result_or_goalcheck_error(call: Callable[[], object]) -> None:
    """*call* returns or raises a GoalcheckError; any other exception fails the test."""
    with _quiet():
        try:
            call()
        except GoalcheckError as error:
            message = str(error)
        else:
            return
    assert message.strip(), "an error with no message"


def _exercise(plan: goalcheck.Plan, as_of: str | None, rules: object = "default") -> None:
    report = goalcheck.evaluate(plan, as_of, rules=rules)
    for fmt in ("table", "json", "csv", "markdown", "html"):
        render(report, fmt, "en", plan=plan)
    for target in list(plan.iter_targets())[:2]:
        explain(plan, target.id, as_of, rules, "da")


# -- properties -----------------------------------------------------------------------------------


@given(data=inputs(PLAN_SEEDS), rules=st.sampled_from(SHIPPED))
def test_any_plan_bytes(scratch: Path, data: bytes, rules: str) -> None:
    path = _file(scratch, "plan.toml", data)
    result_or_goalcheck_error(lambda: _exercise(goalcheck.load_plan(path), "2009-09-30", rules))


@given(
    targets=inputs(TARGET_SEEDS, csv=True),
    measurements=st.none() | inputs(MEASUREMENT_SEEDS, csv=True),
)
def test_any_csv_pair(scratch: Path, targets: bytes, measurements: bytes | None) -> None:
    t = _file(scratch, "targets.csv", targets)
    m = None
    if measurements is not None:
        m = t.parent / "measurements.csv"
        m.write_bytes(measurements)
    result_or_goalcheck_error(lambda: _exercise(goalcheck.load_csv(t, m), "2010-06-30"))


@given(data=inputs(RULE_SEEDS))
def test_any_rule_set_bytes(scratch: Path, small_plan: goalcheck.Plan, data: bytes) -> None:
    path = _file(scratch, "rules.toml", data)

    def run() -> None:
        rs = goalcheck.load_rules(path)
        _exercise(small_plan, "2010-06-30", rs)

    result_or_goalcheck_error(run)


@given(data=inputs(TEST_SEEDS))
def test_any_rule_test_bytes(scratch: Path, data: bytes) -> None:
    path = _file(scratch, "test.toml", data)
    result_or_goalcheck_error(lambda: run_rule_tests(path).report())


_PHRASES = (
    st.text(max_size=40)
    | st.sampled_from(PERIOD_SEEDS)
    | st.builds(
        lambda seed, at, token: seed[:at] + token + seed[at:],
        st.sampled_from(PERIOD_SEEDS),
        st.integers(0, 30),
        st.sampled_from(["9999", "0001", "10000", "0", "Q5", "13.", "２００９", "\x00", "\u00a0"]),
    )
)


@given(text=_PHRASES)
def test_any_period_phrase(text: str) -> None:
    result_or_goalcheck_error(lambda: goalcheck.parse_period(text))
    result_or_goalcheck_error(lambda: to_date(text, side="start"))
    result_or_goalcheck_error(lambda: to_date(text, side="end"))


@pytest.fixture(scope="module")
def demo_plan() -> goalcheck.Plan:
    return goalcheck.load_plan(ROOT / "examples" / "beskaeftigelsesaftale-2009")


@given(text=_PHRASES, rules=st.sampled_from(SHIPPED))
def test_any_as_of_on_the_demo(demo_plan: goalcheck.Plan, text: str, rules: str) -> None:
    plan = demo_plan

    def run() -> None:
        report = goalcheck.evaluate(plan, text, rules=rules)
        render(report, "table", "en", plan=plan)
        render(report, "html", "da", plan=plan)

    result_or_goalcheck_error(run)


_ARG = st.sampled_from(
    [
        "evaluate",
        "explain",
        "lint",
        "test",
        "rules",
        "period",
        "demo",
        "plan.toml",
        "rules.toml",
        "missing.toml",
        "targets.csv",
        ".",
        "1.1",
        "P1",
        "--targets",
        "--measurements",
        "--as-of",
        "9999-12-31",
        "0001-01-01",
        "ultimo 2013",
        "--rules",
        "default",
        "open-sdg",
        "defualt",
        "--param",
        "pace_tolerance=nan",
        "max_staleness_days=" + "9" * 401,
        "x=1",
        "--format",
        "json",
        "html",
        "csv",
        "xml",
        "--lang",
        "da",
        "xx",
        "--status",
        "met",
        "--fail-on",
        "at_risk",
        "-o",
        "out.html",
        "out.csv",
        "nodir/out.html",
        "-",
        "--help",
        "--version",
        "--bogus",
        "",
    ]
)


# Free text never holds a path separator: nothing may be written outside the scratch folder.
_WORD = st.text(max_size=12).filter(lambda s: "/" not in s and "\\" not in s and "~" not in s)


@given(
    argv=st.lists(_ARG | _WORD, max_size=7),
    plan=inputs(PLAN_SEEDS),
    rules=inputs(RULE_SEEDS),
)
def test_any_command_line(scratch: Path, argv: list[str], plan: bytes, rules: bytes) -> None:
    folder = _file(scratch, "plan.toml", plan).parent
    (folder / "rules.toml").write_bytes(rules)
    (folder / "targets.csv").write_bytes(TARGET_SEEDS[0])
    before = os.getcwd()
    os.chdir(folder)  # every relative path, -o included, stays inside the scratch folder
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            code = main(argv)
    finally:
        os.chdir(before)
    err = stderr.getvalue()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err
    assert "internal error" not in err, (argv, err)
    lines = err.splitlines()
    assert all(line.startswith(("error: ", "warning: ")) for line in lines), (argv, err)
    if code == 2:
        assert any(line.startswith("error: ") for line in lines), (argv, err)
