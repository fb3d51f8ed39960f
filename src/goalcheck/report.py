"""Results of an evaluation: a :class:`Result` per target, :class:`Rollup` per group, a Report.

A Result keeps the facts its rule set used and the index of the winning rule, and renders its
explanation only when asked (``result.explanation``, ``result.explain("da")``): building
sentences for a million targets nobody reads would cost more than evaluating them.

``Report.to_dict()`` is the JSON contract of ``--format json`` (``schema_version`` 1):
facts are made JSON-safe there (dates as ISO strings, enums as their values, floats as they
are, so a number round-trips exactly; rounding is left to presentation formats).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import linecache
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from goalcheck._text import check_lang
from goalcheck.errors import (
    InputError,
    MissingDependencyError,
    OptionError,
    Problem,
    did_you_mean,
)

__all__ = [
    "CHANGES",
    "SCHEMA_VERSION",
    "Change",
    "Comparison",
    "MissingDependencyError",
    "Report",
    "Result",
    "Rollup",
    "compare",
    "json_safe",
    "make_rollup",
]

SCHEMA_VERSION = 1


class _StatusInfo(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label_en(self) -> str: ...
    @property
    def label_da(self) -> str: ...
    @property
    def severity(self) -> int: ...


class _RuleSet(Protocol):
    """What a report needs from a rule set (``goalcheck.rules.RuleSet`` provides it)."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def statuses(self) -> Sequence[_StatusInfo]: ...
    def reason(
        self, index: int, facts: Mapping[str, object], lang: str = ..., **overrides: Any
    ) -> str: ...


@attrs.frozen
class _Context:
    """What a result needs to explain itself later; shared by every result of one run."""

    ruleset: _RuleSet
    overrides: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    # the target's own parameters (Target.params), named at the end of its explanation
    target_params: Mapping[str, Any] = attrs.field(factory=dict, hash=False)


def _own_parameters(params: Mapping[str, Any], lang: str) -> str:
    """``" (this target's own parameters: a = 0.02)"``, in English or Danish."""
    if not params:
        return ""

    def shown(value: Any) -> str:
        text = str(value).lower() if isinstance(value, bool) else f"{value:g}"
        return text.replace(".", ",") if lang == "da" else text

    pairs = ", ".join(f"{name} = {shown(value)}" for name, value in sorted(params.items()))
    lead = "målets egne parametre" if lang == "da" else "this target's own parameters"
    return f" ({lead}: {pairs})"


#: The public name of :class:`_Context`: the engine builds one per run, shared by its results.
ResultContext = _Context

_check_lang = check_lang


@attrs.frozen
class Result:
    """The verdict on one target at one date: its status, the rule that decided, the facts.

    ``facts`` holds the facts the rule set uses (its conditions and reason templates).
    ``explanation`` (English) and ``explain(lang)`` render the winning rule's reason with those
    facts; nothing is rendered until asked.
    """

    target_id: str
    title: str
    initiative: str | None
    area: str | None
    status: str
    rule: str | None
    facts: Mapping[str, object] = attrs.field(hash=False, repr=False)
    _index: int = attrs.field(default=-1, repr=False, eq=False, hash=False, alias="index")
    _context: _Context | None = attrs.field(
        default=None, repr=False, eq=False, hash=False, alias="context"
    )

    @property
    def explanation(self) -> str:
        """The English explanation."""
        return self.explain("en")

    def explain(self, lang: str = "en") -> str:
        """The winning rule's reason rendered with the facts, in English (en) or Danish (da)."""
        _check_lang(lang)
        if self._context is None or self._index < 0:
            return ""
        reason = self._context.ruleset.reason(
            self._index, self.facts, lang, **dict(self._context.overrides)
        )
        return reason + _own_parameters(self._context.target_params, lang)

    def label(self, lang: str = "en") -> str:
        """The status's label in English or Danish (the status id if the rule set has none)."""
        _check_lang(lang)
        if self._context is not None:
            for info in self._context.ruleset.statuses:
                if info.id == self.status:
                    return info.label_da if lang == "da" else info.label_en
        return self.status


