"""A mutation-fuzzing campaign over goalcheck's loaders (issue 18).  Not a test: a script.

    python benchmarks/fuzz.py --inputs 200000 [--seed N] [--jobs 2] [--crashes DIR]
    python benchmarks/fuzz.py --per-loader 20000 --kinds plan,rules
    python benchmarks/fuzz.py --kinds cli --inputs 1000 --cli-subprocess
    python benchmarks/fuzz.py --replay DIR          # re-run saved crashing inputs

Each input is a valid seed (the examples, the shipped rule sets and their tests, the test
data, the security reproducers) mutated by byte flips, deletions, duplications, splices of two
seeds, structure-aware replacement of a TOML value or a CSV cell by a tricky token (huge
integers, deep nesting, BOM, NUL, CR, the calendar's edges, NaN/inf, unicode, formula cells),
or a generated period phrase or command line.  Each kind of input goes through one loader and,
when it loads, through what follows it (evaluate, every output format in both languages,
explain, lint for some rule sets):

    plan      load_plan(FILE) -> evaluate -> render x 5 formats x 2 languages -> explain
    csv       load_csv(TARGETS, MEASUREMENTS) -> evaluate -> render
    rules     load_rules(FILE) -> evaluate two plans -> render -> explain (lint 3 %)
    ruletest  goalcheck.ruletest.run_rule_tests(FILE) -> report()
    period    parse_period(TEXT), to_date(TEXT, side=start/end)
    asof      evaluate(demo plan, as_of=TEXT) -> render
    cli       goalcheck.cli.main(ARGV) in the worker (or a subprocess with --cli-subprocess);
              ok when the exit status is 0/1/2 and every stderr line is 'error: ...' or
              'warning: ...', never 'Traceback' or 'internal error'

Outcomes: ok (a result), goalcheck-error (a GoalcheckError), other (any other exception:
a crash; the class and the innermost goalcheck frame are reported), hang (over --timeout
seconds; the worker is killed if an alarm cannot interrupt it).  Workers run under an address-
space limit (--memory-mb), so a memory blow-up is a MemoryError crash, not a stuck machine.
The first --keep inputs of each crash signature are saved under --crashes DIR/KIND/SIG/ with the
traceback, and --replay DIR re-runs them.  Inputs are a pure function of (--seed, kind, index),
so a run is reproducible.  The exit status is 1 when anything crashed or hung.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import itertools
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECURITY_DATA = ROOT / "tests" / "data" / "security"
SECURITY_PLANS = (
    "01-deadline-9999.toml",
    "01-start-0001.toml",
    "01c-deadline-9768.toml",
    "02-deep-nesting.plan.toml",
    "03-bigint.plan.toml",
    "04-int-400-digits.plan.toml",
    "08-ansi.toml",
    "09-md.toml",
    "18-huge-equal-values.toml",
    "19-bom.plan.toml",
)
KINDS = ("plan", "csv", "rules", "ruletest", "period", "asof", "cli")
# Shares of --inputs per kind (the review's campaign had the same proportions).
SHARES = {
    "plan": 0.23,
    "csv": 0.23,
    "rules": 0.18,
    "ruletest": 0.08,
    "period": 0.20,
    "asof": 0.05,
    "cli": 0.03,
}
OUTCOMES = ("ok", "goalcheck-error", "other", "hang")
MAX_INPUT = 1 << 20  # mutated inputs are capped at 1 MiB
SHIPPED_RULES = ("default", "eurostat", "open-sdg", "un-progress-2023")
FORMATS = ("table", "json", "csv", "markdown", "html")

# -- the dictionary of tricky tokens ----------------------------------------------------------

DEEP = 3000
NUMBER_TOKENS = [
    "9" * 4301,
    "9" * 4300,
    "1" + "0" * 400,
    "-" + "1" + "0" * 309,
    "9" * 20,
    "-9223372036854775809",
    "18446744073709551616",
    "0",
    "-0",
    "-0.0",
    "+0.0",
    "1e308",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "5e-324",
    "1e400",
    "1e17",
    "9007199254740993",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "-inf",
    "1_000",
    "0x7fffffff",
    "0o777",
    "0b1",
    "1.",
    ".5",
    "true",
    "false",
]
DATE_TOKENS = [
    "0001-01-01",
    "0001-01-02",
    "9999-12-31",
    "9999-12-30",
    "9999-01-01",
    "9768-01-01",
    "0001-12-31",
    "2008-02-29",
    "2009-02-29",
    "2100-02-29",
    "2000-02-29",
    "1970-01-01",
    "9999-12-31T23:59:59",
    "1979-05-27T07:32:00Z",
    "1979-05-27T00:32:00.999999-07:00",
    "07:32:00",
    "0000-01-01",
    "2009-13-01",
]
TEXT_TOKENS = [
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example/","x")',
    "\t=1",
    "-10",
    "a\rb",
    "a\r\nb",
    "\x00",
    "my\x00rules",
    "\x1b[2J\x1b[1A\x1b[2KALL TARGETS MET",
    "\x1b]0;title\x07",
    "\u202egnp.exe",
    "\u200d",
    "\ufeff",
    "𝓿𝓪𝓵𝓾𝓮",
    "＿＿import＿＿",
    "<script>alert(1)</script>",
    "a\\|b",
    "`code`",
    "højst [XX]",
    "x" * 300,
    "",
    " ",
    "ultimo 2013",
    "3. kvartal 2009",
    "31.12.9999",
    "../default.toml",
    "/etc/passwd",
    "/dev/zero",
    "default",
    "eurostat",
    "open-sdg",
    "at_least",
    "at_most",
    "between",
    "cumulative",
    "forecast",
    "{value:\x1b>40}",
    "{value:.0f}",
    "{0.__class__}",
    "{value!r}",
]
CONDITION_TOKENS = [
    "value ** 400 is None",
    "value * 1e308 * 1e308 > 1e308",
    "(" * 40 + "value" + ")" * 40 + " > 0",
    "not " * 200 + "true",
    "- " * 300 + "value > 0",
    "__import__('os').system('echo x')",
    "().__class__.__base__",
    "pace >= nan",
    "value == value == value == value == value",
    " and ".join(f"(value * {j}.5 + progress - 1) > pace" for j in range(12)),
    "10 ** 10 ** 10 > 0",
    "value / 0 > 1",
    "value // 0 > 1",
    "round(inf) > 0",
    "(-8) ** (1 / 3) > 0",
]
CSV_CELLS = [
    *TEXT_TOKENS,
    *NUMBER_TOKENS[:6],
    "1,5",
    "1.800",
    "81.444",
    "1e400",
    "NaN",
    "Infinity",
    "-inf",
    "0001-01-01",
    "9999-12-31",
    "31.12.9999",
    '"a,b"',
    '"',
    '"a""b"',
    "actual",
    "forecast",
    "level",
    "effort",
    "result",
]
PERIOD_SEEDS = [
    "2009-09-30",
    "26.11.09",
    "2009-09",
    "maj 2012",
    "1. marts 2007",
    "March 1 2007",
    "2009",
    "2013-16",
    "3. kvartal 2009",
    "Q3 2009",
    "1. halvår 2013",
    "H1 2013",
    "primo 2013",
    "medio 2013",
    "ultimo 2013",
    "sommeren 2009",
    "inden udgangen af 2009",
    "senest 1. marts 2007",
    "i løbet af 2007",
    "by end of 2009",
    "2009-07-01/2009-09-30",
    "31.12.9999",
    "9999-12-31",
    "0001-01-01",
    "ultimo 9999",
    "primo 0001",
    "4. kvartal 9999",
    "H2 9999",
    "december 9999",
    "by end of 9999",
    "9998-99",
    "0001-0002",
]
PERIOD_TOKENS = [
    "9999",
    "0001",
    "10000",
    "0",
    "00",
    "99",
    "-1",
    "Q5",
    "13.",
    "29.02.2100",
    "29.02.2000",
    "２００９",
    "\u0663\u0660\u0660\u0669",
    "\u00a0",
    "\x00",
    "\r",
    "\ufeff",
    "ß",
    "İ",
    "kvartal",
    "halvår",
    "ultimo",
    "primo",
    "inden udgangen af",
    "/",
    "-",
    ".",
    "9" * 50,
    "1" + "0" * 400,
]

# -- seeds -------------------------------------------------------------------------------------


def _read_all(paths: list[Path]) -> list[bytes]:
    return [p.read_bytes() for p in sorted(paths) if p.is_file()]


def _ruletest_seed(path: Path) -> bytes:
    """A shipped rule test, pointed at the shipped rule set by name (it is run from a tmp dir)."""
    text = path.read_text(encoding="utf-8")
    lines = [
        f'rules = "{path.stem}"' if ln.startswith("rules =") else ln for ln in text.split("\n")
    ]
    return "\n".join(lines).encode()


def load_seeds() -> dict[str, list[bytes]]:
    examples = ROOT / "examples"
    plans = _read_all([*list(examples.glob("*/*.toml")), ROOT / "tests/data/cli-plan/plan.toml"])
    plans += _read_all([SECURITY_DATA / name for name in SECURITY_PLANS])
    rules = _read_all(
        list((ROOT / "rules").glob("*.toml")) + list((ROOT / "tests/data/rules").glob("*.toml"))
    )
    rules += _read_all(list(SECURITY_DATA.glob("*.rules.toml")))
    tests = [_ruletest_seed(p) for p in sorted((ROOT / "rules/tests").glob("*.toml"))]
    tests += _read_all(list(SECURITY_DATA.glob("*.test.toml")))
    targets = _read_all(
        [
            ROOT / "tests/data/cli-targets.csv",
            SECURITY_DATA / "07-targets.csv",
            *SECURITY_DATA.glob("14-*/plan/targets.csv"),
        ]
    )
    measurements = _read_all(
        [
            ROOT / "tests/data/cli-measurements.csv",
            *SECURITY_DATA.glob("14-*/plan/measurements.csv"),
        ]
    )
    return {
        "plan": plans,
        "rules": rules,
        "ruletest": tests,
        "targets": targets,
        "measurements": measurements,
        "period": [s.encode() for s in PERIOD_SEEDS],
    }


# -- mutation ----------------------------------------------------------------------------------

INTERESTING_BYTES = b"\x00\xff\x7f\x80\r\n\t\"'[]{}=.,#\\-+0" + b"\xef\xbb\xbf\xc3\xa5"


def _deep(rng: random.Random) -> str:
    n = rng.choice((100, 600, 1100, DEEP))
    if rng.random() < 0.5:
        return "[" * n + "]" * n
    return "{a = " * n + "1" + "}" * n


def _toml_token(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(NUMBER_TOKENS)
    if pick < 0.55:
        return rng.choice(DATE_TOKENS)
    if pick < 0.65:
        return _deep(rng)
    if pick < 0.75:
        return json.dumps(rng.choice(CONDITION_TOKENS))
    return json.dumps(rng.choice(TEXT_TOKENS))


def _replace_toml_value(rng: random.Random, data: bytearray, kind: str) -> bytearray:
    lines = bytes(data).split(b"\n")
    candidates = [
        i for i, ln in enumerate(lines) if b" = " in ln and not ln.lstrip().startswith(b"#")
    ]
    if not candidates:
        return data
    i = rng.choice(candidates)
    key = lines[i].split(b" = ", 1)[0]
    lines[i] = key + b" = " + _toml_token(rng).encode("utf-8", "surrogatepass")
    return bytearray(b"\n".join(lines))


def _replace_csv_cell(rng: random.Random, data: bytearray) -> bytearray:
    lines = bytes(data).split(b"\n")
    i = rng.randrange(len(lines))
    cells = lines[i].split(b",")
    j = rng.randrange(len(cells))
    cells[j] = rng.choice(CSV_CELLS).encode("utf-8")
    lines[i] = b",".join(cells)
    return bytearray(b"\n".join(lines))


def _insert_token(rng: random.Random, data: bytearray, kind: str) -> bytearray:
    token = (
        rng.choice(CSV_CELLS)
        if kind in ("targets", "measurements")
        else rng.choice(PERIOD_TOKENS)
        if kind == "period"
        else _toml_token(rng)
    ).encode("utf-8")
    at = rng.randrange(len(data) + 1)
    return data[:at] + token + data[at:]


def _splice(rng: random.Random, data: bytearray, other: bytes) -> bytearray:
    a = bytes(data).split(b"\n")
    b = other.split(b"\n")
    cut_a = rng.randrange(len(a) + 1)
    cut_b = rng.randrange(len(b) + 1)
    return bytearray(b"\n".join(a[:cut_a] + b[cut_b:]))


def _byte_op(rng: random.Random, data: bytearray) -> bytearray:
    if not data:
        return bytearray(rng.choice(INTERESTING_BYTES).to_bytes(1, "big"))
    op = rng.randrange(7)
    at = rng.randrange(len(data))
    if op == 0:
        data[at] ^= 1 << rng.randrange(8)
    elif op == 1:
        data[at] = rng.choice(INTERESTING_BYTES)
    elif op == 2:
        del data[at : at + rng.randrange(1, 64)]
    elif op == 3:
        end = min(len(data), at + rng.randrange(1, 256))
        data[at:at] = data[at:end] * rng.randrange(1, 4)
    elif op == 4:
        data[at:at] = bytes([rng.choice(INTERESTING_BYTES)])
    elif op == 5:
        del data[at:]
    else:
        lines = bytes(data).split(b"\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        data = bytearray(b"\n".join(lines))
    return data


def _whole_op(rng: random.Random, data: bytearray) -> bytearray:
    op = rng.randrange(4)
    if op == 0:
        return bytearray(b"\xef\xbb\xbf") + data
    if op == 1:
        return bytearray(bytes(data).replace(b"\n", b"\r\n"))
    if op == 2:
        return bytearray(bytes(data).replace(b"\n", b"\r"))
    return bytearray(bytes(data).replace(b"\n", b"\n\x00", 1))


def mutate(rng: random.Random, seed: bytes, pool: list[bytes], kind: str) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5, 8))):
        pick = rng.random()
        if pick < 0.35:
            data = _byte_op(rng, data)
        elif pick < 0.60:
            if kind in ("targets", "measurements"):
                data = _replace_csv_cell(rng, data)
            elif kind != "period":
                data = _replace_toml_value(rng, data, kind)
            else:
                data = _insert_token(rng, data, kind)
        elif pick < 0.75:
            data = _insert_token(rng, data, kind)
        elif pick < 0.90:
            data = _splice(rng, data, rng.choice(pool))
        else:
            data = _whole_op(rng, data)
        if len(data) > MAX_INPUT:
            del data[MAX_INPUT:]
    return bytes(data)


def _period_text(rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return mutate(
            rng, rng.choice(PERIOD_SEEDS).encode(), [s.encode() for s in PERIOD_SEEDS], "period"
        )
    words = [rng.choice(PERIOD_SEEDS + PERIOD_TOKENS) for _ in range(rng.randint(1, 4))]
    return " ".join(words).encode("utf-8")


def _cli_argv(rng: random.Random) -> list[str]:
    """A command line over the files a cli worker's directory holds (all relative paths)."""
    command = rng.choice(
        ("evaluate",) * 4
        + ("explain",) * 2
        + ("lint", "test", "rules", "period", "demo", "demo", "bogus", "")
    )
    files = [
        "plan.toml",
        "ex/beskaeftigelsesaftale-2009",
        "ex/budget-2013",
        "missing.toml",
        "zero",
        "fifo",
        ".",
    ]
    argv: list[str] = [command] if command else []
    if command in ("evaluate", "explain"):
        if rng.random() < 0.8:
            argv.append(rng.choice(files))
        else:
            argv += ["--targets", "targets.csv", "--measurements", "measurements.csv"]
    if command == "explain":
        argv.append(rng.choice(("1.1", "T1", "t1", "1/1", "nope", "")))
    if command == "lint":
        argv.append(rng.choice(("rules.toml", "default", "missing.toml", "zero", "ex")))
    if command == "test":
        argv.append(rng.choice(("test.toml", "missing.toml", "rules.toml", "zero")))
    if command == "period":
        argv += _period_text(rng).decode("utf-8", "replace").split() or [""]
    options: list[Callable[[], list[str]]] = [
        lambda: ["--as-of", _period_text(rng).decode("utf-8", "replace")],
        lambda: [
            "--rules",
            rng.choice((*SHIPPED_RULES, "rules.toml", "defualt", "missing.toml", "zero")),
        ],
        lambda: [
            "--param",
            rng.choice(("pace_tolerance", "max_staleness_days", "tolerance", "x", "", "="))
            + "="
            + rng.choice(
                ("nan", "inf", "-inf", "1e400", "9" * 401, "0.9", "true", "abc", "", "-0")
            ),
        ],
        lambda: ["--format", rng.choice((*FORMATS, "xml", ""))],
        lambda: ["--lang", rng.choice(("en", "da", "de"))],
        lambda: ["--status", rng.choice(("met", "at_risk", "on_track,met", "nope"))],
        lambda: ["--fail-on", rng.choice(("at_risk", "not_evaluable", "nope"))],
        lambda: [
            "-o",
            rng.choice(
                (
                    "out.html",
                    "out.json",
                    "out.csv",
                    "out.md",
                    "out.txt",
                    "out",
                    "-",
                    ".",
                    "nodir/x.html",
                    "link.html",
                    "fifo",
                    "private.html",
                    "r" * 250 + ".html",
                )
            ),
        ],
        lambda: [rng.choice(("--help", "--version", "--bogus", "-x", "--"))],
    ]
    for _ in range(rng.randint(0, 4)):
        argv += rng.choice(options)()
    if rng.random() < 0.1 and argv:
        rng.shuffle(argv)
    return argv


