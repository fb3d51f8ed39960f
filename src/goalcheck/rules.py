"""Rule sets: statuses, parameters and ordered rules over facts, loaded from TOML files.

A rule set classifies one target from its facts: the rules are tried in order and the first
whose ``when`` condition is true gives the status (hit policy ``first``), or exactly one rule
may match (hit policy ``unique``).  Conditions are checked when the rule set loads (see
:mod:`goalcheck._expr`) and compiled into one Python function per parameter binding, so
nothing in a rule file can run code and classification costs about as much as a hand-written
``if``/``elif``.  Every problem in a file is collected and raised as one
:class:`~goalcheck.errors.RuleError`, each located (``rules[2].when, column 7``).
"""

from __future__ import annotations

import ast
import datetime as dt
import keyword
import os
import re
import string
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from goalcheck import _expr
from goalcheck._resources import shipped_rules_dir
from goalcheck._vocabulary import FACTS
from goalcheck.errors import (
    EvaluationError,
    Problem,
    RuleError,
    RuleSetNotFoundError,
    did_you_mean,
)

__all__ = [
    "HIT_POLICIES",
    "Parameter",
    "Rule",
    "RuleSet",
    "RuleSetInfo",
    "RuleTrace",
    "StatusInfo",
    "list_rules",
    "load_rules",
]

#: The hit policies: ``first`` (the first matching rule wins), ``unique`` (at most one may match).
HIT_POLICIES = ("first", "unique")

ParameterValue = bool | int | float

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")
_FORMAT_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?"
    r"[bcdeEfFgGnosxX%]?\Z",
    re.DOTALL,
)
_DATE_SPEC = re.compile(r"(?:%[dmyYbBaAjeV]|[ .,/:\-])*\Z")
_MAX_WIDTH = 40
_MAX_PRECISION = 15
_MAX_EXTENDS = 8
_MISSING = {"en": "n/a", "da": "ukendt"}
_NO_MATCH = {"en": "no rule matched", "da": "ingen regel passede"}
_RESERVED = frozenset(_expr.FUNCTIONS) | {"true", "false"}


@attrs.frozen
class StatusInfo:
    """One status a rule set can give: id, English and Danish labels, rollup severity.

    Rollups take the status with the highest severity (higher is worse).
    """

    id: str
    label_en: str
    label_da: str
    severity: int
    description: str = ""


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


