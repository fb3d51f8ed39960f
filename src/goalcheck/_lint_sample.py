"""The sampled search lint falls back to when the exact reasoning cannot decide.

Each fact takes values from a pool built from the constants and parameters the rules compare
against (each one, and a step either side), a few round numbers, and ``None``; the search is
seeded, so lint stays deterministic.  Its findings say they were found by sampling.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence

from goalcheck._lang.nodes import Literal, Node, walk
from goalcheck._lang.types import Kind
from goalcheck._vocabulary import FACTS
from goalcheck.rules import RuleSet

__all__ = ["SAMPLES", "WITNESS_TRIES", "Sampled", "pool", "sampled_findings"]

#: How many sampled inputs the search tries at most, and per rule when hunting for a witness.
SAMPLES = 4000
WITNESS_TRIES = 3000
_NOTE = " (found by sampling: the reasoning cannot decide these conditions)"

# (kind, message, location, example) before it becomes a Finding
Sampled = tuple[str, str, str | None, dict[str, object] | None]


def sampled_findings(rs: RuleSet, samples: int = SAMPLES, seed: int = 0) -> list[Sampled]:
    """Shadowed, never-matching and overlapping rules and gaps found by sampling."""
    return _Search(rs, samples, seed).run()


class _Search:
    def __init__(self, rs: RuleSet, samples: int, seed: int) -> None:
        self.rs = rs
        self.samples = samples
        self.random = random.Random(seed)
        read: set[str] = set()
        for i in range(len(rs.rules)):
            read |= rs.rule_names(i)
        self.names = sorted(read - set(rs.parameters))
        self.pools = {name: pool(FACTS[name].kind, _constants(rs)) for name in self.names}
        self.tests = [_matcher(rs, i) for i in range(len(rs.rules))]

    def sample(self) -> dict[str, object]:
        return {name: self.random.choice(self.pools[name]) for name in self.names}

    def matches(self, facts: Mapping[str, object]) -> list[int]:
        trace = self.rs.trace(facts)
        return [t.index for t in trace if t.matched]

    def run(self) -> list[Sampled]:
        findings: list[Sampled] = []
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
                    ("never-matches", f"no input satisfies its condition{_NOTE}", where, None)
                )
            elif self.rs.hit_policy == "first" and not won_ever[i]:
                facts, winner = shadow_example[i]
                findings.append(
                    (
                        "shadowed",
                        "can never fire: whenever it matches, an earlier rule matches first "
                        f"(here {self.rs.rules[winner].id!r}){_NOTE}",
                        where,
                        self._only(facts, (i, winner)),
                    )
                )
        if gap is not None:
            findings.append(
                (
                    "gap",
                    f'no rule matches this input (add a catch-all rule `when = "true"`?){_NOTE}',
                    None,
                    gap,
                )
            )
        for (a, b), facts in overlaps.items():
            findings.append(
                (
                    "overlap",
                    f"rules {self.rs.rules[a].id!r} and {self.rs.rules[b].id!r} both match "
                    f"under the 'unique' hit policy{_NOTE}",
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


def pool(kind: Kind, constants: Sequence[float]) -> list[object]:
    """Values to try for a fact of *kind*, around the *constants* the rules use."""
    if kind is Kind.BOOL:
        return [True, False, True, False, None]
    if kind is Kind.DATE:
        return [dt.date(2009, 9, 30), dt.date(2010, 12, 31), None]
    numbers = {0.0, 1.0, -1.0, 0.5, 2.0, 100.0, -100.0}
    for c in constants:
        numbers |= {round(c + step, 9) for step in (0.0, -1e-6, 1e-6, -1.0, 1.0)}
    pool: list[float | None] = [*sorted(numbers)]
    # None about one time in eight, so conditions with several facts still get tried
    return [*pool, *([None] * max(1, len(pool) // 7))]
