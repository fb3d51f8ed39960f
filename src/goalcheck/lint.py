"""``goalcheck lint``: find mistakes in a rule set before it classifies anything.

Loading a rule set already rejects unknown names, type mistakes and unsafe constructs; lint
reports those as findings too, and then searches the space of facts for what loading cannot
see: rules that never fire (their condition is unsatisfiable, or earlier rules always win),
inputs that no rule matches (gaps), and inputs that two rules match under the ``unique`` hit
policy (overlaps).  Every finding after loading comes with a concrete example of facts.

The search is bounded and seeded, so lint is deterministic: each fact takes values from a
pool built from the constants and parameters the rules compare against (each one, and a hair
either side), a few ordinary numbers, and ``None``.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections.abc import Callable, Mapping, Sequence

import attrs

from goalcheck._lang.nodes import Literal, Node, walk
from goalcheck._lang.types import Kind
from goalcheck._vocabulary import FACTS
from goalcheck.errors import RuleError
from goalcheck.rules import RuleSet, load_rules

__all__ = ["Finding", "lint_rules"]

#: How many sampled inputs the search tries at most, and per rule when hunting for a witness.
SAMPLES = 4000
WITNESS_TRIES = 3000


@attrs.frozen
class Finding:
    """One problem lint found: what kind, where, and an example of facts that shows it."""

    kind: str  # load | never-matches | shadowed | gap | overlap
    message: str
    file: str | None = None
    location: str | None = None
    example: Mapping[str, object] | None = None

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.location) if part)
        text = f"{where}: {self.kind}: {self.message}" if where else f"{self.kind}: {self.message}"
        if self.example is not None:
            shown = ", ".join(f"{name}={_show(value)}" for name, value in self.example.items())
            text += f" — e.g. {{{shown}}}" if shown else " — e.g. any facts"
        return text


def lint_rules(
    rules: str | os.PathLike[str] | RuleSet, *, samples: int = SAMPLES, seed: int = 0
) -> list[Finding]:
    """Every finding for *rules* (a path, a shipped name or a RuleSet); empty when clean.

    A rule set that does not load yields its load problems as findings; a missing file or an
    unknown name still raises, since there is nothing to lint.
    """
    shown = os.fspath(rules) if not isinstance(rules, RuleSet) else rules.name
    try:
        rs = load_rules(rules)
    except RuleError as error:
        return [
            Finding("load", problem.message, problem.file, problem.location)
            for problem in error.problems
        ]
    return _Search(rs, shown, samples, seed).run()


class _Search:
    def __init__(self, rs: RuleSet, file: str, samples: int, seed: int) -> None:
        self.rs = rs
        self.file = file
        self.samples = samples
        self.random = random.Random(seed)
        read: set[str] = set()
        for i in range(len(rs.rules)):
            read |= rs.rule_names(i)
        self.names = sorted(read - set(rs.parameters))
        self.pools = {name: _pool(FACTS[name].kind, _constants(rs)) for name in self.names}
        self.tests = [_matcher(rs, i) for i in range(len(rs.rules))]

    def sample(self) -> dict[str, object]:
        return {name: self.random.choice(self.pools[name]) for name in self.names}

    def matches(self, facts: Mapping[str, object]) -> list[int]:
        trace = self.rs.trace(facts)
        return [t.index for t in trace if t.matched]

    def run(self) -> list[Finding]:
        findings: list[Finding] = []
        n = len(self.rs.rules)
        matched_ever = [False] * n
        won_ever = [False] * n
        shadow_example: dict[int, tuple[dict[str, object], int]] = {}
        gap: dict[str, object] | None = None
        overlaps: dict[tuple[int, int], dict[str, object]] = {}
        for facts in self.inputs():
            hits = self.matches(facts)
            if not hits:
                if gap is None:
                    gap = facts
                continue
            for i in hits:
                matched_ever[i] = True
                if i != hits[0]:
                    shadow_example.setdefault(i, (facts, hits[0]))
            won_ever[hits[0]] = True
            if self.rs.hit_policy == "unique" and len(hits) > 1:
                overlaps.setdefault((hits[0], hits[1]), facts)
        for i, rule in enumerate(self.rs.rules):
            where = f"rules[{i}] {rule.id!r}"
            if i == n - 1 and _always(self.rs.trees[i]):
                continue  # a closing catch-all is a deliberate safety net, even if unreachable
            if not matched_ever[i]:
                findings.append(
                    Finding(
                        "never-matches",
                        f"no sampled input satisfies its condition `{rule.when}`",
                        self.file,
                        where,
                    )
                )
            elif self.rs.hit_policy == "first" and not won_ever[i]:
                facts, winner = shadow_example[i]
                findings.append(
                    Finding(
                        "shadowed",
                        f"can never fire: whenever it matches, an earlier rule matches first "
                        f"(here {self.rs.rules[winner].id!r})",
                        self.file,
                        where,
                        self._only(facts, (i, winner)),
                    )
                )
        if gap is not None:
            findings.append(
                Finding(
                    "gap",
                    'no rule matches this input (add a catch-all rule `when = "true"`?)',
                    self.file,
                    None,
                    gap,
                )
            )
        for (a, b), facts in overlaps.items():
            findings.append(
                Finding(
                    "overlap",
                    f"rules {self.rs.rules[a].id!r} and {self.rs.rules[b].id!r} both match "
                    "under the 'unique' hit policy",
                    self.file,
                    f"rules[{b}] {self.rs.rules[b].id!r}",
                    self._only(facts, (a, b)),
                )
            )
        return findings

    def inputs(self) -> list[dict[str, object]]:
        """Random samples, plus for each rule a few inputs known to satisfy it."""
        found = [self.sample() for _ in range(self.samples)]
        for test in self.tests:
            for _ in range(WITNESS_TRIES):
                facts = self.sample()
                if test(facts):
                    found.append(facts)
                    found.extend(self.perturb(facts) for _ in range(20))
                    break
        return found

    def perturb(self, facts: dict[str, object]) -> dict[str, object]:
        changed = dict(facts)
        name = self.random.choice(self.names) if self.names else None
        if name is not None:
            changed[name] = self.random.choice(self.pools[name])
        return changed

    def _only(self, facts: Mapping[str, object], rules: Sequence[int]) -> dict[str, object]:
        used: set[str] = set()
        for i in rules:
            used |= self.rs.rule_names(i)
        return {name: value for name, value in facts.items() if name in used}


def _always(tree: Node) -> bool:
    return isinstance(tree, Literal) and tree.value is True


def _matcher(rs: RuleSet, index: int) -> Callable[[Mapping[str, object]], bool]:
    def test(facts: Mapping[str, object]) -> bool:
        return bool(rs.trace(facts)[index].matched)

    return test


def _constants(rs: RuleSet) -> list[float]:
    values: set[float] = set()
    for tree in rs.trees:
        for node in walk(tree):
            if (
                isinstance(node, Literal)
                and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)
            ):
                values.add(float(node.value))
    for value in rs.parameters.values():
        if isinstance(value, int | float) and not isinstance(value, bool):
            values.add(float(value))
    return sorted(values)


def _pool(kind: Kind, constants: Sequence[float]) -> list[object]:
    if kind is Kind.BOOL:
        return [True, False, True, False, None]
    if kind is Kind.DATE:
        return [dt.date(2009, 9, 30), dt.date(2010, 12, 31), None]
    numbers = {0.0, 1.0, -1.0, 0.5, 2.0, 100.0, -100.0}
    for c in constants:
        numbers |= {c, c - 1e-6, c + 1e-6, c - 1.0, c + 1.0}
    pool: list[float | None] = [*sorted(numbers)]
    # None about one time in eight, so conditions with several facts still get tried
    return [*pool, *([None] * max(1, len(pool) // 7))]


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
