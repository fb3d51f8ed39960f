"""The ``goalcheck`` command: argparse wiring over the library, with no logic of its own.

Exit status: 0 success, 1 when a ``--fail-on`` status occurs (or lint finds problems, or a
rule test fails), 2 on bad input or usage.  Every problem is one line on stderr,
``error: FILE:LOCATION: message``, sorted by file and location, at most
:data:`MAX_PROBLEMS` of them and then ``error: … and N more``; never a Python traceback
(set ``GOALCHECK_DEBUG=1`` to see one when reporting a bug).  Warnings (such as a CSV file
read as cp1252) are ``warning:`` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from goalcheck.errors import (
    GoalcheckError,
    InputError,
    MissingDependencyError,
    OptionError,
    Problem,
)

if TYPE_CHECKING:
    from goalcheck.model import Plan
    from goalcheck.report import Report

__all__ = ["MAX_PROBLEMS", "main"]

#: How many problems the command line prints before "… and N more".
MAX_PROBLEMS = 50

_DEMO = "beskaeftigelsesaftale-2009"
_DEMO_AS_OF = "2009-09-30"
_DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t"}


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
        raise OptionError(f"--as-of: {error}") from None


def _param_value(text: str) -> object:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _params(pairs: Sequence[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise _UsageError(f"--param takes NAME=VALUE, not {pair!r}")
        params[name.strip()] = _param_value(raw.strip())
    return params


def _statuses(values: Sequence[str] | None) -> list[str]:
    return [s.strip() for v in values or () for s in v.split(",") if s.strip()]


def _input_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"decimal": args.decimal, "encoding": args.encoding, "title": args.title}


def _load(args: argparse.Namespace) -> Plan:
    """The plan the command line names: PLAN, or --targets (and --measurements)."""
    import goalcheck

    sources = [getattr(args, "opensdg", None), getattr(args, "iati", None)]
    if sum(s is not None for s in sources) + bool(args.plan or args.targets) > 1:
        raise _UsageError("give one of PLAN, --targets, --opensdg DIR or --iati FILE")
    if sources[0] is not None:
        return goalcheck.load_opensdg(sources[0], title=args.title)
    if sources[1] is not None:
        return goalcheck.load_iati(sources[1], title=args.title)
    if args.plan and (args.targets or args.measurements):
        raise _UsageError("give either PLAN or --targets/--measurements, not both")
    if args.plan:
        return goalcheck.load_plan(args.plan, **_input_options(args))
    if not args.targets:
        if args.measurements:
            raise _UsageError("--measurements needs --targets")
        raise _UsageError("give a PLAN file or directory, or --targets T.csv")
    return goalcheck.load_csv(args.targets, args.measurements, **_input_options(args))


def _reclaim_plan(args: argparse.Namespace) -> None:
    """``evaluate --status met plan.toml``: the greedy option took the plan; give it back."""
    if args.plan or args.targets or getattr(args, "opensdg", None) or getattr(args, "iati", None):
        return
    for option in ("status", "fail_on"):
        values = getattr(args, option, None)
        if values and len(values) > 1 and Path(values[-1]).exists():
            args.plan = values.pop()
            return


# -- output ------------------------------------------------------------------------------------


def _format(args: argparse.Namespace) -> str:
    """The output format: --format, else the --output suffix's, else table.

    A suffix that says another format than --format, or a suffix goalcheck does not know
    without --format, is refused rather than writing (say) a text table into a .xlsx file.
    """
    from goalcheck.output import format_for_path

    output = args.output if args.output != "-" else None
    if output is None:
        return args.format or "table"
    suffix = Path(output).suffix
    implied = format_for_path(output)
    if args.format and implied and implied != args.format:
        raise OptionError(
            f"--output {output}: the suffix {suffix} means {implied}, but --format is "
            f"{args.format}; change one of them"
        )
    if not args.format and implied is None:
        raise OptionError(
            f"--output {output}: cannot tell the format from the suffix {suffix or '(none)'}; "
            "give --format, or a suffix such as .html, .json, .csv, .md, .txt or .xlsx"
        )
    return str(args.format or implied)


def _stdout_is_color_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _render(args: argparse.Namespace, report: Report, plan: Plan, fmt: str) -> str | bytes:
    from goalcheck.output import render, render_bytes

    to_terminal = not args.output or args.output == "-"
    options: dict[str, Any] = {"plan": plan}
    if fmt == "table" and to_terminal and sys.stdout.isatty():
        options["width"] = shutil.get_terminal_size((80, 24)).columns
    if fmt == "table" and to_terminal:
        options["color"] = _stdout_is_color_terminal()
    if fmt == "csv":
        options.update(_csv_options(args))
    if fmt == "xlsx":
        if to_terminal:
            raise OptionError("--format xlsx writes a workbook: give --output FILE.xlsx")
        return render_bytes(report, fmt, args.lang, **options)
    return render(report, fmt, args.lang, **options)


def _csv_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {"bom": args.bom}
    if args.decimal is not None:
        options["decimal"] = args.decimal
    if args.delimiter is not None:
        if args.delimiter not in _DELIMITERS:
            raise OptionError(f"--delimiter must be ',', ';' or tab, not {args.delimiter!r}")
        options["delimiter"] = _DELIMITERS[args.delimiter]
    elif args.decimal == ",":
        options["delimiter"] = ";"  # a decimal comma cannot share the separator
    return options


def _emit(args: argparse.Namespace, data: str | bytes) -> None:
    if args.output and args.output != "-":
        from goalcheck._io._atomic import write_text

        write_text(args.output, data)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def _check_statuses(report: Report, wanted: Iterable[tuple[str, list[str]]]) -> None:
    """Unknown --status/--fail-on names, as the report's own filter words them."""
    for option, statuses in wanted:
        try:
            report.filter(*statuses)
        except GoalcheckError as error:
            raise OptionError(f"{option}: {error}") from None


