"""``goalcheck lint``: find mistakes in a rule set before it classifies anything.

Loading a rule set already rejects unknown names, type mistakes and unsafe constructs; lint
reports those as findings too, and then reasons over the rule conditions (the nodes of
:mod:`goalcheck._lang.nodes`) for what loading cannot see:

- ``never-matches``: a condition no facts satisfy;
- ``shadowed``: a rule that can never fire because earlier rules match everything it
  matches; the culprit named is the earliest rule that covers it alone, else the earliest
  rules that cover it together;
- ``gap``: facts no rule matches; ``overlap``: facts two rules match under hit policy
  ``unique``;
- ``missing-translation``: a rule without ``reason_da`` or a status whose Danish label is
  its English one; ``unused-parameter``: a parameter no condition or reason uses.

The reasoning is exact for comparisons of facts with numbers and parameters, true/false
facts, ``is None`` and ``and``/``or``/``not``/``if``: each condition becomes the region of
fact space where it is true (:mod:`goalcheck._lang.regions`), and shadowing and gaps are
region containment.  Parts it cannot decide (a fact compared with another fact, arithmetic
on facts) become independent unknowns; what it concludes still holds, and each example is
checked by running the compiled rules.  Where it cannot produce an example, or a rule set is
too large for it, lint falls back to a seeded sampled search, and those findings say so.
Every finding after loading comes with an example of facts in round numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
from collections.abc import Callable, Mapping, Sequence

import attrs

from goalcheck._lang.codegen import compile_rule_tests
from goalcheck._lang.nodes import Literal, Node, walk
from goalcheck._lang.regions import NumberSet, Region, TooComplex, ValueSet, round_number, truth
from goalcheck._lint_sample import SAMPLES, pool, sampled_findings
from goalcheck._vocabulary import FACTS
from goalcheck.errors import LimitError, RuleError
from goalcheck.rules import RuleSet, load_rules

__all__ = ["KINDS", "Finding", "lint_rules"]

#: The kinds of finding, in the order lint reports them.
KINDS = (
    "load",
    "never-matches",
    "shadowed",
    "gap",
    "overlap",
    "missing-translation",
    "unused-parameter",
)
#: How many candidate fact sets lint tries to turn a region into a concrete example.
REALISE_TRIES = 400


@attrs.frozen
class Finding:
    """One problem lint found: its kind (one of :data:`KINDS`), where, and example facts."""

    kind: str
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
    unknown name still raises, since there is nothing to lint.  *samples* and *seed* steer
    the sampled fallback.
    """
    shown = os.fspath(rules) if not isinstance(rules, RuleSet) else rules.name
    try:
        rs = load_rules(rules)
    except (RuleError, LimitError) as error:
        return [
            Finding("load", problem.message, problem.file, problem.location)
            for problem in error.problems
        ]
    try:
        found = _Exact(rs, seed).run()
    except TooComplex:
        found = sampled_findings(rs, samples, seed)
    findings = [
        Finding(kind, message, shown, where, example) for kind, message, where, example in found
    ]
    findings += [Finding(kind, message, shown, where) for kind, message, where in _texts(rs)]
    return findings


# (kind, message, location, example)
_Found = tuple[str, str, str | None, dict[str, object] | None]
_NOTE = " (found by sampling: the reasoning cannot decide comparisons of facts with each other)"


def _where(rs: RuleSet, index: int) -> str:
    return f"rules[{index}] {rs.rules[index].id!r}"