def make_input(seeds: dict[str, list[bytes]], seed: int, kind: str, index: int) -> dict[str, Any]:
    """The input number *index* of *kind*: files (name -> bytes) and, for cli, an argv."""
    rng = random.Random(f"{seed}/{kind}/{index}")
    if kind in ("plan", "rules", "ruletest"):
        pool = seeds[kind]
        names = {"plan": "plan.toml", "rules": "rules.toml", "ruletest": "test.toml"}
        return {"files": {names[kind]: mutate(rng, rng.choice(pool), pool, kind)}}
    if kind == "csv":
        files = {}
        for part in ("targets", "measurements"):
            pool = seeds[part]
            data = rng.choice(pool)
            if rng.random() < 0.7 or part == "targets":
                data = mutate(rng, data, pool, part)
            files[f"{part}.csv"] = data
        if rng.random() < 0.15:
            del files["measurements.csv"]
        return {"files": files}
    if kind in ("period", "asof"):
        return {"files": {"text.txt": _period_text(rng)}}
    files = {
        "plan.toml": mutate(rng, rng.choice(seeds["plan"]), seeds["plan"], "plan"),
        "rules.toml": mutate(rng, rng.choice(seeds["rules"]), seeds["rules"], "rules"),
        "test.toml": mutate(rng, rng.choice(seeds["ruletest"]), seeds["ruletest"], "ruletest"),
        "targets.csv": mutate(rng, rng.choice(seeds["targets"]), seeds["targets"], "targets"),
        "measurements.csv": rng.choice(seeds["measurements"]),
    }
    return {"files": files, "argv": _cli_argv(rng)}


