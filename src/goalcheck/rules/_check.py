"""The checks every rule set passes: header, statuses, parameters, each rule, and the limits.

:func:`check_rule_set` runs when a :class:`~goalcheck.rules.RuleSet` is built (from a file or
in Python), so every rule set in memory is valid.  It collects every problem, each located
(``rules[2].when, column 7``) in the file that defined the part, rather than stopping at the
first.  The size limits are checked first and raise :class:`~goalcheck.errors.LimitError`
naming the limit, so an oversized rule set costs little before it is refused.
"""

from __future__ import annotations

import keyword
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

from goalcheck._lang.check import ALIASES, FUNCTIONS, Checked, check
from goalcheck._lang.types import Kind
from goalcheck._vocabulary import FACTS
from goalcheck.errors import LimitError, Problem, RuleError, did_you_mean
from goalcheck.rules._template import Template, TemplateError, parse_template

if TYPE_CHECKING:
    from goalcheck.rules._model import Rule, RuleSet, StatusInfo

__all__ = [
    "HIT_POLICIES",
    "MAX_RULES",
    "MAX_TOTAL_COST",
    "TONES",
    "Checks",
    "check_rule_set",
    "parameter_kind",
    "parameter_value",
]

#: The hit policies: ``first`` (the first matching rule wins), ``unique`` (at most one may match).
HIT_POLICIES = ("first", "unique")
#: The colour tones a status may have, from best to worst, and ``none`` (no verdict).
TONES = ("good", "ok", "warn", "bad", "none")
#: Most rules in one rule set (after ``extends``).
MAX_RULES = 2000
#: Largest compiled size of a whole rule set: the sum of its conditions' costs.
MAX_TOTAL_COST = 50_000

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
_RESERVED = frozenset(FUNCTIONS) | frozenset(ALIASES)

Templates = tuple[Template, Template]


@attrs.frozen
class Checks:
    """What checking a rule set found: each rule's checked condition and templates, the
    statuses with their tones resolved, and the problems."""

    checked: tuple[Checked, ...]
    templates: tuple[Templates, ...]
    statuses: tuple[StatusInfo, ...]
    problems: tuple[Problem, ...]


def parameter_kind(value: object) -> Kind | None:
    """``BOOL`` for ``True``/``False``, ``NUMBER`` for a real number, else ``None``."""
    if isinstance(value, bool):
        return Kind.BOOL
    if isinstance(value, numbers.Real):
        return Kind.NUMBER
    return None


def parameter_value(value: object) -> bool | int | float:
    """*value* as a plain ``bool``, ``int`` or ``float``; ``ValueError`` if it cannot be one.

    Any real number (``numpy.float64``, ``Fraction``, an ``int`` subclass) becomes a plain
    ``float`` (a plain ``int`` stays), so generated code only ever sees builtin values.
    NaN, infinities and numbers too large for a float are refused.
    """
    if isinstance(value, bool):
        return bool(value)
    whole = value if type(value) is int else None
    if not isinstance(value, numbers.Real):
        raise ValueError(f"must be a number or true/false, not {value!r}")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise ValueError("is too large (at most about 1.8e308)") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, not {value!r}")
    return number if whole is None else whole


def check_rule_set(rs: RuleSet) -> Checks:
    """Check *rs* whole; raise :class:`LimitError` if it is larger than the limits allow."""
    _check_count(rs)
    problems: list[Problem] = []

    def problem(message: str, location: str | None, file: str | None = rs.source) -> None:
        problems.append(Problem(message, file, location))

    _check_header(rs, problem)
    statuses = _check_statuses(rs, problem)
    parameters = _check_parameters(rs, problem)
    facts = {name: info.kind for name, info in FACTS.items()}
    if not rs.rules:
        problem("the rule set needs at least one rule", "rules")
    checked: list[Checked] = []
    templates: list[Templates] = []
    seen: set[str] = set()
    status_ids = {info.id for info in statuses}
    for index, rule in enumerate(rs.rules):
        result, pair = _check_rule(rs, index, rule, facts, parameters, seen, status_ids, problem)
        if result is not None:
            checked.append(result)
        templates.append(pair)
    if not problems:
        _check_cost(rs, checked)
    return Checks(tuple(checked), tuple(templates), statuses, tuple(problems))


def _check_count(rs: RuleSet) -> None:
    if len(rs.rules) > MAX_RULES:
        raise LimitError(
            Problem(
                f"the rule set has {len(rs.rules)} rules, more than the limit of {MAX_RULES} "
                "(MAX_RULES)",
                rs.source,
                "rules",
            )
        )


def _check_cost(rs: RuleSet, checked: list[Checked]) -> None:
    total = sum(item.cost for item in checked)
    if total > MAX_TOTAL_COST:
        raise LimitError(
            Problem(
                f"the rule set's conditions would compile to {total} terms, more than the "
                f"limit of {MAX_TOTAL_COST} (MAX_TOTAL_COST); use fewer or simpler rules",
                rs.source,
                "rules",
            )
        )