class _Exact:
    """Region reasoning over one rule set, with examples checked against compiled rules."""

    def __init__(self, rs: RuleSet, seed: int) -> None:
        self.rs = rs
        names = sorted({name for i in range(len(rs.rules)) for name in rs.rule_names(i)})
        self.facts = [name for name in names if name in FACTS]
        kinds = {name: FACTS[name].kind for name in self.facts}
        self.pairs, self.space = truth(rs.trees, kinds, rs.parameters)
        self.trues = [true for true, _ in self.pairs]
        self.classify = rs.compile() if rs.hit_policy == "first" else (lambda facts: -2)
        self.tests = compile_rule_tests(rs.trees, rs.bind(), label=f"goalcheck lint {rs.name}")
        self.random = random.Random(seed)
        self.constants = _constants(rs)

    def run(self) -> list[_Found]:
        found: list[_Found] = []
        uncovered = Region.everything()
        unique = self.rs.hit_policy == "unique"
        last = len(self.trues) - 1
        for index, true in enumerate(self.trues):
            closing = index == last and _always(self.rs.trees[index])
            if true.empty():
                found.append(self._never(index))
            elif not unique and not closing:
                reach = true & uncovered
                item = self._shadowed(index) if reach.empty() else self._reachable(index, reach)
                if item is not None:
                    found.append(item)
            uncovered = uncovered.minus(true, self.space)
        if not uncovered.empty():
            gap = self._gap(uncovered)
            if gap is not None:
                found.append(gap)
        if unique:
            found += self._overlaps()
        return found

    # -- single rules -------------------------------------------------------------------------

    def _never(self, index: int) -> _Found:
        return ("never-matches", "no facts satisfy its condition", _where(self.rs, index), None)

    def _shadowed(self, index: int) -> _Found:
        """Rule *index* is covered by earlier rules: name the earliest that cover it."""
        true = self.trues[index]
        alone = next((i for i in range(index) if true.within(self.trues[i], self.space)), None)
        if alone is not None:
            culprits = [alone]
        else:
            culprits, rest = [], true
            for i in range(index):
                if not (rest & self.trues[i]).empty():
                    culprits.append(i)
                    rest = rest.minus(self.trues[i], self.space)
                if rest.empty():
                    break
        names = " and ".join(repr(self.rs.rules[i].id) for i in culprits)
        together = " together" if len(culprits) > 1 else ""
        example = self._realise(true, lambda facts: self._covered(facts, index, culprits))
        message = f"can never fire: every input it matches is matched first by {names}{together}"
        return (
            "shadowed",
            message,
            _where(self.rs, index),
            self._only(example, [index, *culprits]),
        )

    def _reachable(self, index: int, reach: Region) -> _Found | None:
        """Rule *index* can fire by the reasoning; with opaque parts, confirm by an example."""
        if not self._opaque(reach):
            return None
        example = self._realise(reach, lambda facts: self.classify(facts) == index)
        if example is not None:
            return None
        message = f"can never fire: no facts were found where it matches first{_NOTE}"
        return ("shadowed", message, _where(self.rs, index), None)

    def _gap(self, uncovered: Region) -> _Found | None:
        example = self._realise(uncovered, lambda facts: not self._matching(facts))
        if example is None:
            return None  # only atoms that cannot all hold at once leave it uncovered
        note = _NOTE if self._opaque(uncovered) else ""
        message = f'no rule matches this input (add a catch-all rule `when = "true"`?){note}'
        used = {name for box in uncovered.boxes for name in box}
        return ("gap", message, None, {k: v for k, v in example.items() if k in used})

    def _overlaps(self) -> list[_Found]:
        found: list[_Found] = []
        for second in range(len(self.trues)):
            for first in range(second):
                both = self.trues[first] & self.trues[second]
                if both.empty():
                    continue
                check = functools.partial(self._matches, indexes=(first, second))
                example = self._realise(both, check)
                if example is None:
                    continue
                a, b = self.rs.rules[first].id, self.rs.rules[second].id
                note = _NOTE if self._opaque(both) else ""
                message = f"rules {a!r} and {b!r} both match under the 'unique' hit policy{note}"
                only = self._only(example, [first, second])
                found.append(("overlap", message, _where(self.rs, second), only))
        return found

    # -- examples -----------------------------------------------------------------------------

    def _opaque(self, region: Region) -> bool:
        return any(name in self.space.atoms for box in region.boxes for name in box)

    def _matching(self, facts: Mapping[str, object]) -> bool:
        return any(test(facts) for test in self.tests)

    def _matches(self, facts: Mapping[str, object], indexes: Sequence[int]) -> bool:
        return all(self.tests[i](facts) for i in indexes)

    def _covered(self, facts: Mapping[str, object], index: int, culprits: Sequence[int]) -> bool:
        return self.tests[index](facts) and any(self.tests[i](facts) for i in culprits)

    def _realise(
        self, region: Region, check: Callable[[dict[str, object]], bool]
    ) -> dict[str, object] | None:
        """Round facts in *region* for which *check* holds, or ``None`` if none was found."""
        for box in sorted(region.boxes, key=_plainness)[:20]:
            facts = {name: _pick(box.get(name)) for name in self.facts}
            if check(facts):
                return facts
        return self._search(region, check)

    def _search(
        self, region: Region, check: Callable[[dict[str, object]], bool]
    ) -> dict[str, object] | None:
        for _ in range(REALISE_TRIES):
            box = self.random.choice(region.boxes)
            facts = {name: self._candidate(name, box.get(name)) for name in self.facts}
            if check(facts):
                return facts
        return None

    def _candidate(self, name: str, dim: object) -> object:
        if isinstance(dim, NumberSet | ValueSet):
            return _pick(dim) if self.random.random() < 0.3 else _sample(dim, self.random)
        return self.random.choice(pool(FACTS[name].kind, self.constants))

    def _only(
        self, facts: Mapping[str, object] | None, indexes: Sequence[int]
    ) -> dict[str, object] | None:
        if facts is None:
            return None
        used = {name for i in indexes for name in self.rs.rule_names(i)}
        return {name: value for name, value in facts.items() if name in used}