def _columnar(args: argparse.Namespace, as_of: Any, rs: Any, params: Any) -> Any:
    """``--engine columnar``: the targets (and measurements) CSV or parquet files."""
    if args.plan or not args.targets:
        raise _UsageError("--engine columnar reads --targets (and --measurements) CSV or parquet")
    try:
        from goalcheck._columnar._cli import evaluate_files
    except ImportError:
        raise MissingDependencyError(
            "--engine columnar needs polars: pip install 'goalcheck[polars]'"
        ) from None
    # the JSON report needs only the plan's skeleton (areas, initiatives); the other views
    # and --compare-to DATE need the targets as model objects, read from the same files
    whole = _format(args) != "json" or bool(getattr(args, "compare_to", None))
    return evaluate_files(
        args.targets, args.measurements, as_of, rs, params, title=args.title, whole_plan=whole
    )


def _evaluate_and_emit(args: argparse.Namespace, load: Callable[[], Plan]) -> int:
    """Load, evaluate and render under one progress line (erased before any output)."""
    from goalcheck._progress import progress
    from goalcheck.engine import evaluate
    from goalcheck.rules import load_rules

    as_of = _as_of(args.as_of)
    params = _params(args.param)
    fail_on = _statuses(args.fail_on)
    wanted = _statuses(args.status)
    fmt = _format(args)
    with progress("evaluating"):
        rs = load_rules(args.rules)
        if getattr(args, "engine", "scalar") == "columnar":
            plan, report = _columnar(args, as_of, rs, params)
        else:
            plan = load()
            report = evaluate(plan, as_of, rules=rs, **params)
        _check_statuses(report, (("--status", wanted), ("--fail-on", fail_on)))
        if getattr(args, "compare_to", None):
            from goalcheck.output import compare_to

            report = compare_to(report, args.compare_to, plan, rs, **params)
        report = _funding(args, report, plan)
        shown = report.filter(*wanted) if wanted else report
        data = _render(args, shown, plan, fmt)
    _emit(args, data)
    return 1 if any(r.status in fail_on for r in report) else 0


def _funding(args: argparse.Namespace, report: Report, plan: Plan | None) -> Report:
    """The report with the plan's funding beside the goals, as ``--funding`` asks (issue 14)."""
    from goalcheck.output import has_spending, with_funding

    wanted = getattr(args, "funding", None)
    if plan is None or wanted is False or (wanted is None and not has_spending(plan)):
        return report
    return with_funding(report, plan)


# -- commands ----------------------------------------------------------------------------------


def _cmd_evaluate(args: argparse.Namespace) -> int:
    _reclaim_plan(args)
    return _evaluate_and_emit(args, lambda: _load(args))


def _cmd_demo(args: argparse.Namespace) -> int:
    import goalcheck
    from goalcheck._resources import examples_dir

    path = examples_dir() / _DEMO
    if args.as_of is None:
        args.as_of = _DEMO_AS_OF
    return _evaluate_and_emit(args, lambda: goalcheck.load_plan(path, title=args.title))


def _cmd_explain(args: argparse.Namespace) -> int:
    from goalcheck.errors import TargetNotFoundError
    from goalcheck.output import explain

    plan = _load(args)
    try:
        text = explain(
            plan, args.target_id, _as_of(args.as_of), args.rules, args.lang, **_params(args.param)
        )
    except TargetNotFoundError as error:
        source = args.plan or args.targets or args.opensdg or args.iati
        raise TargetNotFoundError(f"{source}: {error}") from None
    sys.stdout.write(text)
    return 0