def _result_builder() -> Callable[..., Result]:
    """A function building a :class:`Result` from its fields in order, without ``__init__``.

    A frozen class's ``__init__`` stores each field through ``object.__setattr__``, which
    costs more than all the rule dispatch of a target.  The engine builds one Result per
    target, so it stores the slots through their descriptors instead.  The source is generated
    from ``attrs.fields(Result)`` (a field added later is set too) and registered with
    :mod:`linecache`; Results have no validators or converters, and
    ``tests/test_report.py`` checks that both ways build equal Results.
    """
    names = [field.name for field in attrs.fields(Result)]
    setters = {f"_set_{name}": getattr(Result, name).__set__ for name in names}
    arguments = [name.lstrip("_") for name in names]
    body = "".join(
        f"    _set_{name}(result, {argument})\n"
        for name, argument in zip(names, arguments, strict=True)
    )
    source = (
        f"def new_result({', '.join(arguments)}):\n"
        f"    result = _new(Result)\n{body}    return result\n"
    )
    filename = "<goalcheck Result builder>"
    namespace: dict[str, Any] = {"_new": object.__new__, "Result": Result, **setters}
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    built: Callable[..., Result] = namespace["new_result"]
    return built


#: ``new_result(target_id, title, initiative, area, status, rule, facts, index, context)``:
#: a Result, as ``Result(...)`` with every argument given, at about half the cost.
new_result = _result_builder()


@attrs.frozen
class Rollup:
    """A group of targets (an initiative, an area or the whole plan) and its status.

    ``status`` is the most severe status among the group's targets (``None`` for a group with
    no targets), unless the rule set rolls up another way (``method`` ``mean_score`` or
    ``share_met``, with the group's ``score``); ``counts`` maps every status of the rule set to
    how many targets have it.
    """

    level: str  # "plan" | "area" | "initiative"
    id: str
    title: str
    status: str | None
    counts: Mapping[str, int] = attrs.field(hash=False)
    # the rule set's rollup method, and the group's mean score (mean_score) or share of met
    # targets (share_met); None for "worst"
    method: str = "worst"
    score: float | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "level": self.level,
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "counts": dict(self.counts),
        }
        if self.method != "worst":
            out["method"] = self.method
            out["score"] = json_safe(self.score)
        return out


def json_safe(value: object) -> object:
    """A JSON-encodable form of a fact: dates as ISO strings, enums as values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def _severity(ruleset: _RuleSet) -> dict[str, int]:
    return {info.id: info.severity for info in ruleset.statuses}


def make_rollup(
    level: str,
    group_id: str,
    title: str,
    statuses: Iterable[str] | Mapping[str, int],
    ruleset: _RuleSet,
) -> Rollup:
    """A group's rollup from its statuses (or their counts): the most severe one, and counts.

    ``counts`` lists every status of the rule set, in its order, zeros included.
    """
    severity = _severity(ruleset)
    counts = dict.fromkeys(severity, 0)
    if isinstance(statuses, Mapping):
        for status, n in statuses.items():
            counts[status] = counts.get(status, 0) + n
    else:
        for status in statuses:
            counts[status] = counts.get(status, 0) + 1
    present = [s for s, n in counts.items() if n]
    worst = max(present, key=lambda s: (severity.get(s, 1 << 30), s)) if present else None
    return Rollup(level, group_id, title, worst, counts)


CHANGES: tuple[str, ...] = ("worsened", "improved", "changed", "unchanged", "new")
"""How a target's status moved since an earlier report, worst news first.

``changed`` is for two statuses the current rule set cannot order (the earlier report used
another rule set); ``new`` for a target the earlier report did not have."""


@attrs.frozen
class Change:
    """One target's status now against an earlier report."""

    target_id: str
    earlier_status: str | None
    status: str
    change: str  # one of CHANGES


@attrs.frozen
class Comparison:
    """An earlier report's statuses, and how each target moved since.

    ``changes`` maps every target id of the current report to its :class:`Change`;
    ``removed`` lists the earlier report's targets that the current one no longer has.
    """

    as_of: dt.date | None
    rules_name: str | None
    rules_version: str | None
    changes: Mapping[str, Change] = attrs.field(hash=False)
    removed: tuple[str, ...] = ()

    def counts(self, shown: Iterable[str] | None = None) -> dict[str, int]:
        """How many targets (of *shown*, default all) have each change, every change listed."""
        counts = dict.fromkeys(CHANGES, 0)
        ids = self.changes if shown is None else shown
        for target_id in ids:
            change = self.changes.get(target_id)
            if change is not None:
                counts[change.change] += 1
        return counts

    def to_dict(self) -> dict[str, object]:
        """The ``compared_to`` member of the JSON report."""
        return {
            "as_of": self.as_of.isoformat() if self.as_of is not None else None,
            "rules": {"name": self.rules_name, "version": self.rules_version},
            "removed": list(self.removed),
        }


