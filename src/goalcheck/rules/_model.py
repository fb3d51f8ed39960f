"""The rule-set model: statuses, parameters, rules, and the compiled classifier.

A :class:`RuleSet` checks itself when built (see :mod:`._check`), keeps each rule's checked
tree (:attr:`RuleSet.trees`, the nodes of :mod:`goalcheck._lang.nodes`) and compiles them
once per parameter binding into one Python function (see :mod:`goalcheck._lang.codegen`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from goalcheck._lang import codegen
from goalcheck._lang.check import Checked
from goalcheck._lang.nodes import Node
from goalcheck._lang.types import Kind
from goalcheck._text import check_lang
from goalcheck._vocabulary import FACTS
from goalcheck.errors import (
    EvaluationError,
    Problem,
    RuleError,
    UnknownNameError,
    did_you_mean,
)
from goalcheck.rules._check import Templates, check_rule_set, parameter_kind, parameter_value
from goalcheck.rules._template import NO_MATCH, render_template, template_names

__all__ = [
    "Parameter",
    "ParameterValue",
    "Rule",
    "RuleSet",
    "RuleSetInfo",
    "RuleTrace",
    "StatusInfo",
]

ParameterValue = bool | int | float


@attrs.frozen
class StatusInfo:
    """One status a rule set can give: id, English and Danish labels, rollup severity, tone.

    Rollups take the status with the highest severity (higher is worse).  *tone* is the
    colour outputs give it: ``good``, ``ok``, ``warn``, ``bad`` or ``none`` (no verdict).
    A status built without one gets it from its severity's rank when its rule set is built
    (the best quarter ``good``, then ``ok``, ``warn``, and the worst ``bad``), so every
    status of a :class:`RuleSet` has a tone.
    """

    id: str
    label_en: str
    label_da: str
    severity: int
    description: str = ""
    tone: str | None = None


@attrs.frozen
class Parameter:
    """A named constant rules may use, with its default; callers may override it."""

    name: str
    default: ParameterValue
    description: str = ""

    @property
    def type(self) -> str:
        """``bool`` or ``number``: an override must have the same type."""
        return "bool" if isinstance(self.default, bool) else "number"

    @property
    def kind(self) -> Kind:
        """:attr:`Kind.BOOL` or :attr:`Kind.NUMBER`, as :attr:`type`."""
        return Kind.BOOL if isinstance(self.default, bool) else Kind.NUMBER


@attrs.frozen
class Rule:
    """One rule: when its condition is true the target gets its status, for its reason.

    *origin* (file, location) says where the rule was written, so problems found later
    point at the right line of the right file when a rule set extends another.
    """

    id: str
    when: str
    status: str
    reason_en: str = ""
    reason_da: str = ""
    description: str = ""
    origin: tuple[str | None, str] | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True
    )


@attrs.frozen
class RuleTrace:
    """How one rule fared on one set of facts: matched or not, and the values it read."""

    index: int
    id: str
    status: str
    matched: bool
    values: Mapping[str, object]

    def __str__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
        verdict = "matched" if self.matched else "did not match"
        return f"{self.id}: {verdict} ({shown})" if shown else f"{self.id}: {verdict}"


@attrs.frozen
class RuleSetInfo:
    """A shipped rule set as ``goalcheck rules`` lists it."""

    name: str
    version: str
    description: str
    path: str


def _rebuild(fields: dict[str, Any]) -> RuleSet:
    return RuleSet(**fields)


def _to_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _to_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class RuleSet:
    """A checked rule set.  Build it with :func:`load_rules` (or directly: it checks itself).

    ``compile(**overrides)`` returns the classifier ``facts -> rule index`` (``-1`` when no
    rule matched), compiled once per parameter binding and cached.
    """

    name: str
    version: str
    description: str
    statuses: tuple[StatusInfo, ...] = attrs.field(converter=_to_tuple)
    parameters: dict[str, ParameterValue] = attrs.field(converter=_to_dict)
    hit_policy: str
    rules: tuple[Rule, ...] = attrs.field(converter=_to_tuple)
    parameter_descriptions: dict[str, str] = attrs.field(factory=dict, converter=_to_dict)
    source: str | None = None
    #: The rule file's ``rollup`` and ``years`` keys, untouched (their own module checks them).
    rollup: Any = attrs.field(default=None, kw_only=True)
    years: str | None = attrs.field(default=None, kw_only=True)
    #: ``"goals"`` (the default) or ``"funding"``: what :func:`goalcheck.evaluate` judges.
    applies_to: str | None = attrs.field(default=None, kw_only=True)
    fact_names: frozenset[str] = attrs.field(init=False)
    _checked: tuple[Checked, ...] = attrs.field(init=False, repr=False)
    _templates: tuple[Templates, ...] = attrs.field(init=False, repr=False)
    _cache: dict[tuple[Any, ...], Any] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        checks = check_rule_set(self)
        if checks.problems:
            raise RuleError(checks.problems)
        object.__setattr__(self, "statuses", checks.statuses)
        object.__setattr__(self, "_checked", checks.checked)
        object.__setattr__(self, "_templates", checks.templates)
        object.__setattr__(self, "fact_names", self.used_names() & FACTS.keys())

    def __reduce__(self) -> tuple[Any, ...]:
        # Compiled functions cannot be pickled; rebuild (and re-check) from the definition,
        # so a rule set can be sent to worker processes.
        fields = {
            field.name: getattr(self, field.name) for field in attrs.fields(RuleSet) if field.init
        }
        return (_rebuild, (fields,))

    # -- lookups ------------------------------------------------------------------------------

    @property
    def trees(self) -> tuple[Node, ...]:
        """Each rule's checked condition as a tree of :mod:`goalcheck._lang.nodes`, in order.

        The representation a backend compiles: every node has a ``kind`` and a ``span``
        (see docs/reference/rule-language.md).  Nodes are immutable.
        """
        return tuple(item.tree for item in self._checked)

    @property
    def costs(self) -> tuple[int, ...]:
        """Each rule's compiled size (see ``MAX_COST`` and ``MAX_TOTAL_COST``)."""
        return tuple(item.cost for item in self._checked)

    @property
    def parameter_info(self) -> tuple[Parameter, ...]:
        """Every parameter with its default and description."""
        return tuple(
            Parameter(name, value, self.parameter_descriptions.get(name, ""))
            for name, value in self.parameters.items()
        )

    def status(self, status_id: str) -> StatusInfo:
        """The status with this id (:class:`UnknownNameError` with a did-you-mean if none)."""
        for info in self.statuses:
            if info.id == status_id:
                return info
        known = [info.id for info in self.statuses]
        raise UnknownNameError(
            f"unknown status {status_id!r}{did_you_mean(status_id, known)}; "
            f"the rule set {self.name!r} has: {', '.join(known)}"
        )

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (:class:`UnknownNameError` with a did-you-mean if none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = [rule.id for rule in self.rules]
        raise UnknownNameError(f"unknown rule {rule_id!r}{did_you_mean(rule_id, known)}")

    def used_names(self) -> frozenset[str]:
        """Every fact and parameter the conditions and reason templates use."""
        names: set[str] = set()
        for item in self._checked:
            names |= item.names
        for pair in self._templates:
            for template in pair:
                names |= template_names(template)
        return frozenset(names)

    def rule_names(self, index: int) -> frozenset[str]:
        """The facts and parameters rule *index*'s condition reads."""
        return self._checked[index].names

    # -- evaluation ---------------------------------------------------------------------------

    def bind(self, **overrides: object) -> dict[str, ParameterValue]:
        """The parameters with *overrides* applied, checked (``RuleError`` if wrong).

        An override must have its parameter's type: ``True``/``False`` for a true/false
        parameter, any finite real number for a number one (``numpy.float64`` and other
        :class:`numbers.Real` become a plain ``float``).
        """
        problems = []
        bound = dict(self.parameters)
        for name, value in overrides.items():
            problem = self._bind_one(name, value, bound)
            if problem is not None:
                problems.append(problem)
        if problems:
            raise RuleError(problems)
        return bound

    def _bind_one(
        self, name: str, value: object, bound: dict[str, ParameterValue]
    ) -> Problem | None:
        where = f"parameters.{name}"
        if name not in self.parameters:
            hint = did_you_mean(name, self.parameters)
            known = ", ".join(sorted(self.parameters)) or "none"
            return Problem(
                f"unknown parameter {name!r}{hint}; the rule set {self.name!r} has: {known}",
                None,
                where,
            )
        expected = parameter_kind(self.parameters[name])
        if parameter_kind(value) is not expected:
            what = "true/false value" if expected is Kind.BOOL else "number"
            return Problem(f"parameter {name!r} must be a {what}, not {value!r}", None, where)
        try:
            bound[name] = parameter_value(value)
        except ValueError as error:
            return Problem(f"parameter {name!r} {error}", None, where)
        return None

    def _key(self, overrides: Mapping[str, object]) -> tuple[Any, ...]:
        return tuple(sorted((name, type(v).__name__, v) for name, v in overrides.items()))

    def compile(self, **overrides: object) -> Callable[[Mapping[str, object]], int]:
        """The classifier for these parameter values: ``facts -> index`` (``-1``: no match).

        Under hit policy ``unique`` two matching rules raise
        :class:`~goalcheck.errors.EvaluationError` naming both.  Facts missing from the
        mapping count as ``None``.
        """
        key = ("classify", *self._key(overrides))
        function = self._cache.get(key)
        if function is None:
            ids = [rule.id for rule in self.rules]
            name = self.name

            def clash(first: int, second: int) -> None:
                raise EvaluationError(
                    f"rules {ids[first]!r} and {ids[second]!r} of rule set {name!r} both "
                    "match, but its hit policy is 'unique'"
                )

            function = codegen.compile_classifier(
                self.trees,
                self._fact_kinds(),
                self.bind(**overrides),
                hit_policy=self.hit_policy,
                clash=clash,
                label=f"goalcheck rule set {self.name}",
            )
            self._remember(key, function)
        return function

    def classify(self, facts: Mapping[str, object], **overrides: object) -> StatusInfo | None:
        """The status the rules give these facts (``None`` if no rule matched)."""
        index = self.compile(**overrides)(facts)
        return None if index < 0 else self.status(self.rules[index].status)

    def trace(self, facts: Mapping[str, object], **overrides: object) -> tuple[RuleTrace, ...]:
        """Every rule in order: whether it matched these facts, and the values it read."""
        key = ("trace", *self._key(overrides))
        tests = self._cache.get(key)
        constants = self.bind(**overrides)
        if tests is None:
            tests = codegen.compile_rule_tests(
                self.trees, constants, label=f"goalcheck rule set {self.name} trace"
            )
            self._remember(key, tests)
        traces = []
        for index, (rule, test) in enumerate(zip(self.rules, tests, strict=True)):
            values = {
                name: constants[name] if name in constants else facts.get(name)
                for name in sorted(self._checked[index].names)
            }
            traces.append(RuleTrace(index, rule.id, rule.status, test(facts), values))
        return tuple(traces)

    def reason(
        self, index: int, facts: Mapping[str, object], lang: str = "en", **overrides: object
    ) -> str:
        """Rule *index*'s reason template rendered with *facts* (``en`` or ``da``).

        A ``None`` value renders as ``n/a`` (``ukendt``); index ``-1`` says no rule matched.
        A language other than ``en``/``da`` raises :class:`~goalcheck.errors.OptionError`.
        """
        lang = check_lang(lang)
        if index < 0:
            return NO_MATCH[lang]
        english, danish = self._templates[index]
        template = danish if lang == "da" and self.rules[index].reason_da else english
        constants = self.bind(**overrides) if overrides else self.parameters
        return render_template(template, {**facts, **constants}, lang)

    def _fact_kinds(self) -> dict[str, Kind]:
        used: set[str] = set()
        for item in self._checked:
            used |= item.names
        return {name: FACTS[name].kind for name in sorted(used) if name in FACTS}

    def _remember(self, key: tuple[Any, ...], value: object) -> None:
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = value