# -- running one input -------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the per-input alarm."""


class CliContractError(Exception):
    """The command line broke its contract (exit status, stderr lines)."""


class Context:
    """What a worker keeps between inputs: a scratch directory and two small plans."""

    def __init__(self, cli_subprocess: bool = False) -> None:
        import goalcheck

        self.tmp = Path(tempfile.mkdtemp(prefix="goalcheck-fuzz-"))
        self.counter = 0
        self.cli_subprocess = cli_subprocess
        self.demo = goalcheck.load_plan(ROOT / "examples" / "beskaeftigelsesaftale-2009")
        self.small = goalcheck.load_plan(ROOT / "tests" / "data" / "cli-plan")
        ex = self.tmp / "cli" / "ex"
        ex.mkdir(parents=True)
        for name in ("beskaeftigelsesaftale-2009", "budget-2013"):
            shutil.copytree(ROOT / "examples" / name, ex / name)
        self.reset_cli()

    def reset_cli(self) -> None:
        """Recreate the special files a command line may have replaced (all inside tmp)."""
        cli = self.tmp / "cli"
        for name in ("zero", "fifo", "real.html", "link.html", "private.html"):
            path = cli / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        (cli / "zero").symlink_to("/dev/zero")
        os.mkfifo(cli / "fifo")
        (cli / "real.html").write_text("keep\n")
        (cli / "link.html").symlink_to("real.html")
        (cli / "private.html").write_text("secret\n")
        (cli / "private.html").chmod(0o600)

    def fresh(self) -> Path:
        """A new directory for one input (unique names defeat the rule-set cache)."""
        self.counter += 1
        path = self.tmp / f"in-{self.counter}"
        path.mkdir()
        return path