@attrs.frozen
class Report:
    """All results of one evaluation, with rollups; iterable, sized, indexable by target id.

    ``comparison`` is set by :func:`compare`: the earlier statuses and how each target moved.
    """

    as_of: dt.date
    rules: _RuleSet
    results: tuple[Result, ...]
    rollups: tuple[Rollup, ...] = ()
    comparison: Comparison | None = attrs.field(default=None, kw_only=True, eq=False)
    #: the plan's budget targets judged by the ``funding`` rule set, shown beside the goals
    funding: Report | None = attrs.field(default=None, kw_only=True, eq=False)
    _by_id: dict[str, Result] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, target_id: str) -> Result:
        if not self._by_id:
            for result in self.results:
                self._by_id.setdefault(result.target_id, result)
        try:
            return self._by_id[target_id]
        except KeyError:
            from goalcheck.errors import TargetNotFoundError

            raise TargetNotFoundError(
                f"no result for target {target_id!r}" + did_you_mean(target_id, self._by_id)
            ) from None

    @property
    def statuses(self) -> tuple[str, ...]:
        """The rule set's status ids, in its own order."""
        return tuple(info.id for info in self.rules.statuses)

    def summary(self) -> dict[str, int]:
        """How many targets have each status (every status of the rule set, zeros included)."""
        counts = dict.fromkeys(self.statuses, 0)
        for result in self.results:
            counts[result.status] = counts.get(result.status, 0) + 1
        return counts

    def filter(self, *statuses: str) -> Report:
        """A report with only the results whose status is one of *statuses* (rollups kept)."""
        known = self.statuses
        for status in statuses:
            if status not in known:
                raise OptionError(
                    f"unknown status {status!r}; the rule set {self.rules.name!r} has "
                    + ", ".join(known)
                    + did_you_mean(status, known)
                )
        wanted = frozenset(statuses)
        kept = tuple(r for r in self.results if r.status in wanted)
        return Report(self.as_of, self.rules, kept, self.rollups, comparison=self.comparison)

    def change(self, target_id: str) -> Change | None:
        """How *target_id*'s status moved since the compared report (``None`` without one)."""
        if self.comparison is None:
            return None
        return self.comparison.changes.get(target_id)

    def compare(self, earlier: Report | Mapping[str, Any] | str | os.PathLike[str]) -> Report:
        """This report with each target's change since *earlier* (see :func:`compare`)."""
        return compare(self, earlier)

    def records(self, lang: str = "en") -> list[dict[str, object]]:
        """One flat dict per result: id, title, initiative, area, status, label, rule,
        explanation, then each fact (JSON-safe), for tables and spreadsheets."""
        _check_lang(lang)
        rows: list[dict[str, object]] = []
        for r in self.results:
            row: dict[str, object] = {
                "id": r.target_id,
                "title": r.title,
                "initiative": r.initiative,
                "area": r.area,
                "status": r.status,
                "label": r.label(lang),
                "rule": r.rule,
                "explanation": r.explain(lang),
            }
            change = self.change(r.target_id)
            if change is not None:
                row["earlier_status"] = change.earlier_status
                row["change"] = change.change
            for name, value in r.facts.items():
                row.setdefault(name, json_safe(value))
            rows.append(row)
        return rows

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        """The JSON report contract (schema_version 1)."""
        _check_lang(lang)
        data: dict[str, object] = {
            "schema_version": SCHEMA_VERSION,
            "as_of": self.as_of.isoformat(),
            "rules": {"name": self.rules.name, "version": self.rules.version},
            "results": [self._result_dict(r, lang) for r in self.results],
            "rollups": [rollup.to_dict() for rollup in self.rollups],
            "summary": self.summary(),
        }
        if self.comparison is not None:
            # additive to schema_version 1: present only for a compared report
            data["compared_to"] = self.comparison.to_dict()
            data["changes"] = self.comparison.counts(r.target_id for r in self.results)
        if self.funding is not None:
            # additive to schema_version 1: present only when the plan's funding is shown
            from goalcheck._funding import funding_rows

            data["funding"] = json_safe(funding_rows(self.funding.results))
        return data

    def _result_dict(self, r: Result, lang: str) -> dict[str, object]:
        item: dict[str, object] = {
            "id": r.target_id,
            "title": r.title,
            "initiative": r.initiative,
            "status": r.status,
            "rule": r.rule,
            "explanation": r.explain(lang),
            "facts": {k: json_safe(v) for k, v in sorted(r.facts.items())},
        }
        change = self.change(r.target_id)
        if change is not None:
            item["earlier_status"] = change.earlier_status
            item["change"] = change.change
        return item

    def to_dataframe(self, lang: str = "en") -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra)."""
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise MissingDependencyError(
                "Report.to_dataframe() needs pandas: pip install 'goalcheck[pandas]'"
            ) from None
        return pd.DataFrame.from_records(self.records(lang))


# -- change since an earlier report -----------------------------------------------------------


def _earlier_statuses(
    earlier: Report | Mapping[str, Any] | str | os.PathLike[str],
) -> tuple[dict[str, str], dt.date | None, str | None, str | None]:
    """(target id -> status, as_of, rules name, rules version) of an earlier report."""
    if isinstance(earlier, Report):
        statuses: dict[str, str] = {}
        for r in earlier.results:
            statuses.setdefault(r.target_id, r.status)
        return statuses, earlier.as_of, earlier.rules.name, str(earlier.rules.version)
    shown = "the earlier report"
    if isinstance(earlier, str | os.PathLike):
        from goalcheck._io._read import read_text

        shown = os.fspath(earlier)
        text = read_text(Path(earlier), shown, error=InputError)
        try:
            earlier = json.loads(text)
        except ValueError as error:
            raise InputError(Problem(f"not a JSON report: {error}", shown)) from None
    return _statuses_from_json(earlier, shown)


def _statuses_from_json(
    data: object, shown: str
) -> tuple[dict[str, str], dt.date | None, str | None, str | None]:
    def bad(message: str, where: str | None = None) -> InputError:
        return InputError(Problem(message, shown, where))

    if not isinstance(data, Mapping) or data.get("schema_version") != SCHEMA_VERSION:
        raise bad(f"not a goalcheck JSON report (schema_version {SCHEMA_VERSION})")
    results = data.get("results")
    if not isinstance(results, list):
        raise bad("expected a list of results", "results")
    statuses: dict[str, str] = {}
    for index, item in enumerate(results):
        if not isinstance(item, Mapping):
            raise bad("expected an object with id and status", f"results[{index}]")
        target_id, status = item.get("id"), item.get("status")
        if not isinstance(target_id, str) or not isinstance(status, str):
            raise bad("expected a string id and status", f"results[{index}]")
        statuses.setdefault(target_id, status)
    as_of: dt.date | None = None
    if isinstance(data.get("as_of"), str):
        try:
            as_of = dt.date.fromisoformat(data["as_of"])
        except ValueError:
            raise bad(f"not an ISO date: {data['as_of']!r}", "as_of") from None
    rules = data.get("rules")
    name = version = None
    if isinstance(rules, Mapping):
        name = rules.get("name") if isinstance(rules.get("name"), str) else None
        version = str(rules["version"]) if rules.get("version") is not None else None
    return statuses, as_of, name, version


def _movement(earlier: str | None, now: str, severity: Mapping[str, int]) -> str:
    if earlier is None:
        return "new"
    if earlier == now:
        return "unchanged"
    if earlier not in severity or now not in severity or severity[earlier] == severity[now]:
        return "changed"
    return "worsened" if severity[now] > severity[earlier] else "improved"


def compare(
    report: Report, earlier: Report | Mapping[str, Any] | str | os.PathLike[str]
) -> Report:
    """*report* with each target's status compared with an *earlier* report.

    *earlier* is a :class:`Report`, a parsed JSON report (``Report.to_dict()``), or the path
    of a JSON report file (``goalcheck evaluate --format json -o last.json``).  A status that
    is more severe than before has ``worsened``, less severe ``improved``; a target the earlier
    report lacks is ``new``.  Every format then shows the earlier status and the change.
    """
    statuses, as_of, name, version = _earlier_statuses(earlier)
    severity = _severity(report.rules)
    changes: dict[str, Change] = {}
    for r in report.results:
        before = statuses.get(r.target_id)
        changes.setdefault(
            r.target_id,
            Change(r.target_id, before, r.status, _movement(before, r.status, severity)),
        )
    removed = tuple(t for t in statuses if t not in changes)
    comparison = Comparison(as_of, name, version, changes, removed)
    return attrs.evolve(report, comparison=comparison)
