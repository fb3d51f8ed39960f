"""The ``goalcheck`` command: argparse wiring over the library, with no logic of its own.

Exit status: 0 success, 1 when a ``--fail-on`` status occurs (or lint finds problems, or a
rule test fails), 2 on bad input or usage.  Every error is one line on stderr,
``error: FILE:LOCATION: message``, never a Python traceback (set ``GOALCHECK_DEBUG=1`` to see
one when reporting a bug).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from goalcheck.errors import GoalcheckError, did_you_mean

__all__ = ["main"]

_DEMO = "beskaeftigelsesaftale-2009"
_DEMO_AS_OF = "2009-09-30"


class _UsageError(Exception):
    """A command line that argparse or the wiring rejects (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error:`` line (exit 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30, width=80)


# -- helpers that only translate between the command line and the library -------------------


def _as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from goalcheck.errors import PeriodError
    from goalcheck.periods import to_date

    try:
        return to_date(text, side="end")
    except PeriodError as error:
        raise GoalcheckError(f"--as-of: {error}") from None


def _params(pairs: Sequence[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise _UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        text = raw.strip()
        value: object
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        else:
            try:
                value = int(text)
            except ValueError:
                try:
                    value = float(text)
                except ValueError:
                    value = text
        params[name.strip()] = value
    return params


def _statuses(values: Sequence[str] | None) -> list[str]:
    return [s.strip() for v in values or () for s in v.split(",") if s.strip()]


def _load_plan(path: str) -> Any:
    import goalcheck

    load = getattr(goalcheck, "load_plan", None)
    if load is None:  # pragma: no cover - until the loaders are exported
        load = importlib.import_module("goalcheck._io").load_plan
    if not Path(path).exists():
        raise FileNotFoundError(2, "no such file or directory", path)
    return load(path)


def _load_csv(targets: str, measurements: str | None) -> Any:
    import goalcheck

    load = getattr(goalcheck, "load_csv", None)
    if load is None:  # pragma: no cover - until the loaders are exported
        load = importlib.import_module("goalcheck._io").load_csv
    for path in (targets, measurements):
        if path is not None and not Path(path).exists():
            raise FileNotFoundError(2, "no such file or directory", path)
    return load(targets, measurements)


def _stdout_is_color_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _emit(args: argparse.Namespace, text: str) -> None:
    if args.output and args.output != "-":
        from goalcheck.output import write_text

        write_text(args.output, text)
    else:
        sys.stdout.write(text)


def _evaluate_and_emit(args: argparse.Namespace, load: Callable[[], Any]) -> int:
    """Load, evaluate and render under one progress line (erased before any output)."""
    from goalcheck._export.progress import progress
    from goalcheck.engine import evaluate
    from goalcheck.output import format_for_path, render
    from goalcheck.rules import load_rules

    as_of = _as_of(args.as_of)
    params = _params(args.param)
    fail_on = _statuses(args.fail_on)
    wanted = _statuses(args.status)
    output = args.output if args.output != "-" else None
    fmt = args.format or (format_for_path(output) if output else None) or "table"
    color = fmt == "table" and not output and _stdout_is_color_terminal()
    with progress("evaluating"):
        rs = load_rules(args.rules)
        plan = load()
        report = evaluate(plan, as_of, rules=rs, **params)
        for option, statuses in (("--status", wanted), ("--fail-on", fail_on)):
            for status in statuses:
                if status not in report.statuses:
                    known = ", ".join(report.statuses)
                    raise GoalcheckError(
                        f"{option}: unknown status {status!r}; the rule set {rs.name!r} has "
                        f"{known}" + did_you_mean(status, report.statuses)
                    )
        shown = report.filter(*wanted) if wanted else report
        text = render(shown, fmt, args.lang, plan=plan, color=color)
    _emit(args, text)
    return 1 if any(r.status in fail_on for r in report) else 0


# -- commands ----------------------------------------------------------------------------------


def _reclaim_plan(args: argparse.Namespace) -> None:
    """``evaluate --status met plan.toml``: the greedy option took the plan; give it back."""
    if args.plan or args.targets:
        return
    for option in ("status", "fail_on"):
        values = getattr(args, option)
        if values and len(values) > 1 and Path(values[-1]).exists():
            args.plan = values.pop()
            return


def _cmd_evaluate(args: argparse.Namespace) -> int:
    _reclaim_plan(args)
    if args.plan and (args.targets or args.measurements):
        raise _UsageError("give either PLAN or --targets/--measurements, not both")
    if args.plan:
        return _evaluate_and_emit(args, lambda: _load_plan(args.plan))
    if not args.targets:
        if args.measurements:
            raise _UsageError("--measurements needs --targets")
        raise _UsageError("give a PLAN file or directory, or --targets T.csv")
    return _evaluate_and_emit(args, lambda: _load_csv(args.targets, args.measurements))


def _cmd_demo(args: argparse.Namespace) -> int:
    from goalcheck._resources import examples_dir

    path = examples_dir() / _DEMO
    if args.as_of is None:
        args.as_of = _DEMO_AS_OF
    return _evaluate_and_emit(args, lambda: _load_plan(str(path)))


def _cmd_explain(args: argparse.Namespace) -> int:
    from goalcheck.errors import TargetNotFoundError
    from goalcheck.output import explain

    plan = _load_plan(args.plan)
    try:
        text = explain(
            plan,
            args.target_id,
            _as_of(args.as_of),
            args.rules,
            args.lang,
            **_params(args.param),
        )
    except TargetNotFoundError as error:
        raise GoalcheckError(f"{args.plan}: {error}") from None
    sys.stdout.write(text)
    return 0


def _lazy(module: str, function: str, command: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        raise GoalcheckError(f"'goalcheck {command}' is not available in this version") from None


def _cmd_lint(args: argparse.Namespace) -> int:
    lint_rules = _lazy("goalcheck.lint", "lint_rules", "lint")
    findings = list(lint_rules(args.rules_file))
    for finding in findings:
        print(finding)
    n = len(findings)
    print(f"{n} problem{'s' if n != 1 else ''} found" if n else "no problems found")
    return 1 if findings else 0


def _cmd_test(args: argparse.Namespace) -> int:
    run_rule_tests = _lazy("goalcheck.ruletest", "run_rule_tests", "test")
    outcome = run_rule_tests(args.test_file)
    report = getattr(outcome, "report", None)
    if callable(report):
        text = str(report())
        print(text)
    failed = int(getattr(outcome, "failed", 0) if not isinstance(outcome, int) else outcome)
    passed = getattr(outcome, "passed", None)
    if passed is not None and not callable(report):
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _cmd_rules(args: argparse.Namespace) -> int:
    from goalcheck.rules import list_rules

    infos = list_rules()
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        text = " ".join(info.description.split())
        first = text.split(". ")[0].rstrip(".") + "." if text else ""
        line = f"{info.name.ljust(width)}  {info.version:<6}  {first}".rstrip()
        print(line if len(line) <= 80 else line[:79] + "…")
    return 0


def _cmd_period(args: argparse.Namespace) -> int:
    from goalcheck.periods import parse_period

    period = parse_period(" ".join(args.text))
    print(f"{period.start.isoformat()} {period.end.isoformat()}")
    return 0


# -- the parser ------------------------------------------------------------------------------


def _add_report_options(p: argparse.ArgumentParser, *, as_of_help: str) -> None:
    from goalcheck.output import FORMATS

    p.add_argument("--as-of", metavar="DATE", help=as_of_help)
    p.add_argument(
        "--rules",
        metavar="NAME_OR_FILE",
        default="default",
        help="a shipped rule set (see 'goalcheck rules') or a rule file (default: default)",
    )
    p.add_argument(
        "--param",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="override a rule-set parameter, e.g. tolerance=0.8 (repeatable)",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the --output suffix, else table)",
    )
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language (default: en)")
    p.add_argument(
        "--status",
        metavar="STATUS",
        nargs="+",
        action="extend",
        help="show only targets with these statuses (repeatable, or comma-separated)",
    )
    p.add_argument(
        "--fail-on",
        metavar="STATUS",
        nargs="+",
        action="extend",
        help="exit 1 when any target has one of these statuses (for pipelines)",
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE atomically instead of stdout (no partial file on error); "
        "'-' is stdout",
    )


def _parser() -> argparse.ArgumentParser:
    from goalcheck import __version__

    parser = _Parser(
        prog="goalcheck",
        description="Evaluate the goals of public programmes, grants and plans: "
        "met, on track or at risk, and why.",
        formatter_class=_formatter,
        epilog="examples:\n  goalcheck demo\n  goalcheck evaluate plan.toml --as-of 2009-09-30\n"
        "  goalcheck explain plan.toml 1.4\n\n"
        "exit status: 0 ok, 1 a --fail-on status occurred, 2 bad input or usage",
    )
    parser.add_argument("--version", action="version", version=f"goalcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str, epilog: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog="example:\n" + epilog,
            formatter_class=_formatter,
        )

    p = command(
        "evaluate",
        "evaluate a plan (TOML file or directory) or a spreadsheet export (CSV)",
        "  goalcheck evaluate examples/beskaeftigelsesaftale-2009 --as-of 2009-09-30\n"
        "  goalcheck evaluate --targets targets.csv --measurements measurements.csv \\\n"
        "      --format html --lang da --output status.html\n"
        "  goalcheck evaluate plan.toml --fail-on at_risk --format json -o report.json",
    )
    p.add_argument("plan", nargs="?", metavar="PLAN", help="plan TOML file or directory")
    p.add_argument("--targets", metavar="T.csv", help="targets CSV (the CSV interchange)")
    p.add_argument("--measurements", metavar="M.csv", help="measurements CSV")
    _add_report_options(p, as_of_help="evaluation date or period phrase (default: the plan's)")
    p.set_defaults(func=_cmd_evaluate)

    p = command(
        "explain",
        "show one target's facts, every rule's outcome in order, and the verdict",
        "  goalcheck explain examples/beskaeftigelsesaftale-2009 1.4 --as-of 2009-09-30",
    )
    p.add_argument("plan", metavar="PLAN", help="plan TOML file or directory")
    p.add_argument("target_id", metavar="TARGET_ID", help="the target's id, e.g. 1.4")
    p.add_argument("--as-of", metavar="DATE", help="evaluation date (default: the plan's)")
    p.add_argument("--rules", metavar="NAME_OR_FILE", default="default", help="rule set")
    p.add_argument("--param", metavar="NAME=VALUE", action="append", default=[])
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language (default: en)")
    p.set_defaults(func=_cmd_explain)

    p = command(
        "lint",
        "check a rule file: unknown names, unreachable rules, gaps, overlaps",
        "  goalcheck lint my-rules.toml",
    )
    p.add_argument("rules_file", metavar="RULES_FILE")
    p.set_defaults(func=_cmd_lint)

    p = command(
        "test",
        "run a rule set's test cases (given facts or targets, expected status)",
        "  goalcheck test rules/default.tests.toml",
    )
    p.add_argument("test_file", metavar="RULES_TEST_FILE")
    p.set_defaults(func=_cmd_test)

    p = command("rules", "list the shipped rule sets", "  goalcheck rules")
    p.set_defaults(func=_cmd_rules)

    p = command(
        "period",
        'print the first and last day of a date or period phrase as "START END"',
        "  goalcheck period 3. kvartal 2009     # 2009-07-01 2009-09-30\n"
        "  goalcheck period 'ultimo 2013'",
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="a date or period phrase")
    p.set_defaults(func=_cmd_period)

    p = command(
        "demo",
        f"evaluate the bundled example {_DEMO} (the Q3 2009 status report)",
        "  goalcheck demo\n  goalcheck demo --lang da --format html --output demo.html",
    )
    _add_report_options(p, as_of_help=f"evaluation date (default: {_DEMO_AS_OF})")
    p.set_defaults(func=_cmd_demo)
    return parser


def _oserror(error: OSError) -> str:
    reason = (error.strerror or str(error)).lower()
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    return reason


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            commands = "evaluate, explain, lint, test, rules, period, demo"
            raise _UsageError(f"a command is required: {commands} (see 'goalcheck --help')")
        return int(args.func(args))
    except SystemExit as stop:  # --help and --version
        return stop.code if isinstance(stop.code, int) else 0
    except _UsageError as error:
        _fail(f"usage: {error}")
    except GoalcheckError as error:
        _fail(str(error))
    except OSError as error:
        _fail(_oserror(error))
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end]
        _fail(
            f"the terminal's encoding ({error.encoding}) cannot show {bad!r}: "
            "write to a file with --output, or set PYTHONIOENCODING=utf-8"
        )
    except UnicodeDecodeError as error:
        _fail(f"not UTF-8 text: {error.reason} at byte {error.start}")
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except Exception as error:
        if os.environ.get("GOALCHECK_DEBUG"):
            raise
        _fail(f"internal error, please report it: {type(error).__name__}: {error}")
    return 2


def _fail(message: str) -> None:
    sys.stderr.write(f"error: {' '.join(message.split())}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