def _render_all(report: Any, plan: Any, langs: tuple[str, ...] = ("en", "da")) -> None:
    from goalcheck.output import render

    for fmt in FORMATS:
        for lang in langs:
            render(report, fmt, lang, plan=plan)


def _exercise(plan: Any, as_of: str | None, rules: Any = "default") -> None:
    import goalcheck
    from goalcheck.output import explain

    report = goalcheck.evaluate(plan, as_of, rules=rules)
    _render_all(report, plan)
    ids = [t.id for t in plan.iter_targets()]
    if ids:
        explain(plan, ids[0], as_of, rules, "en")
        explain(plan, ids[-1], as_of, rules, "da")


def run_plan(ctx: Context, inp: dict[str, Any], index: int) -> None:
    import goalcheck

    d = ctx.fresh()
    path = d / "plan.toml"
    path.write_bytes(inp["files"]["plan.toml"])
    plan = goalcheck.load_plan(path)
    _exercise(plan, None if index % 2 else "2009-09-30", SHIPPED_RULES[index % 4])


def run_csv(ctx: Context, inp: dict[str, Any], index: int) -> None:
    import goalcheck

    d = ctx.fresh()
    for name, data in inp["files"].items():
        (d / name).write_bytes(data)
    measurements = d / "measurements.csv" if "measurements.csv" in inp["files"] else None
    plan = goalcheck.load_csv(d / "targets.csv", measurements)
    _exercise(plan, "2010-06-30" if index % 2 else None, SHIPPED_RULES[index % 4])