# One reason template, pre-parsed: (literal text, field name or None, format spec).
_Piece = tuple[str, str | None, str]


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
    fact_names: frozenset[str] = attrs.field(init=False)
    _checked: tuple[_expr.Checked, ...] = attrs.field(init=False, repr=False)
    _templates: tuple[tuple[tuple[_Piece, ...], tuple[_Piece, ...]], ...] = attrs.field(
        init=False, repr=False
    )
    _cache: dict[tuple[Any, ...], Any] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        checked, templates, problems = _check_rule_set(self)
        if problems:
            raise RuleError(problems)
        object.__setattr__(self, "_checked", tuple(checked))
        object.__setattr__(self, "_templates", tuple(templates))
        object.__setattr__(self, "fact_names", self.used_names() & FACTS.keys())

    def __reduce__(self) -> tuple[Any, ...]:
        # Compiled functions cannot be pickled; rebuild (and re-check) from the definition,
        # so a rule set can be sent to worker processes.
        return (
            RuleSet,
            (
                self.name,
                self.version,
                self.description,
                self.statuses,
                self.parameters,
                self.hit_policy,
                self.rules,
                self.parameter_descriptions,
                self.source,
            ),
        )

    # -- lookups ------------------------------------------------------------------------------

    @property
    def trees(self) -> tuple[ast.expr, ...]:
        """The checked condition trees, one per rule (the representation backends compile).

        Each node carries its type (``number``, ``bool``, ``date``) as ``goalcheck_type``.
        Treat them as read-only.
        """
        return tuple(item.tree for item in self._checked)

    @property
    def parameter_info(self) -> tuple[Parameter, ...]:
        """Every parameter with its default and description."""
        return tuple(
            Parameter(name, value, self.parameter_descriptions.get(name, ""))
            for name, value in self.parameters.items()
        )

    def status(self, status_id: str) -> StatusInfo:
        """The status with this id (``KeyError`` with a did-you-mean if there is none)."""
        for info in self.statuses:
            if info.id == status_id:
                return info
        known = [info.id for info in self.statuses]
        raise KeyError(f"unknown status {status_id!r}{did_you_mean(status_id, known)}")

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (``KeyError`` with a did-you-mean if there is none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = [rule.id for rule in self.rules]
        raise KeyError(f"unknown rule {rule_id!r}{did_you_mean(rule_id, known)}")

    def used_names(self) -> frozenset[str]:
        """Every fact and parameter the conditions and reason templates use."""
        names: set[str] = set()
        for item in self._checked:
            names |= item.names
        for pair in self._templates:
            for pieces in pair:
                names.update(name for _, name, _ in pieces if name)
        return frozenset(names)

    def rule_names(self, index: int) -> frozenset[str]:
        """The facts and parameters rule *index*'s condition reads."""
        return self._checked[index].names

    # -- evaluation ---------------------------------------------------------------------------

    def bind(self, **overrides: object) -> dict[str, ParameterValue]:
        """The parameters with *overrides* applied, checked (``RuleError`` if wrong)."""
        problems = []
        bound = dict(self.parameters)
        for name, value in overrides.items():
            if name not in self.parameters:
                hint = did_you_mean(name, self.parameters)
                known = ", ".join(sorted(self.parameters)) or "none"
                problems.append(
                    Problem(
                        f"unknown parameter {name!r}{hint}; the rule set {self.name!r} has: "
                        f"{known}",
                        None,
                        f"parameters.{name}",
                    )
                )
                continue
            expected = "bool" if isinstance(self.parameters[name], bool) else "number"
            if _parameter_type(value) != expected:
                problems.append(
                    Problem(
                        f"parameter {name!r} must be a {expected}, not {value!r}",
                        None,
                        f"parameters.{name}",
                    )
                )
                continue
            bound[name] = value  # type: ignore[assignment]
        if problems:
            raise RuleError(problems)
        return bound

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
            constants = self.bind(**overrides)
            ids = [rule.id for rule in self.rules]
            name = self.name

            def clash(first: int, second: int) -> None:
                raise EvaluationError(
                    f"rules {ids[first]!r} and {ids[second]!r} of rule set {name!r} both "
                    "match, but its hit policy is 'unique'"
                )

            function = _expr.compile_classifier(
                self.trees,
                self._fact_types(),
                constants,
                hit_policy=self.hit_policy,
                clash=clash,
                label=f"<goalcheck rule set {self.name}>",
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
            tests = _expr.compile_rule_tests(self.trees, self._fact_types(), constants)
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
        """
        if lang not in ("en", "da"):
            raise ValueError(f"language must be 'en' or 'da', not {lang!r}")
        if index < 0:
            return _NO_MATCH[lang]
        english, danish = self._templates[index]
        pieces = danish if lang == "da" and self.rules[index].reason_da else english
        constants = self.bind(**overrides) if overrides else self.parameters
        parts = []
        for literal, name, spec in pieces:
            parts.append(literal)
            if name is not None:
                value = constants[name] if name in constants else facts.get(name)
                parts.append(_render(value, spec, lang))
        return "".join(parts)

    def _fact_types(self) -> dict[str, str]:
        used: set[str] = set()
        for item in self._checked:
            used |= item.names
        return {name: FACTS[name].type for name in sorted(used) if name in FACTS}

    def _remember(self, key: tuple[Any, ...], value: object) -> None:
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = value


def _parameter_type(value: object) -> str | None:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return None


def _render(value: object, spec: str, lang: str) -> str:
    text = _render_plain(value, spec, lang)
    if lang == "da" and isinstance(value, int | float) and not isinstance(value, bool):
        # Danish writes 1.234,5 and 98 %
        text = text.translate(_DANISH_MARKS)
        if text.endswith("%") and not text.endswith(" %"):
            text = text[:-1] + "\N{NO-BREAK SPACE}%"
    return text


_DANISH_MARKS = str.maketrans({",": ".", ".": ","})


def _render_plain(value: object, spec: str, lang: str) -> str:
    if value is None:
        return _MISSING[lang]
    if isinstance(value, dt.date) and not spec:
        return value.isoformat()
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            pass
    if isinstance(value, bool):
        if lang == "da":
            return "ja" if value else "nej"
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Checking a rule set (used by RuleSet itself, so every RuleSet is valid).


def _check_rule_set(
    rs: RuleSet,
) -> tuple[
    list[_expr.Checked], list[tuple[tuple[_Piece, ...], tuple[_Piece, ...]]], list[Problem]
]:
    problems: list[Problem] = []
    file = rs.source

    def problem(message: str, location: str | None, where: str | None = file) -> None:
        problems.append(Problem(message, where, location))

    if not isinstance(rs.name, str) or not rs.name:
        problem("the rule set needs a name", "name")
    if not isinstance(rs.version, str) or not rs.version:
        problem('the rule set needs a version (a string such as "1.0")', "version")
    if rs.hit_policy not in HIT_POLICIES:
        hint = did_you_mean(str(rs.hit_policy), HIT_POLICIES)
        problem(
            f"unknown hit policy {rs.hit_policy!r}{hint}; use 'first' or 'unique'", "hit_policy"
        )

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

    types = {name: info.type for name, info in FACTS.items()}
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
        kind = _parameter_type(value)
        if kind is None:
            problem(f"parameter {name!r} must default to a number or true/false", where)
            continue
        types[name] = kind

    checked: list[_expr.Checked] = []
    templates: list[tuple[tuple[_Piece, ...], tuple[_Piece, ...]]] = []
    if not rs.rules:
        problem("the rule set needs at least one rule", "rules")
    seen: set[str] = set()
    for index, rule in enumerate(rs.rules):
        where_file, prefix = rule.origin or (file, f"rules[{index}]")
        label = f"rule {rule.id!r}: "
        if not isinstance(rule.id, str) or not _RULE_ID.match(rule.id):
            problem(
                f"rule id {rule.id!r} must be letters, digits, '_', '-' or '.'",
                f"{prefix}.id",
                where_file,
            )
        elif rule.id in seen:
            problem(f"rule id {rule.id!r} is used twice", f"{prefix}.id", where_file)
        seen.add(rule.id)
        if rule.status not in status_ids:
            hint = did_you_mean(str(rule.status), status_ids)
            known = ", ".join(info.id for info in rs.statuses)
            problem(
                f"{label}unknown status {rule.status!r}{hint}; the statuses are {known}",
                f"{prefix}.status",
                where_file,
            )
        try:
            checked.append(_expr.check(rule.when, types))
        except _expr.ExprError as error:
            for message, line, column in error.problems:
                place = f"{prefix}.when"
                if line is not None and column is not None:
                    multi = isinstance(rule.when, str) and "\n" in rule.when
                    place += f", line {line}, column {column}" if multi else f", column {column}"
                problem(label + message, place, where_file)
        pair = []
        for lang in ("en", "da"):
            text = getattr(rule, f"reason_{lang}")
            try:
                pair.append(_parse_template(text, types))
            except ValueError as error:
                problem(f"{label}{error}", f"{prefix}.reason_{lang}", where_file)
                pair.append(())
        templates.append((pair[0], pair[1]))
    return checked, templates, problems


_SAMPLES: dict[str, object] = {"number": 1.5, "bool": True, "date": dt.date(2000, 1, 1)}


def _parse_template(text: object, types: Mapping[str, str]) -> tuple[_Piece, ...]:
    """Split a reason template into pieces; only ``{name}`` and ``{name:spec}`` are allowed."""
    if not isinstance(text, str):
        raise ValueError("a reason must be a string")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ValueError(
            f"bad reason template: {error} (write '{{{{' for a literal brace)"
        ) from None
    pieces: list[_Piece] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None, ""))
            continue
        if conversion is not None:
            raise ValueError(f"'!{conversion}' is not allowed in {{{name}!{conversion}}}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ValueError(
                f"placeholder {{{name}}} must be a plain fact or parameter name "
                "(no '.', '[', '_' prefixes or positions)"
            )
        if name not in types:
            raise ValueError(f"unknown name {{{name}}} in the reason{did_you_mean(name, types)}")
        spec = spec or ""
        if types[name] == "date":
            if not _DATE_SPEC.match(spec):
                raise ValueError(
                    f"bad format {spec!r} in {{{name}:{spec}}}; dates take strftime codes "
                    "such as %d.%m.%Y"
                )
            pieces.append((literal, name, spec))
            continue
        match = _FORMAT_SPEC.match(spec)
        if "{" in spec or "}" in spec or "%" in spec[:-1] or match is None:
            raise ValueError(f"bad format {spec!r} in {{{name}:{spec}}}")
        width, precision = match.group("width"), match.group("precision")
        if (width and int(width) > _MAX_WIDTH) or (precision and int(precision) > _MAX_PRECISION):
            raise ValueError(
                f"format {spec!r} in {{{name}:{spec}}} is too wide (width at most {_MAX_WIDTH}, "
                f"precision at most {_MAX_PRECISION})"
            )
        if spec:
            try:
                format(_SAMPLES[types[name]], spec)
            except (ValueError, TypeError):
                raise ValueError(
                    f"format {spec!r} does not suit {name!r} (a {types[name]})"
                ) from None
        pieces.append((literal, name, spec))
    return tuple(pieces)


# ---------------------------------------------------------------------------------------------
# Finding and loading rule set files.


def _shipped_dir() -> Path:
    """Where the shipped rule sets are: in the wheel (goalcheck/_rules) or the checkout."""
    return shipped_rules_dir()


def _shipped() -> dict[str, Path]:
    directory = _shipped_dir()
    if not directory.is_dir():
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.toml"))}


def list_rules() -> list[RuleSetInfo]:
    """The shipped rule sets (name, version, description), sorted by name."""
    infos = []
    for name, path in sorted(_shipped().items()):
        data = _read_toml(path, str(path))
        infos.append(
            RuleSetInfo(
                name,
                str(data.get("version", "")),
                str(data.get("description", "")).strip(),
                str(path),
            )
        )
    return infos


_CACHE: dict[str, tuple[tuple[tuple[str, int, int], ...], RuleSet]] = {}


def load_rules(rules: str | os.PathLike[str] | RuleSet = "default") -> RuleSet:
    """A rule set by shipped name (``"default"``), by path, or an already loaded RuleSet.

    Raises :class:`~goalcheck.errors.RuleSetNotFoundError` for an unknown name or a missing
    file, and :class:`~goalcheck.errors.RuleError` listing every problem in a bad file.
    Loaded files are cached until they change.
    """
    if isinstance(rules, RuleSet):
        return rules
    if not isinstance(rules, str | os.PathLike):
        raise TypeError(f"load_rules() takes a name, a path or a RuleSet, not {rules!r}")
    path = _resolve(rules, None)
    shown = str(rules) if not _is_name(rules) else str(path)
    return _load_cached(path, shown)


def _is_name(reference: str | os.PathLike[str]) -> bool:
    if not isinstance(reference, str):
        return False
    return "/" not in reference and "\\" not in reference and not reference.endswith(".toml")


def _resolve(reference: str | os.PathLike[str], base: Path | None) -> Path:
    shipped = _shipped()
    if isinstance(reference, str) and reference in shipped:
        return shipped[reference]
    path = Path(reference)
    if base is not None and not path.is_absolute():
        path = base / path
    if path.is_file():
        return path
    if _is_name(reference) and not path.exists():
        names = ", ".join(sorted(shipped)) or "none"
        hint = did_you_mean(str(reference), shipped)
        raise RuleSetNotFoundError(
            f"no rule set named {str(reference)!r}{hint}; the shipped rule sets are: {names}"
        )
    if path.is_dir():
        raise RuleSetNotFoundError(f"{path} is a directory, not a rule set file")
    raise RuleSetNotFoundError(f"no rule set file {str(path)!r}")


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _load_cached(path: Path, shown: str) -> RuleSet:
    key = str(path.resolve())
    hit = _CACHE.get(key)
    if hit is not None:
        stamps, rule_set = hit
        try:
            if all(_stamp(Path(stamp[0])) == stamp for stamp in stamps):
                return rule_set
        except OSError:
            pass
    files: list[Path] = []
    rule_set = _load_file(path, shown, (), files)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (tuple(_stamp(file) for file in files), rule_set)
    return rule_set


def _read_toml(path: Path, shown: str) -> dict[str, Any]:
    import tomllib  # imported lazily: most runs load one rule set, once

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RuleError(Problem(f"not UTF-8 text: {error.reason}", shown)) from None
    except OSError as error:
        raise RuleSetNotFoundError(f"cannot read {shown}: {error.strerror or error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        location = f"line {match.group(1)}, column {match.group(2)}" if match else None
        if location is None and "end of document" in message:
            location = f"line {text.count(chr(10)) + 1} (end of file)"
        message = re.sub(r"\s*\(at .*\)$", "", message)
        raise RuleError(Problem(f"invalid TOML: {message}", shown, location)) from None


_TOP_KEYS = (
    "name",
    "version",
    "description",
    "extends",
    "hit_policy",
    "order",
    "statuses",
    "parameters",
    "rules",
)
_STATUS_KEYS = ("label_en", "label_da", "severity", "description")
_PARAMETER_KEYS = ("default", "description")
_RULE_KEYS = (
    "id",
    "when",
    "status",
    "reason_en",
    "reason_da",
    "description",
    "before",
    "after",
    "remove",
)


def _load_file(path: Path, shown: str, chain: tuple[str, ...], files: list[Path]) -> RuleSet:
    files.append(path)
    data = _read_toml(path, shown)
    builder = _Builder(shown)
    builder.unknown_keys(data, _TOP_KEYS, "")

    parent: RuleSet | None = None
    extends = data.get("extends")
    if extends is not None:
        if not isinstance(extends, str) or not extends:
            builder.problem("extends must be a rule set name or a relative path", "extends")
        elif len(chain) >= _MAX_EXTENDS:
            builder.problem(
                f"rule sets extend each other more than {_MAX_EXTENDS} deep", "extends"
            )
        else:
            try:
                parent_path = _resolve(extends, path.parent)
            except RuleSetNotFoundError as error:
                builder.problem(str(error), "extends")
            else:
                resolved = str(parent_path.resolve())
                if resolved in (*chain, str(path.resolve())):
                    builder.problem(
                        f"rule sets extend each other in a cycle via {extends!r}", "extends"
                    )
                else:
                    parent = _load_file(
                        parent_path, str(parent_path), (*chain, str(path.resolve())), files
                    )
    return builder.build(data, parent)


class _Builder:
    """Reads one rule set file's tables into RuleSet parts, collecting located problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, message: str, location: str | None) -> None:
        self.problems.append(Problem(message, self.file, location))

    def unknown_keys(self, table: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                place = f"{where}.{key}" if where else key
                self.problem(f"unknown key {key!r}{hint}", place)

    def string(self, table: Mapping[str, Any], key: str, where: str, default: str | None) -> Any:
        value = table.get(key, default)
        if value is None:
            self.problem(f"{key} is required", where)
            return None
        if not isinstance(value, str):
            self.problem(f"{key} must be a string, not {value!r}", where)
            return None
        return value

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"{key} must be a table ([{key}.<name>])", key)
            return {}
        return value

    def build(self, data: dict[str, Any], parent: RuleSet | None) -> RuleSet:
        name = self.string(data, "name", "name", None)
        version = self.string(data, "version", "version", None)
        description = self.string(data, "description", "description", "")
        default_policy = parent.hit_policy if parent else "first"
        hit_policy = self.string(data, "hit_policy", "hit_policy", default_policy)

        statuses = self.statuses(data, parent)
        parameters, descriptions = self.parameters(data, parent)
        rules = self.rules(data, parent)
        rules = self.order(data, rules)

        try:
            rule_set = RuleSet(
                name=name or "?",
                version=version or "?",
                description=(description or "").strip(),
                statuses=statuses,
                parameters=parameters,
                hit_policy=hit_policy or default_policy,
                rules=rules,
                parameter_descriptions=descriptions,
                source=self.file,
            )
        except RuleError as error:
            self.problems.extend(error.problems)
            rule_set = None
        if rule_set is not None and parent is not None:
            # A new parameter nothing uses is most likely a misspelt override.
            used = rule_set.used_names()
            for name in parameters:
                if name not in parent.parameters and name not in used:
                    hint = did_you_mean(name, parent.parameters)
                    self.problem(
                        f"parameter {name!r} is new here but no rule uses it{hint}",
                        f"parameters.{name}",
                    )
        if self.problems:
            raise RuleError(self.problems)
        assert rule_set is not None
        return rule_set

    def statuses(self, data: Mapping[str, Any], parent: RuleSet | None) -> list[StatusInfo]:
        result = {info.id: info for info in (parent.statuses if parent else ())}
        for status_id, table in self.table(data, "statuses").items():
            where = f"statuses.{status_id}"
            if not isinstance(table, dict):
                self.problem("a status must be a table (label_en, label_da, severity)", where)
                continue
            self.unknown_keys(table, _STATUS_KEYS, where)
            old = result.get(status_id)
            label_en = self.string(
                table, "label_en", f"{where}.label_en", old.label_en if old else None
            )
            label_da = self.string(
                table, "label_da", f"{where}.label_da", old.label_da if old else label_en
            )
            text = self.string(
                table, "description", f"{where}.description", old.description if old else ""
            )
            severity = table.get("severity", old.severity if old else None)
            if severity is None:
                self.problem("severity is required (a whole number; higher is worse)", where)
                continue
            if not isinstance(severity, int) or isinstance(severity, bool):
                self.problem(f"severity must be a whole number, not {severity!r}", where)
                continue
            if label_en is None or label_da is None or text is None:
                continue
            result[status_id] = StatusInfo(status_id, label_en, label_da, severity, text)
        return list(result.values())

    def parameters(
        self, data: Mapping[str, Any], parent: RuleSet | None
    ) -> tuple[dict[str, ParameterValue], dict[str, str]]:
        values: dict[str, ParameterValue] = dict(parent.parameters) if parent else {}
        descriptions = dict(parent.parameter_descriptions) if parent else {}
        for name, table in self.table(data, "parameters").items():
            where = f"parameters.{name}"
            if not isinstance(table, dict):
                self.problem("a parameter must be a table (default, description)", where)
                continue
            self.unknown_keys(table, _PARAMETER_KEYS, where)
            text = self.string(
                table, "description", f"{where}.description", descriptions.get(name, "")
            )
            if "default" not in table:
                if name not in values:
                    self.problem("a new parameter needs a default", where)
                    continue
            else:
                value = table["default"]
                kind = _parameter_type(value)
                if kind is None:
                    self.problem(
                        f"default must be a number or true/false, not {value!r}",
                        f"{where}.default",
                    )
                    continue
                if name in values and _parameter_type(values[name]) != kind:
                    expected = _parameter_type(values[name])
                    self.problem(
                        f"the extended rule set's {name!r} is a {expected}; "
                        f"the override must be too, not {value!r}",
                        f"{where}.default",
                    )
                    continue
                values[name] = value
            descriptions[name] = (text or "").strip()
        return values, descriptions

    def rules(self, data: Mapping[str, Any], parent: RuleSet | None) -> list[Rule]:
        rules = list(parent.rules) if parent else []
        entries = data.get("rules", [])
        if not isinstance(entries, list):
            self.problem("rules must be an array of tables ([[rules]])", "rules")
            return rules
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"rules[{index}]"
            if not isinstance(entry, dict):
                self.problem("each rule must be a table ([[rules]])", where)
                continue
            self.unknown_keys(entry, _RULE_KEYS, where)
            rule_id = entry.get("id")
            if not isinstance(rule_id, str) or not rule_id:
                self.problem("a rule needs an id (a string)", f"{where}.id")
                continue
            if rule_id in seen:
                self.problem(f"rule id {rule_id!r} is used twice in this file", f"{where}.id")
                continue
            seen.add(rule_id)
            ids = [rule.id for rule in rules]
            position = ids.index(rule_id) if rule_id in ids else None
            if entry.get("remove", False) is not False:
                if entry.get("remove") is not True:
                    self.problem("remove must be true", f"{where}.remove")
                elif position is None:
                    hint = did_you_mean(rule_id, ids)
                    self.problem(f"cannot remove unknown rule {rule_id!r}{hint}", f"{where}.id")
                elif set(entry) - {"id", "remove"}:
                    self.problem("a removed rule takes only id and remove", where)
                else:
                    del rules[position]
                continue
            old = rules[position] if position is not None else None
            fields: dict[str, Any] = {}
            for key in ("when", "status", "reason_en", "reason_da", "description"):
                if key in entry:
                    value = entry[key]
                    if key == "when" and isinstance(value, bool):
                        value = "True" if value else "False"
                    if not isinstance(value, str):
                        self.problem(f"{key} must be a string, not {value!r}", f"{where}.{key}")
                        continue
                    fields[key] = value
                elif old is not None:
                    fields[key] = getattr(old, key)
                elif key in ("when", "status", "reason_en"):
                    self.problem(f"a rule needs {key}", where)
                else:
                    fields[key] = ""
            if not {"when", "status", "reason_en"} <= fields.keys():
                continue
            rule = Rule(rule_id, origin=(self.file, where), **fields)
            if position is not None:
                rules[position] = rule
            else:
                rules.append(rule)
            self.place(entry, rules, rule, where)
        return rules

    def place(self, entry: Mapping[str, Any], rules: list[Rule], rule: Rule, where: str) -> None:
        """Move *rule* before or after another rule if the entry says so."""
        before, after = entry.get("before"), entry.get("after")
        if before is None and after is None:
            return
        if before is not None and after is not None:
            self.problem("give before or after, not both", where)
            return
        anchor = before if before is not None else after
        key = "before" if before is not None else "after"
        ids = [item.id for item in rules if item.id != rule.id]
        if not isinstance(anchor, str) or anchor not in ids:
            hint = did_you_mean(str(anchor), ids)
            self.problem(f"{key}: unknown rule {anchor!r}{hint}", f"{where}.{key}")
            return
        rules.remove(rule)
        position = [item.id for item in rules].index(anchor)
        rules.insert(position if key == "before" else position + 1, rule)

    def order(self, data: Mapping[str, Any], rules: list[Rule]) -> list[Rule]:
        order = data.get("order")
        if order is None:
            return rules
        if not isinstance(order, list) or not all(isinstance(item, str) for item in order):
            self.problem("order must be a list of rule ids", "order")
            return rules
        by_id = {rule.id: rule for rule in rules}
        problems = False
        for item in order:
            if item not in by_id:
                self.problem(f"unknown rule {item!r}{did_you_mean(item, by_id)}", "order")
                problems = True
        missing = [rule.id for rule in rules if rule.id not in order]
        if missing:
            self.problem(f"order must list every rule; missing: {', '.join(missing)}", "order")
            problems = True
        duplicates = sorted({item for item in order if order.count(item) > 1})
        if duplicates:
            self.problem(f"order lists {', '.join(duplicates)} more than once", "order")
            problems = True
        if problems:
            return rules
        return [by_id[item] for item in order]