def _plainness(box: Mapping[str, object]) -> int:
    """Boxes whose example is most informative first: fewer missing values."""
    return sum(1 for dim in box.values() if _pick(dim) is None)


def _pick(dim: object) -> object:
    if isinstance(dim, NumberSet | ValueSet):
        value = dim.pick()
        return dt.date(2020, 1, 1) if value == "date" else value
    return None


def _sample(dim: NumberSet | ValueSet, rng: random.Random) -> object:
    if isinstance(dim, ValueSet):
        value = rng.choice(sorted(dim.values, key=repr))
        return dt.date(2020, 1, 1) if value == "date" else value
    options: list[object] = [None] if dim.none else []
    for part in dim.parts:
        options.append(round_number(part))
        for step in (1.0, 0.5, 0.1):
            for point in (part.lo + step, part.hi - step):
                inside = NumberSet(False, (part,)) & NumberSet(
                    False, (type(part)(point, point, True, True),)
                )
                if not inside.empty():
                    options.append(round(point, 9))
    return rng.choice(options) if options else None


def _always(tree: Node) -> bool:
    return isinstance(tree, Literal) and tree.value is True


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


def _texts(rs: RuleSet) -> list[tuple[str, str, str]]:
    """Missing Danish texts and parameters nothing uses."""
    found = []
    for index, rule in enumerate(rs.rules):
        if rule.reason_en and not rule.reason_da:
            found.append(
                (
                    "missing-translation",
                    "no reason_da: the Danish report shows the English reason",
                    f"{_where(rs, index)}.reason_da",
                )
            )
    for info in rs.statuses:
        if info.label_da == info.label_en:
            found.append(
                (
                    "missing-translation",
                    f"the Danish label is the English one ({info.label_en!r}); give label_da",
                    f"statuses.{info.id}.label_da",
                )
            )
    used = rs.used_names()
    for name in rs.parameters:
        if name not in used:
            found.append(
                ("unused-parameter", "no condition or reason uses it", f"parameters.{name}")
            )
    return found


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