def run_rules(ctx: Context, inp: dict[str, Any], index: int) -> None:
    import goalcheck

    d = ctx.fresh()
    path = d / "rules.toml"
    path.write_bytes(inp["files"]["rules.toml"])
    rs = goalcheck.load_rules(path)
    for plan in (ctx.demo, ctx.small):
        report = goalcheck.evaluate(plan, "2010-06-30", rules=rs)
        _render_all(report, plan, ("en",) if plan is ctx.demo else ("en", "da"))
    from goalcheck.output import explain

    for target in list(ctx.small.iter_targets())[:2]:
        explain(ctx.small, target.id, "2010-06-30", rs, "da")
    if index % 33 == 0:
        from goalcheck.lint import lint_rules

        for finding in lint_rules(path):
            str(finding)


def run_ruletest(ctx: Context, inp: dict[str, Any], index: int) -> None:
    from goalcheck.ruletest import run_rule_tests

    d = ctx.fresh()
    path = d / "test.toml"
    path.write_bytes(inp["files"]["test.toml"])
    run = run_rule_tests(path)
    run.report()


def _text(inp: dict[str, Any]) -> str:
    return inp["files"]["text.txt"].decode("utf-8", "replace")


def run_period(ctx: Context, inp: dict[str, Any], index: int) -> None:
    import goalcheck
    from goalcheck.errors import GoalcheckError
    from goalcheck.periods import to_date

    text = _text(inp)
    failures = 0
    for call in (
        lambda: goalcheck.parse_period(text),
        lambda: to_date(text, side="start"),
        lambda: to_date(text, side="end"),
    ):
        try:
            call()
        except GoalcheckError:
            failures += 1
    if failures:
        raise goalcheck.PeriodError("refused")


