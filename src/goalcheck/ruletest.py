"""``goalcheck test``: rule-set test cases written as data.

In the spirit of ``opa test`` and DMN test scenarios, a rule test file is TOML: the rule set
under test, and cases that each give either facts or a small target with measurements, and
the status (and optionally the rule) expected::

    rules = "../default.toml"        # a path relative to this file, or a shipped name
    as_of = "2009-09-30"             # default for target cases

    [[cases]]
    name = "pace just at the tolerance is on track"
    facts = { value = 45, pace = 0.9, elapsed = 0.5, forecast_satisfied = true }
    expect = "on_track"
    expect_rule = "on-pace"          # optional
    parameters = { pace_tolerance = 0.9 }   # optional overrides

    [[cases]]
    name = "a count half way at mid-year is on track"
    expect = "on_track"
    [cases.target]
    direction = "at_least"
    target = 100
    deadline = "2009-12-31"
    start = "2009-01-01"
    measurements = [{ date = "2009-06-30", value = 50 }]

Facts a case does not give are ``None`` (missing), as the engine would leave them.  The run
never stops at the first failure; :meth:`RuleTestRun.report` ends with ``N passed, N failed``.
From pytest, :func:`assert_rule_tests` fails with that report.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from goalcheck._io._structure import KeyPath, Problems, build
from goalcheck._vocabulary import FACTS
from goalcheck.errors import GoalcheckError, Problem, RuleError, did_you_mean
from goalcheck.model import Target
from goalcheck.periods import to_date
from goalcheck.rules import RuleSet, load_rules

__all__ = ["CaseResult", "RuleTestRun", "assert_rule_tests", "run_rule_tests"]

_TOP_KEYS = ("rules", "as_of", "description", "cases")
_CASE_KEYS = ("name", "facts", "target", "expect", "expect_rule", "parameters", "as_of")


@attrs.frozen
class CaseResult:
    """One case's outcome."""

    name: str
    passed: bool
    expected: str
    got: str | None
    rule: str | None
    message: str = ""

    def __str__(self) -> str:
        if self.passed:
            return f"PASS {self.name}"
        return f"FAIL {self.name}: {self.message}"


@attrs.frozen
class RuleTestRun:
    """Every case's outcome, with the counts."""

    file: str
    rules: str
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> int:
        return sum(case.passed for case in self.cases)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed

    def report(self) -> str:
        lines = [str(case) for case in self.cases]
        lines.append(f"{self.passed} passed, {self.failed} failed")
        return "\n".join(lines)


def run_rule_tests(path: str | os.PathLike[str]) -> RuleTestRun:
    """Run every case in the rule test file at *path*.

    A malformed file raises :class:`~goalcheck.errors.RuleError` listing every problem,
    located as ``cases[2].expect``; a failing case is a result, not an error.
    """
    shown = os.fspath(path)
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise RuleError(Problem(f"not valid TOML: {error}", shown)) from None
    problems: list[Problem] = []
    _unknown(data, _TOP_KEYS, "", shown, problems)
    reference = data.get("rules")
    if not isinstance(reference, str):
        raise RuleError(Problem("needs `rules`: a rule set name or path", shown, "rules"))
    candidate = file.parent / reference
    rs = load_rules(candidate if candidate.suffix == ".toml" else reference)
    default_as_of = _date(data.get("as_of"), shown, "as_of", problems)
    cases = data.get("cases")
    if not isinstance(cases, list) or not cases:
        problems.append(Problem("needs at least one [[cases]] table", shown, "cases"))
        cases = []
    prepared = []
    for i, case in enumerate(cases):
        where = f"cases[{i}]"
        if not isinstance(case, dict):
            problems.append(Problem("a case must be a table", shown, where))
            continue
        prepared.append(_prepare(case, where, rs, default_as_of, shown, problems))
    if problems:
        raise RuleError(problems)
    results = tuple(_run(rs, case) for case in prepared if case is not None)
    return RuleTestRun(shown, rs.name, results)


def assert_rule_tests(path: str | os.PathLike[str]) -> RuleTestRun:
    """Run the file and raise ``AssertionError`` with the report if any case fails."""
    run = run_rule_tests(path)
    if run.failed:
        raise AssertionError(run.report())
    return run


@attrs.frozen
class _Case:
    name: str
    expect: str
    expect_rule: str | None
    parameters: dict[str, Any]
    facts: dict[str, object] | None
    target: Target | None
    as_of: dt.date | None