def _cmd_lint(args: argparse.Namespace) -> int:
    from goalcheck.lint import lint_rules

    findings = list(lint_rules(args.rules_file))
    for finding in findings:
        print(finding)
    n = len(findings)
    print(f"{n} problem{'s' if n != 1 else ''} found" if n else "no problems found")
    return 1 if findings else 0


def _cmd_test(args: argparse.Namespace) -> int:
    from goalcheck.ruletest import run_rule_tests

    run = run_rule_tests(args.test_file)
    print(run.report())
    return 1 if run.failed else 0


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


def _add_input_options(p: argparse.ArgumentParser, *, plan: bool = True) -> None:
    if plan:
        p.add_argument("--targets", metavar="T.csv", help="targets CSV or workbook")
        p.add_argument("--measurements", metavar="M.csv", help="measurements CSV or workbook")
        p.add_argument(
            "--opensdg", metavar="DIR", help="an Open SDG data repository (goalcheck[opensdg])"
        )
        p.add_argument("--iati", metavar="FILE", help="an IATI activity file (XML, 2.01-2.03)")
    p.add_argument(
        "--decimal",
        choices=(".", ","),
        help="the decimal mark of spreadsheet numbers (default: read from each file); "
        "also used for --format csv",
    )
    p.add_argument(
        "--encoding", metavar="NAME", help="CSV text encoding (default: UTF-8, else cp1252)"
    )
    p.add_argument("--title", metavar="TEXT", help="the plan's title in reports (for CSV)")


def _add_rule_options(p: argparse.ArgumentParser, *, as_of_help: str) -> None:
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
        help="override a rule-set parameter, e.g. pace_tolerance=0.8 (repeatable)",
    )
    p.add_argument("--lang", choices=("en", "da"), default="en", help="language (default: en)")


def _add_report_options(p: argparse.ArgumentParser, *, as_of_help: str) -> None:
    from goalcheck.output import FORMATS

    _add_rule_options(p, as_of_help=as_of_help)
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the --output suffix, else table)",
    )
    for name, what in (("--status", "show only"), ("--fail-on", "exit 1 when any target has")):
        p.add_argument(
            name,
            metavar="STATUS",
            nargs="+",
            action="extend",
            help=f"{what} targets with these statuses (repeatable, or comma-separated)",
        )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE atomically instead of stdout (no partial file on error); "
        "'-' is stdout",
    )
    p.add_argument("--delimiter", metavar="SEP", help="CSV output separator: ',', ';' or tab")
    p.add_argument("--bom", action="store_true", help="CSV output starts with a BOM (for Excel)")
    p.add_argument(
        "--compare-to",
        metavar="DATE_OR_JSON",
        help="show the change since an earlier date, or since a JSON report file",
    )
    p.add_argument(
        "--funding",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show the plan's funding (per initiative, year and type) beside the goals; "
        "default: when the plan reports spending",
    )


def _commands(sub: Any) -> Callable[[str, str, str], argparse.ArgumentParser]:
    def command(name: str, help: str, epilog: str) -> argparse.ArgumentParser:
        return sub.add_parser(  # type: ignore[no-any-return]
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog="example:\n" + epilog,
            formatter_class=_formatter,
        )

    return command


_EVALUATE_EXAMPLES = (
    "  goalcheck evaluate examples/beskaeftigelsesaftale-2009 --as-of 2009-09-30\n"
    "  goalcheck evaluate --targets targets.csv --measurements measurements.csv \\\n"
    "      --format html --lang da --output status.html\n"
    "  goalcheck evaluate plan.xlsx --format xlsx -o status.xlsx\n"
    "  goalcheck evaluate plan.toml --fail-on at_risk --format json -o report.json"
)