def run_asof(ctx: Context, inp: dict[str, Any], index: int) -> None:
    import goalcheck

    report = goalcheck.evaluate(ctx.demo, _text(inp), rules=SHIPPED_RULES[index % 4])
    _render_all(report, ctx.demo, ("en",))


def _check_cli(code: object, stderr: str) -> None:
    if code not in (0, 1, 2):
        raise CliContractError(f"exit status {code!r}")
    for line in stderr.splitlines():
        if "Traceback" in line or "internal error" in line:
            raise CliContractError(f"stderr: {line[:300]}")
        if not line.startswith(("error: ", "warning: ")):
            raise CliContractError(
                f"stderr line is not 'error: ...' or 'warning: ...': {line[:300]!r}"
            )
    if code == 2 and not any(line.startswith("error: ") for line in stderr.splitlines()):
        raise CliContractError(f"exit 2 without an error line: {stderr[:300]!r}")


def run_cli(ctx: Context, inp: dict[str, Any], index: int) -> None:
    from goalcheck.cli import main
    from goalcheck.errors import GoalcheckError

    cwd = ctx.tmp / "cli"
    ctx.reset_cli()
    for name, data in inp["files"].items():
        (cwd / name).write_bytes(data)
    for stale in ("out.html", "out.json", "out.csv", "out.md", "out.txt", "out"):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            (cwd / stale).unlink()
    argv = inp["argv"]
    if ctx.cli_subprocess:
        argv = [arg.replace("\x00", "") for arg in argv]  # a real command line has no NUL
        env = {k: v for k, v in os.environ.items() if k != "GOALCHECK_DEBUG"}
        try:
            done = subprocess.run(
                [sys.executable, "-m", "goalcheck.cli", *argv],
                cwd=cwd,
                capture_output=True,
                timeout=TIMEOUT,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise Hang() from None
        _check_cli(done.returncode, done.stderr.decode("utf-8", "replace"))
        if done.returncode == 2:
            raise GoalcheckError(done.stderr.decode("utf-8", "replace"))
        return
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(old)
    _check_cli(code, err.getvalue())
    if code == 2:
        raise GoalcheckError(err.getvalue())


RUNNERS: dict[str, Callable[[Context, dict[str, Any], int], None]] = {
    "plan": run_plan,
    "csv": run_csv,
    "rules": run_rules,
    "ruletest": run_ruletest,
    "period": run_period,
    "asof": run_asof,
    "cli": run_cli,
}
TIMEOUT = 5.0


def _location(error: BaseException) -> str:
    """The innermost goalcheck frame (and the innermost frame, if it is elsewhere)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/goalcheck/" in f.filename and "benchmarks" not in f.filename]
    parts = []
    if ours:
        f = ours[-1]
        parts.append(f"{f.filename.split('/goalcheck/')[-1]}:{f.lineno} {f.name}")
    if frames and (not ours or frames[-1] is not ours[-1]):
        f = frames[-1]
        parts.append(f"(innermost {Path(f.filename).name}:{f.lineno} {f.name})")
    return " ".join(parts) or "?"


def classify(ctx: Context, kind: str, inp: dict[str, Any], index: int) -> tuple[str, str, str]:
    """(outcome, signature, detail) for one input."""
    from goalcheck.errors import GoalcheckError

    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        RUNNERS[kind](ctx, inp, index)
        return "ok", "", ""
    except GoalcheckError:
        return "goalcheck-error", "", ""
    except Hang as error:
        return "hang", f"hang at {_location(error)}", "".join(traceback.format_exception(error))
    except CliContractError as error:
        return "other", f"CLI {' '.join(str(error).split())[:120]}", str(error)
    except (Exception, RecursionError, MemoryError) as error:  # a crash: report it
        sig = f"{type(error).__name__} at {_location(error)}"
        detail = "".join(traceback.format_exception(error))
        return "other", sig, detail
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


# -- the worker pool ---------------------------------------------------------------------------


def _worker(
    slot: Any, tasks: Any, results: Any, seed: int, memory_mb: int, cli_subprocess: bool
) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    warnings.simplefilter("ignore")  # e.g. "not UTF-8; read as cp1252": a warning, not a crash
    os.environ.pop("GOALCHECK_DEBUG", None)
    seeds = load_seeds()
    ctx = Context(cli_subprocess)
    try:
        while True:
            task = tasks.get()
            if task is None:
                break
            kind, start, stop = task
            for index in range(start, stop):
                slot[0], slot[1], slot[2] = KINDS.index(kind), index, time.time()
                inp = make_input(seeds, seed, kind, index)
                outcome, sig, detail = classify(ctx, kind, inp, index)
                results.put((kind, index, outcome, sig, detail))
                if ctx.counter % 200 == 0:
                    _clean(ctx)
            slot[2] = 0.0
            results.put(("chunk", kind, start, stop, ""))
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)


def _clean(ctx: Context) -> None:
    for path in ctx.tmp.glob("in-*"):
        shutil.rmtree(path, ignore_errors=True)


class Campaign:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self.crashes: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
        self.examples: dict[tuple[str, str], str] = {}
        self.saved: Counter[tuple[str, str]] = Counter()
        self.seeds = load_seeds()
        self.crash_dir = Path(args.crashes)
        self.stopped_early = False

    def save(self, kind: str, index: int, sig: str, detail: str) -> None:
        key = (kind, sig)
        self.examples.setdefault(key, detail)
        if self.saved[key] >= self.args.keep:
            return
        n = self.saved[key]
        self.saved[key] += 1
        digest = hashlib.sha1(sig.encode()).hexdigest()[:10]
        folder = self.crash_dir / kind / f"{sig.split(' ')[0]}-{digest}"
        folder.mkdir(parents=True, exist_ok=True)
        inp = make_input(self.seeds, self.args.seed, kind, index)
        for name, data in inp["files"].items():
            (folder / f"{n}-{name}").write_bytes(data)
        if "argv" in inp:
            (folder / f"{n}-argv.json").write_text(json.dumps(inp["argv"]))
        header = f"kind {kind}, seed {self.args.seed}, index {index}\n{sig}\n\n"
        (folder / f"{n}-error.txt").write_text(header + detail)

    def record(self, kind: str, index: int, outcome: str, sig: str, detail: str) -> None:
        self.counts[kind][outcome] += 1
        if outcome in ("other", "hang"):
            self.crashes[kind][sig] += 1
            self.save(kind, index, sig, detail)

    def run(self, plan: list[tuple[str, int]]) -> None:
        ctx = mp.get_context("fork")
        tasks, results = ctx.Queue(), ctx.Queue()
        chunk = 50
        pending: set[tuple[str, int, int]] = set()
        per_kind = [
            [(kind, start, min(n, start + chunk)) for start in range(0, n, chunk)]
            for kind, n in plan
        ]
        # Interleave the kinds, so a run stopped by --max-seconds has covered every kind.
        for group in itertools.zip_longest(*per_kind):
            for task in group:
                if task is not None:
                    tasks.put(task)
                    pending.add(task)
        jobs = max(1, self.args.jobs)

        def spawn() -> tuple[Any, Any]:
            slot = ctx.Array("d", 3, lock=False)
            proc = ctx.Process(
                target=_worker,
                args=(
                    slot,
                    tasks,
                    results,
                    self.args.seed,
                    self.args.memory_mb,
                    self.args.cli_subprocess,
                ),
                daemon=True,
            )
            proc.start()
            return proc, slot

        started = time.time()
        workers = [spawn() for _ in range(jobs)]
        total = sum(n for _, n in plan)
        done = 0
        idle_deaths = 0
        last_print = time.time()
        deadline = started + self.args.max_seconds if self.args.max_seconds else None
        while pending:
            if deadline is not None and time.time() > deadline:
                self.stopped_early = True
                print(f"  --max-seconds reached: stopping at {done} inputs", file=sys.stderr)
                for proc, _ in workers:
                    proc.kill()
                return
            try:
                msg = results.get(timeout=0.5)
            except Exception:  # queue.Empty
                msg = None
            if msg is not None:
                if msg[0] == "chunk":
                    pending.discard((msg[1], msg[2], msg[3]))
                else:
                    self.record(*msg)
                    done += 1
            now = time.time()
            for w, (proc, slot) in enumerate(workers):
                started = slot[2]
                stuck = started and now - started > TIMEOUT + 3
                if stuck or not proc.is_alive():
                    kind, index = KINDS[int(slot[0])], int(slot[1])
                    proc.kill()
                    proc.join()
                    if started:
                        reason = "hang" if stuck else f"worker died (exit {proc.exitcode})"
                        outcome = "hang" if stuck else "other"
                        self.record(kind, index, outcome, reason, reason)
                        done += 1
                        stop = self._chunk_stop(pending, kind, index)
                        if stop is not None:
                            pending.discard((kind, self._chunk_start(pending, kind, index), stop))
                            if index + 1 < stop:
                                tasks.put((kind, index + 1, stop))
                                pending.add((kind, index + 1, stop))
                    if not started:
                        idle_deaths += 1
                        if idle_deaths > 5:
                            raise SystemExit(
                                f"workers keep dying (exit {proc.exitcode}); giving up"
                            )
                    workers[w] = spawn()
            if now - last_print > 10:
                last_print = now
                print(f"  {done}/{total} inputs", file=sys.stderr, flush=True)
        for _ in workers:
            tasks.put(None)
        for proc, _ in workers:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()

    @staticmethod
    def _chunk_stop(pending: set[tuple[str, int, int]], kind: str, index: int) -> int | None:
        for k, start, stop in pending:
            if k == kind and start <= index < stop:
                return stop
        return None

    @staticmethod
    def _chunk_start(pending: set[tuple[str, int, int]], kind: str, index: int) -> int:
        for k, start, stop in pending:
            if k == kind and start <= index < stop:
                return start
        return index

    def report(self) -> int:
        print(f"{'kind':<10} {'inputs':>8} " + " ".join(f"{o:>16}" for o in OUTCOMES))
        totals: Counter[str] = Counter()
        for kind in KINDS:
            c = self.counts[kind]
            n = sum(c.values())
            if not n:
                continue
            totals.update(c)
            print(f"{kind:<10} {n:>8} " + " ".join(f"{c[o]:>16}" for o in OUTCOMES))
        n = sum(totals.values())
        print(f"{'total':<10} {n:>8} " + " ".join(f"{totals[o]:>16}" for o in OUTCOMES))
        bad = totals["other"] + totals["hang"]
        if self.stopped_early:
            print("(stopped early by --max-seconds: the counts cover the inputs run)")
        for kind in KINDS:
            for sig, count in self.crashes[kind].most_common():
                print(f"  {kind}: {count} x {sig}")
        if bad:
            print(
                f"crashing inputs saved under {self.crash_dir}/ (first {self.args.keep} of each)"
            )
        if self.args.summary:
            summary = {
                "seed": self.args.seed,
                "counts": {k: dict(v) for k, v in self.counts.items() if v},
                "crashes": {k: dict(v) for k, v in self.crashes.items() if v},
            }
            Path(self.args.summary).write_text(json.dumps(summary, indent=2) + "\n")
        return 1 if bad else 0


def _plan(args: argparse.Namespace) -> list[tuple[str, int]]:
    kinds = [k.strip() for k in args.kinds.split(",")] if args.kinds else list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise SystemExit(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    if args.per_loader:
        return [(k, args.per_loader) for k in kinds]
    share = sum(SHARES[k] for k in kinds)
    return [(k, max(1, round(args.inputs * SHARES[k] / share))) for k in kinds]


def replay(folder: Path, cli_subprocess: bool) -> int:
    """Re-run every saved input under *folder* (as written by a campaign) and print outcomes."""
    signal.signal(signal.SIGALRM, _alarm)
    ctx = Context(cli_subprocess)
    bad = 0
    try:
        for error_file in sorted(folder.rglob("*-error.txt")):
            n = error_file.name.split("-")[0]
            kind = error_file.read_text().split(",")[0].removeprefix("kind ")
            files = {
                p.name[len(n) + 1 :]: p.read_bytes()
                for p in error_file.parent.glob(f"{n}-*")
                if not p.name.endswith(("-error.txt", "-argv.json"))
            }
            inp: dict[str, Any] = {"files": files}
            argv_file = error_file.parent / f"{n}-argv.json"
            if argv_file.exists():
                inp["argv"] = json.loads(argv_file.read_text())
            index = int(error_file.read_text().split("index ")[1].split("\n")[0])
            outcome, sig, _ = classify(ctx, kind, inp, index)
            bad += outcome in ("other", "hang")
            print(f"{error_file.parent.relative_to(folder)}/{n}: {outcome} {sig}".rstrip())
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    global TIMEOUT
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--inputs", type=int, default=20000, help="total inputs, shared across kinds")
    p.add_argument(
        "--per-loader", type=int, default=0, help="inputs per kind (overrides --inputs)"
    )
    p.add_argument("--kinds", default="", help=f"comma-separated subset of {', '.join(KINDS)}")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per input")
    p.add_argument("--memory-mb", type=int, default=2048, help="address-space limit per worker")
    p.add_argument("--crashes", default="fuzz-crashes", help="folder for crashing inputs")
    p.add_argument("--keep", type=int, default=3, help="inputs saved per crash signature")
    p.add_argument("--summary", default="", help="write the counts as JSON to this file")
    p.add_argument(
        "--max-seconds", type=float, default=0, help="stop after this long and report the counts"
    )
    p.add_argument("--cli-subprocess", action="store_true", help="run cli inputs as subprocesses")
    p.add_argument("--replay", default="", help="re-run the saved inputs under this folder")
    args = p.parse_args(argv)
    TIMEOUT = args.timeout
    if args.replay:
        return replay(Path(args.replay), args.cli_subprocess)
    plan = _plan(args)
    print(
        "fuzzing "
        + ", ".join(f"{k} {n}" for k, n in plan)
        + f" (seed {args.seed}, {args.jobs} jobs)"
    )
    started = time.time()
    campaign = Campaign(args)
    campaign.run(plan)
    status = campaign.report()
    print(f"{time.time() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
