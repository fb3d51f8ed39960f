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
from pathlib import Path
from typing import Any

import attrs

from goalcheck._io._read import read_toml
from goalcheck._io._structure import KeyPath, Problems, build
from goalcheck._vocabulary import FACTS
from goalcheck.errors import GoalcheckError, InputError, Problem, RuleError, did_you_mean
from goalcheck.model import Target
from goalcheck.periods import to_date
from goalcheck.rules import RuleSet, load_rules

__all__ = ["CaseResult", "RuleTestRun", "assert_rule_tests", "run_rule_tests"]


# --------------------------------------------------------------------------- the file's schema


def _table(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is not None and not isinstance(value, dict):
            raise ValueError(f"{name} must be a table, not {value!r}")

    return check


def _opt_date(value: dt.date | str | None) -> dt.date | None:
    return None if value is None else to_date(value)


def _some_cases(_instance: object, _attribute: object, value: tuple[Any, ...]) -> None:
    if not value:
        raise ValueError("needs at least one [[cases]] table")


@attrs.frozen
class CaseSpec:
    """One ``[[cases]]`` table as written: facts or a target, and what is expected."""

    expect: str
    name: str | None = None
    expect_rule: str | None = None
    facts: dict[str, Any] | None = attrs.field(default=None, validator=_table("facts"))
    target: dict[str, Any] | None = attrs.field(default=None, validator=_table("target"))
    parameters: dict[str, Any] | None = attrs.field(default=None, validator=_table("parameters"))
    as_of: dt.date | None = attrs.field(default=None, converter=_opt_date)

    def __attrs_post_init__(self) -> None:
        if self.facts is None and self.target is None:
            raise ValueError("give `facts` or `target` (a case needs one of them)")
        if self.facts is not None and self.target is not None:
            raise ValueError("give either `facts` or `target`, not both")


@attrs.frozen
class RuleTestSpec:
    """A rule test file as written: the rule set under test and its cases."""

    rules: str
    cases: tuple[CaseSpec, ...] = attrs.field(converter=tuple, validator=_some_cases)
    as_of: dt.date | None = attrs.field(default=None, converter=_opt_date)
    description: str = ""


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
    data = read_toml(file, shown, error=RuleError)
    problems = Problems(shown)
    spec: RuleTestSpec | None = build(RuleTestSpec, data, KeyPath(), problems)
    if spec is None:
        reference = data.get("rules")
        if not isinstance(reference, str) or "rules" in {
            p.location for p in problems.found
        }:  # without a rule set the cases cannot be checked further
            raise RuleError(problems.found)
        _load(file, shown, reference)  # its problems first, if it has any
        raise RuleError(problems.found)
    rs = _load(file, shown, spec.rules)
    prepared = [
        _prepare(case, KeyPath().item("cases", i), rs, spec.as_of, problems)
        for i, case in enumerate(spec.cases)
    ]
    if problems.found:
        raise RuleError(problems.found)
    results = tuple(_run(rs, case) for case in prepared if case is not None)
    return RuleTestRun(shown, rs.name, results)


def _load(file: Path, shown: str, reference: str) -> RuleSet:
    """The rule set *reference* names: a path relative to the test file, or a shipped name."""
    candidate = file.parent / reference
    try:
        return load_rules(candidate if candidate.suffix == ".toml" else reference)
    except InputError:
        raise  # located in the rule file itself
    except GoalcheckError as error:
        raise RuleError(Problem(str(error), shown, "rules")) from None


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
    spec: CaseSpec,
    where: KeyPath,
    rs: RuleSet,
    default_as_of: dt.date | None,
    problems: Problems,
) -> _Case | None:
    """The case, checked against the rule set (statuses, rules, parameters, facts)."""
    before = len(problems.found)
    name = spec.name if spec.name is not None else str(where.whole)
    _check_expectations(spec, where, rs, problems)
    parameters = spec.parameters or {}
    try:
        rs.bind(**parameters)
    except GoalcheckError as error:
        problems.add(str(error), where.key("parameters"))
    for key in spec.facts or {}:
        if key not in FACTS:
            problems.add(
                f"unknown fact {key!r}" + did_you_mean(key, FACTS), f"{where.key('facts')}.{key}"
            )
    as_of = spec.as_of or default_as_of
    target: Target | None = None
    if spec.target is not None:
        # the plan loader's own builder: the same keys, checks and key paths as a plan file
        target = build(Target, {"id": name, **spec.target}, where.table("target"), problems)
        if as_of is None:
            problems.add("a target case needs as_of (here or at the top)", where.whole)
    if len(problems.found) > before:
        return None
    return _Case(name, spec.expect, spec.expect_rule, parameters, spec.facts, target, as_of)


def _check_expectations(spec: CaseSpec, where: KeyPath, rs: RuleSet, problems: Problems) -> None:
    statuses = [status.id for status in rs.statuses]
    if spec.expect not in statuses:
        problems.add(
            f"expect must be one of {', '.join(statuses)}, not {spec.expect!r}"
            + did_you_mean(spec.expect, statuses),
            where.key("expect"),
        )
    rule_ids = [rule.id for rule in rs.rules]
    if spec.expect_rule is not None and spec.expect_rule not in rule_ids:
        problems.add(
            f"no rule {spec.expect_rule!r} in {rs.name}"
            + did_you_mean(spec.expect_rule, rule_ids),
            where.key("expect_rule"),
        )


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
    except (ValueError, ArithmeticError) as error:  # e.g. a date past year 9999: this case fails
        message = f"error: {type(error).__name__}: {error}"
        return CaseResult(case.name, False, case.expect, None, None, message)
    problems = []
    if got != case.expect:
        problems.append(f"expected {case.expect}, got {got} (rule {rule})")
    elif case.expect_rule is not None and rule != case.expect_rule:
        problems.append(f"expected rule {case.expect_rule}, got rule {rule}")
    return CaseResult(case.name, not problems, case.expect, got, rule, "; ".join(problems))