def _prepare(
    case: dict[str, Any],
    where: str,
    rs: RuleSet,
    default_as_of: dt.date | None,
    file: str,
    problems: list[Problem],
) -> _Case | None:
    before = len(problems)
    _unknown(case, _CASE_KEYS, where + ".", file, problems)
    name = str(case.get("name", where))
    expect = case.get("expect")
    statuses = [status.id for status in rs.statuses]
    if expect not in statuses:
        problems.append(
            Problem(
                f"expect must be one of {', '.join(statuses)}, not {expect!r}"
                + did_you_mean(str(expect), statuses),
                file,
                f"{where}.expect",
            )
        )
    expect_rule = case.get("expect_rule")
    rule_ids = [rule.id for rule in rs.rules]
    if expect_rule is not None and expect_rule not in rule_ids:
        problems.append(
            Problem(
                f"no rule {expect_rule!r} in {rs.name}" + did_you_mean(str(expect_rule), rule_ids),
                file,
                f"{where}.expect_rule",
            )
        )
    parameters = case.get("parameters", {})
    if not isinstance(parameters, dict):
        problems.append(Problem("parameters must be a table", file, f"{where}.parameters"))
        parameters = {}
    else:
        try:
            rs.bind(**parameters)
        except GoalcheckError as error:
            problems.append(Problem(str(error), file, f"{where}.parameters"))
    facts = case.get("facts")
    target_table = case.get("target")
    if (facts is None) == (target_table is None):
        problems.append(Problem("give either `facts` or `target`, not both", file, where))
    target: Target | None = None
    if facts is not None:
        if not isinstance(facts, dict):
            problems.append(Problem("facts must be a table", file, f"{where}.facts"))
        else:
            for key in facts:
                if key not in FACTS:
                    problems.append(
                        Problem(
                            f"unknown fact {key!r}" + did_you_mean(key, FACTS),
                            file,
                            f"{where}.facts.{key}",
                        )
                    )
    as_of = _date(case.get("as_of"), file, f"{where}.as_of", problems) or default_as_of
    if target_table is not None:
        target = _target(target_table, name, file, f"{where}.target", problems)
        if as_of is None:
            problems.append(Problem("a target case needs as_of (here or at the top)", file, where))
    if len(problems) > before:
        return None
    return _Case(name, str(expect), expect_rule, parameters, facts, target, as_of)


def _target(
    table: object, name: str, file: str, where: str, problems: list[Problem]
) -> Target | None:
    if not isinstance(table, dict):
        problems.append(Problem("target must be a table", file, where))
        return None
    # the plan loader's own builder: the same keys, checks and key paths as a plan file
    found = Problems(file)
    target: Target | None = build(Target, {"id": name, **table}, KeyPath(where), found)
    problems.extend(found.found)
    return target


def _run(rs: RuleSet, case: _Case) -> CaseResult:
    from goalcheck.engine import evaluate_iter

    try:
        if case.facts is not None:
            facts: dict[str, object] = dict.fromkeys(FACTS)
            for key, value in case.facts.items():
                is_date = FACTS[key].type == "date" and isinstance(value, dt.date | str)
                facts[key] = to_date(value) if is_date else value  # type: ignore[arg-type]
            index = rs.compile(**case.parameters)(facts)
            got = rs.rules[index].status if index >= 0 else None
            rule = rs.rules[index].id if index >= 0 else None
        else:
            if case.target is None or case.as_of is None:  # _prepare ensures both
                raise GoalcheckError("a target case needs a target and as_of")
            [result] = evaluate_iter([case.target], case.as_of, rs, **case.parameters)
            got, rule = result.status, result.rule
    except GoalcheckError as error:
        return CaseResult(case.name, False, case.expect, None, None, f"error: {error}")
    problems = []
    if got != case.expect:
        problems.append(f"expected {case.expect}, got {got} (rule {rule})")
    elif case.expect_rule is not None and rule != case.expect_rule:
        problems.append(f"expected rule {case.expect_rule}, got rule {rule}")
    return CaseResult(case.name, not problems, case.expect, got, rule, "; ".join(problems))


def _date(value: object, file: str, where: str, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date | str):
        problems.append(Problem(f"expected a date, not {value!r}", file, where))
        return None
    try:
        return to_date(value)
    except GoalcheckError as error:
        problems.append(Problem(str(error), file, where))
        return None


def _unknown(
    table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str, file: str, out: list[Problem]
) -> None:
    for key in table:
        if key not in allowed:
            out.append(
                Problem(f"unknown key {key!r}" + did_you_mean(key, allowed), file, prefix + key)
            )