def _add_evaluate(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command("evaluate", "evaluate a plan (TOML, CSV or workbook)", _EVALUATE_EXAMPLES)
    p.add_argument(
        "plan", nargs="?", metavar="PLAN", help="plan file or directory (TOML, CSV, xlsx)"
    )
    _add_input_options(p)
    p.add_argument(
        "--engine",
        choices=("scalar", "columnar"),
        default="scalar",
        help="scalar (default) or columnar: polars over --targets/--measurements CSV or parquet "
        "(needs goalcheck[polars])",
    )
    _add_report_options(p, as_of_help="evaluation date or period phrase (default: the plan's)")
    p.set_defaults(func=_cmd_evaluate)


def _add_explain(command: Callable[[str, str, str], argparse.ArgumentParser]) -> None:
    p = command(
        "explain",
        "show one target's facts, every rule's outcome in order, and the verdict",
        "  goalcheck explain examples/beskaeftigelsesaftale-2009 1.4/2 --as-of 2009-09-30\n"
        "  goalcheck explain --targets targets.csv --measurements measurements.csv T1",
    )
    p.add_argument(
        "plan", nargs="?", metavar="PLAN", help="plan file or directory (TOML, CSV, xlsx)"
    )
    p.add_argument("target_id", metavar="TARGET_ID", help="the target's id, e.g. 1.4/2")
    _add_input_options(p)
    _add_rule_options(p, as_of_help="evaluation date (default: the plan's)")
    p.set_defaults(func=_cmd_explain)


def _parser() -> argparse.ArgumentParser:
    from goalcheck import __version__

    parser = _Parser(
        prog="goalcheck",
        description="Evaluate the goals of public programmes, grants and plans: "
        "met, on track or at risk, and why.",
        formatter_class=_formatter,
        epilog="examples:\n  goalcheck demo\n  goalcheck evaluate plan.toml --as-of 2009-09-30\n"
        "  goalcheck explain plan.toml 1.4/2\n\n"
        "exit status: 0 ok, 1 a --fail-on status occurred, 2 bad input or usage",
    )
    parser.add_argument("--version", action="version", version=f"goalcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    command = _commands(sub)

    _add_evaluate(command)
    _add_explain(command)

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
        "  goalcheck test rules/tests/default.toml",
    )
    p.add_argument("test_file", metavar="RULES_TEST_FILE")
    p.set_defaults(func=_cmd_test)

    command("rules", "list the shipped rule sets", "  goalcheck rules").set_defaults(
        func=_cmd_rules
    )

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
    p.add_argument("--title", metavar="TEXT", help="the report's title")
    p.set_defaults(func=_cmd_demo, decimal=None)
    return parser


# -- errors --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"([0-9]+)")


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts ``row 9`` before ``row 10`` and ``cases[2]`` before ``cases[10]``.

    Digit runs compare by length, then text (never ``int()``: a 5,000-digit run in a hostile
    location would exceed Python's integer-string limit); ASCII digits only.
    """
    key = []
    for index, part in enumerate(_NUMBER.split(text)):
        if index % 2:
            digits = part.lstrip("0") or "0"
            key.append((len(digits), digits))
        else:
            key.append((-1, part))
    return tuple(key)


def problem_lines(problems: Sequence[Problem], limit: int = MAX_PROBLEMS) -> list[str]:
    """The lines the command line prints for *problems*: sorted, at most *limit*, then a count."""
    ordered = sorted(problems, key=lambda p: (_natural(p.file or ""), _natural(p.location or "")))
    lines = [str(problem) for problem in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"… and {len(ordered) - limit} more")
    return lines


def _oserror(error: OSError) -> str:
    reason = (error.strerror or str(error)).lower()
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    return reason


def _error_lines(error: BaseException) -> list[str]:
    """What to print after ``error:`` for an exception main() catches."""
    if isinstance(error, _UsageError):
        return [f"usage: {error}"]
    if isinstance(error, InputError):
        return problem_lines(error.problems)
    if isinstance(error, GoalcheckError):
        return [str(error)]
    if isinstance(error, OSError):
        return [_oserror(error)]
    if isinstance(error, UnicodeEncodeError):
        bad = error.object[error.start : error.end]
        return [
            f"the terminal's encoding ({error.encoding}) cannot show {bad!r}: "
            "write to a file with --output, or set PYTHONIOENCODING=utf-8"
        ]
    return [f"internal error, please report it: {type(error).__name__}: {error}"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    from goalcheck._io._read import InputWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            return _run(argv)
        finally:
            for warning in caught:
                sys.stderr.write(f"warning: {' '.join(str(warning.message).split())}\n")


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "func", None) is None:
            commands = "evaluate, explain, lint, test, rules, period, demo"
            raise _UsageError(f"a command is required: {commands} (see 'goalcheck --help')")
        return int(args.func(args))
    except SystemExit as stop:  # --help and --version
        return stop.code if isinstance(stop.code, int) else 0
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return 130
    except BrokenPipeError:
        return 1
    except (_UsageError, GoalcheckError, OSError, UnicodeEncodeError) as error:
        _fail(_error_lines(error))
    except Exception as error:
        if os.environ.get("GOALCHECK_DEBUG"):
            raise
        _fail(_error_lines(error))
    return 2


def _fail(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stderr.write(f"error: {' '.join(line.split())}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