_Report = Callable[..., None]


def _check_header(rs: RuleSet, problem: _Report) -> None:
    if not isinstance(rs.name, str) or not rs.name:
        problem("the rule set needs a name", "name")
    elif any(unicodedata.category(char) in ("Cc", "Cf") for char in rs.name):
        problem(f"the name {rs.name!r} contains a control character", "name")
    if not isinstance(rs.version, str) or not rs.version:
        problem('the rule set needs a version (a string such as "1.0")', "version")
    if rs.hit_policy not in HIT_POLICIES:
        hint = did_you_mean(str(rs.hit_policy), HIT_POLICIES)
        problem(
            f"unknown hit policy {rs.hit_policy!r}{hint}; use 'first' or 'unique'", "hit_policy"
        )


def _check_statuses(rs: RuleSet, problem: _Report) -> tuple[StatusInfo, ...]:
    """The statuses, each with a tone (a missing one placed by severity rank)."""
    status_ids: set[str] = set()
    if not rs.statuses:
        problem("the rule set needs at least one status", "statuses")
    for info in rs.statuses:
        where = f"statuses.{info.id}"
        if info.id in status_ids:
            problem(f"status {info.id!r} is defined twice", where)
        status_ids.add(info.id)
        if not isinstance(info.severity, int) or isinstance(info.severity, bool):
            problem(f"severity must be a whole number, not {info.severity!r}", f"{where}.severity")
        if info.tone is not None and info.tone not in TONES:
            hint = did_you_mean(str(info.tone), TONES)
            problem(f"unknown tone {info.tone!r}{hint}; use {', '.join(TONES)}", f"{where}.tone")
    return _with_tones(rs.statuses)


def _with_tones(statuses: tuple[StatusInfo, ...]) -> tuple[StatusInfo, ...]:
    """Statuses without a tone get one by severity rank: best quarter good, ... worst bad."""
    ranked = sorted(
        {info.severity for info in statuses if isinstance(info.severity, int)},
    )
    result = []
    for info in statuses:
        if info.tone is None:
            if len(ranked) < 2 or info.severity not in ranked:
                tone = "none"
            else:
                share = ranked.index(info.severity) / (len(ranked) - 1)
                tone = TONES[min(3, int(share * 4))]
            info = attrs.evolve(info, tone=tone)
        result.append(info)
    return tuple(result)


def _check_parameters(rs: RuleSet, problem: _Report) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for name, value in rs.parameters.items():
        where = f"parameters.{name}"
        if not _NAME.match(name) or keyword.iskeyword(name) or name in _RESERVED:
            problem(
                f"parameter name {name!r} must be lower case letters, digits and '_', start "
                "with a letter, and not be a keyword or function name",
                where,
            )
            continue
        if name in FACTS:
            problem(f"parameter {name!r} has the name of a fact; choose another name", where)
            continue
        try:
            parameter_value(value)
        except ValueError as error:
            problem(f"parameter {name!r} {error}", where)
            continue
        kind = parameter_kind(value)
        assert kind is not None
        kinds[name] = kind
    return kinds


def _check_rule(
    rs: RuleSet,
    index: int,
    rule: Rule,
    facts: Mapping[str, Kind],
    parameters: Mapping[str, Kind],
    seen: set[str],
    status_ids: set[str],
    problem: _Report,
) -> tuple[Checked | None, Templates]:
    file, prefix = rule.origin or (rs.source, f"rules[{index}]")
    label = f"rule {rule.id!r}: "
    if not isinstance(rule.id, str) or not _RULE_ID.match(rule.id):
        problem(
            f"rule id {rule.id!r} must be letters, digits, '_', '-' or '.'", f"{prefix}.id", file
        )
    elif rule.id in seen:
        problem(f"rule id {rule.id!r} is used twice", f"{prefix}.id", file)
    seen.add(rule.id)
    if rule.status not in status_ids:
        hint = did_you_mean(str(rule.status), status_ids)
        known = ", ".join(info.id for info in rs.statuses)
        problem(
            f"{label}unknown status {rule.status!r}{hint}; the statuses are {known}",
            f"{prefix}.status",
            file,
        )
    checked: Checked | None = None
    try:
        checked = check(
            rule.when, facts, parameters, file=file, location=f"{prefix}.when", label=label
        )
    except RuleError as error:
        for item in error.problems:
            problem(item.message, item.location, item.file)
    pair = []
    for lang in ("en", "da"):
        try:
            pair.append(parse_template(getattr(rule, f"reason_{lang}"), facts, parameters))
        except TemplateError as error:
            problem(f"{label}{error}", f"{prefix}.reason_{lang}", file)
            pair.append(())
    return checked, (pair[0], pair[1])
